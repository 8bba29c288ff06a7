/**
 * A Bedrock Agent's answer: its text with numbered references after the
 * sentences they support, the source a reference opens, the list of
 * sources, the action it handed back, and what it did (the trace). The text
 * renders per frame while it streams, as a model's does; the other parts are
 * memoised on the parts of the answer they show, which the chat store keeps
 * the same objects while they do not change.
 */
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import type { AgentAnswer, ChatMessage } from '../../../preload/contract';
import { Markdown, type OpenLink } from '../chat/Markdown';
import { ActionCard } from './ActionCard';
import { CitationContext, type CitationTarget } from './CitationRefs';
import { CitedText } from './citations';
import { SourcePanel, SourcesList } from './Sources';
import { TraceTimeline } from './TraceTimeline';
import './agents.css';

interface AgentReplyProps {
  message: ChatMessage;
  agent: AgentAnswer;
  /** The last message of the conversation: its action can still be answered. */
  last: boolean;
  /** The conversation has a request under way. */
  busy: boolean;
  onLink: OpenLink;
}

export function AgentReply({ message, agent, last, busy, onLink }: AgentReplyProps) {
  const streaming = message.status === 'streaming';
  // One per message: it knows where references went last frame.
  const [cited] = useState(() => new CitedText());
  const { text, changedFrom } = cited.update(message.text, agent.citations);
  const [open, setOpen] = useState<number | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const panelId = useId();
  const sourcesHeadingId = useId();
  const { sources } = agent;

  const toggle = useCallback((number: number, button: HTMLButtonElement) => {
    opener.current = button;
    setOpen((shown) => (shown === number ? null : number));
  }, []);
  const close = useCallback(() => {
    setOpen(null);
    opener.current?.focus();
  }, []);
  const target = useMemo<CitationTarget>(
    () => ({
      open,
      panelId,
      toggle,
      label: (number) => {
        const source = sources.find((s) => s.number === number);
        return source ? `Source ${number}: ${source.location}` : `Source ${number}`;
      },
    }),
    [open, panelId, toggle, sources],
  );

  return (
    <CitationContext.Provider value={target}>
      <div className="message__text" data-testid="message-text">
        <Markdown text={text} changedFrom={changedFrom} onLink={onLink} status={message.status} />
        {streaming && !message.text && (
          <p className="message__waiting">{agent.steps.length ? `${agent.name} is working on it…` : `Waiting for ${agent.name}…`}</p>
        )}
      </div>
      {open !== null && <SourcePanel id={panelId} number={open} source={sources.find((s) => s.number === open)} onClose={close} onLink={onLink} />}
      {sources.length > 0 && (
        <SourcesList sources={sources} open={open} panelId={panelId} onToggle={toggle} onLink={onLink} headingId={sourcesHeadingId} />
      )}
      {agent.action && (
        <ActionCard
          messageId={message.id}
          agentName={agent.name}
          action={agent.action}
          decision={agent.decision}
          answerable={last}
          busy={busy || streaming}
        />
      )}
      {agent.steps.length > 0 && <TraceTimeline steps={agent.steps} streaming={streaming} />}
    </CitationContext.Provider>
  );
}
