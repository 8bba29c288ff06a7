import { expect, test as base, type BrowserContext, type Page } from '@playwright/test';
import { startHarness, type Harness, type HarnessOptions } from '../harness/harness';
import { startSandbox, type Sandbox, type SandboxOptions, type SandboxUser } from '../sandbox/index';

interface Fixtures {
  sandboxOptions: SandboxOptions;
  harnessOptions: Partial<HarnessOptions>;
  /** Environment for Strata beyond the sandbox's own, from the sandbox (its network endpoints, say); an object, since Playwright takes a bare function for a fixture. */
  harnessEnv: { from(sandbox: Sandbox): Record<string, string> };
  sandbox: Sandbox;
  harness: Harness;
  /** The Strata window: the built renderer in Chromium, on the bridge. */
  app: Page;
}

export const test = base.extend<Fixtures>({
  sandboxOptions: [{}, { option: true }],
  harnessOptions: [{}, { option: true }],
  harnessEnv: [{ from: () => ({}) }, { option: true }],
  sandbox: async ({ sandboxOptions }, use) => {
    const sandbox = await startSandbox(sandboxOptions);
    await use(sandbox);
    await sandbox.close();
  },
  harness: async ({ sandbox, harnessOptions, harnessEnv }, use) => {
    const harness = await startHarness({ env: { ...sandbox.env(), ...harnessEnv.from(sandbox) }, ...harnessOptions });
    await use(harness);
    await harness.close();
  },
  app: async ({ page, harness }, use) => {
    await page.goto(harness.url);
    await use(page);
  },
});

export { expect };

/**
 * Does what the person does in their browser: opens the page Strata asked
 * to open, signs in on the identity provider's page, and lands on the
 * loopback page. Returns that browser tab.
 */
export async function signInInBrowser(context: BrowserContext, harness: Harness, user: SandboxUser): Promise<Page> {
  const url = await harness.nextOpenedUrl();
  const tab = await context.newPage();
  await tab.goto(url);
  // Signed in at the identity provider already (an earlier sign-in in this browser): it answers at once.
  const form = tab.locator('input[name="username"]');
  await expect(form.or(tab.getByText(/You're signed in/i))).toBeVisible();
  if (!(await form.isVisible())) return tab;
  await form.fill(user.username);
  await tab.locator('input[name="password"]').fill(user.password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  return tab;
}

/** Signs in from the app's button through the browser, and waits until the session is ready. */
export async function signIn(app: Page, harness: Harness, user: SandboxUser): Promise<void> {
  await app.getByTestId('sign-in-button').click();
  const tab = await signInInBrowser(app.context(), harness, user);
  await expect(tab.getByText(/You're signed in/i)).toBeVisible();
  await tab.close();
  await expect(app.getByTestId('session-user-name')).toHaveText(user.name);
}

/** Uses another source from Settings → Account, and closes Settings once it is in use. */
export async function useSource(app: Page, key: string): Promise<void> {
  await app.getByTestId('settings-button').click();
  const row = app.getByTestId(`account-source-${key}`);
  await row.getByTestId('account-use-button').click();
  await expect(row.getByTestId('account-in-use')).toBeVisible();
  await app.getByTestId('settings-close-button').click();
}

/** The newest answer on screen. */
export const lastAnswer = (app: Page) => app.locator('[data-testid="message"][data-role="assistant"]').last();

/** Asks `text` in the open conversation and waits for the whole answer. */
export async function ask(app: Page, text: string): Promise<void> {
  await app.getByTestId('composer-input').fill(text);
  await app.getByTestId('composer-input').press('Enter');
  await expect(lastAnswer(app)).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
}
