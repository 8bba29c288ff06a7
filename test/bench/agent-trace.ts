/**
 * Scenario 1b: a Bedrock Agent's answer with a long trace (the sandbox's
 * BENCH_TRACE_AGENT: ~200 trace events, its few-KB answer streaming between
 * them), timed in the page the same way as a model's streamed answer, with
 * the trace folded away (as it starts) or opened as soon as it shows, so the
 * timeline grows on screen while the answer streams.
 */
import { randomUUID } from 'node:crypto';
import { chatSchemas } from '../../preload/contract';
import { callHandler } from '../harness/services-calls';
import { BENCH_TRACE_AGENT, benchTraceAnswer, SANDBOX_MODELS } from '../sandbox/index';
import { type BenchApp, sleep } from './app';
import { probe, type ProbeRecord } from './probe';
import { analyseStream, type StreamRun } from './streaming';

export interface AgentStreamRun extends StreamRun {
  /** Steps on the timeline when the answer was done (drawn ones when it was open). */
  steps: number;
  /** Trace events the answer was saved with (its steps' raw events). */
  traceEvents: number;
  /** Text events that reached the page (main sends at most one a frame). */
  textEvents: number;
  /** The timeline was opened before the answer's last text arrived (trace-open runs only). */
  openedWhileStreaming?: boolean;
}

/** Opens the trace of the latest answer the moment its button shows; resolves with whether the answer was still streaming. */
const TRACE_OPENER = `new Promise((resolve, reject) => {
  const until = performance.now() + 60000;
  const check = () => {
    const answers = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
    const answer = answers[answers.length - 1];
    const toggle = answer && answer.querySelector('[data-testid="trace-toggle"]');
    if (toggle && toggle.getAttribute('aria-expanded') === 'false') {
      toggle.click();
      resolve(answer.getAttribute('data-status') === 'streaming');
    } else if (performance.now() > until) reject(new Error('no trace to open within 60 s'));
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;

/**
 * Asks the trace agent for an answer with `events` trace events in a new conversation that talks
 * to it (set through conversations:update-settings, as the window sets it), opened and asked from
 * the window as a person does; times it from when each piece of text reaches the page.
 */
export async function streamAgentIntoStrata(app: BenchApp, options: { events: number; traceOpen: boolean }): Promise<AgentStreamRun> {
  const { page, harness } = app;
  const store = harness.services.conversations;
  const title = `Benchmark trace ${randomUUID().slice(0, 8)}`;
  const created = store.create({ modelId: SANDBOX_MODELS.writer, systemPrompt: '' });
  store.rename(created.id, title);
  const agent = { ...BENCH_TRACE_AGENT, sessionId: randomUUID() };
  // Checked as the IPC dispatcher checks what the window sends.
  const input = chatSchemas.updateConversationSettings.parse({ id: created.id, settings: { agent } });
  const updated = await callHandler(harness.services, 'conversations:update-settings', input);
  if (updated.settings.agent?.agentId !== agent.agentId) throw new Error("the conversation's agent was not set");

  await page.getByTestId('conversation-item').filter({ hasText: title }).getByTestId('open-conversation-button').click();
  await page.getByTestId('composer-input').fill(`Benchmark: check every queue, with ${options.events} trace events`);
  const answer = benchTraceAnswer();
  await probe(page, 'start', answer.length);
  if (options.traceOpen) await page.evaluate(`window.__benchTrace = ${TRACE_OPENER}; undefined`);
  await page.getByTestId('composer-input').press('Enter');
  const done = page.locator('[data-testid="message"][data-role="assistant"][data-status="complete"]');
  await done.waitFor({ timeout: 120_000 });
  const openedWhileStreaming = options.traceOpen ? ((await page.evaluate('window.__benchTrace')) as boolean) : undefined;
  // The last frames: the finished answer swaps in and paints.
  await sleep(500);
  const record = await probe<ProbeRecord>(page, 'stop');
  const steps = options.traceOpen
    ? await done.getByTestId('trace-step').count()
    : ((await done.evaluate((el) => el.querySelector('[data-testid="trace-toggle"]')?.textContent ?? '')).match(/(\d+) steps?/)?.[1] ?? Number.NaN);
  // Pace: the agent's text comes in pieces of 24 characters; the figures used here do not depend on the interval.
  const run = analyseStream(record, [], answer.length, { chunkChars: 24, intervalMs: 2 });
  const saved = store.get(created.id).messages.find((m) => m.role === 'assistant');
  const traceEvents = saved?.agent?.steps.reduce((sum, step) => sum + step.raw.length, 0) ?? 0;
  return {
    ...run,
    steps: Number(steps),
    traceEvents,
    textEvents: record.arrivals.length,
    ...(openedWhileStreaming !== undefined ? { openedWhileStreaming } : {}),
  };
}
