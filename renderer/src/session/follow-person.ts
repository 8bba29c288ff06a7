/**
 * Keeps what belongs to a person with that person. When they sign out, or
 * someone else signs in, the chat, the conversations on screen and the
 * model list are forgotten; when they switch to other credentials (an AWS
 * profile), only the model list is. After every sign-in the chat asks main
 * which answers are running, since events may have been missed meanwhile.
 */
import type { SessionStatus } from '../../../preload/contract';
import { sourceKey } from '../accounts/accounts-store';
import type { AgentDirectoryStore } from '../agents/directory-store';
import type { ChatStore } from '../chat/chat-store';
import type { ConversationsStore } from '../chat/conversations-store';
import type { ModelsStore } from '../chat/models-store';
import type { SessionStore } from './session-store';

export interface PersonStores {
  session: SessionStore;
  chat: ChatStore;
  conversations: ConversationsStore;
  models: ModelsStore;
  /** The agents and knowledge bases listed for the person; absent where nothing lists them. */
  agents?: AgentDirectoryStore;
}

/** Who a status is about: a subject, null for nobody, undefined when it does not say (signing in, ended). */
function personOf(status: SessionStatus): string | null | undefined {
  if (status.state === 'ready') return status.user.subject;
  if (status.state === 'signed-out') return null;
  return undefined;
}

/** Follows the session; returns the unsubscribe. */
export function followPerson(stores: PersonStores): () => void {
  /** The person the stores hold data for; undefined until the first status says. */
  let person: string | null | undefined;
  /** The credential source of the statuses so far. */
  let source: string | undefined;
  let ready = false;

  const follow = (status: SessionStatus | null) => {
    if (!status) return;
    const next = personOf(status);
    const nextSource = sourceKey(status.source);
    if (source !== undefined && nextSource !== source) {
      // The same person chose other credentials: their conversations stay open, the models (and agents) are the new source's.
      stores.models.getState().reset();
      stores.agents?.getState().reset();
      person = next;
    } else if (next !== undefined) {
      if (person !== undefined && next !== person) {
        stores.chat.getState().reset();
        stores.conversations.getState().reset();
        stores.models.getState().reset();
        stores.agents?.getState().reset();
      }
      person = next;
    }
    source = nextSource;
    const nowReady = status.state === 'ready';
    if (nowReady && !ready) {
      void stores.chat.getState().catchUp();
      if (!stores.models.getState().catalog) void stores.models.getState().load();
    }
    ready = nowReady;
  };

  follow(stores.session.getState().status);
  return stores.session.subscribe((state, previous) => {
    if (state.status !== previous.status) follow(state.status);
  });
}
