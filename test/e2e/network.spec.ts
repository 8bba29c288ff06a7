import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, signIn, signInInBrowser, test } from './fixtures';
import type { Harness } from '../harness/harness';
import type { Sandbox } from '../sandbox/index';

/** Behind a company proxy: the AWS endpoints are names only the proxy can resolve, over HTTPS from the sandbox CA. */
test.use({
  sandboxOptions: { network: true, bedrock: { tokensPerSecond: 400 } },
  harnessEnv: {
    from: (sandbox) => {
      const endpoints = sandbox.network!.proxiedEndpoints;
      return {
        STRATA_COGNITO_IDENTITY_ENDPOINT: endpoints.cognitoIdentity,
        STRATA_STS_ENDPOINT: endpoints.sts,
        STRATA_BEDROCK_ENDPOINT: endpoints.bedrock,
        STRATA_BEDROCK_RUNTIME_ENDPOINT: endpoints.bedrockRuntime,
        STRATA_BEDROCK_AGENT_ENDPOINT: endpoints.bedrockAgent,
        STRATA_BEDROCK_AGENT_RUNTIME_ENDPOINT: endpoints.bedrockAgentRuntime,
        STRATA_SSO_ENDPOINT: endpoints.sso,
        STRATA_SSO_OIDC_ENDPOINT: endpoints.ssoOidc,
      };
    },
  },
});

/** Signs in from the button, expecting the sign-in to fail after the browser part: returns the notice. */
async function signInFails(app: Page, harness: Harness, sandbox: Sandbox) {
  await app.getByTestId('sign-in-button').click();
  const tab = await signInInBrowser(app.context(), harness, sandbox.users[0]!);
  await expect(tab.getByText(/You're signed in/i)).toBeVisible();
  await tab.close();
  const notice = app.getByTestId('error-notice');
  await expect(notice).toBeVisible();
  return notice;
}

async function saveSettings(app: Page, change: () => Promise<void>) {
  await app.getByTestId('settings-button').click();
  const dialog = app.getByTestId('settings-dialog');
  await expect(dialog).toBeVisible();
  await change();
  await app.getByTestId('settings-save-button').click();
  await expect(app.getByTestId('settings-saved')).toBeVisible();
  await app.getByTestId('settings-close-button').click();
  await expect(dialog).toBeHidden();
}

test('behind a company proxy: the person is told what is wrong at each step, sets the proxy and certificates in Settings, and chats', async ({
  app,
  harness,
  sandbox,
}, testInfo) => {
  const network = sandbox.network!;
  const proxyUser = { username: 'ada', password: 'correct horse battery staple' };
  network.proxy.requireSignIn(proxyUser);
  const caFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-ca-')), 'company-ca.pem');
  writeFileSync(caFile, network.caPem);

  // No proxy yet: the private names resolve nowhere.
  let notice = await signInFails(app, harness, sandbox);
  await expect(notice).toContainText("Strata couldn't reach AWS.");

  // Settings → Network: the proxy by address; a wrong one is a sentence beside its box.
  await app.getByTestId('settings-button').click();
  await expect(app.getByTestId('settings-dialog')).toBeVisible();
  await expect(app.getByTestId('setting-proxy')).toHaveValue('system');
  await app.getByTestId('setting-proxy').selectOption('address');
  const address = app.getByTestId('setting-proxy-address');
  // The box for it appears and takes the focus, so the person types on.
  await expect(address).toBeFocused();
  await address.fill('proxy.example.com:8080');
  await app.getByTestId('settings-save-button').click();
  await expect(app.locator('#setting-proxy-problem')).toHaveText(
    "Enter system, none, or the proxy's address, such as http://proxy.example.com:8080.",
  );
  await address.fill(network.proxy.url);
  await app.getByTestId('settings-save-button').click();
  await expect(app.getByTestId('settings-saved')).toBeVisible();
  const first = await new AxeBuilder({ page: app }).include('[data-testid="settings-dialog"]').analyze();
  expect(first.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  const shot = testInfo.outputPath('settings-network.png');
  await app.getByTestId('setting-proxy').scrollIntoViewIfNeeded();
  await app.screenshot({ path: shot });
  await testInfo.attach('Settings → Network with a proxy address', { path: shot, contentType: 'image/png' });
  await app.getByTestId('settings-close-button').click();

  // The proxy wants a sign-in: the notice says where to enter it; saved, Settings shows who, never the password.
  notice = await signInFails(app, harness, sandbox);
  await expect(notice).toContainText(`The proxy 127.0.0.1:${network.proxy.port} asks for a user name and password.`);
  await expect(notice).toContainText('Settings → Network → Proxy sign-in');
  await app.getByTestId('settings-button').click();
  await app.getByTestId('proxy-sign-in-username').fill(proxyUser.username);
  await app.getByTestId('proxy-sign-in-password').fill(proxyUser.password);
  await app.getByTestId('proxy-sign-in-password').press('Enter');
  await expect(app.getByTestId('proxy-sign-in-saved')).toContainText('Signing in to the proxy as ada. Kept encrypted on this computer.');
  await expect(app.getByTestId('proxy-sign-in-password')).toHaveCount(0);
  expect(await app.content()).not.toContain(proxyUser.password);
  await app.getByTestId('settings-close-button').click();

  // Through the proxy, the company's TLS inspection is not trusted yet: the notice names the host and the fix.
  notice = await signInFails(app, harness, sandbox);
  await expect(notice).toContainText("Strata doesn't trust the secure connection to cognito-identity.sandbox.test");
  await expect(notice).toContainText('Company certificates');

  // Check connection says the same for every AWS address, and whose certificate it met.
  await app.getByTestId('settings-button').click();
  await app.getByTestId('check-connection-button').click();
  const rows = app.getByTestId('connection-check-row');
  await expect(rows).toHaveCount(9);
  await expect(rows.filter({ hasText: 'Cognito Identity' })).toHaveAttribute('data-ok', 'false');
  await expect(rows.filter({ hasText: 'Cognito Identity' })).toContainText('from Strata Sandbox CA, Strata Sandbox, is not trusted here');
  await expect(rows.filter({ hasText: 'Company sign-in' })).toHaveAttribute('data-ok', 'true');
  await expect(app.getByTestId('connection-check')).toContainText('8 of 9 addresses have a problem.');

  // The certificates IT gave: saved, checked again, every address works; the report goes to IT.
  await app.getByTestId('setting-caBundle').fill(caFile);
  await expect(app.getByTestId('connection-check')).toContainText('save your changes first');
  await app.getByTestId('settings-save-button').click();
  await expect(rows).toHaveCount(0);
  await app.getByTestId('check-connection-button').click();
  await expect(app.getByTestId('connection-check')).toContainText('Every address works.');
  await expect(rows.filter({ hasText: 'Bedrock Runtime' })).toContainText(`Through the proxy 127.0.0.1:${network.proxy.port} (from Settings)`);
  const checkShot = testInfo.outputPath('settings-check-connection.png');
  await app.getByTestId('connection-check').scrollIntoViewIfNeeded();
  await app.screenshot({ path: checkShot });
  await testInfo.attach('Check connection, every address working', { path: checkShot, contentType: 'image/png' });
  await app.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
  await app.getByTestId('copy-connection-report').click();
  const report = await app.evaluate(() => navigator.clipboard.readText());
  expect(report).toContain(`OK  Bedrock Runtime (chat): ${network.proxiedEndpoints.bedrockRuntime}`);
  expect(report).toContain(`Proxy setting: ${network.proxy.url}`);
  const axe = await new AxeBuilder({ page: app }).include('[data-testid="settings-dialog"]').analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  await app.getByTestId('settings-close-button').click();

  await signIn(app, harness, sandbox.users[0]!);

  // Chat works, every AWS call through the proxy.
  await app.getByTestId('new-conversation-button').click();
  await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
  await app.getByTestId('composer-input').fill('Explain S3 storage classes');
  await app.getByTestId('composer-input').press('Enter');
  const answer = app.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  const stats = sandbox.stats();
  for (const host of ['cognito-identity', 'sts', 'bedrock', 'bedrock-runtime']) {
    expect(stats[`proxy:CONNECT:${host}.sandbox.test`], host).toBeGreaterThan(0);
  }

  // Back to the computer's settings: still signed in (a proxy does not change where tokens go).
  await saveSettings(app, async () => {
    await app.getByTestId('setting-proxy').selectOption('system');
    await expect(app.getByTestId('setting-proxy-address')).toHaveCount(0);
  });
  await expect(app.getByTestId('session-user-name')).toHaveText(sandbox.users[0]!.name);
  expect(harness.services.settings.effective()).toMatchObject({ proxy: 'system', caBundle: caFile });
});
