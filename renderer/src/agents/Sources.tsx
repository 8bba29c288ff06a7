/**
 * Where an agent's answer comes from: the list of sources under the answer,
 * and the panel one reference (or list entry) opens, with the place it came
 * from and the passage the agent retrieved. A web address opens in the
 * system browser through main's allow-list, as links in answers do.
 */
import { memo, useEffect, useRef } from 'react';
import type { AgentSource } from '../../../preload/contract';
import { openableHref, type OpenLink } from '../chat/Markdown';
import { CopyButton } from '../shared/CopyButton';
import { CloseIcon, DocumentIcon } from '../shared/icons';
import { SOURCE_KIND_LABELS } from './agent-words';

/** A source's place: a link for a web page that can be opened, its address as text otherwise (an S3 URI). */
function SourceLocation({ source, onLink }: { source: AgentSource; onLink: OpenLink }) {
  const href = source.kind === 'web' ? openableHref(source.location) : undefined;
  if (!href) return <span className="source-location">{source.location}</span>;
  return (
    <a
      className="source-location"
      href={href}
      title="Opens in your browser"
      onClick={(event) => {
        event.preventDefault();
        onLink(href);
      }}
      onAuxClick={(event) => event.preventDefault()}
    >
      {source.location}
    </a>
  );
}

interface SourcePanelProps {
  id: string;
  number: number;
  /** The source, if the agent gave one by that number. */
  source: AgentSource | undefined;
  onClose: () => void;
  onLink: OpenLink;
}

/** One source, opened from a reference: it takes the focus, and Escape or Close hands it back. */
export function SourcePanel({ id, number, source, onClose, onLink }: SourcePanelProps) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    panel.current?.focus();
  }, [number]);
  return (
    <section
      id={id}
      ref={panel}
      className="source-panel"
      tabIndex={-1}
      aria-labelledby={`${id}-h`}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onClose();
      }}
      data-testid="source-panel"
      data-source={number}
    >
      <div className="source-panel__bar">
        <h3 id={`${id}-h`} className="source-panel__title">
          <DocumentIcon /> Source {number}
          {source && <span className="source-panel__kind"> · {SOURCE_KIND_LABELS[source.kind]}</span>}
        </h3>
        <button type="button" className="icon-button" onClick={onClose} aria-label={`Close source ${number}`}>
          <CloseIcon />
        </button>
      </div>
      {source ? (
        <>
          <p className="source-panel__location">
            <SourceLocation source={source} onLink={onLink} />
            <CopyButton text={source.location} label={`Copy the location of source ${number}`} />
          </p>
          {source.passage ? (
            <blockquote className="source-panel__passage">{source.passage}</blockquote>
          ) : (
            <p className="muted">No passage came with this source.</p>
          )}
        </>
      ) : (
        <p className="muted">The answer doesn't say where this comes from.</p>
      )}
    </section>
  );
}

interface SourcesListProps {
  sources: readonly AgentSource[];
  /** The number of the source whose panel is open, or null. */
  open: number | null;
  panelId: string;
  onToggle: (number: number, button: HTMLButtonElement) => void;
  onLink: OpenLink;
  headingId: string;
}

/** "Sources": each source the answer cites, with its place, and its passage on request. */
export const SourcesList = memo(function SourcesList({ sources, open, panelId, onToggle, onLink, headingId }: SourcesListProps) {
  return (
    <section className="sources" aria-labelledby={headingId}>
      <h3 id={headingId} className="sources__title">
        Sources
      </h3>
      <ol className="sources__list" data-testid="sources-list">
        {sources.map((source) => {
          const shown = open === source.number;
          return (
            <li key={source.number} className="sources__item" data-source={source.number}>
              <span className="sources__number">[{source.number}]</span>
              <span className="sources__place">
                <SourceLocation source={source} onLink={onLink} />
                <span className="sources__kind">{SOURCE_KIND_LABELS[source.kind]}</span>
              </span>
              <button
                type="button"
                className="button button--small button--quiet"
                aria-expanded={shown}
                aria-controls={shown ? panelId : undefined}
                onClick={(event) => onToggle(source.number, event.currentTarget)}
                data-testid="source-show"
              >
                {shown ? 'Hide the passage' : 'Show the passage'}
                <span className="visually-hidden"> of source {source.number}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
});
