/** The renderer's entry: makes the stores over `window.strata` and mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StoresProvider, type AppStores } from './app-stores';
import { createAccountsStore } from './accounts/accounts-store';
import { createAgentDirectoryStore } from './agents/directory-store';
import { createChatStore } from './chat/chat-store';
import { createConversationsStore } from './chat/conversations-store';
import { createModelsStore } from './chat/models-store';
import { createSessionStore } from './session/session-store';
import { createPreferencesStore } from './settings/preferences-store';
import { createSettingsStore } from './settings/settings-store';
import { restoreAppearance } from './settings/use-appearance';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('Strata: #root is missing from index.html');

if ('strata' in window) {
  restoreAppearance();
  const conversations = createConversationsStore(window.strata);
  const models = createModelsStore(window.strata);
  const stores: AppStores = {
    session: createSessionStore(window.strata),
    accounts: createAccountsStore(window.strata),
    settings: createSettingsStore(window.strata),
    preferences: createPreferencesStore(window.strata),
    conversations,
    models,
    chat: createChatStore(window.strata, { conversations, models }),
    agents: createAgentDirectoryStore(window.strata),
  };
  createRoot(container).render(
    <StrictMode>
      <StoresProvider stores={stores}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
} else {
  // Opened outside Strata's window (no preload): say so instead of failing silently.
  createRoot(container).render(
    <main className="bridge-missing">
      <p>Strata's window did not start correctly. Quit Strata and open it again.</p>
    </main>,
  );
}
