/**
 * Scenarios 1 and 2: a long answer streamed into Strata, and the same stream
 * into the naive page, timed in the page from when each chunk reaches it.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { SANDBOX_MODELS, type Sandbox } from '../sandbox/index';
import { type BenchApp, sleep } from './app';
import type { NaiveServer } from './naive-server';
import { PROBE_SCRIPT, probe, type ProbeRecord } from './probe';
import { firstAtOrAfter, percentile } from './stats';

export interface StreamPace {
  chunkChars: number;
  intervalMs: number;
}

/** What one streamed answer cost, in milliseconds of page time. */
export interface StreamRun {
  longestTaskMs: number;
  /** Tasks of 50 ms or more while the answer streamed. */
  longTasks: number;
  totalBlockingMs: number;
  arrivalToPaintP50: number;
  arrivalToPaintP95: number;
  /** Fully shown, counted from the first chunk, minus how long the stream takes at its pace. */
  shownAfterStreamEndMs: number;
  /** Fully shown, counted from when the last piece of text reached the page. */
  shownAfterLastChunkMs: number;
  /** Main-thread busy time per chunk in the last 10% of the answer over the first 10%. */
  lateOverEarly: number;
  /** The page gave up waiting before the answer was fully shown. */
  cut: boolean;
}

/** Main-thread busy time (Chromium's TaskDuration), sampled through CDP in page time. */
class BusySampler {
  private samples: Array<{ at: number; busyMs: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private offset = 0;

  constructor(
    private readonly cdp: CDPSession,
    private readonly page: Page,
  ) {}

  /** Learns how Chromium's metric clock maps to the page's performance.now(), then samples every 50 ms. */
  async start(): Promise<void> {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) {
      const before = await probe<number>(this.page, 'now');
      const ticks = await this.sample();
      const after = await probe<number>(this.page, 'now');
      if (after - before < best) {
        best = after - before;
        this.offset = ticks.at - (before + after) / 2;
      }
    }
    this.samples = [];
    const tick = async () => {
      this.samples.push(await this.sample().then((s) => ({ at: s.at - this.offset, busyMs: s.busyMs })));
      if (this.timer) this.timer = setTimeout(() => void tick().catch(() => {}), 50);
    };
    this.timer = setTimeout(() => void tick().catch(() => {}), 0);
  }

  stop(): Array<{ at: number; busyMs: number }> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.samples;
  }

  private async sample(): Promise<{ at: number; busyMs: number }> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const value = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000;
    return { at: value('Timestamp'), busyMs: value('TaskDuration') };
  }
}

/** Busy milliseconds between two page times, interpolated between samples. */
function busyBetween(samples: Array<{ at: number; busyMs: number }>, from: number, to: number): number {
  const at = (t: number) => {
    const i = samples.findIndex((s) => s.at >= t);
    if (i <= 0) return i === 0 ? samples[0]!.busyMs : (samples.at(-1)?.busyMs ?? Number.NaN);
    const a = samples[i - 1]!;
    const b = samples[i]!;
    return a.busyMs + ((b.busyMs - a.busyMs) * (t - a.at)) / Math.max(1e-9, b.at - a.at);
  };
  return at(to) - at(from);
}

/** Turns what the probe saw into the streaming figures. */
export function analyseStream(record: ProbeRecord, busy: Array<{ at: number; busyMs: number }>, chars: number, pace: StreamPace): StreamRun {
  const arrivals = [...record.arrivals].sort((a, b) => a.at - b.at);
  const first = arrivals[0]?.at ?? Number.NaN;
  const shownChange = record.lengths.find((l) => l.length === record.finalLength && record.finalLength > 0)?.at;
  const cut = shownChange === undefined || arrivals.at(-1)?.end !== chars;
  const shownAt = firstAtOrAfter(record.paints, shownChange ?? record.now) ?? shownChange ?? record.now;

  const tasks = record.longTasks.filter((t) => t.start + t.duration > first && t.start < shownAt);
  const latencies: number[] = [];
  for (const arrival of arrivals) {
    const changed = firstAtOrAfter(record.mutations, arrival.at);
    const painted = changed === undefined ? undefined : firstAtOrAfter(record.paints, changed);
    if (painted !== undefined) latencies.push(painted - arrival.at);
  }

  const nominalMs = (Math.ceil(chars / pace.chunkChars) - 1) * pace.intervalMs;
  const perChunk = (from: number, to: number, windowChars: number) => busyBetween(busy, from, to) / Math.max(1, windowChars / pace.chunkChars);
  const tenth = arrivals.find((a) => a.end >= chars * 0.1);
  const ninetiethIndex = arrivals.findIndex((a) => a.end >= chars * 0.9);
  const lateFrom = arrivals[ninetiethIndex] ?? arrivals.at(-1);
  const lateChars = chars - (arrivals[ninetiethIndex - 1]?.end ?? 0);
  // Floored at a microsecond per chunk so an idle start cannot divide by zero.
  const early = tenth ? Math.max(0.001, perChunk(first, tenth.at, tenth.end)) : Number.NaN;
  const late = lateFrom ? perChunk(lateFrom.at, shownAt, lateChars) : Number.NaN;

  return {
    longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
    longTasks: tasks.length,
    totalBlockingMs: tasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
    arrivalToPaintP50: percentile(latencies, 50),
    arrivalToPaintP95: percentile(latencies, 95),
    shownAfterStreamEndMs: shownAt - first - nominalMs,
    shownAfterLastChunkMs: shownAt - (arrivals.at(-1)?.at ?? Number.NaN),
    lateOverEarly: late / early,
    cut,
  };
}

/** Streams `script` into a new Strata conversation and times it. */
export async function streamIntoStrata(app: BenchApp, sandbox: Sandbox, script: string, pace: StreamPace): Promise<StreamRun> {
  const { page } = app;
  await page.getByTestId('new-conversation-button').click();
  await page.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
  await page.getByTestId('composer-input').fill('Benchmark: the long answer, please');
  sandbox.bedrock.setPace({ script, ...pace });
  const sampler = new BusySampler(app.cdp, page);
  await sampler.start();
  await probe(page, 'start', script.length);
  await page.getByTestId('composer-input').press('Enter');
  const streamMs = (script.length / pace.chunkChars) * pace.intervalMs;
  await page.locator('[data-testid="message"][data-role="assistant"][data-status="complete"]').waitFor({ timeout: streamMs + 120_000 });
  // The last frames: the finished answer swaps in and paints.
  await sleep(500);
  const record = await probe<ProbeRecord>(page, 'stop');
  const busy = sampler.stop();
  sandbox.bedrock.setPace({ script: undefined });
  return analyseStream(record, busy, script.length, pace);
}

/** Streams `script` into the naive page (react-markdown re-rendering everything per chunk) and times it the same way. */
export async function streamIntoNaivePage(browser: Browser, server: NaiveServer, script: string, pace: StreamPace): Promise<StreamRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript(PROBE_SCRIPT);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction('typeof window.__naiveStart === "function"');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    server.setScript(script, pace.chunkChars, pace.intervalMs);
    const sampler = new BusySampler(cdp, page);
    await sampler.start();
    await probe(page, 'start', script.length);
    await page.evaluate('window.__naiveStart()');
    const streamMs = (script.length / pace.chunkChars) * pace.intervalMs;
    // The naive page can fall far behind; past this it is measured as it stands.
    await page
      .locator('[data-status="complete"]')
      .waitFor({ timeout: streamMs + 60_000 })
      .catch(() => {});
    await sleep(500);
    const record = await probe<ProbeRecord>(page, 'stop');
    return analyseStream(record, sampler.stop(), script.length, pace);
  } finally {
    await context.close();
  }
}
