/**
 * Configuration layering, kept pure so it can be tested without Electron:
 * built-in defaults → IT policy → user settings → environment variables.
 */
import {
  companySettingsSchema,
  SETTING_KEYS,
  type CompanySettings,
  type Notice,
  type SettingKey,
  type SettingSource,
} from '../../preload/contract';

/** What Strata uses when nobody has configured anything. */
export const DEFAULT_SETTINGS: CompanySettings = {
  companyName: 'your company',
  issuer: '',
  clientId: '',
  scopes: 'openid profile email offline_access',
  redirectPort: 33333,
  identityPoolId: '',
  region: 'us-east-1',
  loginsKey: '',
  cognitoIdentityEndpoint: '',
  stsEndpoint: '',
  bedrockEndpoint: '',
  bedrockRuntimeEndpoint: '',
  bedrockAgentEndpoint: '',
  bedrockAgentRuntimeEndpoint: '',
  ssoEndpoint: '',
  ssoOidcEndpoint: '',
  proxy: 'system',
  noProxy: '',
  caBundle: '',
  credentialSource: 'company',
};

/** The environment variable that overrides each setting. */
export const ENV_VARS: Record<SettingKey, string> = {
  companyName: 'STRATA_COMPANY_NAME',
  issuer: 'STRATA_ISSUER',
  clientId: 'STRATA_CLIENT_ID',
  scopes: 'STRATA_SCOPES',
  redirectPort: 'STRATA_REDIRECT_PORT',
  identityPoolId: 'STRATA_IDENTITY_POOL_ID',
  region: 'STRATA_REGION',
  loginsKey: 'STRATA_LOGINS_KEY',
  cognitoIdentityEndpoint: 'STRATA_COGNITO_IDENTITY_ENDPOINT',
  stsEndpoint: 'STRATA_STS_ENDPOINT',
  bedrockEndpoint: 'STRATA_BEDROCK_ENDPOINT',
  bedrockRuntimeEndpoint: 'STRATA_BEDROCK_RUNTIME_ENDPOINT',
  bedrockAgentEndpoint: 'STRATA_BEDROCK_AGENT_ENDPOINT',
  bedrockAgentRuntimeEndpoint: 'STRATA_BEDROCK_AGENT_RUNTIME_ENDPOINT',
  ssoEndpoint: 'STRATA_SSO_ENDPOINT',
  ssoOidcEndpoint: 'STRATA_SSO_OIDC_ENDPOINT',
  proxy: 'STRATA_PROXY',
  noProxy: 'STRATA_NO_PROXY',
  caBundle: 'STRATA_CA_BUNDLE',
  credentialSource: 'STRATA_CREDENTIAL_SOURCE',
};

/** How each setting is named in messages a person reads. */
export const SETTING_LABELS: Record<SettingKey, string> = {
  companyName: 'Company name',
  issuer: 'Sign-in address (issuer)',
  clientId: 'Client ID',
  scopes: 'Scopes',
  redirectPort: 'Sign-in redirect port',
  identityPoolId: 'Identity pool ID',
  region: 'AWS Region',
  loginsKey: 'Logins key',
  cognitoIdentityEndpoint: 'Cognito Identity endpoint',
  stsEndpoint: 'STS endpoint',
  bedrockEndpoint: 'Bedrock endpoint',
  bedrockRuntimeEndpoint: 'Bedrock Runtime endpoint',
  bedrockAgentEndpoint: 'Bedrock Agent endpoint',
  bedrockAgentRuntimeEndpoint: 'Bedrock Agent Runtime endpoint',
  ssoEndpoint: 'IAM Identity Center portal endpoint',
  ssoOidcEndpoint: 'IAM Identity Center sign-in (OIDC) endpoint',
  proxy: 'Proxy',
  noProxy: 'Hosts reached without the proxy',
  caBundle: 'Company certificates (PEM file)',
  credentialSource: 'Sign in with',
};

export const DEFAULT_LOCK_REASON = 'Managed by your organization';

/** Setting values as a layer supplies them: not yet checked, since files and people make mistakes. */
export type RawSettings = Partial<Record<SettingKey, unknown>>;

/** The IT policy as layering needs it. */
export interface PolicyLayer {
  settings: RawSettings;
  locked: readonly SettingKey[];
  lockReason?: string;
}

export interface ResolvedSettings {
  values: CompanySettings;
  sources: Record<SettingKey, SettingSource>;
  locked: Partial<Record<SettingKey, string>>;
  notices: Notice[];
}

type Layer = Exclude<SettingSource, 'default'>;

/** Layers defaults, IT policy, user settings and environment variables into the settings Strata uses. */
export function resolveSettings(input: {
  policy: PolicyLayer;
  user: RawSettings;
  env: Record<string, string | undefined>;
}): ResolvedSettings {
  const values: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const sources = Object.fromEntries(SETTING_KEYS.map((key) => [key, 'default'])) as Record<SettingKey, SettingSource>;
  const locked: Partial<Record<SettingKey, string>> = {};
  const notices: Notice[] = [];
  const lockReason = input.policy.lockReason?.trim() || DEFAULT_LOCK_REASON;

  for (const key of SETTING_KEYS) {
    const isLocked = input.policy.locked.includes(key);
    const envValue = fromEnv(key, input.env);
    const layers: [Layer, unknown][] = [['policy', input.policy.settings[key]]];
    if (isLocked) {
      locked[key] = lockReason;
      // A lock IT can be talked out of by an environment variable is no lock; say so, since whoever set it expects an effect.
      if (envValue !== undefined) notices.push(lockedEnvNotice(key));
    } else {
      layers.push(['user', input.user[key]], ['env', envValue]);
    }
    for (const [source, raw] of layers) {
      if (raw === undefined) continue;
      const parsed = companySettingsSchema.shape[key].safeParse(raw);
      if (parsed.success) {
        values[key] = parsed.data;
        sources[key] = source;
      } else {
        notices.push(invalidNotice(source, key));
      }
    }
  }
  return { values: values as CompanySettings, sources, locked, notices };
}

/**
 * Settings that do not change where tokens and credentials go: a name to show, what to ask for at
 * sign-in, the local port, how the connection travels (a proxy sees only TLS it cannot open
 * unless the person trusts its certificate, which is what the certificate setting is for), and
 * which source is used (switching sources is a session change of its own, not a sign-out).
 */
const LOCAL_KEYS: ReadonlySet<SettingKey> = new Set([
  'companyName',
  'scopes',
  'redirectPort',
  'proxy',
  'noProxy',
  'caBundle',
  'credentialSource',
]);

/**
 * The settings a sign-in is bound to: where its tokens and credentials go. Changing any of them
 * ends the session, and a saved sign-in is resumed only while they are all as they were. A new
 * setting is one of them unless it is declared local.
 */
export const SESSION_KEYS: readonly SettingKey[] = SETTING_KEYS.filter((key) => !LOCAL_KEYS.has(key));

/** The values of SESSION_KEYS as one string, kept beside a saved sign-in. */
export function sessionScope(values: CompanySettings): string {
  return JSON.stringify(SESSION_KEYS.map((key) => values[key]));
}

/** The settings company sign-in cannot work without that are still empty. */
export function missingForSignIn(values: CompanySettings): SettingKey[] {
  const required = ['issuer', 'clientId', 'identityPoolId'] as const;
  return required.filter((key) => values[key].trim() === '');
}

function fromEnv(key: SettingKey, env: Record<string, string | undefined>): unknown {
  const raw = env[ENV_VARS[key]];
  // `FOO=` in a shell or launcher usually means "not set", not "set to nothing".
  if (raw === undefined || raw.trim() === '') return undefined;
  if (key === 'redirectPort') return /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  return raw;
}

function invalidNotice(source: Layer, key: SettingKey): Notice {
  const label = SETTING_LABELS[key];
  const message = {
    policy: `Your company's Strata policy has an invalid value for “${label}”, so it was ignored. Tell IT.`,
    user: `Your saved value for “${label}” is invalid, so it was ignored.`,
    env: `The environment variable ${ENV_VARS[key]} has an invalid value and was ignored.`,
  }[source];
  return { id: `invalid:${source}:${key}`, level: 'warning', message };
}

function lockedEnvNotice(key: SettingKey): Notice {
  return {
    id: `locked:env:${key}`,
    level: 'info',
    message: `The environment variable ${ENV_VARS[key]} was ignored because your IT department manages “${SETTING_LABELS[key]}”.`,
  };
}
