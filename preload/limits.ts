/**
 * The size limits main enforces on what the renderer sends. Plain values in
 * a module of their own, so the renderer can give its inputs the same limits
 * without loading the contract's schemas.
 */
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
  proxy: 2048,
  noProxy: 4096,
  caBundle: 4096,
  credentialSource: 140,
} as const;
