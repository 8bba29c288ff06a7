/**
 * The size limits main enforces on what the renderer sends, and the other
 * plain values both sides share. In a module of their own, so the renderer
 * can use them without loading the contract's schemas.
 */

/** Bedrock's own patterns for the ids of agents, their aliases and knowledge bases, with what to say when one doesn't fit. */
export const AGENT_ID_PATTERN = /^[0-9a-zA-Z]{10}$/;
export const ALIAS_ID_PATTERN = /^([0-9a-zA-Z]{10}|TSTALIASID)$/;
export const KNOWLEDGE_BASE_ID_PATTERN = /^[0-9a-zA-Z]{10}$/;
/** An agent's or a knowledge base's session, as Bedrock names it. */
export const AGENT_SESSION_ID_PATTERN = /^[0-9a-zA-Z._:-]{2,100}$/;
export const AGENT_ID_PROBLEM = 'Enter the ten-letter ID AWS shows for the agent, such as LIBRARIAN1.';
export const ALIAS_ID_PROBLEM = "Enter the ten-letter ID of the agent's alias, such as LIBLIVE001.";
export const KNOWLEDGE_BASE_ID_PROBLEM = 'Enter the ten-letter ID AWS shows for the knowledge base, such as KBHANDBOOK.';

/** How long before an IAM Identity Center session ends that the window warns, and Sign in starts a new one. */
export const SSO_SESSION_WARNING_MS = 15 * 60_000;

export const LIMITS = {
  systemPrompt: 20_000,
  title: 200,
  message: 100_000,
  search: 500,
  maxTokens: 200_000,
} as const;

/** The longest text each company setting may hold; the Settings boxes use the same numbers. */
export const SETTING_LIMITS = {
  companyName: 80,
  issuer: 2048,
  clientId: 256,
  scopes: 1024,
  redirectPort: 5,
  identityPoolId: 128,
  region: 32,
  loginsKey: 512,
  cognitoIdentityEndpoint: 2048,
  stsEndpoint: 2048,
  bedrockEndpoint: 2048,
  bedrockRuntimeEndpoint: 2048,
  bedrockAgentEndpoint: 2048,
  bedrockAgentRuntimeEndpoint: 2048,
  ssoEndpoint: 2048,
  ssoOidcEndpoint: 2048,
  proxy: 2048,
  noProxy: 4096,
  caBundle: 4096,
  credentialSource: 140,
} as const;
