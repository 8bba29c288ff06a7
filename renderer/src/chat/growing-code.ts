/**
 * A code block still arriving, highlighted as it grows: each run of lines is
 * highlighted once, when its last line ends, and the line still being
 * written shows as plain text. So an update costs the new text, not the
 * whole block, however long the block gets. When the block ends, its last
 * line becomes the last run: the runs on screen stay, since highlighting
 * a long block whole at that moment would hold the window for tens of
 * milliseconds. (A construct spanning two runs, such as a long comment, may
 * be coloured imperfectly until the answer is shown again, highlighted whole.)
 */
export interface GrowingCodeView<T> {
  /** The finished lines, as highlighted runs; the array only grows, and earlier runs keep their identity. */
  runs: readonly T[];
  /** The line still being written, as text. */
  line: string;
}

export class GrowingCode<T> {
  /** The finished lines highlighted so far (up to and including the last line break). */
  private done = '';
  private runs: T[] = [];
  /** Characters highlighted so far, for tests of the cost per update. */
  highlightedCharacters = 0;

  /** Whether any of the block has been highlighted here. */
  get started(): boolean {
    return this.runs.length > 0;
  }

  /** The view of `code`; only lines finished since the last update are highlighted, and with `ended` the last line too. */
  update(code: string, highlight: (code: string) => T, ended = false): GrowingCodeView<T> {
    if (!code.startsWith(this.done)) {
      // Not a continuation (edited or replaced): start again.
      this.done = '';
      this.runs = [];
    }
    const end = ended ? code.length : code.lastIndexOf('\n') + 1;
    if (end > this.done.length) {
      const lines = code.slice(this.done.length, end);
      this.highlightedCharacters += lines.length;
      this.runs.push(highlight(lines));
      this.done = code.slice(0, end);
    }
    return { runs: this.runs, line: code.slice(end) };
  }
}
