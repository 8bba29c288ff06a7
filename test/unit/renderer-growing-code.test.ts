import { describe, expect, it } from 'vitest';
import { GrowingCode } from '../../renderer/src/chat/growing-code';
import { highlight } from '../../renderer/src/chat/highlight';

/** A 400-line TypeScript block, as a model writes one. */
const BLOCK = Array.from({ length: 400 }, (_, i) =>
  i % 10 === 0 ? `export function step${i}(input: string): number {` : i % 10 === 9 ? '}' : `  const value${i} = input.length * ${i}; // line ${i}`,
).join('\n');

/** The block as it grows, 32 characters at a time. */
const growth = (text: string, chunk = 32) => Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => text.slice(0, (i + 1) * chunk));

describe('a growing code block is highlighted as it grows', () => {
  it('costs the same per update late in a 400-line block as early on', () => {
    const code = new GrowingCode<string>();
    const perUpdate: number[] = [];
    for (const text of growth(BLOCK)) {
      const before = code.highlightedCharacters;
      code.update(text, (lines) => lines);
      perUpdate.push(code.highlightedCharacters - before);
    }
    const window = 60;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(perUpdate.slice(0, window));
    const late = mean(perUpdate.slice(-window));
    expect(early).toBeGreaterThan(0);
    expect(late / early).toBeLessThanOrEqual(1.5);
    // Each character is highlighted once in all.
    expect(code.highlightedCharacters).toBeLessThanOrEqual(BLOCK.length);
  });

  it('shows every character: finished lines highlighted (runs kept as they were), the line being written as text', () => {
    const code = new GrowingCode<string>();
    const first = code.update('const a = 1;\nconst b', (lines) => `<${lines}>`);
    expect(first).toEqual({ runs: ['<const a = 1;\n>'], line: 'const b' });
    const second = code.update('const a = 1;\nconst b = 2;\nlet', (lines) => `<${lines}>`);
    expect(second.runs).toEqual(['<const a = 1;\n>', '<const b = 2;\n>']);
    expect(second.runs[0]).toBe(first.runs[0]);
    expect(second.line).toBe('let');
    // Replaced rather than extended: highlighted again from the start.
    expect(code.update('print(1)\n', (lines) => `<${lines}>`)).toEqual({ runs: ['<print(1)\n>'], line: '' });
  });

  it('with the real highlighter, the runs hold highlighted spans and the text intact', () => {
    const code = new GrowingCode<ReturnType<typeof highlight>>();
    let view = code.update('', (lines) => highlight(lines, 'ts'));
    for (const text of growth(BLOCK.slice(0, 600))) view = code.update(text, (lines) => highlight(lines, 'ts'));
    const textOf = (node: unknown): string =>
      typeof node === 'string' ? node : Array.isArray(node) ? node.map(textOf).join('') : node && typeof node === 'object' && 'props' in node ? textOf((node.props as { children?: unknown }).children) : '';
    expect(view.runs.map(textOf).join('') + view.line).toBe(BLOCK.slice(0, 600));
    expect(JSON.stringify(view.runs.map((run) => (Array.isArray(run) ? run.map((n) => (n && typeof n === 'object' && 'props' in n ? (n.props as { className?: string }).className : null)) : [])))).toContain('hljs-keyword');
  });

  it('when the block ends, its last line becomes the last run and the runs shown stay as they were', () => {
    const code = new GrowingCode<string>();
    const growing = code.update('const a = 1;\nconst b = 2;\nlet c', (lines) => `<${lines}>`);
    expect(code.started).toBe(true);
    const ended = code.update('const a = 1;\nconst b = 2;\nlet c = 3;', (lines) => `<${lines}>`, true);
    expect(ended).toEqual({ runs: ['<const a = 1;\nconst b = 2;\n>', '<let c = 3;>'], line: '' });
    expect(ended.runs[0]).toBe(growing.runs[0]);
    // Asked again, nothing more is highlighted.
    const before = code.highlightedCharacters;
    code.update('const a = 1;\nconst b = 2;\nlet c = 3;', (lines) => `<${lines}>`, true);
    expect(code.highlightedCharacters).toBe(before);
    expect(new GrowingCode<string>().started).toBe(false);
  });
});
