/**
 * Numbered references in an agent's answer, placed after the sentences they
 * support. A citation's `end` is an offset into the answer's text; a marker
 * (a space and private-use characters around the source numbers, which
 * Markdown leaves alone) is written there before the text is rendered, and
 * the Markdown renderer draws each marker as reference buttons. The space
 * keeps a bare web address before it from running into the marker; it is
 * not drawn.
 */
import type { AgentCitation } from '../../../preload/contract';

export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';
/** A marker: a space (optional, in case a renderer split it off), the numbers, comma-separated. */
const MARK = / ?\uE000([\d,]*)\uE001/g;
/** Either half of a marker left alone. */
const STRAY = /[\uE000\uE001]/g;

/** Where references go in the text, and which sources they name (in order of first citation). */
export interface CitationMark {
  at: number;
  numbers: number[];
}

/** Whether the line that `at` ends starts a code fence, where writing anything would stop it being one. */
function endsFenceLine(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return /^ {0,3}(`{3,}|~{3,})/.test(text.slice(lineStart, at));
}

/**
 * `at`, or just after the link whose address (`](…)`) it falls in: a marker
 * written into the address would break the link.
 */
function outOfLinkAddress(text: string, at: number): number {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const opening = text.lastIndexOf('](', at - 1);
  if (opening < lineStart || text.lastIndexOf(')', at - 1) > opening) return at;
  const closing = text.indexOf(')', at);
  const lineEnd = text.indexOf('\n', at);
  return closing !== -1 && (lineEnd === -1 || closing < lineEnd) ? closing + 1 : at;
}

/**
 * Where each citation's references go: at the end of the sentence it
 * supports, before any space after it; citations ending at the same place
 * share one place. A citation whose sentence has not fully arrived yet waits.
 */
export function citationMarks(text: string, citations: readonly AgentCitation[]): CitationMark[] {
  const byPlace = new Map<number, number[]>();
  for (const citation of citations) {
    if (citation.end > text.length || citation.end <= 0 || citation.sources.length === 0) continue;
    let at = citation.end;
    while (at > Math.max(citation.start, 0) && /\s/.test(text[at - 1]!)) at--;
    at = outOfLinkAddress(text, at);
    if (at === 0 || endsFenceLine(text, at)) continue;
    const numbers = byPlace.get(at) ?? [];
    for (const number of citation.sources) if (!numbers.includes(number)) numbers.push(number);
    byPlace.set(at, numbers);
  }
  return [...byPlace].sort((a, b) => a[0] - b[0]).map(([at, numbers]) => ({ at, numbers }));
}

const marker = (numbers: readonly number[]) => ` ${MARK_OPEN}${numbers.join(',')}${MARK_CLOSE}`;

/** `text` with the markers of `marks` (sorted by place) written in. */
export function markText(text: string, marks: readonly CitationMark[]): string {
  if (marks.length === 0) return text;
  let out = '';
  let from = 0;
  for (const mark of marks) {
    out += text.slice(from, mark.at) + marker(mark.numbers);
    from = mark.at;
  }
  return out + text.slice(from);
}

/** A piece of text: plain text, or the source numbers of one place's references. */
export type CitedPiece = string | number[];

/** Splits text (from a marked answer) into plain text and the references in it. */
export function splitMarks(text: string): CitedPiece[] {
  if (!text.includes(MARK_OPEN)) return [text.replace(STRAY, '')];
  const pieces: CitedPiece[] = [];
  let from = 0;
  for (const match of text.matchAll(MARK)) {
    if (match.index > from) pieces.push(text.slice(from, match.index).replace(STRAY, ''));
    const numbers = match[1]!.split(',').filter(Boolean).map(Number);
    if (numbers.length) pieces.push(numbers);
    from = match.index + match[0].length;
  }
  if (from < text.length) pieces.push(text.slice(from).replace(STRAY, ''));
  return pieces;
}

/** The text without its markers (code, link addresses, an image's words). */
export function stripMarks(text: string): string {
  return text.includes(MARK_OPEN) || text.includes(MARK_CLOSE) ? text.replace(MARK, '').replace(STRAY, '') : text;
}

/** The source numbers of every marker in `text`. */
export function marksIn(text: string): number[] {
  const numbers: number[] = [];
  if (!text.includes(MARK_OPEN)) return numbers;
  for (const match of text.matchAll(MARK)) {
    for (const number of match[1]!.split(',').filter(Boolean).map(Number)) if (!numbers.includes(number)) numbers.push(number);
  }
  return numbers;
}

/**
 * One answer's text with its references, kept from one frame to the next:
 * says where the marked text first differs from the last one (`changedFrom`),
 * so the Markdown renderer knows when a reference landed in a block it had
 * already finished (rare: most arrive with the sentence they follow).
 */
export class CitedText {
  private text = '';
  private citations: readonly AgentCitation[] | null = null;
  private marks: CitationMark[] = [];
  private result = { text: '', changedFrom: Number.POSITIVE_INFINITY };

  update(text: string, citations: readonly AgentCitation[]): { text: string; changedFrom: number } {
    if (text === this.text && citations === this.citations) return this.result;
    const marks = citationMarks(text, citations);
    let changedFrom = Number.POSITIVE_INFINITY;
    let shift = 0;
    for (let i = 0; i < marks.length; i++) {
      const mark = marks[i]!;
      const old = this.marks[i];
      if (!old || old.at !== mark.at || old.numbers.join(',') !== mark.numbers.join(',')) {
        changedFrom = Math.min(old?.at ?? mark.at, mark.at) + shift;
        break;
      }
      shift += marker(mark.numbers).length;
    }
    if (marks.length < this.marks.length && changedFrom === Number.POSITIVE_INFINITY) {
      changedFrom = this.marks[marks.length]!.at + shift;
    }
    this.text = text;
    this.citations = citations;
    this.marks = marks;
    this.result = { text: markText(text, marks), changedFrom };
    return this.result;
  }
}
