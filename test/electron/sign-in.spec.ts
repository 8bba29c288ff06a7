/**
 * The same sign-in in the real Electron app, where the Electron binary is
 * installed. Machines that installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1
 * report this test as skipped, with the reason.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, chromium, expect, test } from '@playwright/test';
import { startSandbox } from '../sandbox/index';

/** The installed Electron executable, found the way the electron package finds it, without its download-on-demand. */
function electronBinary(): string | undefined {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = path.join(dir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

test('signs in with the real Electron app', async () => {
  test.skip(!binary, 'Electron binary not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1): Electron end-to-end test skipped');
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
  const browser = await chromium.launch();
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
    await expect(window.getByTestId('session-aws-arn')).toContainText('StrataAuthenticated');
  } finally {
    await browser.close();
    await app.close();
    await sandbox.close();
  }
});
