/**
 * Lifetimes in the sandbox (id_token, AWS credentials, refresh token) and
 * tokens from a foreign issuer. A file of its own: it waits a few seconds,
 * and vitest runs files in parallel.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerIdentity, identityPoolCredentials, signIn } from '../sandbox/clients.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('sandbox with short lifetimes', () => {
  let sandbox: Sandbox;
  let other: Sandbox;

  beforeAll(async () => {
    [sandbox, other] = await Promise.all([
      startSandbox({ idTokenTtlSeconds: 2, credentialsTtlSeconds: 2, refreshTokenTtlSeconds: 4 }),
      startSandbox(),
    ]);
  });
  afterAll(() => Promise.all([sandbox?.close(), other?.close()]));

  it('rejects an id_token from another issuer', async () => {
    const { idToken } = await signIn(other);
    const error = await rejection(identityPoolCredentials(sandbox, idToken));
    expect(error.name).toBe('NotAuthorizedException');
    expect(error.message).toBe("Invalid login token. Issuer doesn't match providerName");
  });

  it('expires id_tokens, credentials and finally the refresh token', async () => {
    const { config, tokens, idToken } = await signIn(sandbox);
    expect(tokens.expires_in).toBe(2);
    const credentials = await identityPoolCredentials(sandbox, idToken);
    expect(credentials.expiration!.getTime() - Date.now()).toBeLessThanOrEqual(2000);
    await expect(callerIdentity(sandbox, credentials)).resolves.toHaveProperty('Account');

    await sleep(Math.max(credentials.expiration!.getTime(), (tokens.claims()!.exp as number) * 1000) - Date.now() + 100);

    const expiredCredentials = await rejection(callerIdentity(sandbox, credentials));
    expect(expiredCredentials.name).toBe('ExpiredToken');
    const expiredToken = await rejection(identityPoolCredentials(sandbox, idToken));
    expect(expiredToken.name).toBe('NotAuthorizedException');
    expect(expiredToken.message).toMatch(/^Invalid login token\. Token expired: \d+ >= \d+$/);

    // The refresh token still works: a new id_token, new credentials.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const renewed = await identityPoolCredentials(sandbox, refreshed.id_token!);
    expect(renewed.identityId).toBe(credentials.identityId);
    await expect(callerIdentity(sandbox, renewed)).resolves.toHaveProperty('Account');

    // Rotation does not extend the sign-in: the refresh lifetime counts from the
    // code exchange. Keep refreshing (each one rotates) until it is refused.
    const signedInAt = tokens.claims()!.iat as number;
    let refreshToken = refreshed.refresh_token!;
    let refusal: Error | undefined;
    while (!refusal && Date.now() < (signedInAt + 6) * 1000) {
      await sleep(200);
      try {
        refreshToken = (await oidc.refreshTokenGrant(config, refreshToken)).refresh_token!;
      } catch (error) {
        refusal = error as Error;
      }
    }
    expect(refusal).toMatchObject({ error: 'invalid_grant' });
    // (-0.3 s: epoch seconds are whole; the refresh token's iat may be one second after the id_token's.)
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(signedInAt + 4 - 0.3);
  });
});
