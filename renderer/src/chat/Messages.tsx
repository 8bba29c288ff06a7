/** The conversation's messages, the answer streaming into the last one, and what to do when one failed. */
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ChatMessage } from '../../../preload/contract';
import { useChat, useModels, useStores } from '../app-stores';
import { CopyButton } from '../shared/CopyButton';
import { ErrorExplanation } from '../shared/ErrorNotice';
import { AlertIcon } from '../shared/icons';
import { findModel, stopReasonText, usageText } from './chat-format';
import { Markdown, StreamingMarkdown } from './Markdown';

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

/** Why an answer stopped early: the error with its fix, or, quietly, that the person stopped it. */
function Interruption({ message, busy }: { message: ChatMessage; busy: boolean }) {
  const { chat } = useStores();
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
              onClick={() => void chat.getState().applyFix(fix)}
              disabled={busy}
              data-testid="fix-button"
            >
              {fix.label}
            </button>
          )}
        </ErrorExplanation>
      </div>
    </div>
  );
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
  const live = useChat((s) => (saved.status === 'streaming' ? s.live[saved.id] : undefined));
  const message = live ?? saved;
  const modelName = useModels((s) => (message.modelId ? (findModel(s.catalog, message.modelId)?.name ?? message.modelId) : null));
  const onLink = useCallback((href: string) => void chat.getState().openLink(href), [chat]);
  const streaming = message.status === 'streaming';
  const usage = usageText(message);
  const stop = stopReasonText(message);

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
        {streaming ? 'Answer (still arriving)' : 'Answer'}
      </h2>
      {message.reasoning && (
        <details className="message__thinking" data-testid="thinking">
          <summary>{streaming && !message.text ? 'Thinking…' : 'Thinking'}</summary>
          <p className="message__thinking-text">{message.reasoning}</p>
        </details>
      )}
      <div className="message__text" data-testid="message-text">
        {streaming ? <StreamingMarkdown text={message.text} onLink={onLink} /> : <Markdown text={message.text} onLink={onLink} unfinished={message.status === 'interrupted'} />}
        {streaming && !message.text && !message.reasoning && <p className="message__waiting">Waiting for the answer…</p>}
      </div>
      {message.status === 'interrupted' && <Interruption message={message} busy={busy} />}
      {!streaming && (
        <footer className="message__footer">
          <span className="message__meta" data-testid="message-usage">
            {[modelName, usage, stop].filter(Boolean).join(' · ')}
          </span>
          <span className="message__actions">
            {message.text && <CopyButton text={message.text} label="Copy answer" testId="copy-message-button" />}
            {last && (
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

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && left && !left.atEnd) element.scrollTop = left.top;
  }, [left]);

  const toBottom = useCallback(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  useEffect(() => {
    const content = list.current;
    if (!content) return;
    if (pinned.current) toBottom();
    // The answer grows without this component re-rendering: follow the content's size instead.
    const observer = new ResizeObserver(() => {
      if (pinned.current) toBottom();
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, [toBottom]);

  // A new question: back to the latest (the scroll event then hides "Jump to latest").
  const count = messages.length;
  const seen = useRef(count);
  useEffect(() => {
    if (count === seen.current) return;
    seen.current = count;
    pinned.current = true;
    toBottom();
  }, [count, toBottom]);

  // Where the last scroll event left the view: only moving up (the person reading back) stops the following.
  const lastTop = useRef(0);
  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM;
    const movedUp = element.scrollTop < lastTop.current;
    lastTop.current = element.scrollTop;
    if (atBottom) pinned.current = true;
    else if (movedUp) pinned.current = false;
    setShowJump(!pinned.current);
    conversations.getState().keepScroll(conversationId, { top: element.scrollTop, atEnd: pinned.current });
  };

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <div className="messages__list" ref={list}>
        {messages.map((message, i) => (
          <Message key={message.id} message={message} last={i === messages.length - 1 && message.role === 'assistant'} busy={busy} />
        ))}
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
