import * as client from 'openid-client';
import { isLoopbackHost, isSecureWebAddress, type UserProfile } from '../../preload/contract';
import { StrataError } from '../errors';

/** The tokens Strata holds for a signed-in person (main only; never sent to the renderer). */
export interface TokenSet {
  idToken: string;
  /** When the id_token was issued and when it expires (epoch ms). */
  idTokenIssuedAt: number;
  idTokenExpiresAt: number;
  refreshToken?: string;
  user: UserProfile;
}

/** The secrets of one authorization request: PKCE verifier, state and nonce. */
export interface AuthorizationChecks {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** True for http issuers on this machine, the only ones Strata accepts without TLS (local development providers). */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** Discovers the provider's endpoints from its issuer URL; Strata is a public client (PKCE, no secret). */
export async function discoverProvider(
  issuer: string,
  clientId: string,
  fetch?: client.CustomFetch,
): Promise<client.Configuration> {
  if (!isSecureWebAddress(issuer)) {
    throw new StrataError('not-configured', "The sign-in provider's address must start with https://.", {
      action: 'Ask IT to check the identity provider URL in Settings.',
      details: issuer,
    });
  }
  const url = new URL(issuer);
  return client.discovery(url, clientId, { token_endpoint_auth_method: 'none' }, client.None(), {
    execute: isLoopbackHttp(url) ? [client.allowInsecureRequests] : [],
    timeout: 15,
    // The configuration keeps it: token, refresh and revocation requests travel the same way.
    ...(fetch ? { [client.customFetch]: fetch } : {}),
  });
}

/** Fresh random PKCE verifier, state and nonce for one sign-in attempt. */
export function newAuthorizationChecks(): AuthorizationChecks {
  return { codeVerifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
}

/** Builds the authorization URL: code flow with PKCE (S256), state and nonce. */
export async function buildAuthorizationUrl(
  config: client.Configuration,
  redirectUri: string,
  scope: string,
  checks: AuthorizationChecks,
): Promise<URL> {
  return client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
    code_challenge_method: 'S256',
    state: checks.state,
    nonce: checks.nonce,
  });
}

/** Exchanges the code from the loopback callback for tokens, checking state, nonce and PKCE. */
export async function exchangeCode(
  config: client.Configuration,
  callbackUrl: URL,
  checks: AuthorizationChecks,
): Promise<TokenSet> {
  const response = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.codeVerifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  return toTokenSet(response);
}

/** Gets a fresh id_token with the refresh token; keeps the old refresh token if the provider does not rotate it. */
export async function refreshTokens(config: client.Configuration, refreshToken: string): Promise<TokenSet> {
  const response = await client.refreshTokenGrant(config, refreshToken);
  const tokens = toTokenSet(response);
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}

/** Tells the provider to forget the refresh token, where it supports revocation. */
export async function revokeRefreshToken(config: client.Configuration, refreshToken: string): Promise<void> {
  if (!config.serverMetadata().revocation_endpoint) return;
  await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
}

function toTokenSet(response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): TokenSet {
  const claims = response.claims();
  if (!response.id_token || !claims) {
    throw new StrataError('idp-rejected', "Your company's sign-in service didn't say who you are.", {
      action: 'Tell IT: the provider must return an id_token (the openid scope).',
    });
  }
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  return {
    idToken: response.id_token,
    idTokenIssuedAt: (claims.iat ?? Math.floor(Date.now() / 1000)) * 1000,
    idTokenExpiresAt: claims.exp * 1000,
    refreshToken: response.refresh_token,
    user: {
      subject: claims.sub,
      name: text(claims.name) ?? text(claims.preferred_username),
      email: text(claims.email),
    },
  };
}
