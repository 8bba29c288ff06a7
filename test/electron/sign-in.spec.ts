/**
 * The same sign-in in the real Electron app, where the Electron binary is
 * installed. Machines that installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1
 * report this test as skipped, with the reason.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronBinary } from '../harness/electron-binary';
import { startSandbox } from '../sandbox/index';

const binary = electronBinary();

test.skip(!binary, 'Electron binary not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1): Electron end-to-end test skipped');

// `browser` is the test's real browser (the system Chromium, per playwright.config.ts), standing in for the person's.
test('signs in with the real Electron app', async ({ browser }) => {
  const sandbox = await startSandbox();
  const userData = mkdtempSync(path.join(os.tmpdir(), 'strata-electron-'));
  const app = await electron.launch({
    executablePath: binary,
    // Chromium refuses to start as root with its OS sandbox; CI containers run as root.
    args: [
      path.resolve('out/main/index.js'),
      `--user-data-dir=${userData}`,
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
    env: { ...process.env, ...sandbox.env() } as Record<string, string>,
  });
  try {
    // Catch the URL Strata hands to the system browser, and log in in a real browser instead.
    await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as { strataOpened?: string[] }).strataOpened = opened;
      shell.openExternal = async (url: string) => {
        opened.push(url);
      };
    });
    const window = await app.firstWindow();
    expect(window.url()).toBe('strata://app/index.html');
    expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    await window.getByTestId('sign-in-button').click();
    let url: string | undefined;
    await expect
      .poll(async () => (url = await app.evaluate(() => (globalThis as { strataOpened?: string[] }).strataOpened?.[0])))
      .toBeTruthy();
    const tab = await browser.newPage();
    await tab.goto(url!);
    await tab.locator('input[name="username"]').fill(sandbox.users[0]!.username);
    await tab.locator('input[name="password"]').fill(sandbox.users[0]!.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await expect(tab.getByText(/You're signed in/i)).toBeVisible();
    await expect(window.getByTestId('session-user-name')).toHaveText(sandbox.users[0]!.name);
    await window.getByTestId('session-details-button').click();
    await expect(window.getByTestId('session-aws-role')).toContainText('StrataAuthenticated');
  } finally {
    await app.close();
    await sandbox.close();
  }
});
