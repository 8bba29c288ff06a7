/**
 * A Bedrock API key as a person uses one: signed in with the company account
 * and chatting, they paste a key Bedrock refuses (told so, nothing changes),
 * then a good one, and go on chatting in the same conversation with it; back
 * to the company account and to the key again; then remove it. A short-term
 * key counts down and ends, and the window asks for a new one.
 */
import AxeBuilder from '@axe-core/playwright';
import { SANDBOX_MODELS } from '../sandbox/index';
import { ask, expect, lastAnswer, signIn, test, useSource } from './fixtures';

test.describe('Bedrock API key', () => {
  test.use({ sandboxOptions: { bedrock: { tokensPerSecond: 0, answerWords: 20 } } });

  test('paste a key in Settings, chat with it in the conversation on screen, switch away and back, and remove it', async ({
    app,
    harness,
    sandbox,
  }, testInfo) => {
    const person = sandbox.users[0]!;
    await signIn(app, harness, person);
    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    await ask(app, 'Hello from the company account');

    // A key Bedrock refuses: said beside the box, and nothing else changes.
    const refused = sandbox.apiKeys.longTerm();
    sandbox.apiKeys.deactivate(refused);
    await app.getByTestId('settings-button').click();
    const row = app.getByTestId('account-source-api-key');
    await expect(row).toContainText('A key from the Amazon Bedrock console');
    await expect(row.getByTestId('account-use-button')).toBeDisabled();
    await row.getByTestId('api-key-input').fill(refused);
    await row.getByTestId('api-key-save-button').click();
    await expect(row.getByTestId('api-key-error')).toContainText("Amazon Bedrock didn't accept your API key.");
    await expect(app.getByTestId('account-source-company').getByTestId('account-in-use')).toBeVisible();

    // A good one: checked, kept, in use; the box is emptied and the key is never shown again.
    const key = sandbox.apiKeys.longTerm({ userName: 'BedrockAPIKey-e2e1' });
    const ending = key.replace(/=+$/, '').slice(-4);
    await row.getByTestId('api-key-input').fill(key);
    await row.getByTestId('api-key-input').press('Enter');
    await expect(row.getByTestId('account-in-use')).toBeVisible();
    await expect(row).toContainText(`Long-term key ending ${ending}, of BedrockAPIKey-e2e1 in account ${sandbox.accountId}`);
    await expect(row.getByTestId('api-key-input')).toHaveCount(0);
    await expect(row.getByTestId('account-active-identity')).toHaveText(`Signed in as BedrockAPIKey-e2e1 (in account 1234-5678-9012), in ${sandbox.region}`);
    expect(await app.content()).not.toContain(key.slice(4, 40));
    const shot = testInfo.outputPath('api-key.png');
    await app.screenshot({ path: shot });
    await testInfo.attach('Settings → Account with an API key', { path: shot, contentType: 'image/png' });
    const axe = await new AxeBuilder({ page: app }).include('[data-testid="settings-dialog"]').analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await app.getByTestId('settings-close-button').click();

    await expect(app.getByTestId('session-user-name')).toHaveText('BedrockAPIKey-e2e1');
    await expect(app.getByTestId('session-state')).toHaveText('Bedrock API key');
    await app.getByTestId('session-details-button').click();
    await expect(app.getByTestId('session-source')).toHaveText('Your Bedrock API key');
    await expect(app.getByTestId('session-api-key')).toHaveText(`Long-term, ending ${ending}`);
    await expect(app.getByTestId('session-expiry')).toHaveText('Lasts as long as your API key');
    await app.getByTestId('session-details-button').click();

    // The conversation stays, and goes on with the key.
    await expect(app.locator('[data-testid="message"][data-role="user"]').first()).toContainText('Hello from the company account');
    await ask(app, 'And now with the key?');
    await expect(lastAnswer(app).getByTestId('message-usage')).toHaveAttribute(
      'title',
      `Asked with your Bedrock API key ending ${ending}, in ${sandbox.region}`,
    );
    expect(sandbox.stats()['bedrock-runtime:ConverseStream:bearer']).toBe(1);

    // Back to the company account (resumed, no browser), and to the key again.
    await useSource(app, 'company');
    await expect(app.getByTestId('session-user-name')).toHaveText(person.name);
    await useSource(app, 'api-key');
    await expect(app.getByTestId('session-user-name')).toHaveText('BedrockAPIKey-e2e1');

    // Removed: signed out, and the front door asks for a key, which it takes you to.
    await app.getByTestId('settings-button').click();
    await row.getByTestId('api-key-remove-button').click();
    await expect(row).toContainText('A key from the Amazon Bedrock console');
    await app.getByTestId('settings-close-button').click();
    await expect(app.getByTestId('sign-in-button')).toHaveText('Add your API key');
    await app.getByTestId('sign-in-button').click();
    await expect(app.getByTestId('account-source-api-key').getByTestId('api-key-input')).toBeVisible();
  });

  test('a short-term key counts down, ends, and the window asks for a new one with the conversation kept', async ({ app, sandbox }) => {
    await app.getByTestId('settings-button').click();
    await app.getByTestId('api-key-input').fill(await sandbox.apiKeys.shortTerm({ expiresInSeconds: 8 }));
    await app.getByTestId('api-key-save-button').click();
    await expect(app.getByTestId('account-source-api-key')).toContainText(`Short-term key for ${sandbox.region}, until`);
    await app.getByTestId('settings-close-button').click();
    await expect(app.getByTestId('session-user-name')).toHaveText(`Bedrock API key for ${sandbox.region}`);
    await expect(app.getByTestId('session-countdown')).toContainText('Session ends in');

    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    await ask(app, 'Quick, before the key ends');

    const banner = app.getByTestId('session-ended-banner');
    await expect(banner).toContainText('Your Bedrock API key has expired.', { timeout: 15_000 });
    await expect(app.locator('[data-testid="message"][data-role="user"]').first()).toContainText('Quick, before the key ends');
    await banner.getByTestId('api-key-new-button').click();
    await expect(app.getByTestId('account-source-api-key').getByTestId('api-key-input')).toBeVisible();
  });
});
