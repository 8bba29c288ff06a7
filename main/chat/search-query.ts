/**
 * Turning what a person types into an FTS5 query, and FTS5's snippets into
 * text with marked ranges. Pure, so tests reach every hostile query directly.
 */
import type { MarkedText } from '../../preload/contract';

/** Marks snippet() puts around each match; control characters the search index never holds (its triggers replace them). */
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

/**
 * One FTS5 query per word the person typed, each matching the word as a
 * prefix ("budg" finds "budget"). Each word is quoted, so FTS syntax (quotes,
 * `*`, `-`, `:`, NEAR, AND/OR/NOT, parentheses) is only ever text. Empty
 * when nothing searchable was typed.
 */
export function ftsTerms(input: string): string[] {
  return (
    input
      .split(/\s+/)
      // A word with no letter or digit would be an empty phrase, which FTS5 rejects.
      .filter((word) => /[\p{L}\p{N}]/u.test(word))
      .slice(0, 16)
      .map((word) => `"${word.replaceAll('"', '""')}"*`)
  );
}

/** A snippet with MARK_START/MARK_END around matches, as plain text plus the matched ranges. */
export function parseSnippet(snippet: string): MarkedText {
  let text = '';
  const marks: Array<[number, number]> = [];
  let start = -1;
  for (const char of snippet) {
    if (char === MARK_START) start = text.length;
    else if (char === MARK_END) {
      if (start >= 0 && text.length > start) marks.push([start, text.length]);
      start = -1;
    } else if (/\s/.test(char)) {
      // Newlines and runs of spaces become one space: the snippet shows on one line.
      if (!text.endsWith(' ')) text += ' ';
    } else text += char;
  }
  return { text, marks };
}
