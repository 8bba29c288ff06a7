/**
 * The sandbox against the unmodified clients the app uses: openid-client for
 * the identity provider, the AWS SDK for Cognito Identity and STS.
 */
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATA_SCOPE, authorizationRequest, callerIdentity, discover, identityPoolCredentials, signIn } from '../sandbox/clients.js';
import { CookieJar, HttpLoginError, loginOverHttp } from '../sandbox/http-login.js';
import { OTHER_CLIENT_ID, startSandbox, type Sandbox } from '../sandbox/index.js';

async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the promise to reject');
}

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error as { code?: unknown; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (typeof current.code === 'string') codes.push(current.code);
    if (current.cause === current) break;
  }
  return codes;
}

describe('sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    const started = Date.now();
    sandbox = await startSandbox();
    expect(Date.now() - started).toBeLessThan(1500);
  });
  afterAll(() => sandbox?.close());

  it('describes itself for the app', () => {
    expect(sandbox.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.loginsKey).toBe(sandbox.issuer.replace('http://', ''));
    expect(sandbox.identityPoolId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(sandbox.users.length).toBeGreaterThanOrEqual(2);
    expect(sandbox.env()).toEqual({
      STRATA_ISSUER: sandbox.issuer,
      STRATA_CLIENT_ID: 'strata-desktop',
      STRATA_IDENTITY_POOL_ID: sandbox.identityPoolId,
      STRATA_REGION: 'us-east-1',
      STRATA_COGNITO_IDENTITY_ENDPOINT: sandbox.endpoints.cognitoIdentity,
      STRATA_STS_ENDPOINT: sandbox.endpoints.sts,
      STRATA_BEDROCK_ENDPOINT: sandbox.endpoints.bedrock,
      STRATA_BEDROCK_RUNTIME_ENDPOINT: sandbox.endpoints.bedrockRuntime,
      STRATA_BEDROCK_AGENT_ENDPOINT: sandbox.endpoints.bedrockAgent,
      STRATA_BEDROCK_AGENT_RUNTIME_ENDPOINT: sandbox.endpoints.bedrockAgentRuntime,
      STRATA_SSO_ENDPOINT: sandbox.endpoints.sso,
      STRATA_SSO_OIDC_ENDPOINT: sandbox.endpoints.ssoOidc,
      STRATA_COMPANY_NAME: 'Example Corp',
    });
  });

  describe('identity provider', () => {
    it('signs in with PKCE and returns an id_token with name and email, and a refresh token', async () => {
      const { tokens, user, callback } = await signIn(sandbox);
      expect(callback.origin).toBe('http://127.0.0.1:33333');
      expect(callback.pathname).toBe('/callback');
      expect(tokens.claims()).toMatchObject({ sub: user.sub, name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true, aud: 'strata-desktop', iss: sandbox.issuer });
      expect(tokens.refresh_token).toEqual(expect.any(String));
      expect(tokens.expires_in).toBe(300);
      expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
    });

    it('refreshes with a new id_token and rotates the refresh token; reusing the old one revokes the grant', async () => {
      const { config, tokens } = await signIn(sandbox, 'grace');
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.claims()).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
      expect(refreshed.id_token).not.toBe(tokens.id_token);
      expect(refreshed.refresh_token).toEqual(expect.any(String));
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      const again = await oidc.refreshTokenGrant(config, refreshed.refresh_token!);
      expect(again.claims()?.sub).toBe(tokens.claims()?.sub);

      const reuse = await rejection(oidc.refreshTokenGrant(config, tokens.refresh_token!));
      expect(reuse).toMatchObject({ error: 'invalid_grant' });
      const revoked = await rejection(oidc.refreshTokenGrant(config, again.refresh_token!));
      expect(revoked).toMatchObject({ error: 'invalid_grant' });
    });

    it('issues a refresh token even when the app sends prompt=login', async () => {
      const { tokens } = await signIn(sandbox, 'ada', { extra: { prompt: 'login' } });
      expect(tokens.refresh_token).toEqual(expect.any(String));
    });

    it('accepts any port on the loopback redirect URI, and nothing else', async () => {
      const config = await discover(sandbox);
      for (const redirect of ['http://127.0.0.1:49152/callback', 'http://localhost:8123/callback']) {
        const request = await authorizationRequest(config, { redirect_uri: redirect });
        const callback = await loginOverHttp(request.url, 'ada', 'analytical-engine');
        expect(`${callback.origin}${callback.pathname}`).toBe(redirect);
        const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
        expect(tokens.id_token).toEqual(expect.any(String));
      }
      const bad = await authorizationRequest(config, { redirect_uri: 'http://127.0.0.1:49152/elsewhere' });
      const error = await rejection(loginOverHttp(bad.url, 'ada', 'analytical-engine'));
      expect(error).toBeInstanceOf(HttpLoginError);
      expect(error.message).toContain('redirect_uri');
    });

    it('requires PKCE', async () => {
      const config = await discover(sandbox);
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:33333/callback', scope: STRATA_SCOPE, state: 'x' });
      const callback = await loginOverHttp(url, 'ada', 'analytical-engine');
      expect(callback.searchParams.get('error')).toBe('invalid_request');
    });

    it('shows "Wrong username or password" and stays on the page', async () => {
      const config = await discover(sandbox);
      const { url } = await authorizationRequest(config);
      const error = await rejection(loginOverHttp(url, 'ada', 'not-her-password'));
      expect(error).toBeInstanceOf(HttpLoginError);
      expect(error.message).toBe('Wrong username or password');
      const body = (error as HttpLoginError).body;
      expect(body).toContain('Example Corp');
      expect(body).toMatch(/<input[^>]*name="username"[^>]*value="ada"/);
      expect(body).toMatch(/<button[^>]*>Sign in<\/button>/);
      expect(sandbox.stats()['oidc:login:failed']).toBeGreaterThanOrEqual(1);
    });

    it('redirects with access_denied when the person cancels', async () => {
      const config = await discover(sandbox);
      const { url } = await authorizationRequest(config);
      const page = await fetch(url, { redirect: 'manual' });
      const interaction = new URL(page.headers.get('location')!, url);
      const cookie = page.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
      const cancelled = await fetch(interaction, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=cancel',
        redirect: 'manual',
      });
      expect(cancelled.status).toBe(303);
      const resumed = await fetch(new URL(cancelled.headers.get('location')!, url), { headers: { cookie }, redirect: 'manual' });
      const callback = new URL(resumed.headers.get('location')!);
      expect(callback.searchParams.get('error')).toBe('access_denied');
    });

    it('signs in again without the page while the IdP session lasts (single sign-on)', async () => {
      const cookies = new CookieJar();
      await signIn(sandbox, 'grace', { cookies });
      const config = await discover(sandbox);
      const request = await authorizationRequest(config);
      // A wrong password would throw if the page were shown.
      const callback = await loginOverHttp(request.url, 'grace', 'wrong', { cookies });
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
      expect(tokens.claims()?.name).toBe('Grace Hopper');
    });

    it('refuses connections while down and comes back on the same port', async () => {
      await sandbox.faults.setIdpDown(true);
      try {
        const error = await rejection(discover(sandbox));
        expect(causeCodes(error)).toContain('ECONNREFUSED');
      } finally {
        await sandbox.faults.setIdpDown(false);
      }
      const config = await discover(sandbox);
      expect(config.serverMetadata().issuer).toBe(sandbox.issuer);
    });
  });

  describe('Cognito Identity and STS', () => {
    it('exchanges the id_token for AWS credentials that STS accepts', async () => {
      const { idToken } = await signIn(sandbox);
      const before = sandbox.stats();
      const credentials = await identityPoolCredentials(sandbox, idToken);
      expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(credentials.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
      expect(credentials.expiration).toBeInstanceOf(Date);
      expect(credentials.expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);

      const identity = await callerIdentity(sandbox, credentials);
      expect(identity).toMatchObject({
        Arn: 'arn:aws:sts::123456789012:assumed-role/StrataAuthenticated/CognitoIdentityCredentials',
        Account: '123456789012',
        UserId: expect.stringMatching(/^AROA[A-Z0-9]{17}:CognitoIdentityCredentials$/),
      });

      const after = sandbox.stats();
      expect((after['cognito:GetId'] ?? 0) - (before['cognito:GetId'] ?? 0)).toBe(1);
      expect((after['cognito:GetCredentialsForIdentity'] ?? 0) - (before['cognito:GetCredentialsForIdentity'] ?? 0)).toBe(1);
      expect((after['sts:GetCallerIdentity'] ?? 0) - (before['sts:GetCallerIdentity'] ?? 0)).toBe(1);
    });

    it('keeps one identity per person', async () => {
      const first = await identityPoolCredentials(sandbox, (await signIn(sandbox, 'ada')).idToken);
      const second = await identityPoolCredentials(sandbox, (await signIn(sandbox, 'ada')).idToken);
      const grace = await identityPoolCredentials(sandbox, (await signIn(sandbox, 'grace')).idToken);
      expect(second.identityId).toBe(first.identityId);
      expect(grace.identityId).not.toBe(first.identityId);
      expect(second.accessKeyId).not.toBe(first.accessKeyId);
    });

    it('rejects a tampered id_token, a token for another app, and a wrong logins key', async () => {
      const { idToken } = await signIn(sandbox);
      const [header, , signature] = idToken.split('.');
      const claims = decodeJwt(idToken);
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
      const tampered = await rejection(identityPoolCredentials(sandbox, forged));
      expect(tampered.name).toBe('NotAuthorizedException');
      expect(tampered.message).toBe("Invalid login token. Couldn't verify signed token.");

      const other = await signIn(sandbox, 'ada', { clientId: OTHER_CLIENT_ID });
      expect(decodeJwt(other.idToken).aud).toBe(OTHER_CLIENT_ID);
      const audience = await rejection(identityPoolCredentials(sandbox, other.idToken));
      expect(audience.name).toBe('NotAuthorizedException');
      expect(audience.message).toBe('Invalid login token. Incorrect token audience.');

      const wrongKey = await rejection(identityPoolCredentials(sandbox, idToken, 'accounts.example.com'));
      expect(wrongKey.name).toBe('NotAuthorizedException');
    });

    it('says ResourceNotFoundException for an unknown identity pool', async () => {
      const { idToken } = await signIn(sandbox);
      const cognito = new CognitoIdentityClient({ region: sandbox.region, endpoint: sandbox.endpoints.cognitoIdentity, maxAttempts: 1 });
      const error = await rejection(
        cognito.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', Logins: { [sandbox.loginsKey]: idToken } })),
      );
      expect(error.name).toBe('ResourceNotFoundException');
      expect(error.message).toBe("IdentityPool 'us-east-1:00000000-0000-0000-0000-000000000000' not found.");
    });

    it('answers NotAuthorizedException while cognitoRejects is set', async () => {
      const { idToken } = await signIn(sandbox);
      sandbox.faults.cognitoRejects = true;
      try {
        const error = await rejection(identityPoolCredentials(sandbox, idToken));
        expect(error.name).toBe('NotAuthorizedException');
        expect(error.$metadata?.httpStatusCode).toBe(400);
      } finally {
        sandbox.faults.cognitoRejects = false;
      }
      await expect(identityPoolCredentials(sandbox, idToken)).resolves.toHaveProperty('accessKeyId');
    });

    it('answers malformed JSON 1.1 requests as AWS does', async () => {
      const post = (target: string | undefined, body: string) =>
        fetch(sandbox.endpoints.cognitoIdentity, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': target } : {}) },
          body,
        });
      const unknown = await post('AWSCognitoIdentityService.DeleteIdentityPool', '{}');
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });

      const broken = await post('AWSCognitoIdentityService.GetId', '{"IdentityPoolId":');
      expect(broken.status).toBe(400);
      expect(await broken.json()).toMatchObject({ __type: 'SerializationException' });
    });

    it('refuses unknown keys, wrong secrets and expired credentials at STS', async () => {
      const credentials = await identityPoolCredentials(sandbox, (await signIn(sandbox)).idToken);

      const unknown = await rejection(callerIdentity(sandbox, { ...credentials, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }));
      expect(unknown.name).toBe('InvalidClientTokenId');
      expect(unknown.message).toBe('The security token included in the request is invalid.');
      expect(unknown.$metadata?.httpStatusCode).toBe(403);

      const wrongToken = await rejection(callerIdentity(sandbox, { ...credentials, sessionToken: 'bm90IHRoZSB0b2tlbg==' }));
      expect(wrongToken.name).toBe('InvalidClientTokenId');

      const wrongSecret = await rejection(callerIdentity(sandbox, { ...credentials, secretAccessKey: `${credentials.secretAccessKey.slice(1)}x` }));
      expect(wrongSecret.name).toBe('SignatureDoesNotMatch');
      expect(wrongSecret.message).toMatch(/^The request signature we calculated does not match/);

      await expect(callerIdentity(sandbox, credentials)).resolves.toHaveProperty('Account', '123456789012');
      sandbox.faults.expireIssuedCredentials();
      const expired = await rejection(callerIdentity(sandbox, credentials));
      expect(expired.name).toBe('ExpiredToken');
      expect(expired.message).toBe('The security token included in the request is expired');
      expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now());

      // Credentials issued after the fault are good.
      const fresh = await identityPoolCredentials(sandbox, (await signIn(sandbox)).idToken);
      await expect(callerIdentity(sandbox, fresh)).resolves.toHaveProperty('Account', '123456789012');
      expect(sandbox.stats()['sts:GetCallerIdentity:ExpiredToken']).toBe(1);
    });
  });
});
