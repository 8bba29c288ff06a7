import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

const INSTRUCTIONS = 'You help the finance team. Answer in British English.';
const REGION_SENTENCE = 'Enter an AWS Region, such as us-east-1.';

/** The computed style of the page's background and root font size, as the person sees them. */
const look = (app: Page) =>
  app.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    rootFontSize: getComputedStyle(document.documentElement).fontSize,
    bodyFontSize: getComputedStyle(document.body).fontSize,
  }));

/** Accessibility problems axe finds in the Settings sheet. */
async function settingsViolations(app: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page: app }).include('[data-testid="settings-dialog"]').analyze();
  return axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.describe('settings', () => {
  test.use({ sandboxOptions: { bedrock: { tokensPerSecond: 400 } } });

  test('personal preferences apply at once; company errors are sentences beside their box; new conversations follow the defaults', async ({
    app,
    harness,
    sandbox,
  }, testInfo) => {
    await app.emulateMedia({ colorScheme: 'light' });
    await app.getByTestId('settings-button').click();
    const dialog = app.getByTestId('settings-dialog');
    await expect(dialog).toBeVisible();

    // Where the AWS access comes from, then Personal; the company part says who usually sets it up.
    const headings = await dialog.getByRole('heading', { level: 3 }).allTextContents();
    expect(headings).toEqual(['Account', 'Personal', 'Company']);
    await expect(app.getByTestId('settings-company')).toContainText('Usually set up by your IT team');
    // Not signed in: the model picker offers "the model you used last" and nothing it cannot list.
    await expect(app.getByTestId('preference-default-model')).toHaveValue('');
    expect(await settingsViolations(app)).toEqual([]);

    // Theme: dark at once, whatever the system says; light even when the system is dark.
    const light = await look(app);
    await app.getByTestId('preference-theme').selectOption('dark');
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect.poll(async () => (await look(app)).background).not.toBe(light.background);
    const dark = await look(app);
    expect(dark.background).toBe('rgb(20, 22, 25)');
    expect(await settingsViolations(app)).toEqual([]);
    const shot = testInfo.outputPath('settings-dark.png');
    await app.screenshot({ path: shot });
    await testInfo.attach('settings in dark', { path: shot, contentType: 'image/png' });

    await app.emulateMedia({ colorScheme: 'dark' });
    await app.getByTestId('preference-theme').selectOption('light');
    await expect.poll(async () => (await look(app)).background).toBe(light.background);
    await app.getByTestId('preference-theme').selectOption('system');
    await expect.poll(async () => (await look(app)).background).toBe(dark.background);
    await app.emulateMedia({ colorScheme: 'light' });

    // Text size: the root font size changes, and the text follows it.
    expect(light.rootFontSize).toBe('16px');
    await app.getByTestId('preference-text-size').selectOption('large');
    await expect.poll(async () => (await look(app)).rootFontSize).toBe('18px');
    expect((await look(app)).bodyFontSize).toBe('15.75px');

    // A wrong Region: one sentence, beside the box, and no validator's words anywhere.
    await expect(app.getByTestId('setting-region')).toHaveAttribute('maxlength', '32');
    await app.getByTestId('setting-region').fill('Ohio');
    await app.getByTestId('settings-save-button').click();
    await expect(dialog.getByText(REGION_SENTENCE)).toHaveCount(1);
    await expect(app.locator('#setting-region-problem')).toHaveText(REGION_SENTENCE);
    await expect(app.getByTestId('setting-region')).toHaveAttribute('aria-invalid', 'true');
    await expect(app.getByTestId('setting-region')).toBeFocused();
    await expect(app.getByTestId('settings-problem-summary')).toHaveText('One setting needs a change before it can be saved.');
    await expect(app.getByTestId('settings-save-error')).toHaveCount(0);
    const shown = (await dialog.innerText()).toLowerCase();
    for (const raw of ['invalid input', 'looks like', 'region:', 'expected', 'regex', 'zod']) expect(shown).not.toContain(raw);
    const problemShot = testInfo.outputPath('settings-region-problem.png');
    await app.screenshot({ path: problemShot });
    await testInfo.attach('a wrong Region, explained', { path: problemShot, contentType: 'image/png' });
    await app.getByRole('button', { name: 'Discard changes' }).click();
    await expect(dialog.getByText(REGION_SENTENCE)).toHaveCount(0);

    // The Region box offers Bedrock's Regions by name to pick from.
    await expect(app.getByTestId('setting-region')).toHaveAttribute('list', 'setting-region-suggestions');
    const regions = app.getByTestId('setting-region-suggestions').locator('option');
    expect(await regions.count()).toBeGreaterThan(15);
    await expect(regions.and(app.locator('[value="eu-central-1"]'))).toHaveAttribute('label', 'Europe (Frankfurt) · eu-central-1');

    // Defaults for new conversations, and Enter makes a new line.
    const instructions = app.getByTestId('preference-default-instructions');
    await expect(instructions).toHaveAttribute('maxlength', '20000');
    await instructions.fill(INSTRUCTIONS);
    await expect(app.getByTestId('preference-instructions-status')).toContainText('Saved');
    await app.getByTestId('preference-enter-to-send').uncheck();
    await expect(dialog).toContainText('Ctrl+Enter to send, Enter for a new line');
    await expect.poll(() => harness.services.preferences.get()).toMatchObject({
      theme: 'system',
      textSize: 'large',
      defaultInstructions: INSTRUCTIONS,
      enterToSend: false,
    });
    await app.getByTestId('settings-close-button').click();
    await expect(dialog).toBeHidden();

    await signIn(app, harness, sandbox.users[0]!);
    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    const composer = app.getByTestId('composer-input');
    await expect(composer).toHaveAttribute('placeholder', /Ctrl\+Enter to send, Enter for a new line/);
    await composer.click();
    await composer.pressSequentially('First line');
    await composer.press('Enter');
    await composer.pressSequentially('second line');
    await expect(composer).toHaveValue('First line\nsecond line');
    await expect(app.locator('[data-testid="message"][data-role="user"]')).toHaveCount(0);

    await composer.press('Control+Enter');
    const question = app.locator('[data-testid="message"][data-role="user"]');
    await expect(question).toHaveCount(1);
    await expect(question).toContainText('second line');
    const answer = app.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });

    // The saved conversation started with the default instructions.
    const [saved] = harness.services.conversations.list().items;
    expect(saved).toBeDefined();
    expect(harness.services.conversations.get(saved!.id).settings.systemPrompt).toBe(INSTRUCTIONS);
  });

  test('the chosen theme and text size are there again after a reload', async ({ app, harness }) => {
    harness.services.preferences.update({ theme: 'dark', textSize: 'larger' });
    await app.reload();
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect.poll(async () => (await look(app)).rootFontSize).toBe('20px');
  });
});
