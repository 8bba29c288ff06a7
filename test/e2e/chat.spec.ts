import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { startHarness } from '../harness/harness';
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

test.describe('chat', () => {
  test.use({ sandboxOptions: { bedrock: { tokensPerSecond: 400 } } });

  test('pick a model, ask, and watch a Markdown answer stream in', async ({ app, harness, sandbox }, testInfo) => {
    await signIn(app, harness, sandbox.users[0]!);
    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    await app.getByTestId('composer-input').fill('Explain S3 storage classes');
    await app.getByTestId('composer-input').press('Enter');

    const assistant = app.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(assistant).toHaveAttribute('data-status', 'streaming');
    await expect(assistant).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
    await expect(assistant.locator('table')).toBeVisible();
    await expect(assistant.getByTestId('code-block').first()).toBeVisible();
    await expect(assistant.locator('[data-testid="code-block"][data-language="typescript"], [data-testid="code-block"][data-language="ts"]').first()).toBeVisible();
    // Highlighted (the highlighter loads on first use), with the code itself intact.
    await expect(assistant.locator('[data-testid="code-block"] .hljs-keyword').first()).toBeVisible();
    await expect(assistant.getByTestId('code-block').first()).toContainText("import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';");
    await expect(assistant.getByTestId('message-usage')).toContainText(/\d/);
    // Whom it was asked as stays with the answer: the Region in sight, the rest for a pointer or a screen reader.
    await expect(assistant.getByTestId('message-usage')).toContainText(sandbox.region);
    await expect(assistant.getByTestId('message-usage')).toHaveAttribute(
      'title',
      `Asked with your company account as StrataAuthenticated, in ${sandbox.region}`,
    );
    // Links open in the system browser, through main's allow-list; the window stays on Strata.
    await assistant.getByRole('link', { name: 'Bedrock documentation' }).click();
    expect(await harness.nextOpenedUrl()).toBe('https://docs.aws.amazon.com/bedrock/');
    expect(app.url()).toBe(harness.url);
    await expect(app.locator('[data-testid="message"][data-role="user"]').last()).toContainText('Explain S3 storage classes');

    const shot = testInfo.outputPath('finished-answer.png');
    await app.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('finished answer', { path: shot, contentType: 'image/png' });

    const axe = await new AxeBuilder({ page: app }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  test('Stop keeps the partial answer; history and export survive a restart', async ({ app, harness, sandbox }) => {
    sandbox.bedrock.setPace({ tokensPerSecond: 60, answerWords: 3000 });
    await signIn(app, harness, sandbox.users[0]!);
    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    await app.getByTestId('composer-input').fill('Write a long essay about queues');
    await app.getByTestId('send-button').click();
    const assistant = app.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(assistant.getByTestId('message-text')).toContainText(/\w+ \w+ \w+/);
    await app.getByTestId('stop-button').click();
    await expect(assistant).toHaveAttribute('data-status', 'interrupted');
    const partial = (await assistant.getByTestId('message-text').textContent()) ?? '';
    expect(partial.length).toBeGreaterThan(5);

    await harness.close();
    const restarted = await startHarness({ env: sandbox.env(), userDataDir: harness.userDataDir, keychainKey: harness.keychainKey });
    try {
      await app.goto(restarted.url);
      await app.getByTestId('conversation-item').first().click();
      await expect(app.getByTestId('conversation-title')).toHaveValue(/Write a long essay/);
      const kept = app.locator('[data-testid="message"][data-role="assistant"]').last();
      await expect(kept).toHaveAttribute('data-status', 'interrupted');
      await expect(kept.getByTestId('message-text')).toContainText(partial.slice(0, 20));

      await app.getByTestId('export-conversation-button').click();
      await expect(app.getByTestId('export-status')).toContainText('.md');
      const saved = (await app.getByTestId('export-status').textContent())!.replace(/^.*?Saved to\s*/, '').trim();
      await app.getByTestId('show-in-folder-button').click();
      await expect.poll(() => restarted.shownInFolder).toEqual([saved]);
      const markdown = readFileSync(saved, 'utf8');
      expect(markdown).toContain('## You');
      expect(markdown).toContain('interrupted');
    } finally {
      await restarted.close();
    }
  });

  test('each fault shows its guidance', async ({ app, harness, sandbox }) => {
    await signIn(app, harness, sandbox.users[0]!);
    await app.getByTestId('new-conversation-button').click();
    const answers = app.locator('[data-testid="message"][data-role="assistant"]');
    const ask = async (text: string) => {
      const before = await answers.count();
      await app.getByTestId('composer-input').fill(text);
      await app.getByTestId('composer-input').press('Enter');
      await expect(answers).toHaveCount(before + 1);
      const assistant = answers.nth(before);
      await expect(assistant).toHaveAttribute('data-status', /complete|interrupted/, { timeout: 20_000 });
      return assistant;
    };

    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.denied);
    const denied = await ask('Hello');
    await expect(denied.getByTestId('message-error')).toContainText("isn't allowed");
    await expect(denied.getByTestId('message-error')).toContainText(/ask IT/i);
    await denied.getByTestId('message-error').getByText('Details').click();
    await expect(denied.getByTestId('message-error')).toContainText(/AccessDeniedException[\s\S]*Request ID/);
    // The picker says so for the rest of the session.
    await expect(app.getByTestId('model-unavailable')).toBeVisible();
    await expect(app.locator(`[data-testid="model-picker"] option[value="${SANDBOX_MODELS.denied}"]`)).toHaveText(/not available to you/);

    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    sandbox.faults.bedrock.streamErrorAfter(3);
    const broken = await ask('Tell me a story');
    await expect(broken).toHaveAttribute('data-status', 'interrupted');
    await expect(broken.getByTestId('message-error')).toContainText(/part-way/);
    await expect(broken.getByTestId('message-text')).not.toBeEmpty();

    sandbox.faults.bedrock.cutAfter(3);
    const cut = await ask('And another');
    await expect(cut.getByTestId('message-error')).toContainText(/connection .* dropped/);
    await expect(cut.getByTestId('message-text')).not.toBeEmpty();

    sandbox.faults.bedrock.throttleNext(10);
    const busy = await ask('Again');
    await expect(busy.getByTestId('message-error')).toContainText(/busy/);
  });

  test('a model that needs an inference profile: one click switches to it', async ({ app, harness, sandbox }) => {
    await signIn(app, harness, sandbox.users[0]!);
    // A conversation saved with the base model id (e.g. before IT moved to profiles).
    harness.services.conversations.create({ modelId: SANDBOX_MODELS.thinker, systemPrompt: '' });
    await app.getByTestId('conversation-item').first().click();
    await expect(app.getByTestId('model-picker')).toHaveValue(SANDBOX_MODELS.thinker);

    await app.getByTestId('composer-input').fill('Plan a migration');
    await app.getByTestId('composer-input').press('Enter');
    const failed = app.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(failed.getByTestId('message-error')).toContainText('inference profile');
    await failed.getByTestId('fix-button').click();

    await expect(app.getByTestId('model-picker')).toHaveValue(SANDBOX_MODELS.thinkerProfile);
    const answer = app.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
    await expect(answer.getByTestId('thinking')).toBeVisible();
    await expect(answer.getByTestId('message-text')).toContainText('Plan for');

  });
});
