/**
 * One shared second-by-second clock for countdowns. Readings are whole
 * seconds, so every read within the same second returns the same value, as
 * `useSyncExternalStore` requires.
 */
import { useSyncExternalStore } from 'react';

type Listener = () => void;

const listeners = new Set<Listener>();
let timer: ReturnType<typeof setTimeout> | undefined;
let current = wholeSecond(Date.now());

function wholeSecond(ms: number): number {
  return ms - (ms % 1000);
}

function scheduleTick(): void {
  // Wake just after the next second begins so the display turns over on time.
  timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
}

function tick(): void {
  current = wholeSecond(Date.now());
  for (const listener of listeners) listener();
  scheduleTick();
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (listeners.size === 1) scheduleTick();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

function read(): number {
  // While nobody listens the clock does not tick; catch up on the first read.
  if (timer === undefined) current = wholeSecond(Date.now());
  return current;
}

/** The current time (epoch ms, whole seconds); re-renders every second while mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, read);
}
