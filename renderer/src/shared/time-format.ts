/** Pure wording for time: countdowns and clock times. No React, no `window`. */

/**
 * Formats the time left before the credentials expire: "1:04:09", "54:12",
 * or, under a minute, "42 seconds". Rounds up, so it reads "1 second" until
 * the very end rather than "0 seconds" a second early.
 */
export function formatRemaining(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  if (totalSeconds < 60) return totalSeconds === 1 ? '1 second' : `${totalSeconds} seconds`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** A wall-clock time for "expires at 14:32", in the person's own locale. */
export function formatClockTime(epochMs: number, locale?: string): string {
  return new Date(epochMs).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}
