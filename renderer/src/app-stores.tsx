/**
 * Hands the app's stores to React. The stores themselves are plain zustand
 * stores made in main.tsx from `window.strata`; tests make them with a fake.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AccountsStore, AccountsStoreState } from './accounts/accounts-store';
import type { AgentDirectoryState, AgentDirectoryStore } from './agents/directory-store';
import type { ChatStore, ChatStoreState } from './chat/chat-store';
import type { ConversationsStore, ConversationsStoreState } from './chat/conversations-store';
import type { ModelsStore, ModelsStoreState } from './chat/models-store';
import type { SessionStoreState, SessionStore } from './session/session-store';
import type { PreferencesStore, PreferencesStoreState } from './settings/preferences-store';
import type { SettingsStoreState, SettingsStore } from './settings/settings-store';

export interface AppStores {
  session: SessionStore;
  accounts: AccountsStore;
  settings: SettingsStore;
  preferences: PreferencesStore;
  conversations: ConversationsStore;
  chat: ChatStore;
  models: ModelsStore;
  /** The agents and knowledge bases to pick from. */
  agents: AgentDirectoryStore;
}

const StoresContext = createContext<AppStores | null>(null);

export function StoresProvider({ stores, children }: { stores: AppStores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

/** The stores themselves, for effects that connect them. */
export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores must be used inside <StoresProvider>');
  return stores;
}

/** Reads from the session store; re-renders when the selected value changes. */
export function useSession<T>(selector: (state: SessionStoreState) => T): T {
  return useStore(useStores().session, selector);
}

/** Reads from the accounts store; re-renders when the selected value changes. */
export function useAccounts<T>(selector: (state: AccountsStoreState) => T): T {
  return useStore(useStores().accounts, selector);
}

/** Reads from the settings store; re-renders when the selected value changes. */
export function useSettings<T>(selector: (state: SettingsStoreState) => T): T {
  return useStore(useStores().settings, selector);
}

/** Reads from the preferences store; re-renders when the selected value changes. */
export function usePreferences<T>(selector: (state: PreferencesStoreState) => T): T {
  return useStore(useStores().preferences, selector);
}

/** Reads from the chat store; re-renders when the selected value changes. */
export function useChat<T>(selector: (state: ChatStoreState) => T): T {
  return useStore(useStores().chat, selector);
}

/** Reads from the conversations store; re-renders when the selected value changes. */
export function useConversations<T>(selector: (state: ConversationsStoreState) => T): T {
  return useStore(useStores().conversations, selector);
}

/** Reads from the models store; re-renders when the selected value changes. */
export function useModels<T>(selector: (state: ModelsStoreState) => T): T {
  return useStore(useStores().models, selector);
}

/** Reads from the agent directory store; re-renders when the selected value changes. */
export function useAgentDirectory<T>(selector: (state: AgentDirectoryState) => T): T {
  return useStore(useStores().agents, selector);
}
