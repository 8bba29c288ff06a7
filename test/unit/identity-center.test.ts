/**
 * The IAM Identity Center token's lifetime, with the SSO OIDC client faked so
 * each step can be held: when the cached token is used as it is, when it is
 * renewed (once, however many ask), what a refused renewal leaves, and that
 * a renewal finishing after sign-out writes nothing back to the shared cache.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTokenCommand } from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import { IdentityCenter, TOKEN_RENEWAL_WINDOW_MS, type SsoSessionRef } from '../../main/auth/identity-center';
import { cliTimestamp, ssoCacheFile, writeSsoToken, type SsoToken } from '../../main/auth/sso-cache';
import type { AwsClients } from '../../main/net/aws-clients';
import { DEFAULT_SETTINGS } from '../../main/settings/layers';

const session: SsoSessionRef = { sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'us-east-1' };
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

type Answer = { accessToken?: string; expiresIn?: number; refreshToken?: string } | Error;

/** An SSO OIDC client whose CreateToken answers are given by the test, one at a time. */
function fakeClients() {
  const requests: unknown[] = [];
  const pending: Array<(answer: Answer) => void> = [];
  const ssoOidc = () => ({
    send: (command: unknown) => {
      if (!(command instanceof CreateTokenCommand)) throw new Error('unexpected command');
      requests.push(command.input);
      return new Promise((resolve, reject) => {
        pending.push((answer) => (answer instanceof Error ? reject(answer) : resolve(answer)));
      });
    },
    destroy: () => undefined,
  });
  const sso = () => ({ send: () => Promise.resolve({}), destroy: () => undefined });
  return {
    clients: { ssoOidc, sso } as unknown as AwsClients,
    requests,
    /** Answers the oldest CreateToken waiting. */
    answer: async (answer: Answer) => {
      while (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      pending.shift()!(answer);
    },
  };
}

function setUp(token: Partial<SsoToken> = {}) {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'strata-sso-cache-'));
  const file = ssoCacheFile(directory, session);
  const cached: SsoToken = {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: 'old-access',
    expiresAt: cliTimestamp(NOW + 60_000),
    refreshToken: 'old-refresh',
    clientId: 'client',
    clientSecret: 'secret',
    registrationExpiresAt: cliTimestamp(NOW + 30 * 86_400_000),
    ...token,
  };
  writeSsoToken(file, cached);
  const fake = fakeClients();
  const center = new IdentityCenter({
    clients: fake.clients,
    settings: () => DEFAULT_SETTINGS,
    cacheDirectory: directory,
    openExternal: () => Promise.resolve(),
    now: () => NOW,
  });
  const read = () => JSON.parse(readFileSync(file, 'utf8')) as SsoToken;
  return { ...fake, center, file, read };
}

const refused = () => Object.assign(new Error('invalid grant'), { name: 'InvalidGrantException' });

describe('the IAM Identity Center token', () => {
  it('is used as it is while it has more than the renewal window left', async () => {
    const { center, requests } = setUp({ expiresAt: cliTimestamp(NOW + TOKEN_RENEWAL_WINDOW_MS + 60_000) });
    expect((await center.accessToken(session)).accessToken).toBe('old-access');
    expect(requests).toHaveLength(0);
  });

  it('is renewed once near its end, however many ask, and the new one cached as the CLI caches it', async () => {
    const { center, requests, answer, read } = setUp();
    const first = center.accessToken(session);
    const second = center.accessToken(session);
    await answer({ accessToken: 'new-access', expiresIn: 28_800, refreshToken: 'new-refresh' });
    expect((await first).accessToken).toBe('new-access');
    expect((await second).accessToken).toBe('new-access');
    expect(requests).toEqual([{ clientId: 'client', clientSecret: 'secret', grantType: 'refresh_token', refreshToken: 'old-refresh' }]);
    expect(read()).toMatchObject({ accessToken: 'new-access', refreshToken: 'new-refresh', expiresAt: cliTimestamp(NOW + 28_800_000), clientId: 'client' });
  });

  it('goes on with a token that still has time when the renewal is refused, and ends once it has none', async () => {
    const live = setUp();
    const using = live.center.accessToken(session);
    await live.answer(refused());
    expect((await using).accessToken).toBe('old-access');

    const over = setUp({ expiresAt: cliTimestamp(NOW - 1000) });
    const ending = over.center.accessToken(session);
    await over.answer(refused());
    await expect(ending).rejects.toMatchObject({ code: 'session-expired', message: 'Your IAM Identity Center session has ended.' });
  });

  it('ends without asking when it is over and cannot be renewed', async () => {
    const { center, requests } = setUp({ expiresAt: cliTimestamp(NOW - 1000), refreshToken: undefined });
    await expect(center.accessToken(session)).rejects.toMatchObject({ code: 'session-expired' });
    expect(requests).toHaveLength(0);
    expect(center.usable(session)).toBe(false);
  });

  it('writes nothing back when the person signed out while a renewal was under way', async () => {
    const { center, answer, file } = setUp();
    const using = center.accessToken(session);
    await center.signOut(session);
    expect(existsSync(file)).toBe(false);
    await answer({ accessToken: 'late-access', expiresIn: 28_800, refreshToken: 'late-refresh' });
    await expect(using).rejects.toMatchObject({ code: 'session-expired' });
    expect(existsSync(file)).toBe(false);
    expect(center.state(session)).toEqual({ state: 'signed-out' });
  });

  it('counts a cached token for another start URL (the config changed since) as none', () => {
    const { center } = setUp({ startUrl: 'https://other.awsapps.com/start' });
    expect(center.state(session)).toEqual({ state: 'signed-out' });
  });
});
