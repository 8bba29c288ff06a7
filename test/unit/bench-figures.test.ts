/**
 * The benchmark's own arithmetic: the answer it streams and how it turns
 * what the page recorded into figures.
 */
import { describe, expect, it } from 'vitest';
import { benchAnswer } from '../bench/answer';
import { BENCH_TRACE_EVENTS, benchTraceAnswer, benchTraceEvents } from '../sandbox/bedrock-agents';
import type { ProbeRecord } from '../bench/probe';
import { percentile } from '../bench/stats';
import { analyseStream } from '../bench/streaming';

describe('benchmark answer', () => {
  it('is the same every time, exactly the length asked, fences closed, ending with the long code block', () => {
    const answer = benchAnswer(100_000);
    expect(answer).toBe(benchAnswer(100_000));
    expect(answer).toHaveLength(100_000);
    expect(answer.match(/^```/gm)!.length % 2).toBe(0);
    const last = answer.slice(answer.lastIndexOf('```typescript'));
    expect(last.split('\n').length).toBeGreaterThanOrEqual(400);
    expect(answer).toMatch(/^\| Option \| Latency \|/m);
  });
});

describe("the trace agent's answer", () => {
  it('is a few KB of plain ASCII Markdown, the same every time, with a closed code block', () => {
    const answer = benchTraceAnswer();
    expect(answer).toBe(benchTraceAnswer());
    expect(answer.length).toBeGreaterThan(3_000);
    expect([...answer].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    expect(answer.match(/^```/gm)).toHaveLength(2);
  });

  it('has 200 trace events unless the question asks for another number', () => {
    expect(benchTraceEvents('Check every queue')).toBe(BENCH_TRACE_EVENTS);
    expect(BENCH_TRACE_EVENTS).toBe(200);
    expect(benchTraceEvents('Check every queue, with 50 trace events')).toBe(50);
    expect(benchTraceEvents('with 3 trace events')).toBe(8);
  });
});

describe('streaming figures', () => {
  // 10 chunks of 10 characters every 4 ms; each painted 3 ms after it arrives.
  const pace = { chunkChars: 10, intervalMs: 4 };
  const arrivals = Array.from({ length: 10 }, (_, i) => ({ at: 100 + i * 4, end: (i + 1) * 10 }));
  const record: ProbeRecord = {
    longTasks: [
      { start: 0, duration: 60 }, // before the stream: not counted
      { start: 110, duration: 80 },
    ],
    arrivals,
    mutations: arrivals.map((a) => a.at + 1),
    paints: arrivals.map((a) => a.at + 3),
    lengths: [
      { at: 137, length: 90 },
      { at: 137.5, length: 100 },
    ],
    finalLength: 100,
    now: 500,
  };
  const busy = [
    { at: 0, busyMs: 0 },
    { at: 200, busyMs: 200 },
  ];

  it('times each chunk from arrival to the paint after the page changed, and the answer against the stream end', () => {
    const run = analyseStream(record, busy, 100, pace);
    expect(run.arrivalToPaintP50).toBeCloseTo(3);
    expect(run.arrivalToPaintP95).toBeCloseTo(3);
    expect(run.longestTaskMs).toBe(80);
    expect(run.longTasks).toBe(1);
    expect(run.totalBlockingMs).toBe(30);
    // Fully shown at the paint after 137.5 (139), counted from the first arrival (100), less 9 intervals of 4 ms.
    expect(run.shownAfterStreamEndMs).toBeCloseTo(39 - 36);
    // The same paint, counted from the last chunk's arrival (136).
    expect(run.shownAfterLastChunkMs).toBeCloseTo(3);
    expect(run.cut).toBe(false);
    expect(run.lateOverEarly).toBeGreaterThan(0);
  });

  it('says when the answer never showed in full', () => {
    expect(analyseStream({ ...record, lengths: [] }, busy, 100, pace).cut).toBe(true);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });
});
