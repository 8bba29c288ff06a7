/**
 * How each company setting is presented: its label, a line of help, and what
 * to call it when it is missing. The renderer may import only types from the
 * contract, so the list of keys lives here, checked against `SettingKey`.
 */
import type { SettingKey, SettingSource, SettingsView } from '../../../preload/contract';
import { SETTING_LIMITS } from '../../../preload/limits';

/** The longest text each box takes: the limits main enforces, so a box cannot hold what main would refuse. */
export const SETTING_MAX_LENGTH: Readonly<Record<SettingKey, number>> = SETTING_LIMITS;

export interface SettingField {
  label: string;
  help: string;
  /** How "Strata isn't set up yet" names it when it is missing. */
  missingAs: string;
  /** Shown as an example inside an empty box. */
  placeholder?: string;
  /** Keyboard hint for the on-screen keyboard and autofill. */
  inputMode?: 'text' | 'url' | 'numeric';
  /** Values to pick from in a list under the box; any other valid value can still be typed. */
  suggestions?: ReadonlyArray<{ value: string; label: string }>;
}

/** The AWS Regions Amazon Bedrock runs in, to pick from (a Region added later can still be typed). */
export const BEDROCK_REGIONS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'us-east-1', label: 'US East (N. Virginia)' },
  { value: 'us-east-2', label: 'US East (Ohio)' },
  { value: 'us-west-2', label: 'US West (Oregon)' },
  { value: 'ca-central-1', label: 'Canada (Central)' },
  { value: 'sa-east-1', label: 'South America (São Paulo)' },
  { value: 'eu-central-1', label: 'Europe (Frankfurt)' },
  { value: 'eu-central-2', label: 'Europe (Zurich)' },
  { value: 'eu-west-1', label: 'Europe (Ireland)' },
  { value: 'eu-west-2', label: 'Europe (London)' },
  { value: 'eu-west-3', label: 'Europe (Paris)' },
  { value: 'eu-north-1', label: 'Europe (Stockholm)' },
  { value: 'eu-south-1', label: 'Europe (Milan)' },
  { value: 'eu-south-2', label: 'Europe (Spain)' },
  { value: 'ap-northeast-1', label: 'Asia Pacific (Tokyo)' },
  { value: 'ap-northeast-2', label: 'Asia Pacific (Seoul)' },
  { value: 'ap-northeast-3', label: 'Asia Pacific (Osaka)' },
  { value: 'ap-south-1', label: 'Asia Pacific (Mumbai)' },
  { value: 'ap-south-2', label: 'Asia Pacific (Hyderabad)' },
  { value: 'ap-southeast-1', label: 'Asia Pacific (Singapore)' },
  { value: 'ap-southeast-2', label: 'Asia Pacific (Sydney)' },
  { value: 'us-gov-west-1', label: 'AWS GovCloud (US-West)' },
];

export const SETTING_FIELDS: Record<SettingKey, SettingField> = {
  companyName: {
    label: 'Company name',
    help: 'Shown on the sign-in button, as in "Sign in with Acme".',
    missingAs: "Your company's name",
    placeholder: 'Acme',
  },
  issuer: {
    label: 'Identity provider (issuer) URL',
    help: 'The web address of the service where you sign in with your company account.',
    missingAs: "The web address of your company's sign-in service (identity provider URL)",
    placeholder: 'https://login.example.com',
    inputMode: 'url',
  },
  clientId: {
    label: 'Client ID',
    help: 'The ID your IT team registered for Strata with the identity provider.',
    missingAs: 'The client ID registered for Strata',
  },
  scopes: {
    label: 'Scopes',
    help: 'What Strata asks the identity provider for: words separated by spaces, including openid.',
    missingAs: 'The sign-in scopes',
    placeholder: 'openid email profile',
  },
  redirectPort: {
    label: 'Redirect port (0 = any free port)',
    help: 'The port on this computer your browser returns to after you sign in.',
    missingAs: 'The redirect port',
    placeholder: '0',
    inputMode: 'numeric',
  },
  identityPoolId: {
    label: 'Identity pool ID',
    help: 'The Amazon Cognito identity pool that gives you temporary AWS credentials.',
    missingAs: 'The Amazon Cognito identity pool that gives you AWS credentials (identity pool ID)',
    placeholder: 'us-east-1:00000000-0000-0000-0000-000000000000',
  },
  region: {
    label: 'AWS Region',
    help: 'Where Strata talks to Amazon Bedrock, and where the identity pool is. Pick one from the list or type its code. An AWS profile with a Region of its own uses that.',
    missingAs: 'The AWS Region',
    placeholder: 'us-east-1',
    suggestions: BEDROCK_REGIONS,
  },
  loginsKey: {
    label: 'Logins key (leave empty to derive from the issuer)',
    help: 'Only needed when the identity pool knows your provider under a different name.',
    missingAs: 'The logins key',
  },
  cognitoIdentityEndpoint: {
    label: 'Cognito Identity endpoint (optional)',
    help: 'Only if your company reaches Amazon Cognito through a private endpoint.',
    missingAs: 'The Cognito Identity endpoint',
    placeholder: 'https://cognito-identity.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  stsEndpoint: {
    label: 'STS endpoint (optional)',
    help: 'Only if your company reaches AWS STS through a private endpoint.',
    missingAs: 'The STS endpoint',
    placeholder: 'https://sts.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  bedrockEndpoint: {
    label: 'Bedrock endpoint (optional)',
    help: 'Only if your company reaches Amazon Bedrock (the model list) through a private endpoint.',
    missingAs: 'The Bedrock endpoint',
    placeholder: 'https://bedrock.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  bedrockRuntimeEndpoint: {
    label: 'Bedrock Runtime endpoint (optional)',
    help: 'Only if your company reaches Amazon Bedrock (the chat itself) through a private endpoint.',
    missingAs: 'The Bedrock Runtime endpoint',
    placeholder: 'https://bedrock-runtime.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  bedrockAgentEndpoint: {
    label: 'Bedrock Agent endpoint (optional)',
    help: 'Only if your company reaches Amazon Bedrock Agents (the list of agents to pick from) through a private endpoint.',
    missingAs: 'The Bedrock Agent endpoint',
    placeholder: 'https://bedrock-agent.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  bedrockAgentRuntimeEndpoint: {
    label: 'Bedrock Agent Runtime endpoint (optional)',
    help: 'Only if your company reaches Amazon Bedrock Agents (the agents you talk to) through a private endpoint.',
    missingAs: 'The Bedrock Agent Runtime endpoint',
    placeholder: 'https://bedrock-agent-runtime.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  ssoEndpoint: {
    label: 'IAM Identity Center portal endpoint (optional)',
    help: 'Only if your company reaches the IAM Identity Center portal (role credentials for AWS profiles) through a private endpoint.',
    missingAs: 'The IAM Identity Center portal endpoint',
    placeholder: 'https://portal.sso.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  ssoOidcEndpoint: {
    label: 'IAM Identity Center sign-in endpoint (optional)',
    help: 'Only if your company reaches IAM Identity Center sign-in (OIDC) through a private endpoint.',
    missingAs: 'The IAM Identity Center sign-in endpoint',
    placeholder: 'https://oidc.us-east-1.amazonaws.com',
    inputMode: 'url',
  },
  proxy: {
    label: 'Proxy',
    help: "How Strata reaches your company's sign-in service and AWS. Most people keep this computer's settings.",
    missingAs: 'The proxy',
    placeholder: 'http://proxy.example.com:8080',
    inputMode: 'url',
  },
  noProxy: {
    label: 'Hosts reached without the proxy (optional)',
    help: 'Names separated by commas; .example.com covers every host under it. This computer is always reached directly.',
    missingAs: 'The hosts reached without the proxy',
    placeholder: '.internal.example.com, vpce.amazonaws.com',
  },
  caBundle: {
    label: 'Company certificates (optional)',
    help: "The full path of a PEM file from IT, if your company's network inspects secure connections. Trusted besides this computer's own.",
    missingAs: 'The company certificate file',
    placeholder: '/etc/ssl/company-ca.pem',
  },
  credentialSource: {
    label: 'Sign in with',
    help: 'Your company account, or an AWS profile set up on this computer. Chosen under Account.',
    missingAs: 'How to sign in',
  },
};

export interface SettingGroup {
  title: string;
  keys: readonly SettingKey[];
}

/** Settings shown under Account instead of in the company form. */
export const ACCOUNT_KEYS: readonly SettingKey[] = ['credentialSource'];

/** The form's sections, in order; with ACCOUNT_KEYS they hold every setting exactly once. */
export const SETTING_GROUPS: readonly SettingGroup[] = [
  { title: 'General', keys: ['companyName'] },
  { title: 'Sign-in', keys: ['issuer', 'clientId', 'scopes', 'redirectPort'] },
  { title: 'AWS', keys: ['identityPoolId', 'region', 'loginsKey'] },
  {
    title: 'Private endpoints',
    keys: [
      'cognitoIdentityEndpoint',
      'stsEndpoint',
      'bedrockEndpoint',
      'bedrockRuntimeEndpoint',
      'bedrockAgentEndpoint',
      'bedrockAgentRuntimeEndpoint',
      'ssoEndpoint',
      'ssoOidcEndpoint',
    ],
  },
  { title: 'Network', keys: ['proxy', 'noProxy', 'caBundle'] },
];

/** Where a value came from, in words; null for the person's own settings. */
export function describeSource(source: SettingSource): string | null {
  switch (source) {
    case 'policy':
      return 'Set by IT policy';
    case 'env':
      return 'From environment variable';
    case 'default':
      return 'Default';
    case 'user':
      return null;
  }
}

/** Names the missing settings for "Strata isn't set up yet". */
export function describeMissing(missing: readonly SettingKey[]): string[] {
  return missing.map((key) => SETTING_FIELDS[key].missingAs);
}

/** The one line Settings shows about where the sign-in is kept. */
export function describeTokenStorage(tokenStorage: SettingsView['tokenStorage']): string {
  if (tokenStorage.persistent) return 'Your sign-in is stored encrypted on this computer.';
  const reason = tokenStorage.reason?.trim().replace(/[.\s]+$/, '');
  const kept = reason ? `Your sign-in is kept in memory only: ${reason}.` : 'Your sign-in is kept in memory only.';
  return `${kept} You'll sign in again each time Strata starts.`;
}
