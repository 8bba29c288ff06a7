/**
 * The end-to-end stand-in for the Electron preload: the same `createApi`,
 * carried over HTTP (requests) and server-sent events (events) to the real
 * main-process services running under Node.
 */
import { createApi } from '../../preload/api';
import type { EventChannel, Transport } from '../../preload/contract';
import { decode, encode } from './wire';

const events = new EventSource('/__strata/events');

/** Set by a benchmark's init script (test/bench): told when each main→renderer event reaches the page. */
interface BenchHook {
  received(channel: EventChannel, payload: unknown, at: number): void;
}
const bench = (window as { __strataBench?: BenchHook }).__strataBench;
if (bench) {
  // Registered before the app's own listeners, so the time is the moment the page got the event, not after the app handled it.
  events.addEventListener('chat:event', (event: MessageEvent<string>) => bench.received('chat:event', decode(event.data), performance.now()));
}

const transport: Transport = {
  invoke: async (channel, input) => {
    const response = await fetch(`/__strata/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: encode({ input }),
    });
    return decode(await response.text()) as never;
  },
  subscribe: (channel: EventChannel, listener) => {
    const wrapped = (event: MessageEvent<string>) => listener(decode(event.data) as never);
    events.addEventListener(channel, wrapped);
    return () => events.removeEventListener(channel, wrapped);
  },
};

Object.defineProperty(window, 'strata', { value: Object.freeze(createApi(transport)), writable: false });
