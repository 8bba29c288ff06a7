/**
 * Streamed text goes to the window at most once per frame per answer: a
 * model can send hundreds of small deltas a second, and each IPC message
 * costs the window a task. Deltas that arrive within a frame leave as one
 * event carrying their joined text at the offset of the first. An agent's
 * trace and sources (`agent`) go once per frame too, the latest standing for
 * those before it, after the frame's text (citations point into it);
 * `started`, `done` and `failed` send what is waiting first, so the order holds.
 */
import type { ChatEvent } from '../../preload/contract';

type DeltaEvent = Extract<ChatEvent, { type: 'text' | 'reasoning' }>;
type AgentEvent = Extract<ChatEvent, { type: 'agent' }>;

/** A timer the tests can drive. */
export interface FrameTimer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: FrameTimer = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Waiting {
  /** Deltas waiting per kind, in the order the kinds first arrived. */
  deltas: Map<'text' | 'reasoning', { first: DeltaEvent; parts: string[]; end: number }>;
  /** The agent's answer as it stood last in this frame. */
  agent?: AgentEvent;
  timer: unknown;
}

export class ChatEventCoalescer {
  private readonly waiting = new Map<string, Waiting>();
  private disposed = false;

  constructor(
    private readonly emit: (event: ChatEvent) => void,
    private readonly frameMs = 16,
    private readonly timer: FrameTimer = realTimer,
  ) {}

  /** Sends `event` now (start and end events, after what is waiting) or with the next frame (deltas, an agent's answer). */
  push(event: ChatEvent): void {
    if (event.type !== 'text' && event.type !== 'reasoning' && event.type !== 'agent') {
      this.flush(event.requestId);
      this.emit(event);
      return;
    }
    if (this.disposed || this.frameMs <= 0) {
      this.emit(event);
      return;
    }
    let waiting = this.waiting.get(event.requestId);
    if (!waiting) {
      waiting = { deltas: new Map(), timer: this.timer.set(() => this.flush(event.requestId), this.frameMs) };
      this.waiting.set(event.requestId, waiting);
    }
    if (event.type === 'agent') {
      waiting.agent = event;
      return;
    }
    const pending = waiting.deltas.get(event.type);
    if (pending && pending.end !== event.offset) {
      // Not contiguous (never happens from one answer, but an offset must stay true): send what waits first.
      this.flush(event.requestId);
      this.push(event);
      return;
    }
    if (pending) {
      pending.parts.push(event.delta);
      pending.end += event.delta.length;
    } else {
      waiting.deltas.set(event.type, { first: event, parts: [event.delta], end: event.offset + event.delta.length });
    }
  }

  /** Sends what waits for one answer, or for all of them. */
  flush(requestId?: string): void {
    const ids = requestId === undefined ? [...this.waiting.keys()] : [requestId];
    for (const id of ids) {
      const waiting = this.waiting.get(id);
      if (!waiting) continue;
      this.waiting.delete(id);
      this.timer.clear(waiting.timer);
      for (const { first, parts } of waiting.deltas.values()) this.emit({ ...first, delta: parts.join('') });
      if (waiting.agent) this.emit(waiting.agent);
    }
  }

  /** Sends what waits and leaves no timer behind; later events go out at once. */
  dispose(): void {
    this.flush();
    this.disposed = true;
  }
}
