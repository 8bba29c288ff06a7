/**
 * The benchmark's Strata window: Chromium (the same binary and flags as the
 * end-to-end tests) on the harness, signed in through the sandbox's
 * identity provider, with the probe installed before the app loads.
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import playwrightConfig from '../../playwright.config';
import { startHarness, type Harness, type HarnessOptions } from '../harness/harness';
import type { Sandbox } from '../sandbox/index';
import { PROBE_SCRIPT } from './probe';

/** Chromium as the end-to-end tests launch it. */
export function launchBrowser(): Promise<Browser> {
  const launch = playwrightConfig.use?.launchOptions ?? {};
  return chromium.launch({ executablePath: launch.executablePath, args: launch.args, headless: true });
}

export interface BenchApp {
  harness: Harness;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

/**
 * Starts a harness on the sandbox, runs `prepare` (e.g. creating data through
 * the services, before any window listens), then opens Strata in a fresh
 * browser context and signs in.
 */
export async function openApp(browser: Browser, sandbox: Sandbox, options: Partial<HarnessOptions> = {}, prepare?: (harness: Harness) => Promise<void>): Promise<BenchApp> {
  // Any free port for the sign-in redirect: the fixed default would collide with end-to-end tests running beside the benchmark.
  const harness = await startHarness({ env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0' }, ...options });
  await prepare?.(harness);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(PROBE_SCRIPT);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(harness.url);
  await signIn(page, harness, sandbox);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return {
    harness,
    context,
    page,
    cdp,
    async close() {
      await context.close();
      await harness.close();
    },
  };
}

/** Signs in the way a person does: the app's button, then the identity provider's page in the browser. */
async function signIn(page: Page, harness: Harness, sandbox: Sandbox): Promise<void> {
  const user = sandbox.users[0]!;
  await page.getByTestId('sign-in-button').click();
  const tab = await page.context().newPage();
  await tab.goto(await harness.nextOpenedUrl());
  await tab.locator('input[name="username"]').fill(user.username);
  await tab.locator('input[name="password"]').fill(user.password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.getByText(/You're signed in/i).waitFor();
  await tab.close();
  await page.getByTestId('session-user-name').getByText(user.name).waitFor();
}

/** Heap in use after a full garbage collection, in bytes. */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** One Chromium performance metric (e.g. TaskDuration, in seconds). */
export async function metric(cdp: CDPSession, name: string): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === name)?.value ?? Number.NaN;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
