/**
 * The one IPC contract between main and the renderer.
 *
 * `contract` maps every feature's requests and events, once: each request
 * declares its channel, its input schema (validated in main with zod) and its
 * result type; each event its channel and payload type. main's handler table,
 * the preload's `window.strata` and the event list are derived from it; the
 * renderer imports types only.
 */
import { z } from 'zod';
import {
  AGENT_ID_PATTERN,
  AGENT_ID_PROBLEM,
  AGENT_SESSION_ID_PATTERN,
  ALIAS_ID_PATTERN,
  ALIAS_ID_PROBLEM,
  KNOWLEDGE_BASE_ID_PATTERN,
  KNOWLEDGE_BASE_ID_PROBLEM,
  LIMITS,
  SETTING_LIMITS,
} from './limits';

export { LIMITS, SETTING_LIMITS };

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
  'sign-in-callback-invalid',
  'redirect-port-in-use',
  'idp-unreachable',
  'idp-rejected',
  'session-expired',
  'cognito-rejected',
  'cognito-not-found',
  'aws-unreachable',
  // A network setting (proxy, company certificates) cannot be used as it is.
  'network-config',
  // The server's certificate is not one this computer trusts (TLS inspection without the company CA, or a wrong endpoint).
  'connection-not-trusted',
  'proxy-failed',
  'aws-rejected',
  'link-not-allowed',
  'model-access-denied',
  'model-needs-profile',
  'model-not-available',
  'model-rejected-input',
  // The guardrail the organization's policy requires can't be applied: it isn't in the Region, or the person may not use it.
  'guardrail-unavailable',
  // A Bedrock Agent or knowledge base: its alias is not there or not deployed, the person may not use it, one of its actions failed, or its session ended on AWS's side.
  'agent-not-available',
  'agent-access-denied',
  'agent-action-failed',
  'agent-session-expired',
  'throttled',
  'stream-interrupted',
  'chat-busy',
  'conversation-not-found',
  'storage-failed',
  // A newer request of the same kind replaced this one (the renderer has moved on and drops it).
  'superseded',
  // The organization's policy doesn't allow it (a model, an agent, a sign-in source, exporting).
  'not-allowed',
  // The organization's policy has a mistake: Strata won't sign in or chat until IT fixes it.
  'policy-invalid',
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
  /** Input that failed its checks: field → a sentence saying what to enter, shown beside that field. */
  fields?: Record<string, string>;
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

/** What kind of AWS profile it is, as the AWS CLI would set it up. */
export type ProfileKind = 'static' | 'assume-role' | 'process' | 'sso' | 'web-identity' | 'unknown';

/** Where this computer's own AWS credentials come from: environment variables, a container's role, an EC2 instance's role. */
export type EnvironmentCredentialsKind = 'variables' | 'container' | 'instance';

/** The sign-in sources IT policy can allow: an AWS profile that signs in with IAM Identity Center is 'identity-center'. */
export const POLICY_CREDENTIAL_SOURCES = ['company', 'profile', 'identity-center', 'environment', 'api-key'] as const;
export type PolicyCredentialSource = (typeof POLICY_CREDENTIAL_SOURCES)[number];

/** Where Strata's AWS access comes from: the company sign-in, an AWS profile, this computer's own credentials, or a Bedrock API key. */
export type CredentialSource = { kind: 'company' } | { kind: 'profile'; profile: string } | { kind: 'environment' } | { kind: 'api-key' };

/**
 * A Bedrock API key as Strata may show it (never the key): short-term keys are presigned for one
 * Region and end within 12 hours; long-term keys belong to an IAM user and end when IT set them to.
 */
export type ApiKeyInfo =
  /** ending: the end of its signature, to tell keys apart (every short-term key ends alike). */
  | { kind: 'short-term'; ending: string; region: string; expiresAt: number }
  | { kind: 'long-term'; ending: string; user?: string; account?: string };

/** The source a session status is about, with what the person needs to recognise it. */
export type SessionSource =
  | { kind: 'company' }
  /** ssoSource: the IAM Identity Center profile whose credentials an assume-role profile takes its role with. */
  | { kind: 'profile'; profile: string; profileKind: ProfileKind; ssoSource?: string }
  | { kind: 'environment'; from: EnvironmentCredentialsKind | null }
  /** key: the saved key, while there is one. */
  | { kind: 'api-key'; key: ApiKeyInfo | null };

/** A session as one source reports it; the app adds which source it is. */
export type SourceStatus =
  | { state: 'signed-out'; configured: boolean; missing: SettingKey[] }
  /**
   * interactive: the browser was opened for the person; otherwise a saved sign-in is being resumed.
   * authorizationUrl: the sign-in page the browser was sent to (interactive only, once known), for
   * "copy link" when the browser did not open.
   */
  | {
      state: 'signing-in';
      startedAt: number;
      interactive: boolean;
      authorizationUrl?: string;
      /** An MFA code is needed to go on: the device it comes from (an assume-role profile's mfa_serial). */
      mfa?: { serial: string };
      /** IAM Identity Center's device code sign-in: the code to confirm on its page, and the page. */
      device?: { userCode: string; verificationUri: string };
    }
  | {
      state: 'ready';
      user: UserProfile;
      identity: AwsIdentity;
      /** The AWS Region the session's requests go to. */
      region: string;
      /** When the current AWS credentials expire (epoch ms), renewed before then; null for keys that do not expire. */
      expiresAt: number | null;
      /** When the current credentials were issued to Strata (epoch ms). */
      renewedAt: number;
      /** Why the last background renewal failed, while Strata keeps retrying; absent once one succeeds. */
      renewalError?: AppError;
      /** An IAM Identity Center profile: when its session ends (epoch ms), and whether Strata renews it on its own. */
      sso?: { expiresAt: number; renewable: boolean };
    }
  /** The session could not be renewed: sign-in needed. */
  | { state: 'expired'; user: UserProfile; error: AppError }
  /** The last sign-in attempt failed; signing in again is possible. */
  | { state: 'error'; error: AppError };

/** The session as the renderer may see it: status only, never a token or key. */
export type SessionStatus = SourceStatus & { source: SessionSource };

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
  'bedrockAgentEndpoint',
  'bedrockAgentRuntimeEndpoint',
  'ssoEndpoint',
  'ssoOidcEndpoint',
  'proxy',
  'noProxy',
  'caBundle',
  'credentialSource',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** "Keep the … to N characters or fewer.": the length rule, said the same way for every setting. */
const atMost = (what: string, max: number) => `Keep ${what} to ${max.toLocaleString('en-US')} characters or fewer.`;

/** 127.0.0.0/8, ::1 and localhost: the only hosts Strata talks to without TLS (a provider or emulator on this computer). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || host === '::1' || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host);
}

/** True for an https address, or an http one on this computer: sign-in tokens and AWS credentials never travel in clear text. */
export function isSecureWebAddress(value: string): boolean {
  const url = webAddress(value);
  return url !== undefined && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)));
}

/** `value` as an http(s) URL without a user name or password in it; undefined when it is not one. */
function webAddress(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  return web && !url.username && !url.password ? url : undefined;
}

const WEB_ADDRESS = 'Enter the full web address, starting with https://.';
const PROXY = "Enter system, none, or the proxy's address, such as http://proxy.example.com:8080.";
const NO_PROXY = 'Enter host names separated by commas, such as .example.com, intranet.example.com:8443.';
const CA_BUNDLE = 'Enter the full path of a PEM file, such as /etc/ssl/company-ca.pem.';
const CREDENTIAL_SOURCE =
  "Enter company, environment (this computer's own credentials), api-key (a Bedrock API key), or profile: and the name of an AWS profile, such as profile:dev.";

/** An AWS profile's name as the config files may hold it: no spaces, no brackets. */
export const PROFILE_NAME = /^[\w.@+\-/]{1,128}$/;

/** The credentialSource setting's text for a source: "company", "environment", "api-key" or "profile:<name>". */
export function credentialSourceText(source: CredentialSource): string {
  return source.kind === 'profile' ? `profile:${source.profile}` : source.kind;
}

/** The source a credentialSource setting names. */
export function parseCredentialSource(text: string): CredentialSource {
  if (text.startsWith('profile:')) return { kind: 'profile', profile: text.slice('profile:'.length) };
  if (text === 'environment' || text === 'api-key') return { kind: text };
  return { kind: 'company' };
}

/** A proxy's address: http or https, a host and port, and nothing else (no path, no sign-in in the address). */
export function isProxyAddress(value: string): boolean {
  const url = webAddress(value);
  return url !== undefined && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
}
const httpUrl = (max: number) =>
  z.string({ error: WEB_ADDRESS }).trim().max(max, atMost('the web address', max)).refine(isSecureWebAddress, WEB_ADDRESS);

/** '' (not set) or a value of `schema`; `message` when the value is neither. */
const optional = <T extends z.ZodType>(schema: T, message: string) => z.union([z.literal(''), schema], { error: message });

// Every message here may be shown beside its box in Settings: a sentence saying what to enter, for anyone.
const REGION = 'Enter an AWS Region, such as us-east-1.';
const IDENTITY_POOL = 'Enter the identity pool ID, such as us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d.';
const SCOPES = 'Enter the scopes as words separated by spaces, such as openid email profile.';
const PORT = 'Enter a whole number from 0 to 65535 (0 picks any free port).';
const settingText = (what: string, max: number) => z.string({ error: `Enter ${what} as text.` }).trim().max(max, atMost(what, max));

/** The schema of every company setting; '' means "not set" for optional text. */
export const companySettingsSchema = z.object({
  companyName: settingText('the company name', SETTING_LIMITS.companyName).min(1, 'Enter the company name.'),
  issuer: optional(httpUrl(SETTING_LIMITS.issuer), WEB_ADDRESS),
  clientId: settingText('the client ID', SETTING_LIMITS.clientId),
  scopes: settingText('the scopes', SETTING_LIMITS.scopes)
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, SCOPES)
    .refine((s) => s.split(' ').includes('openid'), 'Include openid in the scopes, for example: openid email profile.'),
  redirectPort: z.number({ error: PORT }).int(PORT).min(0, PORT).max(65535, PORT),
  identityPoolId: optional(
    z
      .string()
      .trim()
      .max(SETTING_LIMITS.identityPoolId, atMost('the identity pool ID', SETTING_LIMITS.identityPoolId))
      .regex(/^[\w-]+:[0-9a-f-]+$/, IDENTITY_POOL),
    IDENTITY_POOL,
  ),
  region: z
    .string({ error: REGION })
    .trim()
    .max(SETTING_LIMITS.region, REGION)
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, REGION),
  loginsKey: settingText('the logins key', SETTING_LIMITS.loginsKey),
  cognitoIdentityEndpoint: optional(httpUrl(SETTING_LIMITS.cognitoIdentityEndpoint), WEB_ADDRESS),
  stsEndpoint: optional(httpUrl(SETTING_LIMITS.stsEndpoint), WEB_ADDRESS),
  bedrockEndpoint: optional(httpUrl(SETTING_LIMITS.bedrockEndpoint), WEB_ADDRESS),
  bedrockRuntimeEndpoint: optional(httpUrl(SETTING_LIMITS.bedrockRuntimeEndpoint), WEB_ADDRESS),
  bedrockAgentEndpoint: optional(httpUrl(SETTING_LIMITS.bedrockAgentEndpoint), WEB_ADDRESS),
  bedrockAgentRuntimeEndpoint: optional(httpUrl(SETTING_LIMITS.bedrockAgentRuntimeEndpoint), WEB_ADDRESS),
  /** IAM Identity Center's portal (role credentials) and its OIDC service (sign-in), for AWS profiles that use it. */
  ssoEndpoint: optional(httpUrl(SETTING_LIMITS.ssoEndpoint), WEB_ADDRESS),
  ssoOidcEndpoint: optional(httpUrl(SETTING_LIMITS.ssoOidcEndpoint), WEB_ADDRESS),
  /** 'system' (the computer's proxy settings), 'none' (connect directly), or a proxy's address. */
  proxy: z
    .string({ error: PROXY })
    .trim()
    .max(SETTING_LIMITS.proxy, atMost('the proxy', SETTING_LIMITS.proxy))
    .refine((value) => value === 'system' || value === 'none' || isProxyAddress(value), PROXY),
  /** Hosts reached directly, not through the proxy: comma-separated names, .suffixes, host:port, or *. */
  noProxy: settingText('the list of hosts', SETTING_LIMITS.noProxy).regex(/^[\w.*:[\], -]*$/, NO_PROXY),
  /** A PEM file of certificates to trust besides the system's: a company's TLS-inspecting proxy or private CA. */
  caBundle: optional(
    settingText('the path', SETTING_LIMITS.caBundle).refine(
      (value) => value.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(value) || value.startsWith('\\\\'),
      CA_BUNDLE,
    ),
    CA_BUNDLE,
  ),
  /** Which credentials Strata uses: "company" (the company sign-in), "environment" (this computer's own), "api-key" (a Bedrock API key) or "profile:<name>" (an AWS profile). */
  credentialSource: z
    .string({ error: CREDENTIAL_SOURCE })
    .trim()
    .max(SETTING_LIMITS.credentialSource, CREDENTIAL_SOURCE)
    .refine(
      (value) =>
        value === 'company' || value === 'environment' || value === 'api-key' || (value.startsWith('profile:') && PROFILE_NAME.test(value.slice(8))),
      CREDENTIAL_SOURCE,
    ),
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

/** One step of "Test connection": who AWS says you are, the models you may use, one short question. */
export interface ConnectionTestStep {
  id: 'identity' | 'models' | 'request';
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  /** What happened, in one sentence. */
  message: string;
  /** Why it failed, with what to do. */
  error?: AppError;
  ms?: number;
}

export interface ConnectionTest {
  steps: ConnectionTestStep[];
}

/** One address Strata talks to, as "Check connection" found it. */
export interface ConnectionCheck {
  /** What it is for, e.g. "Bedrock Runtime (chat)". */
  name: string;
  /** Its origin, e.g. https://bedrock-runtime.us-east-1.amazonaws.com */
  url: string;
  ok: boolean;
  /** How it is reached, in words: "Direct", "Through the proxy proxy.example.com:8080 (from Settings)". */
  route: string;
  /** The addresses its name resolves to, or who looked it up (the proxy). */
  addresses?: string;
  /** Whether every address is private (a VPC interface endpoint); absent when not looked up here. */
  private?: boolean;
  /** How long the connection took to open, ms. */
  connectMs?: number;
  /** Who issued the certificate that answered (CN, O). */
  certificateIssuer?: string;
  /** The outcome in one sentence. */
  summary: string;
}

export interface ConnectionReport {
  checkedAt: number;
  checks: ConnectionCheck[];
  /** The same as plain text, for "Copy report" (no secrets). */
  text: string;
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
  /** The user name and password for the proxy set in Settings (the password never leaves main); null when none is saved. */
  proxySignIn: { username: string; persistent: boolean; reason?: string } | null;
  /** What the organization's policy decides beyond the settings (absent: nothing beyond them). */
  policy?: PolicyView;
}

/** The organization's policy as the window needs it. */
export interface PolicyView {
  /** Whether conversations may be exported. */
  allowExport: boolean;
  /** The policy has a mistake: Strata shows this instead of anything else, and main won't sign in or chat. */
  problem?: { message: string; details: string };
}

/** An AWS profile as Settings → Account lists it: what it is, never its keys. */
export interface AwsProfileView {
  name: string;
  kind: ProfileKind;
  region?: string;
  /** assume-role: the role it takes, and where its own credentials come from. */
  roleArn?: string;
  sourceProfile?: string;
  /** assume-role: an MFA code is asked for. */
  mfa: boolean;
  /** IAM Identity Center: the portal, account and role, and the session the AWS CLI and Strata share. */
  sso?: {
    startUrl: string;
    accountId?: string;
    roleName?: string;
    /** From the cache the AWS CLI shares: `renewable` when Strata can renew it without the person. */
    session: { state: 'signed-out' } | { state: 'signed-in' | 'expired'; expiresAt: number; renewable: boolean };
  };
  /** The profile AWS_PROFILE names for command-line tools. */
  fromEnvironment: boolean;
  /** Why it cannot be used as written, in words. */
  problem?: string;
}

/** Settings → Account: the sources Strata can use and the one it uses. */
export interface AccountsView {
  active: CredentialSource;
  /** Set when IT chose the source for everyone: the reason to show. */
  locked?: string;
  company: { configured: boolean };
  profiles: AwsProfileView[];
  /** This computer's own credentials, when it offers any. */
  environment?: { from: EnvironmentCredentialsKind };
  /**
   * The Bedrock API key Strata keeps (encrypted where the system allows), if any; `reason` says why
   * it will not survive a restart when it will not.
   */
  apiKey: (ApiKeyInfo & { reason?: string }) | null;
  /** The sign-in sources the organization allows; the others are not offered (absent: all of them). */
  allowedSources?: PolicyCredentialSource[];
  /** Where the profiles were read from. */
  files: { config: string; credentials: string };
  /** Why the files could not be read, in words. */
  problem?: string;
}

export const credentialSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('company') }).strict(),
  z.object({ kind: z.literal('environment') }).strict(),
  z.object({ kind: z.literal('api-key') }).strict(),
  z.object({ kind: z.literal('profile'), profile: z.string().regex(PROFILE_NAME, 'Choose one of the profiles listed.') }).strict(),
]);

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
  /** The model new conversations start with, if the catalog has it: the default chosen in Settings, else the one chosen last. */
  lastChoice?: string;
  /** Models Bedrock refused this identity in this session (access denied): shown as not available. */
  unavailable?: string[];
  fetchedAt: number;
}

/** Per-conversation model settings. */
export interface ConversationSettings {
  modelId: string;
  /**
   * A Bedrock Agent the conversation talks to instead of the model, with the agent's session id,
   * which follow-up questions keep (a new one starts a new session on the agent's side).
   */
  agent?: AgentConversation;
  /**
   * A knowledge base the conversation asks instead: Bedrock retrieves its passages and the
   * conversation's model (`modelId`) writes the answer from them, citing them. Never with `agent`.
   */
  knowledgeBase?: KnowledgeBaseConversation;
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
  /** Whose AWS credentials the answer was asked with: the source, the identity AWS named, the Region. */
  answeredAs?: AnsweredAs;
  stopReason?: string;
  usage?: TokenUsage;
  /** Time to the whole answer, ms, as Bedrock measured it (metadata.metrics.latencyMs). */
  latencyMs?: number;
  /** An agent's answer: its trace, its sources, and an action it handed back, with what the person decided. */
  agent?: AgentAnswer;
  /** What the organization's guardrail did to the question or the answer, when it stepped in. */
  guardrail?: GuardrailNotice;
}

/** What the organization's guardrail did, in words the person reads under the answer. */
export interface GuardrailNotice {
  /** blocked: it stopped the question or the answer (the text is the guardrail's own message); masked: it hid some information and the answer stands. */
  action: 'blocked' | 'masked';
  /** "Your organization's guardrail blocked your question: it touches a denied topic (Investment advice)." */
  message: string;
}

/**
 * The Bedrock Agents (each with its aliases that can answer) and the knowledge bases the person can
 * pick from. When only one of the two lists could be had, `missing` says which and why.
 */
export interface AgentDirectory {
  agents: Array<{ agentId: string; name: string; description?: string; aliases: Array<{ aliasId: string; name: string }> }>;
  knowledgeBases: Array<{ knowledgeBaseId: string; name: string; description?: string }>;
  missing?: { list: 'agents' | 'knowledge-bases'; error: AppError };
}

/** The knowledge base a conversation asks, and its session there once Bedrock has given one. */
export interface KnowledgeBaseConversation {
  knowledgeBaseId: string;
  /** How the person knows it ("Employee handbook"). */
  name: string;
  /** Bedrock's session for the conversation, given with the first answer; follow-up questions keep it. */
  sessionId?: string;
}

/** The agent a conversation talks to, and its session there. */
export interface AgentConversation {
  agentId: string;
  aliasId: string;
  /** How the person knows it ("Handbook librarian"). */
  name: string;
  sessionId: string;
}

/** What an agent's answer carries besides its text. */
export interface AgentAnswer {
  name: string;
  steps: AgentTraceStep[];
  sources: AgentSource[];
  citations: AgentCitation[];
  action?: AgentActionRequest;
  /**
   * What became of the action: the person confirmed or denied it, or Strata answered it (`text`).
   * An action nobody answered counts as denied, and `because` says why: the person stopped the
   * answer or asked something else, signed out, or Strata closed before they chose.
   */
  decision?:
    | { kind: 'confirmed' }
    | { kind: 'denied'; because?: 'stopped' | 'moved-on' | 'signed-out' | 'closed' }
    | { kind: 'answered'; text: string };
}

/** One step of a Bedrock Agent's trace as the timeline shows it, folded from the trace events that belong to it. */
export interface AgentTraceStep {
  /** The trace id of the step (with a suffix for an invocation within it), so later events of the step fold into it. */
  id: string;
  kind: 'pre-processing' | 'thinking' | 'knowledge-base' | 'action' | 'answer' | 'post-processing' | 'guardrail' | 'failure' | 'other';
  /** The step in words: "Searched the knowledge base KBHANDBOOK for “leave”". */
  title: string;
  /** What came back, in words, once it did: "2 passages", an action's output. */
  result?: string;
  /** The model's tokens for the step, when the trace gives them. */
  usage?: { inputTokens: number; outputTokens: number };
  /** How long the step took, ms, when the trace gives it. */
  ms?: number;
  /** The trace events of the step as they came, for the raw view. */
  raw: unknown[];
}

/** Where a cited passage comes from, and the passage. */
export interface AgentSource {
  /** The number it is cited by, in order of first citation. */
  number: number;
  /** An S3 URI, a web URL, or the kind of place it came from when neither. */
  location: string;
  kind: 's3' | 'web' | 'other';
  passage: string;
}

/** A sentence of the answer and the sources that support it. */
export interface AgentCitation {
  /** Where the sentence is in the answer's text: start and end (exclusive) offsets. */
  start: number;
  end: number;
  sources: number[];
}

/**
 * An action a Bedrock Agent hands back before going on: one the person must confirm first
 * ('confirm'), or one Strata answers itself ('result').
 */
export interface AgentActionRequest {
  invocationId: string;
  kind: 'confirm' | 'result';
  actionGroup: string;
  /** The function it calls, or the API path with its HTTP method. */
  operation: string;
  parameters: Array<{ name: string; value: string }>;
}

/** The sign-in an answer was asked with, kept with it: which source, as whom, where. */
export interface AnsweredAs {
  /** 'company': the company sign-in; 'profile': the AWS profile named; 'environment': this computer's own credentials; 'api-key': a Bedrock API key. */
  source: 'company' | 'profile' | 'environment' | 'api-key';
  profile?: string;
  /** The caller ARN AWS named for the session; '' for a Bedrock API key. */
  arn: string;
  /** A long-term Bedrock API key's last four characters, to tell keys apart. */
  key?: string;
  region: string;
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
  /** In search results: the best-matching passage (title or message). */
  match?: MarkedText;
}

/** Text with the ranges that matched a search, as [start, end) offsets; shown as text, never as HTML. */
export interface MarkedText {
  text: string;
  marks: Array<[number, number]>;
}

/** One page of the list (newest first) or of search results (best first); nextCursor asks for the next page. */
export interface ConversationPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

/** What changed in the list: summaries of the conversations that changed (or are new), and the ids of those deleted. */
export interface ConversationsChange {
  changed: ConversationSummary[];
  removed: string[];
}

export interface Conversation extends ConversationSummary {
  settings: ConversationSettings;
  messages: ChatMessage[];
}

/** The events of one answer as it streams, in order: started, then text/reasoning deltas, then done or failed. */
export type ChatEvent =
  | { type: 'started'; requestId: string; conversationId: string; message: ChatMessage }
  /** `offset`: how much of the text (or reasoning) came before this delta. */
  | { type: 'text'; requestId: string; conversationId: string; messageId: string; delta: string; offset: number }
  | { type: 'reasoning'; requestId: string; conversationId: string; messageId: string; delta: string; offset: number }
  /** The answer as saved: complete, or interrupted by Stop (no error). */
  | { type: 'done'; requestId: string; conversationId: string; message: ChatMessage }
  /** An agent's trace, sources and handed-back action as they stand now (the latest replaces the one before). */
  | { type: 'agent'; requestId: string; conversationId: string; messageId: string; agent: AgentAnswer }
  /** The answer as saved (interrupted, partial text kept) and why. */
  | { type: 'failed'; requestId: string; conversationId: string; message: ChatMessage; error: AppError };

const id = z.string().min(1).max(128).regex(/^[\w.:-]+$/, 'Not a valid id');
const modelId = z.string().trim().min(1).max(2048);


export const agentConversationSchema = z
  .object({
    agentId: z.string().regex(AGENT_ID_PATTERN, AGENT_ID_PROBLEM),
    aliasId: z.string().regex(ALIAS_ID_PATTERN, ALIAS_ID_PROBLEM),
    name: z.string().trim().min(1).max(100),
    sessionId: z.string().regex(AGENT_SESSION_ID_PATTERN),
  })
  .strict();

export const knowledgeBaseConversationSchema = z
  .object({
    knowledgeBaseId: z.string().regex(KNOWLEDGE_BASE_ID_PATTERN, KNOWLEDGE_BASE_ID_PROBLEM),
    name: z.string().trim().min(1).max(100),
    sessionId: z.string().regex(AGENT_SESSION_ID_PATTERN).optional(),
  })
  .strict();

export const conversationSettingsSchema = z
  .object({
    modelId,
    agent: agentConversationSchema.optional(),
    knowledgeBase: knowledgeBaseConversationSchema.optional(),
    systemPrompt: z.string().max(LIMITS.systemPrompt),
    temperature: z.number().min(0).max(1).optional(),
    maxTokens: z.number().int().min(1).max(LIMITS.maxTokens).optional(),
  })
  .strict();

/** A change to a conversation's settings: absent keys stay as they are; null puts a setting back to the model's default. */
export const conversationSettingsPatchSchema = z
  .object({
    modelId: modelId.optional(),
    /** null: talk to the model again. Setting an agent ends talking to a knowledge base. */
    agent: agentConversationSchema.nullable().optional(),
    /** null: talk to the model alone again. Setting a knowledge base ends talking to an agent. */
    knowledgeBase: knowledgeBaseConversationSchema.nullable().optional(),
    systemPrompt: z.string().max(LIMITS.systemPrompt).optional(),
    temperature: z.number().min(0).max(1).nullable().optional(),
    maxTokens: z.number().int().min(1).max(LIMITS.maxTokens).nullable().optional(),
  })
  .strict()
  .refine((patch) => !(patch.agent && patch.knowledgeBase), 'A conversation talks to an agent or to a knowledge base, not both at once.');
export type ConversationSettingsPatch = z.infer<typeof conversationSettingsPatchSchema>;

export const chatSchemas = {
  listModels: z.object({ refresh: z.boolean().optional() }).strict(),
  chooseModel: z.object({ modelId }).strict(),
  listConversations: z.object({ query: z.string().max(LIMITS.search).optional(), cursor: z.string().max(200).optional() }).strict(),
  conversationId: z.object({ id }).strict(),
  renameConversation: z.object({ id, title: z.string().trim().min(1).max(LIMITS.title) }).strict(),
  updateConversationSettings: z.object({ id, settings: conversationSettingsPatchSchema }).strict(),
  /** conversationId null: the first message of a new conversation, saved with `settings` only now. */
  send: z
    .object({
      conversationId: id.nullable(),
      text: z.string().trim().min(1).max(LIMITS.message),
      settings: conversationSettingsPatchSchema.optional(),
    })
    .strict(),
  regenerate: z.object({ conversationId: id }).strict(),
  /** The person's answer to an action an agent handed back in `messageId`: confirm or deny it, or answer it with text. */
  answerAction: z
    .object({
      conversationId: id,
      messageId: id,
      answer: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('confirm'), confirmed: z.boolean() }).strict(),
        z.object({ kind: z.literal('result'), text: z.string().trim().min(1, 'Enter what to tell the agent.').max(LIMITS.message) }).strict(),
      ]),
    })
    .strict(),
  stop: z.object({ requestId: id }).strict(),
};

/** What chat:send and chat:regenerate answer at once; the reply then streams as chat:event. */
export interface ChatStarted {
  requestId: string;
  conversation: Conversation;
}

/** An answer streaming right now, with all its text so far: what a window that (re)connects catches up from. */
export interface RunningAnswer {
  requestId: string;
  conversationId: string;
  message: ChatMessage;
}

// ---------------------------------------------------------------------------
// Personal preferences: how Strata looks and behaves for this person

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const TEXT_SIZES = ['small', 'normal', 'large', 'larger'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

/** The person's own preferences, kept on this computer. */
export const preferencesSchema = z
  .object({
    theme: z.enum(THEMES),
    textSize: z.enum(TEXT_SIZES),
    /** The model new conversations start with; '' = the model the person used last. */
    defaultModelId: z.union([z.literal(''), modelId]),
    /** The instructions (system prompt) new conversations start with. */
    defaultInstructions: z
      .string()
      .max(LIMITS.systemPrompt, `Keep the instructions to ${LIMITS.systemPrompt.toLocaleString('en-US')} characters or fewer.`),
    /** Enter sends (Shift+Enter: new line); off: Enter is a new line and Ctrl/Cmd+Enter sends. */
    enterToSend: z.boolean(),
  })
  .strict();
export type PersonalPreferences = z.infer<typeof preferencesSchema>;

/** Input of preferences:update: any subset of the preferences, nothing else. */
export const preferencesPatchSchema = preferencesSchema.partial().strict();
export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;

/**
 * Where Strata's own update stands. off: this copy doesn't update itself (the organization turned updates off,
 * or there is no feed), with the reason; ready: downloaded and checked, installed by "Restart to update".
 */
export type UpdateState = 'off' | 'idle' | 'checking' | 'available' | 'downloading' | 'ready' | 'error';
export interface UpdateStatus {
  state: UpdateState;
  /** The version found, downloading or ready. */
  version?: string;
  /** Why updates are off, or what went wrong, in plain words. */
  reason?: string;
  /** The person pressed "Restart to update" while an answer was streaming: Strata restarts once no answer runs. */
  restartWhenIdle?: boolean;
}

const noInput = z.undefined();

/** Input of settings:update: any subset of the settings, nothing else. */
export const settingsPatchSchema = companySettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

const PROXY_USER = 'Enter the user name for the proxy.';
const PROXY_PASSWORD = 'Enter the password for the proxy.';
export const proxySignInSchema = z
  .object({
    username: z
      .string({ error: PROXY_USER })
      .trim()
      .min(1, PROXY_USER)
      .max(256, atMost('the user name', 256))
      .refine((value) => !/[\r\n]/.test(value), PROXY_USER),
    password: z.string({ error: PROXY_PASSWORD }).min(1, PROXY_PASSWORD).max(1024, atMost('the password', 1024)),
  })
  .strict();

const API_KEY = 'Paste the whole key: Bedrock API keys begin with ABSK or bedrock-api-key-.';
/** Longer than any key Bedrock issues (a short-term key carries a session token), short enough to refuse anything else. */
export const API_KEY_MAX_LENGTH = 10_000;
export const apiKeySchema = z
  .object({
    key: z
      .string({ error: API_KEY })
      .trim()
      .min(1, API_KEY)
      .max(API_KEY_MAX_LENGTH, atMost('the key', API_KEY_MAX_LENGTH))
      .regex(/^(ABSK|bedrock-api-key-)[A-Za-z0-9+/]+={0,2}$/, API_KEY),
  })
  .strict();

export const openExternalSchema = z.object({ url: z.string().max(2048) }).strict();
export const showInFolderSchema = z.object({ path: z.string().min(1).max(4096) }).strict();

// ---------------------------------------------------------------------------
// The channel map: every request and event, declared once. The preload API,
// main's handler table and the event list are all derived from it.

/** A renderer → main request: its channel, its zod input schema and (type-only) result. */
export interface RequestSpec<C extends string = string, I extends z.ZodType = z.ZodType, O = unknown> {
  kind: 'request';
  channel: C;
  input: I;
  /** Type carrier only; never read at run time. */
  output?: O;
}

/** A main → renderer event: its channel and (type-only) payload. */
export interface EventSpec<C extends string = string, P = unknown> {
  kind: 'event';
  channel: C;
  /** Type carrier only; never read at run time. */
  payload?: P;
}

const request =
  <O>() =>
  <C extends string, I extends z.ZodType>(channel: C, input: I): RequestSpec<C, I, O> => ({ kind: 'request', channel, input });
const event =
  <P>() =>
  <C extends string>(channel: C): EventSpec<C, P> => ({ kind: 'event', channel });

/** Every channel, grouped by feature as `window.strata` exposes them: `strata.<feature>.<name>(input)`. */
export const contract = {
  auth: {
    getStatus: request<SessionStatus>()('auth:get-status', noInput),
    signIn: request<SessionStatus>()('auth:sign-in', noInput),
    /** Signs in with a code confirmed on IAM Identity Center's page instead (its device code flow), for an SSO profile. */
    signInWithCode: request<SessionStatus>()('auth:sign-in-with-code', noInput),
    cancelSignIn: request<SessionStatus>()('auth:cancel-sign-in', noInput),
    signOut: request<SessionStatus>()('auth:sign-out', noInput),
    /** Opens the sign-in page of the sign-in under way in the browser again, for when it did not show up. */
    reopenSignInPage: request<null>()('auth:reopen-sign-in-page', noInput),
    /** Who AWS says the person is, which models they may use, and one short question, each step in words. */
    testConnection: request<ConnectionTest>()('auth:test-connection', noInput),
    /** The code from the MFA device the sign-in under way asked for. */
    submitMfaCode: request<null>()(
      'auth:submit-mfa-code',
      z.object({ code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from your MFA device.') }).strict(),
    ),
    /** The window saw the network come back: main checks the session now and renews what is due. */
    networkBack: request<null>()('auth:network-back', noInput),
    onStatus: event<SessionStatus>()('auth:status'),
  },
  accounts: {
    /** The sources Strata can use (company sign-in, the AWS profiles on this computer) and the one in use. */
    get: request<AccountsView>()('accounts:get', noInput),
    /** Uses another source from now on (remembered); answers under way finish on the old credentials. */
    choose: request<AccountsView>()('accounts:choose', z.object({ source: credentialSourceSchema }).strict()),
    /** Keeps a Bedrock API key (encrypted) in place of any before it, and uses it once Bedrock accepted it. */
    saveApiKey: request<AccountsView>()('accounts:save-api-key', apiKeySchema),
    /** Forgets the Bedrock API key; if it was in use, Strata is signed out. */
    forgetApiKey: request<AccountsView>()('accounts:forget-api-key', noInput),
    /** The profiles changed on disk, or the source in use changed. */
    onChanged: event<AccountsView>()('accounts:changed'),
  },
  settings: {
    get: request<SettingsView>()('settings:get', noInput),
    update: request<SettingsView>()('settings:update', settingsPatchSchema),
    dismissNotice: request<SettingsView>()('settings:dismiss-notice', z.object({ id: z.string().max(128) }).strict()),
    /** Keeps the user name and password for the proxy set in Settings, encrypted; sent only to that proxy. */
    setProxySignIn: request<SettingsView>()('settings:set-proxy-sign-in', proxySignInSchema),
    clearProxySignIn: request<SettingsView>()('settings:clear-proxy-sign-in', noInput),
    onChanged: event<SettingsView>()('settings:changed'),
  },
  preferences: {
    get: request<PersonalPreferences>()('preferences:get', noInput),
    update: request<PersonalPreferences>()('preferences:update', preferencesPatchSchema),
    onChanged: event<PersonalPreferences>()('preferences:changed'),
  },
  app: {
    /** Opens an allow-listed web address in the system browser. */
    openExternal: request<null>()('app:open-external', openExternalSchema),
    /** Shows a file Strata saved (an export) in the system's file manager. */
    showInFolder: request<null>()('app:show-in-folder', showInFolderSchema),
    /** Checks every address Strata talks to (route, address, connection, certificate) with the saved settings. */
    checkConnection: request<ConnectionReport>()('app:check-connection', noInput),
    /** Saves a zip for IT where the person chooses (logs, versions, where settings came from, the connection check); null if they cancelled. */
    saveDiagnostics: request<{ path: string } | null>()('app:save-diagnostics', noInput),
  },
  updates: {
    getStatus: request<UpdateStatus>()('updates:get-status', noInput),
    /** Asks the update feed now (Help → Check for updates); an update found is downloaded and checked. */
    check: request<UpdateStatus>()('updates:check', noInput),
    /** Installs the downloaded update and starts Strata again, once no answer is streaming. */
    restart: request<UpdateStatus>()('updates:restart', noInput),
    onStatus: event<UpdateStatus>()('updates:status'),
  },
  models: {
    list: request<ModelCatalog>()('models:list', chatSchemas.listModels),
    choose: request<null>()('models:choose', chatSchemas.chooseModel),
  },
  agents: {
    /** The agents AWS lists for the person in the session's Region, with their deployed aliases. */
    list: request<AgentDirectory>()('agents:list', noInput),
  },
  conversations: {
    list: request<ConversationPage>()('conversations:list', chatSchemas.listConversations),
    get: request<Conversation>()('conversations:get', chatSchemas.conversationId),
    rename: request<ConversationSummary>()('conversations:rename', chatSchemas.renameConversation),
    updateSettings: request<Conversation>()('conversations:update-settings', chatSchemas.updateConversationSettings),
    delete: request<null>()('conversations:delete', chatSchemas.conversationId),
    /** Saves the conversation as Markdown where the person chooses; null if they cancelled. */
    export: request<{ path: string } | null>()('conversations:export', chatSchemas.conversationId),
    /** The conversation list changed (created, renamed, deleted, a message added). */
    onChanged: event<ConversationsChange>()('conversations:changed'),
  },
  chat: {
    send: request<ChatStarted>()('chat:send', chatSchemas.send),
    regenerate: request<ChatStarted>()('chat:regenerate', chatSchemas.regenerate),
    /** Confirms or denies an action an agent handed back, or answers it; the agent's answer streams as chat:event. */
    answerAction: request<ChatStarted>()('chat:answer-action', chatSchemas.answerAction),
    stop: request<null>()('chat:stop', chatSchemas.stop),
    /** The answers streaming now, with their text so far. */
    running: request<RunningAnswer[]>()('chat:running', noInput),
    onEvent: event<ChatEvent>()('chat:event'),
  },
} as const;

type Contract = typeof contract;
type AnySpec = { [F in keyof Contract]: Contract[F][keyof Contract[F]] }[keyof Contract];
type RequestSpecs = Extract<AnySpec, { kind: 'request' }>;
type EventSpecs = Extract<AnySpec, { kind: 'event' }>;

export type RequestChannel = RequestSpecs['channel'];
type RequestSpecOf<C extends RequestChannel> = Extract<RequestSpecs, { channel: C }>;
export type RequestInput<C extends RequestChannel> = z.infer<RequestSpecOf<C>['input']>;
export type RequestOutput<C extends RequestChannel> = Exclude<RequestSpecOf<C>['output'], undefined>;

export type EventChannel = EventSpecs['channel'];
export type EventPayload<E extends EventChannel> = Exclude<Extract<EventSpecs, { channel: E }>['payload'], undefined>;

const specs = Object.values(contract).flatMap((feature) => Object.values(feature) as AnySpec[]);

/** Every request channel and its spec, for main's dispatcher. */
export const requests = Object.fromEntries(
  specs.filter((spec) => spec.kind === 'request').map((spec) => [spec.channel, spec]),
) as { [C in RequestChannel]: RequestSpecOf<C> };

/** Every event channel. */
export const EVENT_CHANNELS = specs.filter((spec) => spec.kind === 'event').map((spec) => spec.channel) as EventChannel[];

/** How the API reaches main: Electron IPC in the app, the test bridge in end-to-end tests. */
export interface Transport {
  invoke<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<Result<RequestOutput<C>>>;
  subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** One method of the API: a request takes its input (nothing when it has none); an event takes a listener. */
type ApiMethod<S> =
  S extends RequestSpec<string, infer I, infer O>
    ? [z.input<I>] extends [undefined]
      ? () => Promise<Result<O>>
      : (input: z.input<I>) => Promise<Result<O>>
    : S extends EventSpec<string, infer P>
      ? (listener: (payload: P) => void) => () => void
      : never;

/** The API the renderer sees as `window.strata`, derived from the channel map. */
export type StrataApi = { readonly [F in keyof Contract]: { readonly [M in keyof Contract[F]]: ApiMethod<Contract[F][M]> } };
