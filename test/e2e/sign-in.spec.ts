import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHarness } from '../harness/harness';
import { expect, signIn, signInInBrowser, test } from './fixtures';

test.describe('company sign-in', () => {
  test('signs in through the browser and shows who is signed in', async ({ app, harness, sandbox }, testInfo) => {
    const [ada] = sandbox.users;
    await expect(app.getByTestId('sign-in-button')).toContainText('Example Corp');
    await app.getByTestId('sign-in-button').click();
    await expect(app.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();

    const tab = await signInInBrowser(app.context(), harness, ada!);
    await expect(tab.getByText(/You're signed in/i)).toBeVisible();
    await expect(tab.getByText(/return to Strata/i)).toBeVisible();

    await expect(app.getByTestId('session-user-name')).toHaveText(ada!.name);
    await expect(app.getByTestId('session-user-email')).toHaveText(ada!.email);
    await expect(app.getByTestId('session-aws-arn')).toContainText('StrataAuthenticated');
    // The account is shown grouped as the AWS console does; the full ARN is in the tooltip.
    await expect(app.getByTestId('session-aws-arn')).toContainText(sandbox.accountId.replace(/(\d{4})(\d{4})(\d{4})/, '$1-$2-$3'));
    await expect(app.getByTestId('session-aws-arn')).toHaveAttribute('title', new RegExp(`:${sandbox.accountId}:assumed-role/`));
    await expect(app.getByTestId('session-expires-in')).toContainText(/\d/);
    const before = await app.getByTestId('session-expires-in').textContent();
    await expect(app.getByTestId('session-expires-in')).not.toHaveText(before ?? '', { timeout: 3_000 });

    await app.bringToFront();
    const shot = testInfo.outputPath('signed-in.png');
    await app.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('signed-in window', { path: shot, contentType: 'image/png' });
    expect(sandbox.stats()['sts:GetCallerIdentity']).toBe(1);
  });

  test.describe('with short-lived credentials', () => {
    test.use({ sandboxOptions: { credentialsTtlSeconds: 12, idTokenTtlSeconds: 6 } });

    test('renews credentials before they expire, without asking', async ({ app, harness, sandbox }) => {
      await signIn(app, harness, sandbox.users[0]!);
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
    });
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

  test('a callback with the wrong state ends the attempt safely', async ({ app, harness, context }) => {
    await app.getByTestId('sign-in-button').click();
    const url = new URL(await harness.nextOpenedUrl());
    const tab = await context.newPage();
    await tab.goto(`${url.searchParams.get('redirect_uri')}?code=forged&state=not-the-state`);
    await expect(tab.locator('body')).toContainText(/couldn't|could not/i);
    await expect(app.getByTestId('error-notice')).toContainText(/safely/i);
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
      for (const file of readdirSync(harness.userDataDir)) {
        const text = readFileSync(path.join(harness.userDataDir, file), 'latin1');
        expect(text, file).not.toMatch(/refresh_token|eyJ/);
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
