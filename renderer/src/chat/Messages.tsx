/** The conversation's messages, the answer streaming into the last one, and what to do when one failed. */
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import type { AppError, ChatMessage } from '../../../preload/contract';
import { isWaiting } from '../agents/agent-answer';
import { AgentReply } from '../agents/AgentReply';
import { useChat, useConversations, useModels, useStores } from '../app-stores';
import { CopyButton } from '../shared/CopyButton';
import { ErrorExplanation } from '../shared/ErrorNotice';
import { AlertIcon } from '../shared/icons';
import { answeredAsText, findModel, stopReasonText, usageText } from './chat-format';
import { GuardrailNotice } from './GuardrailNotice';
import { shownMessage } from './chat-store';
import { Markdown } from './Markdown';

function UserMessage({ message }: { message: ChatMessage }) {
  return (
    <article className="message message--user" data-testid="message" data-role="user" data-status={message.status} aria-labelledby={`${message.id}-h`}>
      <h2 id={`${message.id}-h`} className="visually-hidden">
        You said
      </h2>
      <div className="message__text message__text--plain" data-testid="message-text">
        {message.text}
      </div>
      <div className="message__actions">
        <CopyButton text={message.text} label="Copy your message" testId="copy-message-button" />
      </div>
    </article>
  );
}

export interface InterruptionViewProps {
  message: ChatMessage;
  busy: boolean;
  onFix: (fix: NonNullable<AppError['fix']>) => void;
  /**
   * The agent's or knowledge base's session ended on AWS's side: "New session" starts one, as
   * the header's does (`renewed`: it has, since). Absent where the answer cannot use it.
   */
  newSession?: { onStart: () => void; renewed: boolean };
}

/** Why an answer stopped early: the error with its fix (or a new session), or, quietly, that the person stopped it. */
export function InterruptionView({ message, busy, onFix, newSession }: InterruptionViewProps) {
  const error = message.error;
  if (!error) {
    return (
      <p className="message__stopped" data-testid="message-stopped">
        You stopped this answer. What arrived is kept.
      </p>
    );
  }
  const fix = error.fix;
  return (
    <div className="message__error notice notice--error" data-testid="message-error">
      <AlertIcon className="notice__icon" />
      <div className="notice__body">
        <ErrorExplanation error={error}>
          {fix && (
            <button
              type="button"
              className="button button--small button--primary"
              onClick={() => onFix(fix)}
              disabled={busy}
              data-testid="fix-button"
            >
              {fix.label}
            </button>
          )}
          {newSession &&
            (newSession.renewed ? (
              <p className="message__renewed" data-testid="session-renewed">
                New session started. Ask again, or choose Regenerate.
              </p>
            ) : (
              <p className="message__error-actions">
                <button
                  type="button"
                  className="button button--small button--primary"
                  onClick={newSession.onStart}
                  disabled={busy}
                  title="Starts afresh: the earlier messages stay here, but no longer shape the answers."
                  data-testid="error-new-session"
                >
                  New session
                </button>
              </p>
            ))}
        </ErrorExplanation>
      </div>
    </div>
  );
}

/** The interruption of an answer, with the stores its buttons act on. */
function Interruption({ message, busy, last }: { message: ChatMessage; busy: boolean; last: boolean }) {
  const { chat, conversations } = useStores();
  const onFix = useCallback((fix: NonNullable<AppError['fix']>) => void chat.getState().applyFix(fix), [chat]);
  // Only the last answer offers it, and only while the conversation still has a session to start anew.
  const canRenew = useConversations((s) => Boolean(s.open?.settings.agent ?? s.open?.settings.knowledgeBase));
  // Started since this answer was asked for: a later answer that fails the same way offers it again.
  const renewed = useConversations((s) => s.open !== null && s.renewedSession?.conversationId === s.open.id && s.renewedSession.at >= message.createdAt);
  const onStart = useCallback(() => void conversations.getState().newSession(), [conversations]);
  const newSession = message.error?.code === 'agent-session-expired' && last && canRenew ? { onStart, renewed } : undefined;
  return <InterruptionView message={message} busy={busy} onFix={onFix} newSession={newSession} />;
}

interface AnswerProps {
  message: ChatMessage;
  /** The last message of the conversation: it can be answered again. */
  last: boolean;
  busy: boolean;
}

function AnswerMessage({ message: saved, last, busy }: AnswerProps) {
  const { chat } = useStores();
  // While it streams, the text comes from the chat store; only this message re-renders per delta.
  const message = useChat((s) => shownMessage(s, saved));
  const modelName = useModels((s) => (message.modelId ? (findModel(s.catalog, message.modelId)?.name ?? message.modelId) : null));
  const onLink = useCallback((href: string) => void chat.getState().openLink(href), [chat]);
  const streaming = message.status === 'streaming';
  const usage = usageText(message);
  const stop = stopReasonText(message);
  const askedAs = answeredAsText(message);
  const agent = message.agent;
  // A knowledge base's answer names the knowledge base and the model that wrote it; an agent's, the agent.
  const answeredBy = agent ? [agent.name, message.modelId ? modelName : null].filter(Boolean).join(' · ') : modelName;

  return (
    <article
      className="message message--assistant"
      data-testid="message"
      data-role="assistant"
      data-status={message.status}
      aria-labelledby={`${message.id}-h`}
      aria-busy={streaming}
    >
      <h2 id={`${message.id}-h`} className="visually-hidden">
        {agent ? `Answer from ${agent.name}` : 'Answer'}
        {streaming ? ' (still arriving)' : ''}
      </h2>
      {message.reasoning && (
        <details className="message__thinking" data-testid="thinking">
          <summary>{streaming && !message.text ? 'Thinking…' : 'Thinking'}</summary>
          <p className="message__thinking-text">{message.reasoning}</p>
        </details>
      )}
      {agent ? (
        <AgentReply message={message} agent={agent} last={last} busy={busy} onLink={onLink} />
      ) : (
        <div className="message__text" data-testid="message-text">
          <Markdown text={message.text} onLink={onLink} status={message.status} />
          {streaming && !message.text && !message.reasoning && <p className="message__waiting">Waiting for the answer…</p>}
        </div>
      )}
      {message.guardrail && <GuardrailNotice notice={message.guardrail} />}
      {message.status === 'interrupted' && <Interruption message={message} busy={busy} last={last} />}
      {!streaming && (
        <footer className="message__footer">
          <span className="message__meta" data-testid="message-usage" title={askedAs ?? undefined}>
            {[answeredBy, message.answeredAs?.region, usage, stop].filter(Boolean).join(' · ')}
            {askedAs && <span className="visually-hidden">. {askedAs}.</span>}
          </span>
          <span className="message__actions">
            {message.text && <CopyButton text={message.text} label="Copy answer" testId="copy-message-button" />}
            {/* While the agent waits on its action, asking again would leave the action behind: the card comes first. */}
            {last && !isWaiting(agent) && (
              <button
                type="button"
                className="button button--small button--secondary"
                onClick={() => void chat.getState().regenerate()}
                disabled={busy}
                data-testid="regenerate-button"
              >
                Regenerate
              </button>
            )}
          </span>
        </footer>
      )}
    </article>
  );
}

const Message = memo(function Message({ message, last, busy }: AnswerProps) {
  return message.role === 'user' ? <UserMessage message={message} /> : <AnswerMessage message={message} last={last} busy={busy} />;
});

/** How close to the bottom, in pixels, still counts as "at the latest". */
const NEAR_BOTTOM = 48;
/** A first guess at a message's height, until it is measured. */
const ESTIMATED_HEIGHT = 140;

/**
 * The messages of a conversation, virtualised: only those in or near the
 * view are in the page, each measured as it renders, so a conversation of
 * thousands of messages opens as fast as a short one. While the person is
 * at the bottom the view follows the answer as it grows.
 */
export function Messages({ conversationId, messages, busy }: { conversationId: string; messages: ChatMessage[]; busy: boolean }) {
  const { conversations } = useStores();
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  // Where the person left this conversation, if they were reading back: they come back to the same place.
  const [left] = useState(() => conversations.getState().scrollOf(conversationId));
  // Follow the answer while the person is at the bottom; stay put once they scroll up to read.
  const wasAtEnd = left?.atEnd ?? true;
  const pinned = useRef(wasAtEnd);
  const [showJump, setShowJump] = useState(!wasAtEnd);

  // No React Compiler here: the list re-renders whenever the virtualiser says something changed.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_HEIGHT,
    getItemKey: (index) => messages[index]!.id,
    overscan: 3,
    gap: 18,
    paddingStart: 20,
    paddingEnd: 20,
    // The heights measured last time: coming back lands exactly where the person left.
    initialMeasurementsCache: left?.measured as VirtualItem[] | undefined,
    initialOffset: left && !left.atEnd ? left.top : undefined,
  });

  // Where the last scroll event left the view: only moving up (the person reading back) stops the following.
  const lastTop = useRef(left?.top ?? 0);

  /** Where the view is, kept for when the person comes back to this conversation. */
  const keepPlace = useCallback(
    (top: number) => conversations.getState().keepScroll(conversationId, { top, atEnd: pinned.current, measured: virtualizer.measurementsCache }),
    [conversations, conversationId, virtualizer],
  );

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && left && !left.atEnd) element.scrollTop = left.top;
  }, [left]);

  // Written, never read: the browser stops at the end, and no layout is forced to find where that is.
  const toBottom = useCallback(() => {
    const element = scroller.current;
    if (element) element.scrollTop = Number.MAX_SAFE_INTEGER;
  }, []);

  useEffect(() => {
    const content = list.current;
    if (!content) return;
    if (pinned.current) toBottom();
    // The answer grows without this component re-rendering: follow the list's size instead. A
    // ResizeObserver runs once per frame, after layout, so following costs no extra layout.
    const observer = new ResizeObserver(() => {
      if (pinned.current) toBottom();
    });
    observer.observe(content);
    return () => {
      observer.disconnect();
      // The last place a scroll event saw: the list has left the page by now, and reads 0.
      keepPlace(lastTop.current);
    };
  }, [toBottom, keepPlace]);

  // A new question: back to the latest (the scroll event then hides "Jump to latest").
  const count = messages.length;
  const seen = useRef(count);
  useEffect(() => {
    if (count === seen.current) return;
    seen.current = count;
    pinned.current = true;
    toBottom();
  }, [count, toBottom]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM;
    const movedUp = element.scrollTop < lastTop.current;
    lastTop.current = element.scrollTop;
    if (atBottom) pinned.current = true;
    else if (movedUp) pinned.current = false;
    setShowJump(!pinned.current);
    keepPlace(element.scrollTop);
  };

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <div className="messages__list" ref={list} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const message = messages[item.index]!;
          return (
            <div
              key={item.key}
              className="messages__item"
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <Message message={message} last={item.index === messages.length - 1 && message.role === 'assistant'} busy={busy} />
            </div>
          );
        })}
      </div>
      {showJump && (
        <button
          type="button"
          className="button button--small button--secondary messages__jump"
          onClick={() => {
            pinned.current = true;
            setShowJump(false);
            toBottom();
          }}
          data-testid="jump-to-latest"
        >
          Jump to latest
        </button>
      )}
    </div>
  );
}
