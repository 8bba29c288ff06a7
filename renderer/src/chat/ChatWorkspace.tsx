/** The chat: conversations on the left, the open one on the right, the composer below it. */
import { useCallback, useEffect, useState } from 'react';
import { useChat, useConversations, useModels, useSession, useStores } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { isBusy } from './chat-store';
import { Composer } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { Messages } from './Messages';
import { ModelPicker } from './ModelPicker';
import { catalogIsEmpty, defaultModelId } from './models-store';
import { Sidebar } from './Sidebar';

/** Why sending is not possible, in words the person can act on; null when it is. */
function useSendBlocked(modelId: string): string | null {
  const ready = useSession((s) => s.status?.state === 'ready');
  const catalog = useModels((s) => s.catalog);
  const modelsError = useModels((s) => s.error);
  const loading = useModels((s) => s.loading && !s.catalog);
  if (!ready) return 'Sign in again to send messages. Your conversations are kept.';
  if (catalogIsEmpty(catalog)) return 'No chat models are available to you yet. Ask IT to turn on model access.';
  if (!modelId && loading) return 'Loading the models…';
  if (!modelId) return modelsError ? "The models couldn't be loaded. Retry above." : 'Choose a model to start.';
  return null;
}

/** The catalog loaded and holds no chat model: nothing to do here but ask IT. */
function NoModels({ region }: { region: string }) {
  const { models } = useStores();
  const loading = useModels((s) => s.loading);
  return (
    <div className="start" data-testid="models-empty">
      <h1 className="start__title">No chat models are available yet</h1>
      <p className="start__lead">
        No chat models are enabled for you in the {region} Region. Ask IT to turn on model access in Amazon Bedrock, then
        check again.
      </p>
      <button type="button" className="button button--secondary" onClick={() => void models.getState().load(true)} disabled={loading}>
        {loading ? 'Checking…' : 'Check again'}
      </button>
    </div>
  );
}

/** No conversation open: a friendly start with the model picker and the composer (sending creates the conversation). */
function StartScreen() {
  const { chat, models } = useStores();
  const catalog = useModels((s) => s.catalog);
  const [chosen, setChosen] = useState<string | null>(null);
  const model = chosen ?? defaultModelId(catalog);
  const blocked = useSendBlocked(model);
  if (catalog && catalogIsEmpty(catalog)) return <NoModels region={catalog.region} />;
  return (
    <div className="start">
      <h1 className="start__title">What would you like to ask?</h1>
      <p className="start__lead">Pick a model and write your question. Your conversations are kept on this computer.</p>
      <ModelPicker
        value={model}
        onChange={(id) => {
          setChosen(id);
          void models.getState().choose(id);
        }}
      />
      <Composer
        disabledReason={blocked}
        busy={false}
        onSend={(text) => chat.getState().send(text, model)}
        onStop={() => void chat.getState().stop()}
      />
    </div>
  );
}

function OpenConversation() {
  const { chat } = useStores();
  const open = useConversations((s) => s.open)!;
  const busy = useChat((s) => isBusy(s, open.id));
  const blocked = useSendBlocked(open.settings.modelId);
  const send = useCallback((text: string) => chat.getState().send(text), [chat]);
  const stop = useCallback(() => void chat.getState().stop(), [chat]);
  return (
    <>
      <ConversationHeader key={`header-${open.id}`} conversation={open} />
      {open.messages.length === 0 ? (
        <p className="chat__empty">Ask your first question below.</p>
      ) : (
        <Messages key={`messages-${open.id}`} messages={open.messages} busy={busy} />
      )}
      <Composer key={`composer-${open.id}`} disabledReason={blocked} busy={busy} onSend={send} onStop={stop} />
    </>
  );
}

export function ChatWorkspace() {
  const { conversations } = useStores();
  const open = useConversations((s) => s.open !== null);
  const title = useConversations((s) => s.open?.title);
  const conversationsError = useConversations((s) => s.error);
  const dismissConversationsError = useConversations((s) => s.dismissError);
  const chatError = useChat((s) => s.error);
  const dismissChatError = useChat((s) => s.dismissError);
  const announcement = useChat((s) => s.announcement);

  // Ctrl+N (Cmd+N on a Mac): a new conversation from anywhere in the window.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'n') {
        event.preventDefault();
        void conversations.getState().create();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conversations]);

  return (
    <div className="chat">
      <Sidebar />
      <section className="chat__main" aria-label={title ?? 'New conversation'}>
        {conversationsError && <ErrorNotice error={conversationsError} onDismiss={dismissConversationsError} />}
        {chatError && <ErrorNotice error={chatError} onDismiss={dismissChatError} />}
        {open ? <OpenConversation /> : <StartScreen />}
        <div className="visually-hidden" role="status" aria-live="polite" data-testid="chat-announcer">
          {announcement}
        </div>
      </section>
    </div>
  );
}
