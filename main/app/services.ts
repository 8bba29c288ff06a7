import path from 'node:path';
import { CompanySession } from '../auth/company-session';
import { TokenVault, type SecretCipher } from '../auth/token-vault';
import { StrataError } from '../errors';
import type { Handlers } from '../ipc/dispatch';
import { loadPolicy } from '../settings/policy';
import { SettingsService } from '../settings/settings-service';
import { SettingsStore, type OpenStore } from '../settings/settings-store';
import { EventHub } from './events';
import { isAllowedExternalUrl } from './external-links';

/** What the services need from the platform they run on: Electron in the app, plain Node in end-to-end tests. */
export interface Platform {
  /** Opens a URL in the person's normal browser. */
  openExternal(url: string): Promise<void>;
  /** Encrypts secrets at rest (safeStorage in the app). */
  cipher: SecretCipher;
  /** Where settings and the token vault live. */
  userDataDir: string;
  /** IT policy files, in increasing precedence. */
  policyPaths: readonly string[];
  env: Record<string, string | undefined>;
  openStore: OpenStore;
  log(message: string): void;
  /** For tests that need short waits; defaults to the production values. */
  timing?: { signInTimeoutMs?: number; renewalRetryMs?: number };
}

/** Every main-process service, wired together; the same in the app and under test. */
export interface Services {
  handlers: Handlers;
  events: EventHub;
  session: CompanySession;
  settings: SettingsService;
  vault: TokenVault;
  /** Resumes a saved sign-in; call once the transport is attached. */
  start(): Promise<void>;
  dispose(): void;
}

/** Builds the main-process services for one platform. */
export function createServices(platform: Platform): Services {
  const events = new EventHub();
  const vault = new TokenVault({ file: path.join(platform.userDataDir, 'session.vault'), cipher: platform.cipher });
  const settings = new SettingsService({
    store: new SettingsStore({ openStore: platform.openStore, directory: platform.userDataDir }),
    policy: loadPolicy(platform.policyPaths),
    env: platform.env,
  });
  const tokenStorage = () => (vault.persistent ? { persistent: true } : { persistent: false, reason: vault.reason });
  const view = () => settings.view(tokenStorage());

  const session = new CompanySession({
    settings: () => settings.effective(),
    vault,
    openExternal: (url) => platform.openExternal(url),
    onStatus: (status) => events.emit('auth:status', status),
    log: platform.log,
    ...platform.timing,
  });
  settings.onChange(() => {
    events.emit('settings:changed', view());
    // The signed-out screen shows whether sign-in is set up; refresh it.
    const status = session.getStatus();
    if (status.state === 'signed-out') events.emit('auth:status', status);
  });

  const handlers: Handlers = {
    'auth:get-status': () => session.getStatus(),
    'auth:sign-in': () => session.signIn(),
    'auth:cancel-sign-in': () => session.cancelSignIn(),
    'auth:sign-out': () => session.signOut(),
    'settings:get': () => view(),
    'settings:update': (patch) => {
      settings.update(patch);
      return view();
    },
    'settings:dismiss-notice': ({ id }) => {
      settings.dismissNotice(id);
      return view();
    },
    'app:open-external': async ({ url }) => {
      if (!isAllowedExternalUrl(url, settings.effective().issuer)) {
        throw new StrataError('link-not-allowed', "Strata doesn't open that link.", {
          action: 'Copy the address into your browser if you trust it.',
        });
      }
      await platform.openExternal(url);
      return null;
    },
  };

  return {
    handlers,
    events,
    session,
    settings,
    vault,
    start: async () => {
      await session.restore();
    },
    dispose: () => session.dispose(),
  };
}
