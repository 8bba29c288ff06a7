/**
 * Scenario 6: heap after garbage collection across many streamed answers
 * (Regenerate, so the conversation itself stays the same size and what
 * grows is what the answers left behind).
 */
import { SANDBOX_MODELS, type Sandbox } from '../sandbox/index';
import { type BenchApp, heapAfterGc } from './app';
import { benchAnswer } from './answer';

/** Resolves when main reports the next answer done or failed. */
function answerDone(app: BenchApp): Promise<void> {
  return new Promise((resolve) => {
    const detach = app.harness.services.events.attach((channel, payload) => {
      const type = (payload as { type?: string }).type;
      if (channel === 'chat:event' && (type === 'done' || type === 'failed')) {
        detach();
        resolve();
      }
    });
  });
}

/** Streams `answers` answers and returns the heap's growth after GC, in %, from after the first tenth (the warm-up) to the end. */
export async function measureMemory(app: BenchApp, sandbox: Sandbox, answers: number): Promise<number> {
  const { page } = app;
  sandbox.bedrock.setPace({ script: benchAnswer(3_000, 20), chunkChars: 32, intervalMs: 1 });
  try {
    await page.getByTestId('new-conversation-button').click();
    await page.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    await page.getByTestId('composer-input').fill('Benchmark: a short answer, many times');
    await page.getByTestId('composer-input').press('Enter');
    const done = page.locator('[data-testid="message"][data-role="assistant"][data-status="complete"]');
    await done.waitFor();
    const warmUp = Math.max(1, Math.round(answers / 10));
    let baseline = Number.NaN;
    for (let i = 1; i < answers; i++) {
      if (i === warmUp) baseline = await heapAfterGc(app.cdp);
      // Main says when the answer is done (too quick to catch it streaming on screen); then the page must show it done.
      const finished = answerDone(app);
      await page.getByTestId('regenerate-button').click();
      await finished;
      await done.waitFor();
    }
    const end = await heapAfterGc(app.cdp);
    return ((end - baseline) / baseline) * 100;
  } finally {
    sandbox.bedrock.setPace({ script: undefined });
  }
}
