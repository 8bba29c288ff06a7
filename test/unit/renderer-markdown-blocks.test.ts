import { describe, expect, it } from 'vitest';
import { MarkdownStream, UNFINISHED_LINK, healBlock } from '../../renderer/src/chat/markdown-blocks';

/** All the blocks of a text lexed at once; for an answer that stopped part way, the last one healed. */
function markdownBlocks(text: string, { unfinished = false }: { unfinished?: boolean } = {}) {
  const { finished, tail } = new MarkdownStream().update(text, unfinished ? 'interrupted' : 'complete');
  return [...finished, ...tail];
}

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

  it('when the answer ends, keeps the blocks it showed (same objects, same keys) and lexes only the last one again', () => {
    const stream = new MarkdownStream();
    const streamed = feed(stream, ANSWER).at(-1)!;
    const lexedWhileStreaming = stream.lexedCharacters;
    const ended = stream.update(ANSWER, 'complete');
    // The finished blocks are the very objects React rendered; the last block keeps its key.
    expect(ended.finished.slice(0, streamed.finished.length).every((block, i) => block === streamed.finished[i])).toBe(true);
    expect([...ended.finished, ...ended.tail].map((b) => b.key)).toEqual(markdownBlocks(ANSWER).map((b) => b.key));
    expect(types([...ended.finished, ...ended.tail])).toEqual(types(markdownBlocks(ANSWER)));
    expect(stream.lexedCharacters - lexedWhileStreaming).toBeLessThanOrEqual('The end.'.length + 2);
    // Shown as written once complete: nothing healed, no address held back.
    const cut = new MarkdownStream();
    cut.update('See **this');
    expect(cut.update('See **this', 'complete').tail.map((b) => b.token.raw)).toEqual(['See **this']);
    expect(cut.update('See **this', 'interrupted').tail.map((b) => b.token.raw)).toEqual(['See **this**']);
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

  it('finishes a nested list only once a block starts outside it', () => {
    const stream = new MarkdownStream();
    const nested = '1. First\n   - inner a\n   - inner b\n2. Second\n\n';
    expect(stream.update(nested).finished).toEqual([]);
    const indented = stream.update(`${nested}   more of the second item`);
    expect(indented.finished).toEqual([]);
    expect(types(indented.tail)).toEqual(['list']);
    const after = stream.update(`${nested}   more of the second item\n\nAfter the list.`);
    expect(types(after.finished)).toEqual(['list']);
    expect(types(after.tail)).toEqual(['paragraph']);
    const list = after.finished[0]!.token as { items: Array<{ text: string }> };
    expect(list.items).toHaveLength(2);
    expect(list.items[1]!.text).toContain('more of the second item');
  });

  it('finishes a code fence once it is closed and the next block starts', () => {
    const stream = new MarkdownStream();
    const fence = '```python\nprint(1)\n\n\nprint(2)\n```\n';
    expect(types(stream.update(fence).tail)).toEqual(['code']);
    expect(stream.update(fence).finished).toEqual([]);
    const next = stream.update(`${fence}> quoted`);
    expect(types(next.finished)).toEqual(['code']);
    expect((next.finished[0]!.token as { text: string }).text).toBe('print(1)\n\n\nprint(2)');
    expect(types(next.tail)).toEqual(['blockquote']);
  });

  it('counts Windows line endings in the text as it is', () => {
    const text = ANSWER.replace(/\n/g, '\r\n');
    const stream = new MarkdownStream();
    const last = feed(stream, text, 5).at(-1)!;
    expect(types([...last.finished, ...last.tail])).toEqual(types(markdownBlocks(ANSWER)));
    expect([...last.finished, ...last.tail].map((b) => b.token.raw.trim())).toEqual(markdownBlocks(ANSWER).map((b) => b.token.raw.trim()));
  });

  it('lexes only the tail: characters lexed per delta stay bounded for an answer of mixed blocks', () => {
    const section = `${ANSWER}\n\n`;
    const long = section.repeat(60);
    const stream = new MarkdownStream();
    const perUpdate: number[] = [];
    let before = 0;
    for (let i = 12; i <= long.length; i += 12) {
      stream.update(long.slice(0, i));
      perUpdate.push(stream.lexedCharacters - before);
      before = stream.lexedCharacters;
    }
    const early = Math.max(...perUpdate.slice(0, perUpdate.length / 10));
    const late = Math.max(...perUpdate.slice(-perUpdate.length / 10));
    // Bounded by the largest block (the code fence and what surrounds it), not by the answer's length.
    expect(late).toBeLessThanOrEqual(early + 12);
    expect(late).toBeLessThan(120);
    const last = stream.update(long);
    expect(last.finished.length + last.tail.length).toBe(markdownBlocks(long).length);
  });
});

describe('healing the last block', () => {
  it('closes the tail block only: finished blocks keep their literal markers', () => {
    const stream = new MarkdownStream();
    const snapshot = stream.update('Call it with **kwargs.\n\nSome **bold te');
    expect(JSON.stringify(snapshot.finished[0]!.token)).not.toContain('"strong"');
    expect(types(snapshot.tail)).toEqual(['paragraph']);
    expect((snapshot.tail[0]!.token as { tokens: Array<{ type: string; text: string }> }).tokens.at(-1)).toMatchObject({ type: 'strong', text: 'bold te' });
  });

  it('heals the last block of a whole text the same way', () => {
    const blocks = markdownBlocks('Call it with **kwargs.\n\nSome **bold te', { unfinished: true });
    expect(blocks.map((b) => b.token.raw)).toEqual(['Call it with **kwargs.', 'Some **bold te**']);
  });

  it('finishes a block as written, not as healed while it was the tail', () => {
    const stream = new MarkdownStream();
    expect(stream.update('Some **bold te').tail[0]!.token.raw).toBe('Some **bold te**');
    const next = stream.update('Some **bold te\n\nNext');
    expect(next.finished[0]!.token.raw).toBe('Some **bold te');
    expect(types(next.tail)).toEqual(['paragraph']);
  });

  it('gives a link whose address is still arriving no address, and a bare address at the end none either', () => {
    const stream = new MarkdownStream();
    const link = stream.update('see [the docs](https://docs.aw').tail[0]!.token;
    expect(JSON.stringify(link)).toContain(`"href":"${UNFINISHED_LINK}"`);
    const bare = stream.update('see [the docs](https://docs.aws.amazon.com/) or https://docs.aw').tail[0]!.token;
    const hrefs = [...JSON.stringify(bare).matchAll(/"href":"([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(['https://docs.aws.amazon.com/', UNFINISHED_LINK]);
  });

  it('takes an unclosed "[" for a link only once its address has started', () => {
    expect(healBlock('The range [0, 1)')).toBe('The range [0, 1)');
    expect(healBlock('[a](https://a.example/) and b[0')).toBe('[a](https://a.example/) and b[0');
    expect(healBlock('see [the docs](https://docs.aw')).toBe(`see [the docs](${UNFINISHED_LINK})`);
  });

  it('leaves an unfinished code block as it is', () => {
    const fence = '```python\nprint("**not bold")';
    expect(markdownBlocks(fence, { unfinished: true }).map((b) => [b.token.type, (b.token as { text?: string }).text])).toEqual([['code', 'print("**not bold")']]);
  });

  it('completes a table delimiter row from the header', () => {
    expect(healBlock('| a | b |\n|--')).toBe('| a | b |\n| -- | --- |');
    expect(healBlock('| a | b | c |\n|:-:|--:')).toBe('| a | b | c |\n| :-: | --: | --- |');
    expect(healBlock('Intro\n| a | b |\n|')).toBe('Intro\n| a | b |\n| --- | --- |');
    expect(types(markdownBlocks('| a | b |\n|--', { unfinished: true }))).toEqual(['table']);
  });

  it('leaves complete delimiter rows and table body rows alone', () => {
    expect(healBlock('| a | b |\n| --- | --- |')).toBe('| a | b |\n| --- | --- |');
    expect(healBlock('| a | b |\n| --- | --- |\n| - |')).toBe('| a | b |\n| --- | --- |\n| - |');
    // The delimiter line has ended: the table is malformed, not unfinished.
    expect(healBlock('| a | b |\n|--\n')).toBe('| a | b |\n|--\n');
  });

  it('keeps per-update work bounded by the tail when the tail needs healing', () => {
    const paragraph = 'The model writes **bold words**, `inline code` and [links](https://example.com/) as it goes.';
    const long = Array.from({ length: 300 }, (_, i) => `${paragraph} (${i})`).join('\n\n');
    const stream = new MarkdownStream();
    const perUpdate: number[] = [];
    let before = 0;
    for (let i = 7; i <= long.length; i += 7) {
      stream.update(long.slice(0, i));
      perUpdate.push(stream.lexedCharacters - before);
      before = stream.lexedCharacters;
    }
    // The tail lexed twice at most (as it came, then healed): never the answer so far.
    expect(Math.max(...perUpdate)).toBeLessThan((paragraph.length + 20) * 2);
    expect(Math.max(...perUpdate.slice(-50))).toBeGreaterThan(paragraph.length);
  });
});
