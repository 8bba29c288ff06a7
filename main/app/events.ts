import type { EventChannel, EventPayload } from '../../preload/contract';

type Listener = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void;

/** Main → renderer events, published by services and carried by whichever transport is attached. */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(channel, payload);
  }

  /** Attaches a transport; returns the detach function. */
  attach(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
