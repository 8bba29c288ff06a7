/**
 * Small statistics for the benchmark: percentiles, the first event at or
 * after a time, and runs summarised as median with min–max.
 */

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The median of the values; NaN for none. */
export const median = (values: readonly number[]) => percentile(values, 50);

/** The first value at or after `t` in an ascending list, or undefined. */
export function firstAtOrAfter(sorted: readonly number[], t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

/** One figure across runs. */
export interface Figure {
  name: string;
  unit: string;
  runs: number[];
  median: number;
  min: number;
  max: number;
  /** e.g. "≤ 50 ms"; absent: reported only. */
  target?: string;
  pass?: boolean;
  note?: string;
}

/** A figure from its runs, checked against `meets` when there is a target. */
export function figure(name: string, unit: string, runs: number[], target?: { text: string; meets: (median: number) => boolean }, note?: string): Figure {
  const m = median(runs);
  return {
    name,
    unit,
    runs,
    median: m,
    min: runs.length ? Math.min(...runs) : Number.NaN,
    max: runs.length ? Math.max(...runs) : Number.NaN,
    ...(target ? { target: target.text, pass: Number.isFinite(m) && target.meets(m) } : {}),
    ...(note ? { note } : {}),
  };
}

const format = (value: number) => (!Number.isFinite(value) ? String(value) : Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));

/** The figures as a plain-text table. */
export function table(figures: readonly Figure[]): string {
  const rows = [
    ['figure', 'median', 'min–max', 'target', 'result'],
    ...figures.map((f) => [
      f.note ? `${f.name} (${f.note})` : f.name,
      `${format(f.median)} ${f.unit}`,
      `${format(f.min)}–${format(f.max)}`,
      f.target ?? '',
      f.target ? (f.pass ? 'pass' : 'FAIL') : '',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r, n) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd() + (n === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
}
