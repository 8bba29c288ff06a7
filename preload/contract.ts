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
} as const;

export type RequestChannel = keyof typeof requests;
export type RequestInput<C extends RequestChannel> = z.infer<(typeof requests)[C]['input']>;
export type RequestOutput<C extends RequestChannel> = Exclude<(typeof requests)[C]['output'], undefined>;

/** Main → renderer events. */
export interface EventPayloads {
  'auth:status': SessionStatus;
  'settings:changed': SettingsView;
}
export type EventChannel = keyof EventPayloads;
export const EVENT_CHANNELS: readonly EventChannel[] = ['auth:status', 'settings:changed'];

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
}
