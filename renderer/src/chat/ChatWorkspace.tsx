/** The chat: conversations on the left, the open one on the right, the composer below it. */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useChat } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { ConversationHeader, ModelPicker } from './ConversationHeader';
import { Messages } from './Messages';
import { Sidebar } from './Sidebar';

function Composer({ disabledReason, busy }: { disabledReason: string | null; busy: boolean }) {
  const send = useChat((s) => s.send);
  const stop = useChat((s) => s.stop);
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  // Grow with the text, up to a limit.
  useLayoutEffect(() => {
    const element = input.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 240)}px`;
  }, [text]);

  const submit = async () => {
    const message = text.trim();
    if (!message || disabledReason || busy) return;
    setText('');
    if (!(await send(message))) setText(message);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
    if (event.key === 'Escape' && busy) void stop();
  };

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
        placeholder={disabledReason ?? 'Ask anything… (Enter to send, Shift+Enter for a new line)'}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        disabled={disabledReason !== null}
        aria-describedby={disabledReason ? 'composer-reason' : undefined}
        data-testid="composer-input"
      />
      {busy ? (
        <button type="button" className="button button--secondary composer__button" onClick={() => void stop()} data-testid="stop-button">
          Stop
        </button>
      ) : (
        <button type="submit" className="button button--primary composer__button" disabled={disabledReason !== null || !text.trim()} data-testid="send-button">
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

function StartScreen({ disabledReason }: { disabledReason: string | null }) {
  const newConversation = useChat((s) => s.newConversation);
  const updateSettings = useChat((s) => s.updateSettings);
  const catalog = useChat((s) => s.catalog);
  const [chosen, setChosen] = useState<string | null>(null);
  const model = chosen ?? catalog?.lastChoice ?? catalog?.groups[0]?.models[0]?.id ?? '';
  return (
    <div className="start">
      <h1 className="start__title">What would you like to ask?</h1>
      <p className="start__lead">Pick a model and start a conversation. Everything you ask is kept on this computer.</p>
      <ModelPicker
        value={model}
        onChange={(id) => {
          setChosen(id);
          void newConversation().then((created) => created && updateSettings({ modelId: id }));
        }}
      />
      <Composer disabledReason={disabledReason} busy={false} />
    </div>
  );
}

export function ChatWorkspace({ disabledReason }: { disabledReason: string | null }) {
  const open = useChat((s) => s.open);
  const busy = useChat((s) => (s.open ? s.active[s.open.id] !== undefined : false));
  const error = useChat((s) => s.error);
  const dismissError = useChat((s) => s.dismissError);
  const newConversation = useChat((s) => s.newConversation);
  const announcement = useChat((s) => s.announcement);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'n') {
        event.preventDefault();
        void newConversation();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [newConversation]);

  const reason = disabledReason ?? (open && !open.settings.modelId ? 'Choose a model to start.' : null);
  return (
    <div className="chat">
      <Sidebar />
      <section className="chat__main" aria-label={open ? open.title : 'New conversation'}>
        {error && <ErrorNotice error={error} onDismiss={dismissError} />}
        {open ? (
          <>
            <ConversationHeader key={open.id} conversation={open} />
            {open.messages.length === 0 ? (
              <p className="chat__empty">Ask your first question below.</p>
            ) : (
              <Messages key={open.id} messages={open.messages} busy={busy} />
            )}
            <Composer key={open.id} disabledReason={reason} busy={busy} />
          </>
        ) : (
          <StartScreen disabledReason={disabledReason} />
        )}
        <div className="visually-hidden" role="status" aria-live="polite">
          {announcement}
        </div>
      </section>
    </div>
  );
}
