/**
 * "Latest wins" for requests whose answer replaces state: each `begin()`
 * supersedes every earlier one, and `reset()` (the person changed) drops all
 * answers still on their way. An answer is applied only while `isLatest()`.
 */
export interface Latest {
  /** Starts a request; the returned check says whether it is still the latest. */
  begin(): () => boolean;
  /** Makes every request under way stale. */
  reset(): void;
}

export function latestWins(): Latest {
  let generation = 0;
  return {
    begin() {
      const mine = ++generation;
      return () => mine === generation;
    },
    reset() {
      generation++;
    },
  };
}
