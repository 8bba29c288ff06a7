/** The conversation's messages, the answer streaming into the last one, and what to do when one failed. */
import { memo, useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { ChatMessage } from '../../../preload/contract';
import { useChat } from '../app-stores';
import { CopyButton } from '../shared/CopyButton';
import { ErrorExplanation } from '../shared/ErrorNotice';
import { findModel, stopReasonText, usageText } from './chat-format';
import { Markdown, StreamingMarkdown } from './Markdown';

interface MessageProps {
  message: ChatMessage;
  last: boolean;
  busy: boolean;
}

const Message = memo(function Message({ message, last, busy }: MessageProps) {
  const openLink = useChat((s) => s.openLink);
  const regenerate = useChat((s) => s.regenerate);
  const applyFix = useChat((s) => s.applyFix);
  const catalog = useChat((s) => s.catalog);
  const onLink = useCallback((href: string) => void openLink(href), [openLink]);
  const streaming = message.status === 'streaming';

  if (message.role === 'user') {
    return (
      <article className="message message--user" data-testid="message" data-role="user" data-status={message.status} aria-label="You said">
        <h2 className="visually-hidden">You said</h2>
        <div className="message__text message__text--plain" data-testid="message-text">
          {message.text}
        </div>
        <div className="message__actions">
          <CopyButton text={message.text} label="Copy your message" testId="copy-message-button" />
        </div>
      </article>
    );
  }

  const usage = usageText(message);
  const stop = stopReasonText(message);
  const model = message.modelId ? (findModel(catalog, message.modelId)?.name ?? message.modelId) : null;
  return (
    <article
      className="message message--assistant"
      data-testid="message"
      data-role="assistant"
      data-status={message.status}
      aria-label="Answer"
      aria-busy={streaming}
    >
      <h2 className="visually-hidden">Answer</h2>
      {message.reasoning && (
        <details className="message__thinking" data-testid="thinking">
          <summary>{streaming && !message.text ? 'Thinking…' : 'Thinking'}</summary>
          <p className="message__thinking-text">{message.reasoning}</p>
        </details>
      )}
      <div className="message__text" data-testid="message-text">
        {streaming ? <StreamingMarkdown text={message.text} onLink={onLink} /> : <Markdown text={message.text} onLink={onLink} />}
        {streaming && !message.text && !message.reasoning && <p className="message__waiting">Waiting for the answer…</p>}
      </div>
      {message.status === 'interrupted' && (
        <div className="message__error notice notice--error" data-testid="message-error">
          <div className="notice__body">
            {message.error ? (
              <ErrorExplanation error={message.error}>
                {message.error.fix && (
                  <button
                    type="button"
                    className="button button--small button--primary"
                    onClick={() => void applyFix(message.error!.fix!)}
                    disabled={busy}
                    data-testid="fix-button"
                  >
                    {message.error.fix.label}
                  </button>
                )}
              </ErrorExplanation>
            ) : (
              <p className="error-text__message">You stopped this answer. What arrived is kept.</p>
            )}
          </div>
        </div>
      )}
      {!streaming && (
        <footer className="message__footer">
          <span className="message__meta" data-testid="message-usage">
            {[model, usage, stop].filter(Boolean).join(' · ')}
          </span>
          <span className="message__actions">
            {message.text && <CopyButton text={message.text} label="Copy answer" testId="copy-message-button" />}
            {last && (
              <button type="button" className="button button--small button--secondary" onClick={() => void regenerate()} disabled={busy} data-testid="regenerate-button">
                Regenerate
              </button>
            )}
          </span>
        </footer>
      )}
    </article>
  );
});

export function Messages({ messages, busy }: { messages: ChatMessage[]; busy: boolean }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [pinned, setPinned] = useState(true);
  const lastText = messages.at(-1)?.text.length ?? 0;

  // Follow the answer while the person is at the bottom; stay put once they scroll up to read.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && pinned) element.scrollTop = element.scrollHeight;
  }, [pinned, lastText, messages.length]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    setPinned(element.scrollHeight - element.scrollTop - element.clientHeight < 40);
  };

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <div className="messages__list">
        {messages.map((message, i) => (
          <Message key={message.id} message={message} last={i === messages.length - 1 && message.role === 'assistant'} busy={busy} />
        ))}
      </div>
      {!pinned && (
        <button type="button" className="button button--small button--secondary messages__jump" onClick={() => setPinned(true)} data-testid="jump-to-latest">
          Jump to latest
        </button>
      )}
    </div>
  );
}
