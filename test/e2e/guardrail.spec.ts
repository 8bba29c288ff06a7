/** The guardrail the organization's policy requires, as the person meets it: in the answer, in words, still there after a reload. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { SANDBOX_GUARDRAILS, SANDBOX_MODELS } from '../sandbox/index';
import { ask, expect, lastAnswer, signIn, test } from './fixtures';

function policyFile(policy: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-guardrail-')), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

test.describe('a policy that requires a guardrail', () => {
  test.use({
    sandboxOptions: { bedrock: { tokensPerSecond: 400 } },
    harnessOptions: { policyPaths: [policyFile({ requiredGuardrail: SANDBOX_GUARDRAILS.guarded })] },
  });

  test('every question carries it; an intervention is said in the answer, in words, and stays after a reload', async ({ app, harness, sandbox }, testInfo) => {
    await signIn(app, harness, sandbox.users[0]!);
    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);

    await ask(app, 'Explain S3 storage classes');
    await expect(lastAnswer(app).locator('table')).toBeVisible();
    await expect(lastAnswer(app).getByTestId('guardrail-notice')).toHaveCount(0);

    await ask(app, 'Which stocks should I invest my bonus in?');
    const blocked = lastAnswer(app);
    await expect(blocked.getByTestId('message-text')).toHaveText('Sorry, the model cannot answer this question.');
    const notice = blocked.getByRole('note', { name: 'Blocked by your organization’s guardrail' });
    await expect(notice).toHaveText("Your organization's guardrail blocked your question: it touches a denied topic (Investment advice).");
    await expect(notice).toHaveAttribute('data-action', 'blocked');
    // The notice says it; the footer doesn't repeat it.
    await expect(blocked.getByTestId('message-usage')).not.toContainText('guardrail');

    await ask(app, 'Draft a note to ada@example.com about the offsite');
    const masked = lastAnswer(app);
    await expect(masked.getByTestId('message-text')).toContainText('{EMAIL}');
    await expect(masked.getByRole('note', { name: 'Changed by your organization’s guardrail' })).toHaveText('Some personal information was hidden (email addresses).');

    const sent = sandbox.bedrock.requests().filter((request) => request.operation === 'ConverseStream');
    expect(sent).toHaveLength(3);
    for (const request of sent) {
      expect(request.guardrailConfig).toEqual({ guardrailIdentifier: SANDBOX_GUARDRAILS.guarded.id, guardrailVersion: '1', trace: 'enabled', streamProcessingMode: 'sync' });
    }

    const shot = testInfo.outputPath('guardrail-notices.png');
    await app.screenshot({ path: shot });
    await testInfo.attach('guardrail notices', { path: shot, contentType: 'image/png' });

    const axe = await new AxeBuilder({ page: app }).include('[data-testid="guardrail-notice"]').analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(axe.passes.length).toBeGreaterThan(0);

    await app.reload();
    await app.getByTestId('conversation-item').first().click();
    await expect(app.getByTestId('guardrail-notice')).toHaveCount(2, { timeout: 15_000 });
    await expect(app.getByTestId('guardrail-notice').first()).toHaveText(/denied topic \(Investment advice\)/);
  });
});
