import os from 'node:os';
import path from 'node:path';
import { Accounts } from '../auth/accounts';
import { AgentService } from '../agents/agent-service';
import { ApiKeySession, ApiKeyVault, checkApiKey, settingsForKey, usableKey } from '../auth/api-key-session';
import { awsConfigPaths, listProfiles } from '../auth/aws-profiles';
import { CompanySession } from '../auth/company-session';
import { detectEnvironmentCredentials } from '../auth/environment-credentials';
import { EnvironmentSession } from '../auth/environment-session';
import { IdentityCenter } from '../auth/identity-center';
import { ProfileSession } from '../auth/profile-session';
import { ssoCacheDirectory } from '../auth/sso-cache';
import { ChatService } from '../chat/chat-service';
import { ConversationStore } from '../chat/conversation-store';
import { conversationToMarkdown, exportFileName } from '../chat/markdown-export';
import { ModelService } from '../chat/model-service';
import { Preferences } from '../chat/preferences';
import { TokenVault, type SecretCipher } from '../auth/token-vault';
import { StrataError } from '../errors';
import { AwsClients } from '../net/aws-clients';
import { diagnose } from '../net/diagnostics';
import { ProxySignIn } from '../net/proxy-sign-in';
import type { Timeouts } from '../net/network';
import type { Handlers } from '../ipc/dispatch';
import { credentialSourceText, type ChatEvent, type PolicyView, type RequestChannel, type SessionStatus } from '../../preload/contract';
import { sessionScope } from '../settings/layers';
import { loadPolicy, type PolicySource } from '../settings/policy';
import type { PolicyRules } from '../settings/policy-rules';
import { SettingsService } from '../settings/settings-service';
import { SettingsStore, type OpenStore } from '../settings/settings-store';
import { testConnection } from './connection-test';
import { activityLog } from './activity-log';
import { runtimeVersions, saveDiagnostics } from './diagnostics-bundle';
import { EventHub } from './events';
import { allowedExternalUrl } from './external-links';
import type { Log } from './logger';
import { UpdateService, type Updater } from './updates';

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
  /** The policy the operating system manages (Group Policy, configuration profiles), read beforehand; it wins over the files. */
  managedPolicy?: readonly PolicySource[];
  env: Record<string, string | undefined>;
  /** The person's home folder, where ~/.aws is (default: the operating system's). */
  home?: string;
  /** Watch the AWS files for changes (default true). */
  watchAwsFiles?: boolean;
  /** Ask an EC2 instance's metadata service for its role's credentials (the app does; tests only where they emulate one). */
  probeInstanceMetadata?: boolean;
  openStore: OpenStore;
  /** Asks where to save a file (a Save dialog in the app) and writes it; null if the person cancelled. */
  saveFile(suggestedName: string, content: string): Promise<string | null>;
  /** The same for a binary file (the diagnostics zip), offering files of `filter`'s kind. */
  saveBinaryFile(suggestedName: string, bytes: Uint8Array, filter: { name: string; extensions: string[] }): Promise<string | null>;
  /** Shows a file in the system's file manager. */
  showInFolder(file: string): void;
  /** Writes a line to Strata's log (redacted there); info unless said otherwise. */
  log: Log;
  /** The log file and its archives, newest first, for "Copy diagnostics". */
  logFiles?(): readonly string[];
  /** Strata's version, for reports IT reads. */
  appVersion?: string;
  /** The computer's proxy for a URL as a PAC result ("PROXY host:port; DIRECT"); direct when absent. */
  resolveProxy?(url: string): Promise<string>;
  /** Strata's own updater (electron-updater in an installed app); absent: Strata doesn't update itself. */
  updater?: Updater;
  /** For tests that need short waits; defaults to the production values. */
  timing?: {
    signInTimeoutMs?: number;
    renewalRetryMs?: number;
    mfaTimeoutMs?: number;
    chatRetryBaseMs?: number;
    chatCheckpointMs?: number;
    /** The first update check after start-up, and the time between checks. */
    updateFirstCheckMs?: number;
    updateEveryMs?: number;
    now?: () => number;
    network?: Partial<Timeouts>;
  };
}

/** Every main-process service, wired together; the same in the app and under test. */
export interface Services {
  handlers: Handlers;
  events: EventHub;
  clients: AwsClients;
  /** The company sign-in, whether or not it is the source in use. */
  session: CompanySession;
  /** The source in use (company sign-in or an AWS profile) and switching between them. */
  accounts: Accounts;
  settings: SettingsService;
  vault: TokenVault;
  conversations: ConversationStore;
  models: ModelService;
  chat: ChatService;
  preferences: Preferences;
  updates: UpdateService;
  /** Resumes a saved sign-in; call once the transport is attached. */
  start(): Promise<void>;
  /** After the computer slept (its timers with it): the source in use renews at once what came due. */
  wake(): void;
  dispose(): void;
}

/** The notice that says why the person was signed out after changing settings; gone once they sign in again. */
const SIGNED_OUT_BY_SETTINGS = 'signed-out:settings-changed';

/** Builds the main-process services for one platform. */
export function createServices(platform: Platform): Services {
  const events = new EventHub();
  const versions = runtimeVersions(platform.appVersion);
  platform.log(`starting: ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}`);
  activityLog(events, platform.log);
  /** For parts whose every line is a failure. */
  const warn = (message: string) => platform.log(message, 'warn');
  const home = platform.home ?? os.homedir();
  const awsPaths = awsConfigPaths(platform.env, home);
  const vault = new TokenVault({ file: path.join(platform.userDataDir, 'session.vault'), cipher: platform.cipher });
  const settings = new SettingsService({
    store: new SettingsStore({ openStore: platform.openStore, directory: platform.userDataDir }),
    policy: loadPolicy(platform.policyPaths, platform.managedPolicy),
    env: platform.env,
  });
  const apiKeyVault = new ApiKeyVault({ file: path.join(platform.userDataDir, 'bedrock-api-key.secret'), cipher: platform.cipher });
  const proxySignIn = new ProxySignIn({ file: path.join(platform.userDataDir, 'proxy.secret'), cipher: platform.cipher });
  const tokenStorage = () => (vault.persistent ? { persistent: true } : { persistent: false, reason: vault.reason });
  const view = () => settings.view({ tokenStorage: tokenStorage(), proxySignIn: proxySignIn.view() });
  /** Tells every window what Settings shows now, and hands the same view to the caller. */
  const announceSettings = () => {
    const current = view();
    events.emit('settings:changed', current);
    return current;
  };

  const clients = new AwsClients({
    settings: () => settings.effective(),
    resolveSystemProxy: platform.resolveProxy,
    proxyCredentials: () => proxySignIn.load(),
    timeouts: platform.timing?.network,
    log: warn,
  });
  const session = new CompanySession({
    settings: () => settings.effective(),
    vault,
    clients,
    openExternal: (url) => platform.openExternal(url),
    onStatus: (status) => accounts.companyStatus(status),
    log: platform.log,
    ...platform.timing,
  });
  const identityCenter = new IdentityCenter({
    clients,
    settings: () => settings.effective(),
    cacheDirectory: ssoCacheDirectory(home),
    openExternal: (url) => platform.openExternal(url),
    log: platform.log,
    ...platform.timing,
  });
  // What this computer offers of its own does not change while Strata runs: looked for once.
  let environmentCredentials: ReturnType<typeof detectEnvironmentCredentials> | undefined;
  const detectEnvironment = () =>
    (environmentCredentials ??= detectEnvironmentCredentials(platform.env, platform.probeInstanceMetadata ?? false));
  const accounts: Accounts = new Accounts({
    settings,
    company: session,
    identityCenter,
    profileSession: (profile, report) =>
      new ProfileSession({
        profile,
        paths: awsPaths,
        settings: () => settings.effective(),
        describe: async () => (await listProfiles(awsPaths)).find((info) => info.name === profile),
        clients,
        identityCenter,
        onStatus: report,
        log: platform.log,
        ...platform.timing,
      }),
    environmentSession: (report) =>
      new EnvironmentSession({
        env: platform.env,
        settings: () => settings.effective(),
        detect: detectEnvironment,
        clients,
        onStatus: report,
        log: platform.log,
        ...platform.timing,
      }),
    detectEnvironment,
    apiKeySession: (report) =>
      new ApiKeySession({
        vault: apiKeyVault,
        settings: () => settings.effective(),
        clients,
        onStatus: report,
        log: platform.log,
        ...platform.timing,
      }),
    apiKeyVault,
    checkApiKey: async (key) => {
      usableKey(key, (platform.timing?.now ?? Date.now)());
      await checkApiKey(clients, settingsForKey(settings.effective(), key), key);
    },
    paths: awsPaths,
    env: platform.env,
    watchFiles: platform.watchAwsFiles,
    onStatus: (status) => events.emit('auth:status', status),
    onChanged: (view) => events.emit('accounts:changed', view),
    log: platform.log,
  });
  /** The settings AWS requests go with, in the session's Region (a profile may name its own). */
  const awsSettings = () => {
    const values = settings.effective();
    const region = accounts.session.region();
    return region ? { ...values, region } : values;
  };
  settings.onChange(() => {
    announceSettings();
    // The signed-out screen shows whether sign-in is set up; refresh it.
    const status = accounts.status();
    if (status.state === 'signed-out') events.emit('auth:status', status);
  });

  const conversations = new ConversationStore({
    file: path.join(platform.userDataDir, 'strata.db'),
    legacyDirectory: path.join(platform.userDataDir, 'conversations'),
    log: platform.log,
    notice: (notice) => settings.addNotice(notice),
  });
  conversations.onChange((change) => events.emit('conversations:changed', change));
  const preferences = new Preferences(platform.openStore, platform.userDataDir, warn);
  preferences.onChange((value) => events.emit('preferences:changed', value));
  const models = new ModelService({
    settings: awsSettings,
    auth: () => accounts.session.bedrockAuth(),
    clients,
    preferences,
    allows: (modelId, baseModelId) => settings.rules.allowsModel(modelId, baseModelId),
  });
  /** Refuses a conversation's model, agent or knowledge base the organization doesn't allow, naming it as the person knows it. */
  const checkTarget = (target: Parameters<PolicyRules['ensureTarget']>[0]) =>
    settings.rules.ensureTarget(target, (modelId) => ({ baseModelId: models.find(modelId)?.baseModelId, name: models.nameOf(modelId) }));
  /** The guardrail the organization requires on model and knowledge-base requests (agents use their own). */
  const guardrail = () => settings.rules.requiredGuardrail;
  const agents = new AgentService({ clients, settings: awsSettings, auth: () => accounts.session.bedrockAuth(), guardrail });
  const chat = new ChatService({
    store: conversations,
    models,
    settings: awsSettings,
    auth: () => accounts.session.bedrockAuth(),
    renewCredentials: () => accounts.session.renewCredentials(),
    clients,
    agents,
    checkTarget,
    guardrail,
    answeredAs: () => {
      const status = accounts.status();
      if (status.state !== 'ready') return undefined;
      const { source } = status;
      const from =
        source.kind === 'profile'
          ? { source: 'profile' as const, profile: source.profile }
          : source.kind === 'api-key'
            ? { source: 'api-key' as const, ...(source.key?.kind === 'long-term' ? { key: source.key.ending } : {}) }
            : { source: source.kind };
      return { ...from, arn: status.identity.arn, region: status.region };
    },
    emit: (event) => events.emit('chat:event', event),
    log: warn,
    retry: { baseDelayMs: platform.timing?.chatRetryBaseMs },
    checkpointMs: platform.timing?.chatCheckpointMs,
  });
  const updates = new UpdateService({
    updater: platform.updater,
    policy: () => settings.rules.updates,
    answersRunning: () => chat.running().length > 0,
    onStatus: (status) => events.emit('updates:status', status),
    log: platform.log,
    firstCheckMs: platform.timing?.updateFirstCheckMs,
    everyMs: platform.timing?.updateEveryMs,
  });
  events.attach((channel, payload) => {
    // An answer's last event comes just before it leaves the running list: the restart waiting for it looks once it has.
    const type = channel === 'chat:event' ? (payload as ChatEvent).type : undefined;
    if (type === 'done' || type === 'failed') setTimeout(() => updates.answerEnded(), 0);
  });
  // Another person (or none) is signed in: answers under way stop, the catalog is theirs to fetch anew.
  // Another source was chosen: the catalog is fetched anew, and answers under way finish on the credentials they began with.
  let seen: { source: string; person: string | null | undefined } | undefined;
  events.attach((channel, payload) => {
    if (channel !== 'auth:status') return;
    const status = payload as SessionStatus;
    if (status.state === 'ready') settings.removeNotice(SIGNED_OUT_BY_SETTINGS);
    const source = credentialSourceText(status.source);
    // Signing in or expired says nothing new about who it is.
    const person =
      status.state === 'ready' ? status.user.subject : status.state === 'signed-out' || status.state === 'error' ? null : undefined;
    if (seen?.source !== source) {
      if (seen) models.forget();
      seen = { source, person: status.state === 'ready' ? person : undefined };
      return;
    }
    if (person === undefined || person === seen.person) return;
    if (seen.person !== undefined) {
      models.forget();
      // An agent's action waiting for the person who left is denied: nothing runs without their click.
      void chat.stopAll().then(() => chat.denyPendingActions('signed-out'));
    }
    seen.person = person;
  });

  /** The renderer's search under way, if any. */
  let searching: AbortController | undefined;
  /** Files exported in this run: the only ones "Show in folder" may reveal. */
  const exported = new Set<string>();
  const checkConnection = () =>
    diagnose(settings.effective(), clients.network, { version: platform.appVersion ?? 'development', platform: process.platform });
  const handlers: Handlers = {
    'auth:get-status': () => accounts.status(),
    'auth:sign-in': async () => {
      accounts.ensureAllowed();
      await accounts.session.signIn();
      return accounts.status();
    },
    'auth:sign-in-with-code': async () => {
      accounts.ensureAllowed();
      await accounts.session.signInWithCode();
      return accounts.status();
    },
    'auth:cancel-sign-in': async () => {
      await accounts.session.cancelSignIn();
      return accounts.status();
    },
    'auth:sign-out': async () => {
      await accounts.session.signOut();
      return accounts.status();
    },
    'auth:submit-mfa-code': ({ code }) => {
      accounts.submitMfaCode(code);
      return null;
    },
    'auth:test-connection': () =>
      testConnection({
        identity: () => accounts.session.whoAmI(),
        listModels: () => models.list(true),
        ask: (modelId) => chat.ask(modelId),
        preferredModel: () => models.defaultModelId() || undefined,
      }),
    'auth:network-back': () => {
      accounts.session.wake();
      return null;
    },
    'accounts:get': () => accounts.view(),
    'accounts:choose': ({ source }) => accounts.choose(source),
    'accounts:save-api-key': ({ key }) => accounts.saveApiKey(key),
    'accounts:forget-api-key': () => accounts.forgetApiKey(),
    'auth:reopen-sign-in-page': async () => {
      await accounts.session.reopenSignInPage();
      return null;
    },
    'settings:get': () => view(),
    'settings:update': async (patch) => {
      const before = sessionScope(settings.effective());
      settings.update(patch);
      // Tokens go only where the person signed in: new addresses for the provider, pool or endpoints end the session first.
      if (sessionScope(settings.effective()) !== before && (await accounts.endForNewSettings())) {
        settings.addNotice({
          id: SIGNED_OUT_BY_SETTINGS,
          level: 'info',
          message: 'You were signed out because the sign-in or AWS settings changed. Sign in again to use the new settings.',
        });
      }
      return view();
    },
    'preferences:get': () => preferences.get(),
    'preferences:update': (patch) => preferences.update(patch),
    'settings:set-proxy-sign-in': (credentials) => {
      proxySignIn.save(credentials);
      return announceSettings();
    },
    'settings:clear-proxy-sign-in': () => {
      proxySignIn.clear();
      return announceSettings();
    },
    'settings:dismiss-notice': ({ id }) => {
      settings.dismissNotice(id);
      return view();
    },
    'app:show-in-folder': ({ path: file }) => {
      // Only what Strata itself saved: the renderer cannot point the file manager anywhere else.
      if (!exported.has(file)) throw new StrataError('invalid-input', 'Strata can only show files it saved.');
      platform.showInFolder(file);
      return null;
    },
    'app:open-external': async ({ url }) => {
      const target = allowedExternalUrl(url, settings.trustedIssuer());
      if (!target) {
        throw new StrataError('link-not-allowed', "Strata doesn't open that link.", {
          action: 'Copy the address into your browser if you trust it.',
        });
      }
      await platform.openExternal(target);
      return null;
    },
    'app:check-connection': () => checkConnection(),
    'app:save-diagnostics': async () => {
      const saved = await saveDiagnostics({
        checkConnection,
        settings: view,
        versions,
        logFiles: () => platform.logFiles?.() ?? [],
        save: (name, bytes, filter) => platform.saveBinaryFile(name, bytes, filter),
        log: platform.log,
      });
      if (saved) exported.add(saved.path);
      return saved;
    },
    'models:list': ({ refresh }) => models.list(refresh),
    'models:choose': ({ modelId }) => {
      models.choose(modelId);
      return null;
    },
    'agents:list': async () => settings.rules.filterDirectory(await agents.directory()),
    'conversations:list': ({ query, cursor }) => {
      // Latest wins, here too: the person typed another letter, so the search under way stops.
      searching?.abort();
      if (!query?.trim()) return conversations.list({ cursor });
      const mine = (searching = new AbortController());
      return conversations.search(query, { cursor, signal: mine.signal });
    },
    'conversations:get': ({ id }) => chat.withLiveText(conversations.get(id)),
    'conversations:rename': ({ id, title }) => conversations.rename(id, title),
    'conversations:update-settings': ({ id, settings: patch }) => {
      // What the change points the conversation at; a question to a target no longer allowed is refused when it is sent.
      checkTarget({ modelId: patch.modelId, agent: patch.agent, knowledgeBase: patch.knowledgeBase });
      if (patch.modelId) models.choose(patch.modelId);
      // Another agent, a new session, a knowledge base or the model instead: an action the agent was waiting on will not be answered.
      if (patch.agent !== undefined || patch.knowledgeBase !== undefined) chat.denyPendingActions('moved-on', id);
      return conversations.updateSettings(id, patch);
    },
    'conversations:delete': async ({ id }) => {
      await chat.stopConversation(id);
      conversations.delete(id);
      return null;
    },
    'conversations:export': async ({ id }) => {
      settings.rules.ensureExport();
      const conversation = conversations.get(id);
      const markdown = conversationToMarkdown(conversation, { modelName: (modelId) => models.nameOf(modelId) });
      const saved = await platform.saveFile(exportFileName(conversation), markdown);
      if (saved === null) return null;
      exported.add(saved);
      return { path: saved };
    },
    'chat:send': ({ conversationId, text, settings: chosen }) => {
      if (chosen?.modelId) models.choose(chosen.modelId);
      return chat.send(conversationId, text, chosen);
    },
    'chat:running': () => chat.running(),
    'updates:get-status': () => updates.status(),
    'updates:check': () => updates.check(),
    'updates:restart': () => updates.restart(),
    'chat:regenerate': ({ conversationId }) => chat.regenerate(conversationId),
    'chat:answer-action': ({ conversationId, messageId, answer }) => chat.answerAction(conversationId, messageId, answer),
    'chat:stop': async ({ requestId }) => {
      await chat.stop(requestId);
      return null;
    },
  };
  const policyProblem = settings.policyProblem();
  if (policyProblem) refuseWhilePolicyInvalid(handlers, policyProblem);

  return {
    handlers,
    events,
    clients,
    session,
    accounts,
    settings,
    vault,
    conversations,
    models,
    chat,
    preferences,
    updates,
    start: async () => {
      // A broken policy: nothing resumes or signs in until IT fixes it, and the window says why.
      if (policyProblem) {
        platform.log(`IT policy has problems; Strata won't sign in or chat:\n${policyProblem.details}`);
        return;
      }
      // The search thread starts now, so the person's first search doesn't wait for it.
      conversations.prepareSearch();
      // Strata closed (or stopped) while an agent waited for the person: those actions did not run.
      chat.denyPendingActions('closed');
      updates.start();
      await accounts.start();
    },
    wake: () => accounts.session.wake(),
    dispose: () => {
      updates.dispose();
      chat.dispose();
      accounts.dispose();
      session.dispose();
      conversations.close();
      void clients.dispose();
    },
  };
}

/**
 * What the window may still ask while the policy is broken: enough to show why and to save the
 * diagnostics IT asks for, nothing that signs in, reaches AWS or opens conversations.
 */
const USABLE_WITH_BROKEN_POLICY: ReadonlySet<RequestChannel> = new Set([
  'auth:get-status',
  'settings:get',
  'preferences:get',
  'app:open-external',
  'app:save-diagnostics',
  'app:show-in-folder',
]);

/** Replaces every other handler with one that refuses, saying what is wrong with the policy. */
function refuseWhilePolicyInvalid(handlers: Handlers, problem: NonNullable<PolicyView['problem']>): void {
  const refuse = () => {
    throw new StrataError('policy-invalid', problem.message, { details: problem.details });
  };
  for (const channel of Object.keys(handlers) as RequestChannel[]) {
    if (!USABLE_WITH_BROKEN_POLICY.has(channel)) (handlers as Record<RequestChannel, () => never>)[channel] = refuse;
  }
}
