/**
 * The numbered references inside an agent's answer: each a button that opens
 * its source. The Markdown renderer draws them where the answer's markers
 * are (see citations.ts); which source is open, and opening one, come from
 * the answer around them through a context, so the answer's text does not
 * render again when a source opens.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { splitMarks, stripMarks } from './citations';

/** What the references of one answer open. */
export interface CitationTarget {
  /** The number of the source shown, or null. */
  open: number | null;
  /** The id of the source panel, for aria-controls. */
  panelId: string;
  /** Shows source `number` (or hides it, if shown), `button` being the reference pressed. */
  toggle: (number: number, button: HTMLButtonElement) => void;
  /** What a reference is called to a screen reader, e.g. "Source 1: s3://handbook/leave.pdf". */
  label: (number: number) => string;
}

/** The answer's references; null outside an agent's answer, where markers are dropped. */
export const CitationContext = createContext<CitationTarget | null>(null);

/** Inside a link's text: a button may not go in a link, so its references follow the link instead. */
export const InsideLink = createContext(false);

/** The references of one place in the answer: "[1] [2]". */
export function CitationRefs({ numbers }: { numbers: readonly number[] }) {
  const target = useContext(CitationContext);
  if (!target || numbers.length === 0) return null;
  return (
    <span className="citation-refs">
      {numbers.map((number) => {
        const open = target.open === number;
        return (
          <button
            key={number}
            type="button"
            className="citation-ref"
            aria-label={target.label(number)}
            aria-expanded={open}
            aria-controls={open ? target.panelId : undefined}
            onClick={(event) => target.toggle(number, event.currentTarget)}
            data-testid="citation-ref"
            data-source={number}
          >
            [{number}]
          </button>
        );
      })}
    </span>
  );
}

/** Text with references in it: the text, and the references' buttons where their markers are. */
export function CitedString({ text }: { text: string }): ReactNode {
  const target = useContext(CitationContext);
  const inLink = useContext(InsideLink);
  if (!target || inLink) return stripMarks(text);
  return splitMarks(text).map((piece, i) => (typeof piece === 'string' ? piece : <CitationRefs key={i} numbers={piece} />));
}
