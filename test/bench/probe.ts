/**
 * What the benchmark runs inside the page, installed before the app loads
 * (Playwright's addInitScript): long tasks, when each chunk reaches the page
 * (the bridge calls `received`), DOM changes to the answer, and one marker per
 * frame taken just after it is painted. Plain JavaScript in a string, so no
 * compiler helper leaks into the page.
 */
import type { Page } from 'playwright-core';

export const PROBE_SCRIPT = `(() => {
  const ANSWER = '[data-role="assistant"] [data-testid="message-text"]';
  const state = {
    recording: false,
    longTasks: [],
    arrivals: [],
    mutations: [],
    paints: [],
    lengths: [],
    finalArrived: false,
    expectedChars: 0,
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}

  const lastAnswer = () => { const all = document.querySelectorAll(ANSWER); return all[all.length - 1]; };
  const recordLength = (at) => { const el = lastAnswer(); if (el) state.lengths.push({ at, length: el.textContent.length }); };

  // A frame's paint happens after its requestAnimationFrame callbacks; a message posted from one runs just after that paint.
  const channel = new MessageChannel();
  channel.port1.onmessage = () => state.paints.push(performance.now());
  const frame = () => { if (!state.recording) return; channel.port2.postMessage(0); requestAnimationFrame(frame); };

  const observer = new MutationObserver((records) => {
    if (!state.recording) return;
    const at = performance.now();
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (node && node.closest(ANSWER)) { state.mutations.push(at); if (state.finalArrived) recordLength(at); return; }
    }
  });

  window.__strataBench = {
    received(channel, payload, at) {
      if (!state.recording || channel !== 'chat:event' || !payload || payload.type !== 'text') return;
      const end = payload.offset + payload.delta.length;
      state.arrivals.push({ at, end });
      if (end >= state.expectedChars && !state.finalArrived) { state.finalArrived = true; queueMicrotask(() => recordLength(performance.now())); }
    },
    start(expectedChars) {
      Object.assign(state, { recording: true, arrivals: [], mutations: [], paints: [], lengths: [], finalArrived: false, expectedChars });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      requestAnimationFrame(frame);
      return performance.now();
    },
    stop() {
      state.recording = false;
      observer.disconnect();
      const el = lastAnswer();
      return { ...state, finalLength: el ? el.textContent.length : 0, now: performance.now() };
    },
    now() { return performance.now(); },
    longTasks() { return state.longTasks; },
    timeOrigin() { return performance.timeOrigin; },
  };
})();`;

/** One long task, in page time. */
export interface LongTask {
  start: number;
  duration: number;
}

/** What the probe recorded between start() and stop(), in page milliseconds. */
export interface ProbeRecord {
  longTasks: LongTask[];
  arrivals: Array<{ at: number; end: number }>;
  mutations: number[];
  paints: number[];
  lengths: Array<{ at: number; length: number }>;
  finalLength: number;
  now: number;
}

/** Calls a probe function in the page with JSON arguments (a string, so nothing from the bundler leaks in). */
export function probe<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.__strataBench.${name}(...${JSON.stringify(args)})`) as Promise<T>;
}
