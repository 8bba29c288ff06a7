/** Where the person writes: Enter sends, Shift+Enter starts a new line; while an answer streams, Stop (or Esc). */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

interface ComposerProps {
  /** Why sending is not possible right now, shown under the box; null when it is. */
  disabledReason: string | null;
  /** An answer is under way: Send becomes Stop. */
  busy: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
}

/** The tallest the box grows, in pixels, before it scrolls. */
const MAX_HEIGHT = 240;

export function Composer({ disabledReason, busy, onSend, onStop }: ComposerProps) {
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  // Grow with the text, up to a limit.
  useLayoutEffect(() => {
    const element = input.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  const submit = async () => {
    const message = text.trim();
    if (!message || disabledReason || busy) return;
    setText('');
    // Refused (e.g. the session ended): give the text back so nothing is lost.
    if (!(await onSend(message))) setText((current) => current || text);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && busy) {
      event.preventDefault();
      onStop();
    }
  };

  const disabled = disabledReason !== null;
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor="composer-input" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={1}
        value={text}
        placeholder={disabled ? 'Sending is not possible right now' : 'Ask anything… (Enter to send, Shift+Enter for a new line)'}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        disabled={disabled}
        aria-describedby={disabled ? 'composer-reason' : undefined}
        data-testid="composer-input"
      />
      {busy ? (
        <button type="button" className="button button--secondary composer__button" onClick={onStop} aria-keyshortcuts="Escape" data-testid="stop-button">
          Stop
        </button>
      ) : (
        <button type="submit" className="button button--primary composer__button" disabled={disabled || !text.trim()} data-testid="send-button">
          Send
        </button>
      )}
      {disabledReason && (
        <p id="composer-reason" className="composer__reason" data-testid="composer-disabled-reason">
          {disabledReason}
        </p>
      )}
    </form>
  );
}
