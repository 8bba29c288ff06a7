/** The chat: conversations on the left, the open one on the right, the composer below it. */
import { useCallback, useState } from 'react';
import { useChat, useConversations, useModels, useSession, useStores } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { shortcuts } from '../shared/shortcuts';
import { useShortcut } from '../shared/use-shortcut';
import type { AgentConversation, Conversation, ConversationSettingsPatch, KnowledgeBaseConversation } from '../../../preload/contract';
import { AgentForm, TargetControls, useAgentFormToggle } from '../agents/AgentTarget';
import { isBusy } from './chat-store';
import { NEW_CONVERSATION } from './conversations-store';
import { Composer } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { Messages } from './Messages';
import { catalogIsEmpty, defaultModelId } from './models-store';
import { Sidebar } from './Sidebar';

/** Why sending is not possible, in words the person can act on; null when it is. A Bedrock Agent needs no model. */
function useSendBlocked(modelId: string, toAgent: boolean): string | null {
  const ready = useSession((s) => s.status?.state === 'ready');
  const catalog = useModels((s) => s.catalog);
  const modelsError = useModels((s) => s.error);
  const loading = useModels((s) => s.loading && !s.catalog);
  if (!ready) return 'Sign in again to send messages. Your conversations are kept.';
  if (toAgent) return null;
  if (catalogIsEmpty(catalog)) return 'No chat models are available to you yet. Ask IT to turn on model access.';
  if (!modelId && loading) return 'Loading the models…';
  if (!modelId) return modelsError ? "The models couldn't be loaded. Retry above." : 'Choose a model to start.';
  return null;
}

/** The catalog loaded and holds no chat model: ask IT, or talk to a Bedrock Agent instead. */
function NoModels({ region, onUseAgent }: { region: string; onUseAgent: () => void }) {
  const { models } = useStores();
  const loading = useModels((s) => s.loading);
  return (
    <div className="start" data-testid="models-empty">
      <h1 className="start__title">No chat models are available yet</h1>
      <p className="start__lead">
        No chat models are enabled for you in the {region} Region. Ask IT to turn on model access in Amazon Bedrock, then
        check again.
      </p>
      <div className="start__actions">
        <button type="button" className="button button--secondary" onClick={() => void models.getState().load(true)} disabled={loading}>
          {loading ? 'Checking…' : 'Check again'}
        </button>
        <button type="button" className="button button--secondary" onClick={onUseAgent} data-testid="no-models-use-agent">
          Talk to a Bedrock Agent instead
        </button>
      </div>
    </div>
  );
}

/** Whom a new conversation talks to besides the model: an agent, or a knowledge base the model answers from. */
interface StartTarget {
  agent?: AgentConversation;
  knowledgeBase?: KnowledgeBaseConversation;
}

/** What a new conversation is created with: the model chosen, and the agent or knowledge base, if one is. */
export function newConversationSettings(modelId: string, target: StartTarget): ConversationSettingsPatch {
  return { ...(modelId ? { modelId } : {}), ...(target.agent ? { agent: target.agent } : {}), ...(target.knowledgeBase ? { knowledgeBase: target.knowledgeBase } : {}) };
}

/** The start screen's target after the form saved `patch`: setting one of agent and knowledge base drops the other, as main does. */
export function applyTargetPatch(target: StartTarget, patch: ConversationSettingsPatch): StartTarget {
  if (patch.agent) return { agent: patch.agent };
  if (patch.knowledgeBase) return { knowledgeBase: patch.knowledgeBase };
  return {
    ...(patch.agent === null || !target.agent ? {} : { agent: target.agent }),
    ...(patch.knowledgeBase === null || !target.knowledgeBase ? {} : { knowledgeBase: target.knowledgeBase }),
  };
}

/**
 * No conversation open: a friendly start with the model picker (or a Bedrock Agent) and the
 * composer; sending creates the conversation with that choice.
 */
function StartScreen() {
  const { chat, models } = useStores();
  const catalog = useModels((s) => s.catalog);
  const [chosen, setChosen] = useState<string | null>(null);
  const [target, setTarget] = useState<StartTarget>({});
  const agentForm = useAgentFormToggle();
  const model = chosen ?? defaultModelId(catalog);
  const blocked = useSendBlocked(model, target.agent !== undefined);
  const busy = useChat((s) => isBusy(s, NEW_CONVERSATION));
  if (catalog && catalogIsEmpty(catalog) && !target.agent && !agentForm.open) {
    return <NoModels region={catalog.region} onUseAgent={() => agentForm.setOpen(true)} />;
  }
  return (
    <div className="start" data-testid="new-conversation">
      <h1 className="start__title">What would you like to ask?</h1>
      <p className="start__lead" data-testid="privacy-line">
        Your conversations stay on this computer. Your questions go to Amazon Bedrock in your company's AWS account.
      </p>
      <div className="start__target">
        <TargetControls
          modelId={model}
          onModel={(id) => {
            setChosen(id);
            void models.getState().choose(id);
          }}
          agent={target.agent}
          knowledgeBase={target.knowledgeBase}
          formOpen={agentForm.open}
          formId={agentForm.formId}
          onToggleForm={agentForm.toggle}
          buttonRef={agentForm.buttonRef}
        />
      </div>
      {agentForm.open && (
        <AgentForm
          id={agentForm.formId}
          current={{ modelId: model, ...target }}
          onSave={async (patch) => {
            setTarget((was) => applyTargetPatch(was, patch));
            if (patch.modelId && patch.modelId !== model) {
              setChosen(patch.modelId);
              void models.getState().choose(patch.modelId);
            }
            return null;
          }}
          onClose={agentForm.close}
        />
      )}
      <Composer
        draftKey={NEW_CONVERSATION}
        disabledReason={blocked}
        busy={busy}
        onSend={(text) => chat.getState().send(text, newConversationSettings(model, target))}
        onStop={() => void chat.getState().stop()}
      />
    </div>
  );
}

/** A conversation chosen from the list, while main reads it (a moment, the first time in a session). */
function Opening({ id }: { id: string }) {
  const title = useConversations((s) => s.list.find((c) => c.id === id)?.title);
  return (
    <div className="chat__opening" aria-busy="true" data-testid="conversation-opening">
      <p className="muted">Opening {title ? `“${title}”` : 'the conversation'}…</p>
    </div>
  );
}

function OpenConversation({ open }: { open: Conversation }) {
  const { chat } = useStores();
  const busy = useChat((s) => isBusy(s, open.id));
  const blocked = useSendBlocked(open.settings.modelId, open.settings.agent !== undefined);
  const send = useCallback((text: string) => chat.getState().send(text), [chat]);
  const stop = useCallback(() => void chat.getState().stop(), [chat]);
  return (
    <>
      <ConversationHeader key={`header-${open.id}`} conversation={open} />
      {open.messages.length === 0 ? (
        <p className="chat__empty">Ask your first question below.</p>
      ) : (
        <Messages key={`messages-${open.id}`} conversationId={open.id} messages={open.messages} busy={busy} />
      )}
      <Composer key={`composer-${open.id}`} draftKey={open.id} disabledReason={blocked} busy={busy} onSend={send} onStop={stop} />
    </>
  );
}

export function ChatWorkspace() {
  const { conversations } = useStores();
  const selectedId = useConversations((s) => s.selectedId);
  // Only the conversation chosen last is ever shown, once it has loaded.
  const open = useConversations((s) => (s.open && s.open.id === s.selectedId ? s.open : null));
  const title = open?.title;
  const conversationsError = useConversations((s) => s.error);
  const dismissConversationsError = useConversations((s) => s.dismissError);
  const chatError = useChat((s) => s.error);
  const dismissChatError = useChat((s) => s.dismissError);
  const announcement = useChat((s) => s.announcement);

  useShortcut(shortcuts.newConversation, () => conversations.getState().startNew());

  return (
    <div className="chat">
      <Sidebar />
      <section className="chat__main" aria-label={title ?? 'New conversation'}>
        {conversationsError && <ErrorNotice error={conversationsError} onDismiss={dismissConversationsError} />}
        {chatError && <ErrorNotice error={chatError} onDismiss={dismissChatError} />}
        {open ? <OpenConversation open={open} /> : selectedId ? <Opening id={selectedId} /> : <StartScreen />}
        <div className="visually-hidden" role="status" aria-live="polite" data-testid="chat-announcer">
          {announcement}
        </div>
      </section>
    </div>
  );
}
