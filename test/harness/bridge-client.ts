/**
 * The end-to-end stand-in for the Electron preload: the same `createApi`,
 * carried over HTTP (requests) and server-sent events (events) to the real
 * main-process services running under Node.
 */
import { createApi } from '../../preload/api';
import type { EventChannel, Transport } from '../../preload/contract';
import { decode, encode } from './wire';

const events = new EventSource('/__strata/events');

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
