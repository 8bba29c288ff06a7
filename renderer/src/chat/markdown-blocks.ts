/**
 * Splits a growing Markdown answer into finished blocks and the block still
 * growing, lexing only the part after the last finished block. So the work
 * per streamed token depends on the size of the current block, not on the
 * length of the answer, and finished blocks keep their identity (React
 * renders them once).
 */
import { Lexer, type Token } from 'marked';

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

export class MarkdownStream {
  private text = '';
  /** Where the finished blocks end in `text`. */
  private stableEnd = 0;
  private finished: MarkdownBlock[] = [];
  private snapshot: MarkdownSnapshot = { finished: [], tail: [] };
  /** Characters lexed so far, for tests of the cost per update. */
  lexedCharacters = 0;

  /** The blocks of `text`; cheap when `text` extends the previous text. */
  update(text: string): MarkdownSnapshot {
    if (text === this.text) return this.snapshot;
    if (!this.continues(text)) {
      // Not a continuation (edited or replaced): start again.
      this.stableEnd = 0;
      this.finished = [];
    }
    this.text = text;
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
    const tail = tokens
      .slice(Math.max(last, 0))
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

/** All the blocks of a finished text at once. */
export function markdownBlocks(text: string): MarkdownBlock[] {
  return lex(text)
    .filter((token) => token.type !== 'space')
    .map((token, i) => ({ key: `b${i}`, token }));
}
