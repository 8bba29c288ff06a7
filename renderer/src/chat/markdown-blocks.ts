/**
 * Splits a growing Markdown answer into finished blocks and the block still
 * growing, lexing only the part after the last finished block. So the work
 * per streamed token depends on the size of the current block, not on the
 * length of the answer, and finished blocks keep their identity (React
 * renders them once). The last block's unfinished syntax (an open `**`, a
 * link whose address is still arriving, a table without its delimiter row)
 * is closed before it is rendered, so an answer shows formatted as it grows
 * and where it stopped.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import remend, { INCOMPLETE_IMAGE_PLACEHOLDER, type RemendHandler, type RemendOptions } from 'remend';
import type { ChatMessage } from '../../../preload/contract';

export interface MarkdownBlock {
  /** Stable for the life of the block. */
  key: string;
  token: Token;
}

export interface MarkdownSnapshot {
  /** Grows in place as blocks finish. */
  finished: readonly MarkdownBlock[];
  /** The blocks after the last finished one (usually one), re-lexed on every update. */
  tail: readonly MarkdownBlock[];
}

const lex = (text: string): Token[] => new Lexer({ gfm: true }).lex(text) as Token[];

/** The address remend gives a link whose address has not fully arrived: never opened. */
export const UNFINISHED_LINK = 'streamdown:incomplete-link';
/** The address remend gives an image whose address has not fully arrived. */
export const UNFINISHED_IMAGE = INCOMPLETE_IMAGE_PLACEHOLDER;

const isPipeRow = (line: string | undefined) => line !== undefined && /^ {0,3}\|/.test(line);
/** The cells of a pipe-table row, without the empty ones outside its leading and trailing pipes. */
const cells = (row: string) => row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/).map((cell) => cell.trim());

/**
 * A table's header row followed by the start of its delimiter row (`|--`): marked
 * needs the whole delimiter row to see a table, so complete it from the header.
 */
const tableDelimiter: RemendHandler = {
  name: 'tableDelimiter',
  // Before remend's setext rule, which would take a lone "-" under the header for a heading's underline.
  priority: 14,
  handle(text) {
    const lines = text.split('\n');
    const delimiter = lines.at(-1)!;
    const header = lines.at(-2);
    // The header must be the table's first row: a "| - |" further down is a row of the table's body.
    if (!isPipeRow(header) || isPipeRow(lines.at(-3)) || !/^ {0,3}[|:-][ |:-]*$/.test(delimiter)) return text;
    const given = cells(delimiter);
    const columns = cells(header!).map((_, i) => (/^:?-+:?$/.test(given[i] ?? '') ? given[i]! : '---'));
    if (given.length === columns.length && columns.every((cell, i) => cell === given[i])) return text;
    return [...lines.slice(0, -1), `| ${columns.join(' | ')} |`].join('\n');
  },
};

const healing: RemendOptions = {
  // These rewrite finished text rather than close unfinished syntax, and would apply to the last block only.
  singleTilde: false,
  comparisonOperators: false,
  // Raw HTML shows as text here, so a half-written tag is text too; math is not rendered.
  htmlTags: false,
  katex: false,
  handlers: [tableDelimiter],
};

/** Closes the unfinished Markdown at the end of `block` (one block's source), so it renders formatted. */
export function healBlock(block: string): string {
  // remend would take any unclosed "[" for a link ("the range [0, 1)" would lose its bracket):
  // only a "[text](" whose address is still arriving is one.
  const bracket = block.lastIndexOf('[');
  const inLink = bracket >= 0 && block.includes('](', bracket);
  return remend(block, inLink ? healing : { ...healing, links: false, images: false });
}

/**
 * The block `token` with its unfinished syntax closed, as tokens: itself when
 * nothing was unfinished. Code and HTML blocks show their text as it is.
 */
function healed(token: Token): Token[] {
  if (token.type === 'code' || token.type === 'html') return [token];
  const text = healBlock(token.raw);
  return text === token.raw ? [token] : lex(text);
}

/** The last link in `token`, in reading order. */
function lastLink(token: Token): Tokens.Link | undefined {
  if (token.type === 'link') return token as Tokens.Link;
  const children: Token[] =
    token.type === 'table'
      ? ((token as Tokens.Table).rows.at(-1) ?? (token as Tokens.Table).header).flatMap((cell) => cell.tokens)
      : token.type === 'list'
        ? (token as Tokens.List).items
        : ('tokens' in token && token.tokens) || [];
  for (let i = children.length - 1; i >= 0; i--) {
    const link = lastLink(children[i]!);
    if (link) return link;
  }
  return undefined;
}

/**
 * A bare address at the very end of the growing text may be cut off
 * ("https://docs.aw"): it is not opened until something follows it.
 */
function holdTrailingAddress(tokens: Token[], tailText: string): void {
  let wordStart = tailText.length;
  while (wordStart > 0 && !/\s/.test(tailText[wordStart - 1]!)) wordStart--;
  const link = tokens.length ? lastLink(tokens.at(-1)!) : undefined;
  const bare = link && !link.raw.startsWith('[') && !link.raw.startsWith('<');
  if (link && bare && tailText.slice(wordStart).includes(link.raw)) link.href = UNFINISHED_LINK;
}

/**
 * How far an answer has got, as its message says: still arriving, stopped
 * part way (its last block healed, as while it arrived), or complete (shown
 * exactly as written).
 */
export type AnswerStatus = ChatMessage['status'];

export class MarkdownStream {
  private text = '';
  private status: AnswerStatus = 'streaming';
  /** Where the finished blocks end in `text`. */
  private stableEnd = 0;
  private finished: MarkdownBlock[] = [];
  private snapshot: MarkdownSnapshot = { finished: [], tail: [] };
  /** Characters lexed so far, for tests of the cost per update. */
  lexedCharacters = 0;

  /**
   * The blocks of `text`; cheap when `text` extends the previous text. When
   * the answer ends, the blocks already finished stay as they are and only
   * the last one is lexed again, so the finished answer keeps the elements
   * that showed it while it arrived. `changedFrom`: where `text` may first
   * differ from the text before, when the caller knows (an agent's reference
   * written into a sentence already shown); a change inside the finished
   * blocks starts again.
   */
  update(text: string, status: AnswerStatus = 'streaming', changedFrom = Number.POSITIVE_INFINITY): MarkdownSnapshot {
    if (text === this.text && status === this.status) return this.snapshot;
    if (changedFrom < this.stableEnd || !this.continues(text)) {
      // Not a continuation (edited or replaced): start again.
      this.stableEnd = 0;
      this.finished = [];
    }
    this.text = text;
    this.status = status;
    const rest = text.slice(this.stableEnd);
    this.lexedCharacters += rest.length;
    const tokens = lex(rest);
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]!.type === 'space') last--;
    // marked lexes "\r\n" as "\n": count the finished blocks' length in the text as it is.
    const span = rest.includes('\r') ? originalLength(rest) : (length: number) => length;
    let consumed = 0;
    // Every block before the last real one is finished: something else has started after it.
    for (let i = 0; i < last; i++) {
      const token = tokens[i]!;
      consumed += token.raw.length;
      this.stableEnd = this.stableEnd - span(consumed - token.raw.length) + span(consumed);
      // Appended in place: the list only grows, and each block object stays the same for React.
      if (token.type !== 'space') this.finished.push({ key: `b${this.finished.length}`, token });
    }
    let ending: Token[] = last >= 0 ? [tokens[last]!] : [];
    if (status !== 'complete' && last >= 0) {
      ending = healed(tokens[last]!);
      if (ending[0] !== tokens[last]) this.lexedCharacters += ending.reduce((sum, token) => sum + token.raw.length, 0);
    }
    if (status === 'streaming') holdTrailingAddress(ending, tokens.slice(Math.max(last, 0)).map((token) => token.raw).join(''));
    const tail = ending
      .filter((token) => token.type !== 'space')
      .map((token, i) => ({ key: `b${this.finished.length + i}`, token }));
    this.snapshot = { finished: this.finished, tail };
    return this.snapshot;
  }

  /**
   * Whether `text` extends the previous text. Checked around the start and the
   * last block boundary only, so the check costs the same however long the answer is.
   */
  private continues(text: string): boolean {
    const edge = Math.max(0, this.stableEnd - 64);
    const head = Math.min(64, this.text.length);
    return (
      text.length >= this.text.length &&
      text.slice(0, head) === this.text.slice(0, head) &&
      text.slice(edge, this.stableEnd) === this.text.slice(edge, this.stableEnd)
    );
  }
}

/** Maps a length in `text` with line endings made "\n" (as marked lexes it) back to a length in `text`. */
function originalLength(text: string): (normalized: number) => number {
  const ends: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    ends.push(i + 1);
  }
  return (normalized) => ends[Math.min(normalized, ends.length - 1)]!;
}
