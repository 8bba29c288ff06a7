/**
 * Where the person writes: Enter sends and Shift+Enter starts a new line, or,
 * with Enter-to-send off in Settings, Ctrl/⌘+Enter sends and Enter starts a
 * new line; while an answer streams, Stop (or Esc).
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { LIMITS } from '../../../preload/limits';
import { usePreferences, useStores } from '../app-stores';
import { isSendKey, sendHint, sendShortcut, usesCommandKey } from '../settings/enter-to-send';

interface ComposerProps {
  /** Whose draft this is: what was typed is kept per conversation while the person switches. */
  draftKey: string;
  /** Why sending is not possible right now, shown under the box; null when it is. */
  disabledReason: string | null;
  /** An answer is under way: Send becomes Stop. */
  busy: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
}

/** The tallest the box grows, in pixels, before it scrolls. */
const MAX_HEIGHT = 240;

/** A box that had the focus left the page (the first question made the conversation, or a shortcut switched): its successor takes the focus. */
let focusNextBox = false;

export function Composer({ draftKey, disabledReason, busy, onSend, onStop }: ComposerProps) {
  const { conversations } = useStores();
  const [text, setText] = useState(() => conversations.getState().draftOf(draftKey));
  const input = useRef<HTMLTextAreaElement>(null);
  const enterToSend = usePreferences((state) => state.preferences?.enterToSend ?? true);
  const commandKey = usesCommandKey(navigator.platform);

  // Kept outside React state: typing re-renders nothing but this box.
  useEffect(() => {
    conversations.getState().keepDraft(draftKey, text);
  }, [conversations, draftKey, text]);

  // The person was writing when this box replaced the last one (their first question made the
  // conversation, or Ctrl+N): they write on here. Left on the page, the focus would fall to the body and
  // the caret stay where the old box was, outside any text, which costs Chromium a walk over the page
  // on every frame: an answer streaming after it took three times longer to draw.
  useLayoutEffect(() => {
    const element = input.current;
    if (element && focusNextBox && (document.activeElement === null || document.activeElement === document.body)) element.focus();
    focusNextBox = false;
    return () => {
      focusNextBox = element !== null && document.activeElement === element;
    };
  }, []);

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
    if (isSendKey(event, enterToSend)) {
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
        placeholder={disabled ? 'Sending is not possible right now' : `Ask anything… (${sendHint(enterToSend, commandKey)})`}
        maxLength={LIMITS.message}
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
        <button type="submit" className="button button--primary composer__button" disabled={disabled || !text.trim()} aria-keyshortcuts={sendShortcut(enterToSend, commandKey)} data-testid="send-button">
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
