/**
 * An IAM Identity Center profile as a person uses it: chosen in Settings →
 * Account, signed in on IAM Identity Center's page in the browser, chatting;
 * to an access-key profile and back without signing in again; signed out, then
 * signed in again from a terminal (`aws sso login`) and picked up by itself,
 * with the warning before that session ends and "Sign in again" before it
 * does; and signing in with a code instead of the redirect.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { awsFilesFolder, ssoCacheFileIn, ssoProfileLines } from '../harness/aws-files';
import type { Harness } from '../harness/harness';
import type { SandboxUser } from '../sandbox/index';
import { ask, expect, lastAnswer, test, useSource } from './fixtures';

/** Where the AWS CLI caches the "corp" session, in the harness's home folder. */
const cacheFile = (harness: Harness) => ssoCacheFileIn(path.join(harness.userDataDir, 'home'));

/** Signs in on IAM Identity Center's page in a browser tab, as the person would; returns the tab. */
async function signInAtIdentityCenter(context: BrowserContext, harness: Harness, user: SandboxUser): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(await harness.nextOpenedUrl());
  await tab.locator('input[name="username"]').fill(user.username);
  await tab.locator('input[name="password"]').fill(user.password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByText(/You're signed in/i)).toBeVisible();
  return tab;
}

test.describe('IAM Identity Center', () => {
  test.use({
    sandboxOptions: { bedrock: { tokensPerSecond: 0, answerWords: 20 } },
    harnessEnv: { from: (sandbox) => awsFilesFolder(sandbox, ssoProfileLines(sandbox)) },
  });

  test('sign in on its page, chat, switch away and back, sign in from a terminal, get warned before the end, and sign in with a code', async ({
    app,
    harness,
    sandbox,
  }, testInfo) => {
    const [ada, grace] = sandbox.users as [SandboxUser, SandboxUser];

    // Settings → Account: the profile and its session, not signed in yet.
    await app.getByTestId('other-sign-in-button').click();
    const row = app.getByTestId('account-source-profile:sso-dev');
    await expect(row).toContainText('IAM Identity Center · PowerUser in 123456789012 · us-east-1');
    await expect(row.getByTestId('account-sso-session')).toHaveText('Not signed in to IAM Identity Center: Use signs you in in your browser.');
    await row.getByTestId('account-use-button').click();
    await app.getByTestId('settings-close-button').click();

    // In the browser, as aws sso login does it; Strata goes on by itself.
    await expect(app.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
    await expect(app.getByText('A tab opened in your web browser to sign in with IAM Identity Center.', { exact: false })).toBeVisible();
    await expect(app.getByTestId('sso-use-code-button')).toBeVisible();
    const axe = await new AxeBuilder({ page: app }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    const tab = await signInAtIdentityCenter(app.context(), harness, ada);
    await tab.close();
    await expect(app.getByTestId('session-state')).toHaveText('AWS profile sso-dev');
    // Named as the person IAM Identity Center signed in, with the permission set in the details.
    await expect(app.getByTestId('session-user-name')).toHaveText('ada');
    await app.getByTestId('session-details-button').click();
    await expect(app.getByTestId('session-sso')).toContainText('Strata renews the session before');
    await expect(app.getByTestId('session-sso-sign-out-note')).toHaveText('Signing out also signs the AWS CLI out of this IAM Identity Center session.');
    await app.getByTestId('session-details-button').click();
    await ask(app, 'Hello from IAM Identity Center');
    await expect(lastAnswer(app).getByTestId('message-usage')).toContainText('us-east-1');

    // To the access-key profile and back: the IAM Identity Center session is still there, no browser.
    await useSource(app, 'profile:dev');
    await expect(app.getByTestId('session-user-name')).toHaveText('ada');
    await useSource(app, 'profile:sso-dev');
    await expect(app.getByTestId('session-state')).toHaveText('AWS profile sso-dev');
    await ask(app, 'Back again');
    expect(sandbox.stats()['sso-oidc:authorize']).toBe(1);

    // Signed out (the AWS CLI too: it shares the session), then `aws sso login` in a terminal as grace,
    // whose session Strata cannot renew and which ends in ten minutes.
    await app.getByTestId('sign-out-button').click();
    await expect(app.getByTestId('sign-in-button')).toHaveText('Sign in with IAM Identity Center');
    mkdirSync(path.dirname(cacheFile(harness)), { recursive: true });
    writeFileSync(cacheFile(harness), JSON.stringify(sandbox.identityCenter.cliSession(grace.username, { ttlSeconds: 600, refreshable: false })));
    await expect(app.getByTestId('session-user-name')).toHaveText('grace');
    const warning = app.getByTestId('sso-expiry-warning');
    await expect(warning).toContainText(/Your IAM Identity Center session ends in (9|10):\d\d/);
    await testInfo.attach('sso-expiry-warning', { body: await app.screenshot(), contentType: 'image/png' });

    // "Sign in again" before it ends: the browser once more, and the warning goes.
    await warning.getByTestId('sso-sign-in-again-button').click();
    await signInAtIdentityCenter(app.context(), harness, grace).then((page) => page.close());
    await expect(app.getByTestId('session-user-name')).toHaveText('grace');
    await expect(warning).toBeHidden();
    await ask(app, 'Still here');

    // Signing in with a code instead of the redirect.
    await app.getByTestId('sign-out-button').click();
    await app.getByTestId('sign-in-button').click();
    await harness.nextOpenedUrl(); // the sign-in page, which the person leaves for a code
    await app.getByTestId('sso-use-code-button').click();
    const code = await app.getByTestId('sso-device-code').textContent();
    expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const device = await app.context().newPage();
    await device.goto(await harness.nextOpenedUrl());
    await expect(device.locator('input[name="user_code"]')).toHaveValue(code!);
    await device.locator('input[name="username"]').fill(ada.username);
    await device.locator('input[name="password"]').fill(ada.password);
    await device.getByRole('button', { name: 'Allow' }).click();
    await expect(app.getByTestId('session-user-name')).toHaveText('ada');
    await expect(app.getByTestId('session-state')).toHaveText('AWS profile sso-dev');
    await ask(app, 'Signed in with a code');
  });

  test('a session near its end renews itself with its refresh token: no warning, no browser, and the chat goes on', async ({ app, harness, sandbox }) => {
    const [ada] = sandbox.users as [SandboxUser];
    // Access tokens that last seconds: each is renewed as the one before runs out.
    sandbox.identityCenter.setTokenTtl(8);
    await app.getByTestId('other-sign-in-button').click();
    await app.getByTestId('account-source-profile:sso-dev').getByTestId('account-use-button').click();
    await app.getByTestId('settings-close-button').click();
    await signInAtIdentityCenter(app.context(), harness, ada).then((tab) => tab.close());
    await expect(app.getByTestId('session-state')).toHaveText('AWS profile sso-dev');
    await ask(app, 'Before the token runs out');

    await expect.poll(() => sandbox.stats()['sso-oidc:CreateToken:refresh_token'] ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await expect(app.getByTestId('sso-expiry-warning')).toBeHidden();
    await expect(app.getByTestId('session-ended-banner')).toBeHidden();
    await ask(app, 'After two renewals');
    await expect(lastAnswer(app).getByTestId('message-usage')).toContainText('us-east-1');
    // Renewed without the person: the browser was opened once, for the first sign-in.
    expect(sandbox.stats()['sso-oidc:authorize']).toBe(1);
  });
});
