import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { startHarness } from '../harness/harness';
import type { SandboxUser } from '../sandbox/index';
import { expect, signIn, signInInBrowser, test } from './fixtures';

/** Signs in on the identity provider's page at `url`, in a new tab, as a person would with a link they pasted. */
async function signInAt(app: Page, url: string, user: SandboxUser): Promise<void> {
  const tab = await app.context().newPage();
  await tab.goto(url);
  await tab.locator('input[name="username"]').fill(user.username);
  await tab.locator('input[name="password"]').fill(user.password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByText(/You're signed in/i)).toBeVisible();
  await tab.close();
}

/** Runs axe in light and in dark, since contrast differs; reduced motion lets colour transitions settle at once. */
async function expectNoAxeViolations(app: Page, what: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const axe = await new AxeBuilder({ page: app }).analyze();
    const violations = axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(violations, `${what}, ${colorScheme}`).toEqual([]);
  }
}

test.describe('company sign-in', () => {
  test('signs in through the browser and shows who is signed in', async ({ app, harness, sandbox }, testInfo) => {
    const [ada] = sandbox.users;
    await expect(app.getByTestId('sign-in-button')).toContainText('Example Corp');
    await app.getByTestId('sign-in-button').click();
    await expect(app.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();

    const tab = await signInInBrowser(app.context(), harness, ada!);
    await expect(tab.getByText(/You're signed in/i)).toBeVisible();
    await expect(tab.getByText(/return to Strata/i)).toBeVisible();

    // The header says who, in plain words: no ARN, no ticking clock while the session renews on its own.
    await expect(app.getByTestId('session-user-name')).toHaveText(ada!.name);
    await expect(app.getByTestId('session-state')).toHaveText('Signed in');
    expect(await app.getByRole('banner').innerText()).not.toMatch(/arn:|StrataAuthenticated/);
    await expect(app.getByTestId('session-countdown')).toHaveCount(0);

    // The details are behind the name: email, account (grouped as the AWS console does), role, and when it renews.
    const button = app.getByTestId('session-details-button');
    const details = app.getByTestId('session-details');
    await expect(details).toBeHidden();
    await expect(button).toHaveAttribute('aria-expanded', 'false');
    await button.click();
    await expect(button).toHaveAttribute('aria-expanded', 'true');
    await expect(button).toHaveAttribute('aria-controls', (await details.getAttribute('id'))!);
    await expect(details).toBeVisible();
    await expect(app.getByTestId('session-user-email')).toHaveText(ada!.email);
    await expect(app.getByTestId('session-aws-account')).toHaveText(sandbox.accountId.replace(/(\d{4})(\d{4})(\d{4})/, '$1-$2-$3'));
    await expect(app.getByTestId('session-aws-role')).toHaveText('StrataAuthenticated');
    await expect(app.getByTestId('session-aws-role')).toHaveAttribute('title', new RegExp(`:${sandbox.accountId}:assumed-role/`));
    await expect(app.getByTestId('session-expiry')).toContainText('Renews automatically before');
    const status = harness.services.session.getStatus();
    if (status.state !== 'ready') throw new Error(`not signed in: ${status.state}`);
    await expect(app.getByTestId('session-expires-in')).toHaveAttribute('datetime', new Date(status.expiresAt!).toISOString());
    await expect(app.getByTestId('session-region')).toHaveText(sandbox.region);
    await expect(app.getByTestId('session-source')).toHaveText('Your company account');

    // Test connection: who AWS says ada is, her models, one short question; each step in words.
    await app.getByTestId('test-connection-button').click();
    const steps = app.getByTestId('connection-test-step');
    await expect(steps).toHaveCount(3);
    await expect(steps.nth(0)).toContainText('AWS knows you as role StrataAuthenticated');
    await expect(steps.nth(1)).toContainText(`models in ${sandbox.region}.`);
    await expect(steps.nth(2)).toContainText(/answered in (\d+ ms|\d+\.\d s)\./);
    for (const step of await steps.all()) await expect(step).toHaveAttribute('data-state', 'passed');
    await expect(details).toContainText('Everything works.');
    await expect(app.getByTestId('conversation-item')).toHaveCount(0);

    await app.bringToFront();
    const shot = testInfo.outputPath('signed-in.png');
    await app.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('signed-in window, details open', { path: shot, contentType: 'image/png' });

    // Escape closes the details and puts focus back on the name.
    await app.keyboard.press('Escape');
    await expect(details).toBeHidden();
    await expect(button).toHaveAttribute('aria-expanded', 'false');
    await expect(button).toBeFocused();
    // The keyboard opens them again; a click elsewhere closes them, focus still on the name.
    await app.keyboard.press('Enter');
    await expect(details).toBeVisible();
    await app.getByRole('banner').click({ position: { x: 2, y: 2 } });
    await expect(details).toBeHidden();
    await expect(button).toBeFocused();
    // Opening the details asks AWS nothing: once at sign-in, once for Test connection.
    expect(sandbox.stats()['sts:GetCallerIdentity']).toBe(2);
  });

  test.describe('with short-lived credentials', () => {
    test.use({ sandboxOptions: { credentialsTtlSeconds: 12, idTokenTtlSeconds: 6 } });

    test('renews credentials before they expire, without asking', async ({ app, harness, sandbox }) => {
      await signIn(app, harness, sandbox.users[0]!);
      await app.getByTestId('session-details-button').click();
      const firstExpiry = await app.getByTestId('session-expires-in').getAttribute('datetime');
      expect(sandbox.stats()['cognito:GetCredentialsForIdentity']).toBe(1);

      // Renewal is due 5 s before the 12 s credentials run out; the 6 s id_token has run out by then and is refreshed first.
      await expect.poll(() => sandbox.stats()['cognito:GetCredentialsForIdentity'], { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      expect(sandbox.stats()['oidc:token:refresh_token']).toBeGreaterThanOrEqual(1);
      await expect(app.getByTestId('session-expires-in')).not.toHaveAttribute('datetime', firstExpiry ?? '');
      await expect(app.getByTestId('session-user-name')).toHaveText(sandbox.users[0]!.name);

      // The renewed credentials work, and nobody was sent to the browser again.
      const identity = await harness.services.session.callerIdentity();
      expect(identity.arn).toContain('assumed-role/StrataAuthenticated');
      await expect(harness.nextOpenedUrl(500)).rejects.toThrow();
      // Renewal never failed, so nothing counted down.
      await expect(app.getByTestId('session-countdown')).toHaveCount(0);
    });
  });

  test.describe('when renewing fails near the end', () => {
    // 20 s credentials: under five minutes from the start; renewal is due 5 s before they run out, retried every 0.3 s, 0.6 s, …
    test.use({ sandboxOptions: { credentialsTtlSeconds: 20, idTokenTtlSeconds: 6 }, harnessOptions: { timing: { renewalRetryMs: 300 } } });

    test('counts down in the header and explains in the details, until renewal works again', async ({ app, harness, sandbox }) => {
      await signIn(app, harness, sandbox.users[0]!);
      // Little time left, but renewal has not failed: no countdown.
      await expect(app.getByTestId('session-countdown')).toHaveCount(0);

      await sandbox.faults.setIdpDown(true);
      const countdown = app.getByTestId('session-countdown');
      await expect(countdown).toBeVisible({ timeout: 20_000 });
      await expect(countdown).toContainText(/Session ends in \d+ seconds?/);
      await app.getByTestId('session-details-button').click();
      await expect(app.getByTestId('session-renewal-error')).toContainText("couldn't reach your company's sign-in service");
      await expect(app.getByTestId('session-expiry')).toContainText('unless Strata can renew it');

      await sandbox.faults.setIdpDown(false);
      await expect(countdown).toHaveCount(0);
      await expect(app.getByTestId('session-renewal-error')).toHaveCount(0);
      await expect(app.getByTestId('session-expiry')).toContainText('Renews automatically before');
      await expect(app.getByTestId('session-state')).toHaveText('Signed in');
    });
  });

  test("the waiting screen helps when the browser didn't open: the page again, or its link to copy", async ({ app, harness, sandbox, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
    await app.getByTestId('sign-in-button').click();
    const opened = await harness.nextOpenedUrl();
    const help = app.getByTestId('sign-in-help');
    await expect(help.getByRole('heading', { name: "Didn't see your browser open?" })).toBeVisible();
    await expect(app.getByTestId('sign-in-link')).toHaveValue(opened);

    await help.getByRole('button', { name: 'Open the sign-in page again' }).click();
    expect(await harness.nextOpenedUrl()).toBe(opened);
    await expect(help).toContainText('Sent to your browser again');

    await help.getByRole('button', { name: 'Copy link' }).click();
    await expect(app.getByTestId('copy-sign-in-link')).toContainText('Copied');
    expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(opened);

    // The link is the sign-in itself: pasted into any browser, it signs the person in.
    await signInAt(app, opened, sandbox.users[0]!);
    await expect(app.getByTestId('session-user-name')).toHaveText(sandbox.users[0]!.name);
  });

  test('the sign-in screens and the signed-in header have no accessibility violations, in light and dark', async ({ app, harness, sandbox }) => {
    await expect(app.getByTestId('sign-in-button')).toBeVisible();
    await expectNoAxeViolations(app, 'signed-out screen');

    await app.getByTestId('sign-in-button').click();
    const url = await harness.nextOpenedUrl();
    await expect(app.getByTestId('sign-in-help')).toBeVisible();
    await expectNoAxeViolations(app, 'waiting screen');

    await signInAt(app, url, sandbox.users[0]!);
    await app.getByTestId('session-details-button').click();
    await expect(app.getByTestId('session-details')).toBeVisible();
    await expectNoAxeViolations(app, 'signed-in header, details open');
  });

  test('explains when the identity provider cannot be reached, then works once it is back', async ({ app, harness, sandbox }) => {
    await sandbox.faults.setIdpDown(true);
    await app.getByTestId('sign-in-button').click();
    const notice = app.getByTestId('error-notice');
    await expect(notice).toContainText("couldn't reach your company's sign-in service");
    await expect(notice).toContainText(/VPN/);

    await sandbox.faults.setIdpDown(false);
    await signIn(app, harness, sandbox.users[1]!);
  });

  test('explains when AWS does not accept the sign-in', async ({ app, harness, sandbox }) => {
    sandbox.faults.cognitoRejects = true;
    await app.getByTestId('sign-in-button').click();
    const tab = await signInInBrowser(app.context(), harness, sandbox.users[0]!);
    await expect(tab.getByText(/You're signed in/i)).toBeVisible();
    const notice = app.getByTestId('error-notice');
    await expect(notice).toContainText("AWS didn't accept your company sign-in");
    await notice.getByText('Details').click();
    await expect(notice).toContainText('NotAuthorizedException');
    await expect(app.getByTestId('sign-in-button')).toBeVisible();
  });

  test('cancelling while the browser is open ends the attempt', async ({ app, harness }) => {
    await app.getByTestId('sign-in-button').click();
    const url = new URL(await harness.nextOpenedUrl());
    await app.getByTestId('cancel-sign-in-button').click();
    // Cancelling is not an error: the sign-in screen comes back, with nothing to apologise for.
    await expect(app.getByTestId('sign-in-button')).toBeVisible();
    await expect(app.getByTestId('error-notice')).toHaveCount(0);
    // The loopback server is gone: the redirect address refuses connections.
    const redirect = url.searchParams.get('redirect_uri')!;
    await expect(fetch(`${redirect}?code=x&state=${url.searchParams.get('state')}`)).rejects.toThrow();
  });

  test("a local page's stray callback does not end the sign-in; the real one completes it", async ({ app, harness, context, sandbox }) => {
    await app.getByTestId('sign-in-button').click();
    const opened = await harness.nextOpenedUrl();
    const redirect = new URL(opened).searchParams.get('redirect_uri')!;
    // Any page the person has open can make the browser ask the redirect address for something.
    const page = await context.newPage();
    await page.setContent(`<img src="${redirect}?code=forged&state=not-the-state"><img src="${redirect}?error=access_denied">`);
    const stray = await context.newPage();
    await stray.goto(`${redirect}?code=forged&state=not-the-state`);
    await expect(stray.locator('body')).toContainText('Not part of your sign-in');
    await expect(app.getByTestId('cancel-sign-in-button')).toBeVisible();
    await expect(app.getByTestId('error-notice')).toHaveCount(0);

    const [ada] = sandbox.users;
    const tab = await context.newPage();
    await tab.goto(opened);
    await tab.locator('input[name="username"]').fill(ada!.username);
    await tab.locator('input[name="password"]').fill(ada!.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await expect(tab.getByText(/You're signed in/i)).toBeVisible();
    await expect(app.getByTestId('session-user-name')).toHaveText(ada!.name);
  });

  test('a declined sign-in says so', async ({ app, harness, context }) => {
    await app.getByTestId('sign-in-button').click();
    const url = new URL(await harness.nextOpenedUrl());
    const tab = await context.newPage();
    await tab.goto(`${url.searchParams.get('redirect_uri')}?error=access_denied&state=${url.searchParams.get('state')}`);
    await expect(app.getByTestId('error-notice')).toContainText(/declined/i);
  });
});

test.describe('the saved sign-in', () => {
  test('survives a restart, encrypted, and sign-out leaves nothing behind', async ({ app, harness, sandbox }) => {
    const [ada] = sandbox.users;
    await signIn(app, harness, ada!);
    const vaultFile = path.join(harness.userDataDir, 'session.vault');
    expect(existsSync(vaultFile)).toBe(true);
    expect(readFileSync(vaultFile).toString('latin1')).not.toMatch(/refresh|ada@example/i);

    // Restart: the services come back with the same profile and keychain, and resume without the browser.
    await harness.close();
    const restarted = await startHarness({ env: sandbox.env(), userDataDir: harness.userDataDir, keychainKey: harness.keychainKey });
    try {
      await app.goto(restarted.url);
      await expect(app.getByTestId('session-user-name')).toHaveText(ada!.name);
      await expect(restarted.nextOpenedUrl(500)).rejects.toThrow();

      await app.getByTestId('sign-out-button').click();
      await expect(app.getByTestId('sign-in-button')).toBeVisible();
      expect(existsSync(vaultFile)).toBe(false);
      // Every file in the profile folder, the log in its logs folder included.
      for (const entry of readdirSync(harness.userDataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
        const text = readFileSync(path.join(entry.parentPath, entry.name), 'latin1');
        expect(text, entry.name).not.toMatch(/refresh_token|eyJ/);
      }
    } finally {
      await restarted.close();
    }

    const afterSignOut = await startHarness({ env: sandbox.env(), userDataDir: harness.userDataDir, keychainKey: harness.keychainKey });
    try {
      await app.goto(afterSignOut.url);
      await expect(app.getByTestId('sign-in-button')).toBeVisible();
      expect(afterSignOut.services.session.getStatus().state).toBe('signed-out');
    } finally {
      await afterSignOut.close();
    }
  });

  test.describe('signing out while a renewal is at the identity provider', () => {
    // Credentials renewed 5 s before their 8 s end; the 3 s id_token has ended by then, so the renewal uses the refresh token.
    test.use({ sandboxOptions: { credentialsTtlSeconds: 8, idTokenTtlSeconds: 3 } });

    test("leaves nothing in the vault when the provider's answer comes after, and the next start asks to sign in", async ({ app, harness, sandbox }) => {
      await signIn(app, harness, sandbox.users[0]!);
      const vaultFile = path.join(harness.userDataDir, 'session.vault');
      expect(existsSync(vaultFile)).toBe(true);
      const hold = sandbox.faults.holdTokenAnswers();
      await hold.arrived; // the background renewal is at the provider's token endpoint
      await expect.poll(() => sandbox.stats()['oidc:token:refresh_token'] ?? 0).toBe(1);

      await app.getByTestId('sign-out-button').click();
      await expect(app.getByTestId('sign-in-button')).toBeVisible();
      expect(existsSync(vaultFile)).toBe(false);
      // The provider answers now, with a rotated refresh token: nothing of it is kept, and the window stays signed out.
      hold.release();
      await app.waitForTimeout(500);
      expect(existsSync(vaultFile)).toBe(false);
      await expect(app.getByTestId('sign-in-button')).toBeVisible();

      const next = await startHarness({ env: sandbox.env(), userDataDir: harness.userDataDir, keychainKey: harness.keychainKey });
      try {
        await app.goto(next.url);
        await expect(app.getByTestId('sign-in-button')).toBeVisible();
        expect(next.services.session.getStatus().state).toBe('signed-out');
        await expect(next.nextOpenedUrl(500)).rejects.toThrow();
      } finally {
        await next.close();
      }
    });
  });

  test.describe('without a system keychain', () => {
    test.use({ harnessOptions: { keychainKey: null } });

    test('keeps the sign-in in memory only, and Settings says so', async ({ app, harness, sandbox }) => {
      await signIn(app, harness, sandbox.users[0]!);
      expect(existsSync(path.join(harness.userDataDir, 'session.vault'))).toBe(false);
      await app.getByTestId('settings-button').click();
      await expect(app.getByText(/kept in memory only/i)).toBeVisible();
    });
  });
});

test.describe('settings', () => {
  test('a damaged settings file is kept aside and Strata starts with defaults', async ({ page, sandbox }) => {
    const first = await startHarness({ env: sandbox.env() });
    const dir = first.userDataDir;
    await first.close();
    writeFileSync(path.join(dir, 'settings.json'), '{ "redirectPort": 33');
    const harness = await startHarness({ env: sandbox.env(), userDataDir: dir });
    try {
      await page.goto(harness.url);
      await page.getByTestId('settings-button').click();
      await expect(page.getByText(/settings file was damaged/i)).toBeVisible();
      expect(readdirSync(dir).some((file) => file.startsWith('settings.corrupt-'))).toBe(true);
    } finally {
      await harness.close();
    }
  });
});
