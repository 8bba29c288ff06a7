import { describe, expect, it } from 'vitest';
import { ChatEventCoalescer, type FrameTimer } from '../../main/chat/event-coalescer';
import type { ChatEvent, ChatMessage } from '../../preload/contract';

/** A timer that fires only when the test says a frame has passed. */
function frames() {
  const due = new Map<number, () => void>();
  let next = 0;
  const timer: FrameTimer = {
    set: (run) => (due.set(++next, run), next),
    clear: (handle) => void due.delete(handle as number),
  };
  return {
    timer,
    pending: () => due.size,
    tick() {
      const runs = [...due.values()];
      due.clear();
      for (const run of runs) run();
    },
  };
}

const base = { requestId: 'r1', conversationId: 'c1' };
const message: ChatMessage = { id: 'm1', role: 'assistant', text: '', createdAt: 1, status: 'streaming' };
const text = (delta: string, offset: number): ChatEvent => ({ type: 'text', ...base, messageId: 'm1', delta, offset });
const reasoning = (delta: string, offset: number): ChatEvent => ({ type: 'reasoning', ...base, messageId: 'm1', delta, offset });

function stream(chunks: string[], push: (event: ChatEvent) => void, from = 0): number {
  let offset = from;
  for (const chunk of chunks) {
    push(text(chunk, offset));
    offset += chunk.length;
  }
  return offset;
}

describe('streamed text is sent at most once per frame', () => {
  it('many deltas within a frame leave as one event with the offset of the first', () => {
    const sent: ChatEvent[] = [];
    const clock = frames();
    const coalescer = new ChatEventCoalescer((e) => sent.push(e), 16, clock.timer);
    coalescer.push({ type: 'started', ...base, message });
    const chunks = Array.from({ length: 50 }, (_, i) => `chunk ${i} `);
    const end = stream(chunks, (e) => coalescer.push(e));
    expect(sent.map((e) => e.type)).toEqual(['started']);
    clock.tick();
    expect(sent.slice(1)).toEqual([text(chunks.join(''), 0)]);

    // The next frame's text starts where the last one ended.
    stream(['more ', 'text'], (e) => coalescer.push(e), end);
    clock.tick();
    expect(sent.slice(2)).toEqual([text('more text', end)]);
    expect(clock.pending()).toBe(0);
  });

  it('keeps text and reasoning apart, each with its own offset', () => {
    const sent: ChatEvent[] = [];
    const clock = frames();
    const coalescer = new ChatEventCoalescer((e) => sent.push(e), 16, clock.timer);
    coalescer.push(reasoning('Let me ', 0));
    coalescer.push(reasoning('think.', 7));
    coalescer.push(text('Answer', 0));
    coalescer.push(text(' here', 6));
    clock.tick();
    expect(sent).toEqual([reasoning('Let me think.', 0), text('Answer here', 0)]);
  });

  it('the end of an answer (done, failed after a stop) sends the waiting text first, without waiting for the frame', () => {
    for (const end of ['done', 'failed'] as const) {
      const sent: ChatEvent[] = [];
      const clock = frames();
      const coalescer = new ChatEventCoalescer((e) => sent.push(e), 16, clock.timer);
      stream(['Hello', ', world'], (e) => coalescer.push(e));
      const last: ChatEvent =
        end === 'done'
          ? { type: 'done', ...base, message: { ...message, text: 'Hello, world', status: 'complete' } }
          : { type: 'failed', ...base, message: { ...message, text: 'Hello, world', status: 'interrupted' }, error: { code: 'internal', message: 'x' } as never };
      coalescer.push(last);
      expect(sent).toEqual([text('Hello, world', 0), last]);
      // No timer is left to send anything after the end.
      expect(clock.pending()).toBe(0);
      clock.tick();
      expect(sent).toHaveLength(2);
    }
  });

  it('flush (Stop) and dispose send what waits and clear the timer', () => {
    const sent: ChatEvent[] = [];
    const clock = frames();
    const coalescer = new ChatEventCoalescer((e) => sent.push(e), 16, clock.timer);
    stream(['a', 'b'], (e) => coalescer.push(e));
    coalescer.flush('r1');
    expect(sent).toEqual([text('ab', 0)]);
    expect(clock.pending()).toBe(0);
    stream(['c'], (e) => coalescer.push(e), 2);
    coalescer.dispose();
    expect(sent).toEqual([text('ab', 0), text('c', 2)]);
    expect(clock.pending()).toBe(0);
    // After dispose nothing is held back.
    coalescer.push(text('d', 3));
    expect(sent.at(-1)).toEqual(text('d', 3));
  });

  it('answers in two conversations are coalesced separately', () => {
    const sent: ChatEvent[] = [];
    const clock = frames();
    const coalescer = new ChatEventCoalescer((e) => sent.push(e), 16, clock.timer);
    coalescer.push(text('one', 0));
    coalescer.push({ ...text('two', 0), requestId: 'r2', conversationId: 'c2' } as ChatEvent);
    coalescer.push({ type: 'done', ...base, message });
    expect(sent.map((e) => e.requestId)).toEqual(['r1', 'r1']);
    clock.tick();
    expect(sent.at(-1)).toMatchObject({ requestId: 'r2', delta: 'two' });
  });
});

describe("an agent's trace and sources are sent at most once per frame", () => {
  const agent = (steps: number): ChatEvent => ({
    type: 'agent',
    ...base,
    messageId: 'm1',
    agent: { name: 'Order desk', steps: Array.from({ length: steps }, (_, i) => ({ id: `s${i}`, kind: 'thinking', title: `Step ${i}`, raw: [] })), sources: [], citations: [] },
  });

  it('the latest stands for those before it, after the text of the same frame', () => {
    const sent: ChatEvent[] = [];
    const clock = frames();
    const events = new ChatEventCoalescer((e) => sent.push(e), 16, clock.timer);
    events.push({ type: 'started', ...base, message });
    let offset = 0;
    for (let i = 1; i <= 200; i++) {
      events.push(agent(i));
      if (i % 50 === 0) offset = stream([`part ${i} `], (e) => events.push(e), offset);
    }
    expect(sent).toHaveLength(1);
    clock.tick();
    expect(sent.map((e) => e.type)).toEqual(['started', 'text', 'agent']);
    expect((sent[2] as Extract<ChatEvent, { type: 'agent' }>).agent.steps).toHaveLength(200);
  });

  it('the end of the answer sends the waiting trace first', () => {
    const sent: ChatEvent[] = [];
    const events = new ChatEventCoalescer((e) => sent.push(e), 16, frames().timer);
    events.push(agent(3));
    events.push({ type: 'done', ...base, message: { ...message, status: 'complete' } });
    expect(sent.map((e) => e.type)).toEqual(['agent', 'done']);
  });
});
