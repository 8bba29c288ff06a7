/**
 * Turning what a person types into FTS5 queries, and a matching passage into
 * text with marked ranges. Pure, so tests reach every hostile query directly.
 */
import type { MarkedText } from '../../preload/contract';

/** The words worth searching for: each needs a letter or a digit (anything else would be an empty FTS5 phrase, which it rejects). */
export function searchWords(input: string): string[] {
  return input
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, 16);
}

/**
 * One FTS5 query per word the person typed, each matching the word as a
 * prefix ("budg" finds "budget"). Each word is quoted, so FTS syntax (quotes,
 * `*`, `-`, `:`, NEAR, AND/OR/NOT, parentheses) is only ever text.
 */
export function ftsTerms(input: string): string[] {
  return searchWords(input).map((word) => `"${word.replaceAll('"', '""')}"*`);
}

const TOKEN = /[\p{L}\p{N}]+/gu;

const PLAIN = /^[A-Za-z0-9]*$/;

/**
 * A word in lower case without accents, as the index's tokenizer (unicode61,
 * remove_diacritics 2) compares words. Plain ASCII letters have no accents to
 * take off: not normalising them makes quoting long messages twice as fast.
 */
const fold = (word: string) => (PLAIN.test(word) ? word.toLowerCase() : word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());

/**
 * The passage of `text` (about `size` words) with the most words starting
 * with one of the searched words, those words marked. Built here rather than
 * with FTS5's snippet(), which would search the index again for every result.
 */
export function snippetOf(text: string, query: string, size = 14): MarkedText {
  const prefixes = searchWords(query).flatMap((word) => [...word.matchAll(TOKEN)].map((m) => fold(m[0])));
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    hit: prefixes.some((prefix) => fold(m[0]).startsWith(prefix)),
  }));
  if (!tokens.length) return { text: '', marks: [] };
  // The window of `size` words holding the most matches (the earliest of equals).
  let best = 0;
  let bestCount = -1;
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.hit) count++;
    if (i >= size && tokens[i - size]!.hit) count--;
    const first = Math.max(0, i - size + 1);
    if (count > bestCount) {
      bestCount = count;
      best = first;
    }
  }
  const window = tokens.slice(best, best + size);
  let out = best > 0 ? '…' : '';
  const marks: Array<[number, number]> = [];
  window.forEach((token, i) => {
    if (i > 0) out += text.slice(window[i - 1]!.end, token.start).replace(/\s+/g, ' ');
    if (token.hit) marks.push([out.length, out.length + token.end - token.start]);
    out += text.slice(token.start, token.end);
  });
  const last = window.at(-1)!;
  const rest = text.slice(last.end);
  // Closing punctuation right after the last word stays; more words mean the text goes on.
  out += /[\p{L}\p{N}]/u.test(rest) ? '…' : rest.replace(/\s+/g, ' ').trimEnd();
  return { text: out, marks };
}
