/**
 * The one IPC contract between main and the renderer.
 *
 * Every request channel declares its input schema (validated in main with zod)
 * and its result type; every main→renderer event declares its payload type.
 * main registers handlers against `requests`; the preload exposes a narrow,
 * per-feature API built from the same names; the renderer imports types only.
 */
import { z } from 'zod';

/** Error codes a handler can return; each comes with a plain-language message. */
export const ERROR_CODES = [
  'not-configured',
  'invalid-input',
  'forbidden-sender',
  'unknown-channel',
  'sign-in-in-progress',
  'sign-in-cancelled',
  'sign-in-timeout',
  'sign-in-denied',
  'sign-in-state-mismatch',
  'sign-in-callback-invalid',
  'redirect-port-in-use',
  'idp-unreachable',
  'idp-rejected',
  'session-expired',
  'cognito-rejected',
  'cognito-not-found',
  'aws-unreachable',
  'aws-rejected',
  'link-not-allowed',
  'model-access-denied',
  'model-needs-profile',
  'model-not-available',
  'model-rejected-input',
  'throttled',
  'stream-interrupted',
  'chat-busy',
  'conversation-not-found',
  'storage-failed',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the renderer shows when something fails: words a person can act on. */
export interface AppError {
  code: ErrorCode;
  /** What happened, in plain language. */
  message: string;
  /** What to do next. */
  action?: string;
  /** Technical details (AWS error code, request id, provider error) for "Details". */
  details?: string;
  /** A fix Strata can apply for the person, e.g. switch to the inference profile a model needs. */
  fix?: { kind: 'use-model'; modelId: string; label: string };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Who signed in, from the id_token claims. */
export interface UserProfile {
  subject: string;
  name?: string;
  email?: string;
}

/** The AWS identity behind the temporary credentials (from STS GetCallerIdentity). */
export interface AwsIdentity {
  arn: string;
  account: string;
  /** The Cognito identity id the credentials were issued for. */
  identityId?: string;
}

/** The company sign-in session as the renderer may see it: status only, never a token. */
export type SessionStatus =
  | { state: 'signed-out'; configured: boolean; missing: SettingKey[] }
  /** interactive: the browser was opened for the person; otherwise a saved sign-in is being resumed. */
  | { state: 'signing-in'; startedAt: number; interactive: boolean }
  | {
      state: 'ready';
      user: UserProfile;
      identity: AwsIdentity;
      /** When the current AWS credentials expire (epoch ms); renewed before then. */
      expiresAt: number;
      /** When the current credentials were issued to Strata (epoch ms). */
      renewedAt: number;
    }
  /** The session could not be renewed: sign-in needed. */
  | { state: 'expired'; user: UserProfile; error: AppError }
  /** The last sign-in attempt failed; signing in again is possible. */
  | { state: 'error'; error: AppError };

export type SessionState = SessionStatus['state'];

/** Company settings, as layered from defaults, IT policy, the user and the environment. */
export const SETTING_KEYS = [
  'companyName',
  'issuer',
  'clientId',
  'scopes',
  'redirectPort',
  'identityPoolId',
  'region',
  'loginsKey',
  'cognitoIdentityEndpoint',
  'stsEndpoint',
  'bedrockEndpoint',
  'bedrockRuntimeEndpoint',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'Enter a full web address starting with https://');

const optional = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]);

/** The schema of every company setting; '' means "not set" for optional text. */
export const companySettingsSchema = z.object({
  companyName: z.string().trim().min(1).max(80),
  issuer: optional(httpUrl),
  clientId: z.string().trim().max(256),
  scopes: z
    .string()
    .trim()
    .max(1024)
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'Scopes are words separated by spaces')
    .refine((s) => s.split(' ').includes('openid'), 'Scopes must include openid'),
  redirectPort: z.number().int().min(0).max(65535),
  identityPoolId: optional(z.string().trim().regex(/^[\w-]+:[0-9a-f-]+$/, 'Looks like us-east-1:0000…')),
  region: z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'Looks like us-east-1'),
  loginsKey: z.string().trim().max(512),
  cognitoIdentityEndpoint: optional(httpUrl),
  stsEndpoint: optional(httpUrl),
  bedrockEndpoint: optional(httpUrl),
  bedrockRuntimeEndpoint: optional(httpUrl),
});
export type CompanySettings = z.infer<typeof companySettingsSchema>;

/** Where the effective value of a setting came from. */
export type SettingSource = 'default' | 'policy' | 'user' | 'env';

/** Something the person should know about (settings reset, tokens not stored). */
export interface Notice {
  id: string;
  level: 'info' | 'warning';
  message: string;
}

/** Everything Settings shows. */
export interface SettingsView {
  values: CompanySettings;
  sources: Record<SettingKey, SettingSource>;
  /** Keys IT has locked, with the reason to show. */
  locked: Partial<Record<SettingKey, string>>;
  notices: Notice[];
  /** Whether the sign-in is kept across restarts (encrypted) or only in memory. */
  tokenStorage: { persistent: boolean; reason?: string };
}

// ---------------------------------------------------------------------------
// Models and chat

/** A model the person can chat with: a foundation model, or an inference profile in front of one. */
export interface CatalogModel {
  /** What Converse is called with: a model id, or an inference profile id. */
  id: string;
  /** Display name, e.g. "Claude 3.5 Sonnet" or "US Claude 3.5 Sonnet". */
  name: string;
  /** Display provider, e.g. "Anthropic". */
  provider: string;
  via: 'model' | 'system-profile' | 'application-profile';
  /** The foundation model behind it. */
  baseModelId: string;
  /** Whether the model streams its answers (ConverseStream); otherwise Converse is used. */
  streaming: boolean;
}

/** The models of the active region, text-chat capable ones only, grouped by provider. */
export interface ModelCatalog {
  region: string;
  groups: Array<{ provider: string; models: CatalogModel[] }>;
  /** The model the person chose last, if it is still in the catalog. */
  lastChoice?: string;
  fetchedAt: number;
}

/** Per-conversation model settings. */
export interface ConversationSettings {
  modelId: string;
  systemPrompt: string;
  /** 0..1; unset = the model's default. */
  temperature?: number;
  /** Unset = the model's default. */
  maxTokens?: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  createdAt: number;
  /** Assistant messages only. */
  reasoning?: string;
  /** complete: finished normally; streaming: still arriving; interrupted: stopped by the person or an error (kept). */
  status: 'complete' | 'streaming' | 'interrupted';
  /** Why it was interrupted, if by an error. */
  error?: AppError;
  modelId?: string;
  stopReason?: string;
  usage?: TokenUsage;
  /** Time to the whole answer, ms, as Bedrock measured it (metadata.metrics.latencyMs). */
  latencyMs?: number;
}

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  modelId: string;
  messageCount: number;
  /** The start of the last message, for the list. */
  preview: string;
}

export interface Conversation extends ConversationSummary {
  settings: ConversationSettings;
  messages: ChatMessage[];
}

/** The events of one answer as it streams, in order: started, then text/reasoning deltas, then done or failed. */
export type ChatEvent =
  | { type: 'started'; requestId: string; conversationId: string; message: ChatMessage }
  | { type: 'text'; requestId: string; conversationId: string; messageId: string; delta: string }
  | { type: 'reasoning'; requestId: string; conversationId: string; messageId: string; delta: string }
  /** The answer as saved: complete, or interrupted by Stop (no error). */
  | { type: 'done'; requestId: string; conversationId: string; message: ChatMessage }
  /** The answer as saved (interrupted, partial text kept) and why. */
  | { type: 'failed'; requestId: string; conversationId: string; message: ChatMessage; error: AppError };

const id = z.string().min(1).max(128).regex(/^[\w.:-]+$/, 'Not a valid id');
const modelId = z.string().trim().min(1).max(2048);

export const conversationSettingsSchema = z
  .object({
    modelId,
    systemPrompt: z.string().max(20_000),
    temperature: z.number().min(0).max(1).optional(),
    maxTokens: z.number().int().min(1).max(200_000).optional(),
  })
  .strict();

export const chatSchemas = {
  listModels: z.object({ refresh: z.boolean().optional() }).strict(),
  chooseModel: z.object({ modelId }).strict(),
  listConversations: z.object({ query: z.string().max(500).optional() }).strict(),
  conversationId: z.object({ id }).strict(),
  createConversation: z.object({ settings: conversationSettingsSchema.partial().optional() }).strict(),
  renameConversation: z.object({ id, title: z.string().trim().min(1).max(200) }).strict(),
  updateConversationSettings: z.object({ id, settings: conversationSettingsSchema.partial() }).strict(),
  send: z.object({ conversationId: id, text: z.string().trim().min(1).max(100_000) }).strict(),
  regenerate: z.object({ conversationId: id }).strict(),
  stop: z.object({ requestId: id }).strict(),
};

/** What chat:send and chat:regenerate answer at once; the reply then streams as chat:event. */
export interface ChatStarted {
  requestId: string;
  conversation: Conversation;
}

const noInput = z.undefined();

/** Input of settings:update: any subset of the settings, nothing else. */
export const settingsPatchSchema = companySettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const openExternalSchema = z.object({ url: z.string().max(2048) }).strict();

/** A request channel: its zod input schema and (type-only) result. */
export interface RequestSpec<I extends z.ZodType, O> {
  input: I;
  /** Type carrier only; never read at run time. */
  output?: O;
}
const request =
  <O>() =>
  <I extends z.ZodType>(input: I): RequestSpec<I, O> => ({ input });

/** Renderer → main requests. */
export const requests = {
  'auth:get-status': request<SessionStatus>()(noInput),
  'auth:sign-in': request<SessionStatus>()(noInput),
  'auth:cancel-sign-in': request<SessionStatus>()(noInput),
  'auth:sign-out': request<SessionStatus>()(noInput),
  'settings:get': request<SettingsView>()(noInput),
  'settings:update': request<SettingsView>()(settingsPatchSchema),
  'settings:dismiss-notice': request<SettingsView>()(z.object({ id: z.string().max(128) }).strict()),
  'app:open-external': request<null>()(openExternalSchema),
  'models:list': request<ModelCatalog>()(chatSchemas.listModels),
  'models:choose': request<null>()(chatSchemas.chooseModel),
  'conversations:list': request<ConversationSummary[]>()(chatSchemas.listConversations),
  'conversations:get': request<Conversation>()(chatSchemas.conversationId),
  'conversations:create': request<Conversation>()(chatSchemas.createConversation),
  'conversations:rename': request<ConversationSummary>()(chatSchemas.renameConversation),
  'conversations:update-settings': request<Conversation>()(chatSchemas.updateConversationSettings),
  'conversations:delete': request<null>()(chatSchemas.conversationId),
  /** Saves the conversation as Markdown where the person chooses; null if they cancelled. */
  'conversations:export': request<{ path: string } | null>()(chatSchemas.conversationId),
  'chat:send': request<ChatStarted>()(chatSchemas.send),
  'chat:regenerate': request<ChatStarted>()(chatSchemas.regenerate),
  'chat:stop': request<null>()(chatSchemas.stop),
} as const;

export type RequestChannel = keyof typeof requests;
export type RequestInput<C extends RequestChannel> = z.infer<(typeof requests)[C]['input']>;
export type RequestOutput<C extends RequestChannel> = Exclude<(typeof requests)[C]['output'], undefined>;

/** Main → renderer events. */
export interface EventPayloads {
  'auth:status': SessionStatus;
  'settings:changed': SettingsView;
  'chat:event': ChatEvent;
  /** The conversation list changed (created, renamed, deleted, a message added). */
  'conversations:changed': ConversationSummary[];
}
export type EventChannel = keyof EventPayloads;
export const EVENT_CHANNELS: readonly EventChannel[] = [
  'auth:status',
  'settings:changed',
  'chat:event',
  'conversations:changed',
];

/** How the API reaches main: Electron IPC in the app, the test bridge in end-to-end tests. */
export interface Transport {
  invoke<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<Result<RequestOutput<C>>>;
  subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** The API the renderer sees as `window.strata`. */
export interface StrataApi {
  auth: {
    getStatus(): Promise<Result<SessionStatus>>;
    signIn(): Promise<Result<SessionStatus>>;
    cancelSignIn(): Promise<Result<SessionStatus>>;
    signOut(): Promise<Result<SessionStatus>>;
    onStatus(listener: (status: SessionStatus) => void): () => void;
  };
  settings: {
    get(): Promise<Result<SettingsView>>;
    update(patch: SettingsPatch): Promise<Result<SettingsView>>;
    dismissNotice(id: string): Promise<Result<SettingsView>>;
    onChanged(listener: (view: SettingsView) => void): () => void;
  };
  app: {
    /** Opens an allow-listed web address in the system browser. */
    openExternal(url: string): Promise<Result<null>>;
  };
  models: {
    list(options?: { refresh?: boolean }): Promise<Result<ModelCatalog>>;
    choose(modelId: string): Promise<Result<null>>;
  };
  conversations: {
    list(query?: string): Promise<Result<ConversationSummary[]>>;
    get(id: string): Promise<Result<Conversation>>;
    create(settings?: Partial<ConversationSettings>): Promise<Result<Conversation>>;
    rename(id: string, title: string): Promise<Result<ConversationSummary>>;
    updateSettings(id: string, settings: Partial<ConversationSettings>): Promise<Result<Conversation>>;
    delete(id: string): Promise<Result<null>>;
    export(id: string): Promise<Result<{ path: string } | null>>;
    onChanged(listener: (list: ConversationSummary[]) => void): () => void;
  };
  chat: {
    send(conversationId: string, text: string): Promise<Result<ChatStarted>>;
    regenerate(conversationId: string): Promise<Result<ChatStarted>>;
    stop(requestId: string): Promise<Result<null>>;
    onEvent(listener: (event: ChatEvent) => void): () => void;
  };
}
