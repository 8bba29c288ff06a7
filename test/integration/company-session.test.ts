/**
 * The company session against the sandbox, under Node: the real services,
 * the real identity provider and AWS emulators; the "browser" is plain HTTP.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import { StrataError } from '../../main/errors';
import { sessionScope } from '../../main/settings/layers';
import type { SessionStatus, SourceStatus } from '../../preload/contract';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { collected } from '../harness/services-calls';
import { loginOverHttp } from '../sandbox/http-login';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index';

interface World {
  sandbox: Sandbox;
  platform: NodePlatform;
  services: Services;
  statuses: SessionStatus[];
  dir: string;
  key: Buffer;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** How far this test has moved the session's clock past the real one (a computer that slept). */
let slept = 0;
afterEach(() => {
  slept = 0;
});

async function world(
  options: SandboxOptions = {},
  reuse?: { sandbox: Sandbox; dir: string; key: Buffer },
  env: Record<string, string | undefined> = {},
  timing: { renewalRetryMs?: number } = {},
): Promise<World> {
  const sandbox = reuse?.sandbox ?? (await startSandbox(options));
  if (!reuse) cleanups.push(() => sandbox.close());
  const dir = reuse?.dir ?? mkdtempSync(path.join(os.tmpdir(), 'strata-session-'));
  const key = reuse?.key ?? randomBytes(32);
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0', ...env },
    userDataDir: dir,
    keychainKey: key,
    timing: { signInTimeoutMs: 10_000, renewalRetryMs: 300, now: () => Date.now() + slept, ...timing },
  });
  const services = createServices(platform);
  const statuses = collected(services, 'auth:status');
  cleanups.push(() => services.dispose());
  return { sandbox, platform, services, statuses, dir, key };
}

/** The person's part: the IdP's login page, then the browser following the redirect to Strata's loopback. */
async function finishInBrowser(w: World, user = w.sandbox.users[0]!): Promise<string> {
  const url = await w.platform.nextOpenedUrl();
  const callback = await loginOverHttp(url, user.username, user.password);
  const page = await fetch(callback);
  return page.text();
}

async function signIn(w: World): Promise<SourceStatus> {
  const signingIn = w.services.session.signIn();
  const page = await finishInBrowser(w);
  expect(page).toMatch(/signed in/i);
  return signingIn;
}

const vaultFile = (w: World) => path.join(w.dir, 'session.vault');

describe('company session', () => {
  it('signs in through the browser: user from the id_token, ARN from STS, credentials for AWS clients', async () => {
    const w = await world();
    const status = await signIn(w);
    expect(status).toMatchObject({
      state: 'ready',
      user: { name: 'Ada Lovelace', email: 'ada@example.com' },
      identity: { account: w.sandbox.accountId, arn: expect.stringContaining('assumed-role/StrataAuthenticated') },
    });
    if (status.state !== 'ready') return;
    expect(status.identity.identityId).toMatch(/^us-east-1:/);
    expect(status.expiresAt).toBeGreaterThan(Date.now() + 30 * 60_000);
    // "Signing in" is told twice: at once, then with the sign-in page once it is known.
    expect(w.statuses.map((s) => s.state)).toEqual(['signing-in', 'signing-in', 'ready']);
    const credentials = await w.services.session.credentialProvider()();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(existsSync(vaultFile(w))).toBe(true);
    // Nothing secret in what the renderer is sent.
    expect(JSON.stringify(w.statuses)).not.toMatch(/eyJ|ASIA|refresh/i);
  });

  it('renews credentials once when AWS says they expired early', async () => {
    const w = await world();
    await signIn(w);
    const before = w.sandbox.stats()['cognito:GetCredentialsForIdentity'];
    w.sandbox.faults.expireIssuedCredentials();
    const identity = await w.services.session.callerIdentity();
    expect(identity.arn).toContain('StrataAuthenticated');
    expect(w.sandbox.stats()['cognito:GetCredentialsForIdentity']).toBe(before! + 1);
  });

  it('renews in the background with the refresh token, and publishes the new expiry', async () => {
    // Credentials for 8 s are renewed 5 s before they end, by when a 3 s id_token has ended too (both
    // counted in whole seconds), so the renewal must refresh it. With 4 s, the id_token could have had just
    // over its margin left when the renewal timer fired a millisecond early, and Cognito took it as it was.
    const w = await world({ credentialsTtlSeconds: 8, idTokenTtlSeconds: 3 });
    const first = await signIn(w);
    if (first.state !== 'ready') throw new Error(`not signed in: ${first.state}`);
    const renewed = () => w.statuses.some((s) => s.state === 'ready' && s.expiresAt! > first.expiresAt!);
    await expect.poll(renewed, { timeout: 10_000 }).toBe(true);
    expect(w.sandbox.stats()['cognito:GetCredentialsForIdentity']).toBe(2);
    expect(w.sandbox.stats()['oidc:token:refresh_token']).toBe(1);
    expect(w.statuses.at(-1)!.state).toBe('ready');
    await expect(w.platform.nextOpenedUrl(200)).rejects.toThrow();
  });

  it('keeps retrying while the provider is unreachable, then asks to sign in again when the credentials run out', async () => {
    const w = await world({ credentialsTtlSeconds: 7, idTokenTtlSeconds: 2 });
    await signIn(w);
    await w.sandbox.faults.setIdpDown(true);
    await expect.poll(() => w.statuses.at(-1)?.state, { timeout: 12_000 }).toBe('expired');
    const last = w.statuses.at(-1)!;
    expect(last).toMatchObject({ state: 'expired', user: { name: 'Ada Lovelace' }, error: { code: 'idp-unreachable' } });
    expect(w.platform.logs.filter((line) => line.includes('renewal failed')).length).toBeGreaterThan(1);
    // A passing failure keeps the saved sign-in for the next start.
    expect(existsSync(vaultFile(w))).toBe(true);
  });

  it('tells the window once when background renewal fails, and again when it works', async () => {
    const w = await world({ credentialsTtlSeconds: 8, idTokenTtlSeconds: 2 });
    const first = await signIn(w);
    if (first.state !== 'ready') throw new Error(`not signed in: ${first.state}`);
    expect(first).not.toHaveProperty('renewalError');
    await w.sandbox.faults.setIdpDown(true);

    const failing = () => w.statuses.filter((s) => s.state === 'ready' && s.renewalError);
    await expect.poll(() => failing().length, { timeout: 10_000 }).toBe(1);
    expect(failing()[0]).toMatchObject({
      state: 'ready',
      expiresAt: first.expiresAt,
      renewalError: { code: 'idp-unreachable', message: expect.stringMatching(/sign-in service/) },
    });
    // Retrying after the same failure is not news: the window hears about it once.
    const renewalFailures = () => w.platform.logs.filter((line) => line.includes('renewal failed')).length;
    await expect.poll(renewalFailures, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(failing()).toHaveLength(1);

    await w.sandbox.faults.setIdpDown(false);
    const renewed = () => w.statuses.find((s) => s.state === 'ready' && s.expiresAt! > first.expiresAt!);
    await expect.poll(renewed, { timeout: 10_000 }).toBeTruthy();
    expect(renewed()).not.toHaveProperty('renewalError');
    expect(w.statuses.at(-1)).not.toHaveProperty('renewalError');
    expect(w.services.session.getStatus()).not.toHaveProperty('renewalError');
  });

  it('opens the same sign-in page again on request, and offers its link while waiting', async () => {
    const w = await world();
    const reopen = () => w.services.handlers['auth:reopen-sign-in-page'](undefined);
    await expect(reopen()).rejects.toMatchObject({ code: 'invalid-input' });

    const signingIn = w.services.session.signIn();
    const url = await w.platform.nextOpenedUrl();
    expect(w.services.session.getStatus()).toEqual({ state: 'signing-in', startedAt: expect.any(Number), interactive: true, authorizationUrl: url });
    await expect(reopen()).resolves.toBeNull();
    expect(await w.platform.nextOpenedUrl()).toBe(url);

    // The page opened again is the same sign-in: finishing it there completes the attempt.
    const callback = await loginOverHttp(url, w.sandbox.users[0]!.username, w.sandbox.users[0]!.password);
    await fetch(callback);
    await expect(signingIn).resolves.toMatchObject({ state: 'ready' });
    await expect(reopen()).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(w.platform.nextOpenedUrl(200)).rejects.toThrow();
  });

  it('resumes the saved sign-in at start-up without the browser', async () => {
    const w = await world();
    await signIn(w);
    w.services.dispose();
    const again = await world({}, { sandbox: w.sandbox, dir: w.dir, key: w.key });
    await again.services.start();
    expect(again.services.session.getStatus()).toMatchObject({ state: 'ready', user: { name: 'Ada Lovelace' } });
    expect(again.statuses.map((s) => s.state)).toEqual(['signing-in', 'ready']);
    expect(again.statuses[0]).toMatchObject({ interactive: false });
    await expect(again.platform.nextOpenedUrl(200)).rejects.toThrow();
  });

  it('forgets a saved sign-in the provider no longer honours', async () => {
    const w = await world();
    await signIn(w);
    await w.services.session.signOut();
    // Put back a refresh token the provider has since revoked.
    w.services.vault.save({
      issuer: w.sandbox.issuer,
      clientId: w.sandbox.clientId,
      subject: 'ada',
      refreshToken: 'revoked-or-unknown',
      scope: sessionScope(w.services.settings.effective()),
    });
    const again = await world({}, { sandbox: w.sandbox, dir: w.dir, key: w.key });
    await again.services.start();
    expect(again.services.session.getStatus()).toMatchObject({ state: 'error', error: { code: 'session-expired' } });
    expect(existsSync(vaultFile(w))).toBe(false);
  });

  it('signing out forgets everything and revokes the refresh token at the provider', async () => {
    const w = await world();
    await signIn(w);
    const saved = w.services.vault.load();
    expect(saved?.refreshToken).toBeTruthy();
    const status = await w.services.session.signOut();
    expect(status).toMatchObject({ state: 'signed-out', configured: true });
    expect(existsSync(vaultFile(w))).toBe(false);
    expect(() => w.services.session.credentialProvider()).toThrow(StrataError);

    const config = await oidc.discovery(new URL(w.sandbox.issuer), w.sandbox.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    await expect(oidc.refreshTokenGrant(config, saved!.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a renewal that reaches the provider before sign-out and answers after it saves nothing', async () => {
    const w = await world({ credentialsTtlSeconds: 8, idTokenTtlSeconds: 4 });
    await signIn(w);
    const hold = w.sandbox.faults.holdTokenAnswers();
    await hold.arrived; // the background renewal is at the provider's token endpoint
    await expect.poll(() => w.sandbox.stats()['oidc:token:refresh_token'] ?? 0).toBe(1);
    const revocations = () => w.sandbox.stats()['oidc:revocation'] ?? 0;
    await w.services.session.signOut();
    expect(existsSync(vaultFile(w))).toBe(false);
    expect(revocations()).toBe(1);
    // The provider's answer, with a fresh refresh token, arrives after the sign-out: nothing of it is kept,
    // and the rotated refresh token is revoked too (a provider may not revoke it with the old one).
    hold.release();
    await expect.poll(revocations).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(vaultFile(w))).toBe(false);
    expect(w.services.vault.load()).toBeUndefined();
    expect(w.services.session.getStatus()).toMatchObject({ state: 'signed-out' });
    expect(w.statuses.at(-1)).toMatchObject({ state: 'signed-out' });
    const again = await world({}, { sandbox: w.sandbox, dir: w.dir, key: w.key });
    await again.services.start();
    expect(again.services.session.getStatus()).toMatchObject({ state: 'signed-out' });
  });

  it('cancelling a sign-in stops its request to the identity pool: the pool hears nothing more from it', async () => {
    const w = await world();
    const count = (key: string) => w.sandbox.stats()[key] ?? 0;
    const hold = w.sandbox.faults.holdNextCognitoRequest();
    const signingIn = w.services.session.signIn().catch((err: unknown) => err);
    await finishInBrowser(w);
    await hold.arrived;
    await expect(w.services.session.cancelSignIn()).resolves.toMatchObject({ state: 'signed-out' });
    await expect(signingIn).resolves.toMatchObject({ code: 'sign-in-cancelled' });
    // Answered now: the request was abandoned, so the SDK does not go on to ask for credentials.
    hold.release();
    await expect.poll(() => count('cognito:GetId')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(count('cognito:GetCredentialsForIdentity')).toBe(0);
    expect(existsSync(vaultFile(w))).toBe(false);
  });

  it('the silent sign-in at start-up can be cancelled, and the saved sign-in is kept for later', async () => {
    const w = await world();
    await signIn(w);
    w.services.dispose();
    const hold = w.sandbox.faults.holdTokenAnswers();
    const again = await world({}, { sandbox: w.sandbox, dir: w.dir, key: w.key });
    const starting = again.services.start();
    await hold.arrived;
    expect(again.services.session.getStatus()).toMatchObject({ state: 'signing-in', interactive: false });
    await expect(again.services.session.cancelSignIn()).resolves.toMatchObject({ state: 'signed-out', configured: true });
    await starting;
    hold.release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(again.services.session.getStatus()).toMatchObject({ state: 'signed-out' });
    expect(again.statuses.map((s) => s.state)).toEqual(['signing-in', 'signed-out']);
    expect(existsSync(vaultFile(w))).toBe(true);
  });

  it('does not resume a saved sign-in against other endpoints than it was made with', async () => {
    const w = await world();
    await signIn(w);
    w.services.dispose();
    const refreshes = w.sandbox.stats()['oidc:token:refresh_token'] ?? 0;
    const again = await world({}, { sandbox: w.sandbox, dir: w.dir, key: w.key }, { STRATA_STS_ENDPOINT: 'http://127.0.0.2:9' });
    await again.services.start();
    expect(again.services.session.getStatus()).toMatchObject({ state: 'signed-out', configured: true });
    expect(w.sandbox.stats()['oidc:token:refresh_token'] ?? 0).toBe(refreshes);
    expect(existsSync(vaultFile(w))).toBe(false);
  });

  it('changing where tokens or requests go while signed in signs out first, and says so', async () => {
    const w = await world({}, undefined, { STRATA_BEDROCK_ENDPOINT: undefined });
    await signIn(w);
    const { handlers, settings } = w.services;
    // A setting that sends nothing anywhere changes nothing.
    await handlers['settings:update']({ companyName: 'Example Corp' });
    expect(w.services.session.getStatus()).toMatchObject({ state: 'ready' });

    const view = await handlers['settings:update']({ bedrockEndpoint: 'https://bedrock.vpce.example.com' });
    expect(settings.effective().bedrockEndpoint).toBe('https://bedrock.vpce.example.com');
    expect(w.services.session.getStatus()).toMatchObject({ state: 'signed-out' });
    expect(existsSync(vaultFile(w))).toBe(false);
    expect(() => w.services.session.credentialProvider()).toThrow(StrataError);
    expect(view.notices.map((n) => n.message).join(' ')).toMatch(/signed out because the sign-in or AWS settings changed/);

    // Signed in again with the new settings: the notice has done its work.
    await handlers['settings:update']({ bedrockEndpoint: '' });
    await signIn(w);
    expect((await handlers['settings:get'](undefined)).notices.map((n) => n.id)).not.toContain('signed-out:settings-changed');
  });

  it('on waking from sleep, renews at once credentials that came due while the computer slept', async () => {
    const w = await world({ credentialsTtlSeconds: 120 });
    const first = await signIn(w);
    if (first.state !== 'ready') throw new Error(`not signed in: ${first.state}`);
    // Renewal is due 30 s before expiry; the computer slept through it (its timers with it).
    slept = 100_000;
    w.services.session.wake();
    await expect.poll(() => w.sandbox.stats()['cognito:GetCredentialsForIdentity'], { timeout: 3_000 }).toBe(2);
    await expect.poll(() => w.statuses.at(-1)).toMatchObject({ state: 'ready' });
    const last = w.statuses.at(-1)!;
    if (last.state === 'ready') expect(last.expiresAt).toBeGreaterThan(Date.now() + slept);
    // Awake again with nothing due: nothing is fetched.
    w.services.session.wake();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.sandbox.stats()['cognito:GetCredentialsForIdentity']).toBe(2);
  });

  it('waking after the credentials ran out says Strata is signing in again until new ones come, never an expiry in the past', async () => {
    const w = await world({ credentialsTtlSeconds: 120 });
    await signIn(w);
    // The computer slept past the end of the credentials; the next ones last longer than it slept.
    w.sandbox.faults.setCognitoCredentialsTtl(3_600);
    slept = 200_000;
    const hold = w.sandbox.faults.holdNextCognitoRequest();
    const seen = w.statuses.length;
    w.services.session.wake();
    expect(w.services.session.getStatus()).toMatchObject({ state: 'signing-in', interactive: false });
    await hold.arrived;
    // Woken again (the network came back) while it renews: one renewal, not two.
    w.services.session.wake();
    hold.release();
    await expect.poll(() => w.statuses.at(-1)).toMatchObject({ state: 'ready' });
    const ready = w.statuses.at(-1)!;
    if (ready.state === 'ready') expect(ready.expiresAt).toBeGreaterThan(Date.now() + slept);
    expect(w.statuses.slice(seen).map((s) => s.state)).toEqual(['signing-in', 'ready']);
    expect(w.sandbox.stats()['cognito:GetCredentialsForIdentity']).toBe(2);

    // Asleep past the end again, and the person cancels the renewal: signed out, the saved sign-in kept for later.
    slept = 4_000_000;
    const again = w.sandbox.faults.holdNextCognitoRequest();
    w.services.session.wake();
    await again.arrived;
    await expect(w.services.session.cancelSignIn()).resolves.toMatchObject({ state: 'signed-out', configured: true });
    again.release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.services.session.getStatus()).toMatchObject({ state: 'signed-out' });
    expect(existsSync(vaultFile(w))).toBe(true);
  });

  it('when the network comes back, a renewal that failed meanwhile is tried at once, not at its next backoff', async () => {
    const w = await world({}, undefined, {}, { renewalRetryMs: 60_000 });
    await signIn(w);
    await w.sandbox.faults.setIdpDown(true);
    // Past renewal time, with the id_token long expired: renewing needs the provider, which cannot be reached.
    slept = 3_400_000;
    w.services.session.wake();
    await expect.poll(() => w.statuses.at(-1)).toMatchObject({ state: 'ready', renewalError: { code: 'idp-unreachable' } });
    await w.sandbox.faults.setIdpDown(false);
    // The next try would be in a minute; the window saw the network come back.
    await w.services.handlers['auth:network-back'](undefined);
    await expect
      .poll(() => { const last = w.statuses.at(-1); return last?.state === 'ready' && !last.renewalError; }, { timeout: 3_000 })
      .toBe(true);
    const last = w.statuses.at(-1)!;
    if (last.state === 'ready') expect(last.expiresAt).toBeGreaterThan(Date.now() + slept);
  });

  it('a renewal asked for by a request that AWS refuses ends the session, as in the background', async () => {
    const w = await world();
    await signIn(w);
    w.sandbox.faults.cognitoRejects = true;
    await expect(w.services.session.renewCredentials()).rejects.toMatchObject({ code: 'cognito-rejected' });
    expect(w.services.session.getStatus()).toMatchObject({ state: 'expired', user: { name: 'Ada Lovelace' }, error: { code: 'cognito-rejected' } });
    expect(() => w.services.session.credentialProvider()).toThrow(StrataError);
    expect(existsSync(vaultFile(w))).toBe(false);
  });

  it('says what to do when AWS refuses the sign-in, and saves nothing', async () => {
    const w = await world();
    w.sandbox.faults.cognitoRejects = true;
    await expect(signIn(w)).rejects.toMatchObject({ code: 'cognito-rejected' });
    expect(w.services.session.getStatus()).toMatchObject({ state: 'error', error: { code: 'cognito-rejected' } });
    expect(existsSync(vaultFile(w))).toBe(false);
  });

  it('refuses a second sign-in while one is waiting, and cancels cleanly', async () => {
    const w = await world();
    const first = w.services.session.signIn();
    const url = new URL(await w.platform.nextOpenedUrl());
    await expect(w.services.session.signIn()).rejects.toMatchObject({ code: 'sign-in-in-progress' });
    // The answer to cancel is the status after the attempt stopped, not a stale "signing in".
    await expect(w.services.session.cancelSignIn()).resolves.toMatchObject({ state: 'signed-out', configured: true });
    await expect(first).rejects.toMatchObject({ code: 'sign-in-cancelled' });
    expect(w.services.session.getStatus()).toMatchObject({ state: 'signed-out', configured: true });
    expect(w.statuses.map((s) => s.state)).toEqual(['signing-in', 'signing-in', 'signed-out']);
    await expect(fetch(url.searchParams.get('redirect_uri')!)).rejects.toThrow();
  });

  it('explains that sign-in is not set up when settings are missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-session-'));
    const platform = nodePlatform({ env: {}, userDataDir: dir, keychainKey: randomBytes(32) });
    const services = createServices(platform);
    expect(services.session.getStatus()).toMatchObject({
      state: 'signed-out',
      configured: false,
      missing: ['issuer', 'clientId', 'identityPoolId'],
    });
    await expect(services.session.signIn()).rejects.toMatchObject({ code: 'not-configured' });
  });
});
