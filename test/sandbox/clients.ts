/**
 * Test helpers that drive a sandbox with the unmodified clients the app uses:
 * openid-client for sign-in, the AWS SDK for Cognito Identity and STS.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import * as oidc from 'openid-client';
import { type CookieJar, loginOverHttp } from './http-login.js';
import type { Sandbox } from './index.js';

/** The scopes Strata asks for. */
export const STRATA_SCOPE = 'openid profile email offline_access';

/** Temporary AWS credentials as the SDK hands them out. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  identityId?: string;
}

/** openid-client discovery against the sandbox issuer (plain HTTP on loopback allowed). */
export function discover(sandbox: Sandbox, clientId = sandbox.clientId): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(sandbox.issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
}

/** An authorization URL with PKCE (S256) and state, redirecting to the app's default loopback port. */
export async function authorizationRequest(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:33333/callback',
    scope: STRATA_SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  return { url, verifier, state };
}

/** The whole company sign-in as the app does it: discovery, PKCE, the IdP's page, code exchange. */
export async function signIn(
  sandbox: Sandbox,
  username = 'ada',
  options: { clientId?: string; extra?: Record<string, string>; cookies?: CookieJar } = {},
) {
  const user = sandbox.users.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`no sandbox user ${username}`);
  const config = await discover(sandbox, options.clientId);
  const request = await authorizationRequest(config, options.extra);
  const callback = await loginOverHttp(request.url, user.username, user.password, { cookies: options.cookies });
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
  if (!tokens.id_token) throw new Error('no id_token');
  return { config, tokens, idToken: tokens.id_token, user, callback };
}

/** Cognito Identity Pool credentials for an id_token, through the SDK's fromCognitoIdentityPool. */
export function identityPoolCredentials(sandbox: Sandbox, idToken: string, loginsKey = sandbox.loginsKey): Promise<AwsCredentials> {
  return fromCognitoIdentityPool({
    identityPoolId: sandbox.identityPoolId,
    logins: { [loginsKey]: idToken },
    clientConfig: { region: sandbox.region, endpoint: sandbox.endpoints.cognitoIdentity, maxAttempts: 1 },
  })();
}

/** STS GetCallerIdentity with fixed credentials (no refreshing provider, so expiry shows). */
export function callerIdentity(sandbox: Sandbox, credentials: AwsCredentials) {
  const sts = new STSClient({ region: sandbox.region, endpoint: sandbox.endpoints.sts, credentials, maxAttempts: 1 });
  return sts.send(new GetCallerIdentityCommand({}));
}
