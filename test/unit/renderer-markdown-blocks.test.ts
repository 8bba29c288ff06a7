import { describe, expect, it } from 'vitest';
import { MarkdownStream, markdownBlocks } from '../../renderer/src/chat/markdown-blocks';

const ANSWER = [
  '## Title',
  '',
  'A paragraph with **bold** text.',
  '',
  '- one',
  '- two',
  '',
  '| a | b |',
  '| --- | --- |',
  '| 1 | 2 |',
  '',
  '```ts',
  'const x = 1;',
  '',
  'const y = 2;',
  '```',
  '',
  'The end.',
].join('\n');

/** Feeds `text` to a stream a few characters at a time, as tokens arrive. */
function feed(stream: MarkdownStream, text: string, step = 3) {
  const snapshots = [];
  for (let i = step; i < text.length + step; i += step) snapshots.push(stream.update(text.slice(0, i)));
  return snapshots;
}

const types = (blocks: readonly { token: { type: string } }[]) => blocks.map((b) => b.token.type);

describe('streaming Markdown blocks', () => {
  it('ends with the same blocks as lexing the whole answer', () => {
    const stream = new MarkdownStream();
    const last = feed(stream, ANSWER).at(-1)!;
    const all = [...last.finished, ...last.tail];
    expect(types(all)).toEqual(types(markdownBlocks(ANSWER)));
    expect(all.map((b) => b.token.raw.trim())).toEqual(markdownBlocks(ANSWER).map((b) => b.token.raw.trim()));
  });

  it('keeps a code fence open across blank lines until it closes', () => {
    const stream = new MarkdownStream();
    const snapshot = stream.update('Intro\n\n```ts\nconst x = 1;\n\nconst y');
    expect(types(snapshot.finished)).toEqual(['paragraph']);
    expect(types(snapshot.tail)).toEqual(['code']);
    expect((snapshot.tail[0]!.token as { text: string }).text).toContain('const y');
  });

  it('does not finish a list while more items may come', () => {
    const stream = new MarkdownStream();
    const snapshot = stream.update('- one\n- two\n\n');
    expect(snapshot.finished).toEqual([]);
    expect(types(snapshot.tail)).toEqual(['list']);
    const more = stream.update('- one\n- two\n\n- three');
    expect((more.tail[0]!.token as { items: unknown[] }).items).toHaveLength(3);
  });

  it('finished blocks keep their identity, so React renders them once', () => {
    const stream = new MarkdownStream();
    const snapshots = feed(stream, ANSWER);
    const first = snapshots.find((s) => s.finished.length > 0)!.finished[0]!;
    for (const snapshot of snapshots.slice(snapshots.indexOf(snapshots.find((s) => s.finished.length > 0)!))) {
      expect(snapshot.finished[0]).toBe(first);
    }
  });

  it('work per update does not grow with the length of the answer', () => {
    const paragraph = 'Bedrock streams tokens as the model writes them, one small piece at a time.';
    const long = Array.from({ length: 400 }, (_, i) => `${paragraph} (${i})`).join('\n\n');
    const stream = new MarkdownStream();
    const perUpdate: number[] = [];
    let before = 0;
    for (let i = 8; i <= long.length; i += 8) {
      stream.update(long.slice(0, i));
      perUpdate.push(stream.lexedCharacters - before);
      before = stream.lexedCharacters;
    }
    // Lexing only the block being written: bounded by the size of one paragraph and the blank line before it.
    expect(Math.max(...perUpdate)).toBeLessThan(paragraph.length * 2 + 20);
    expect(long.length).toBeGreaterThan(paragraph.length * 300);
  });

  it('starts again when the text is replaced rather than extended', () => {
    const stream = new MarkdownStream();
    stream.update('# One\n\nfirst');
    const replaced = stream.update('Something else entirely\n\nsecond');
    expect(types([...replaced.finished, ...replaced.tail])).toEqual(['paragraph', 'paragraph']);
  });
});
