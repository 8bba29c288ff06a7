/**
 * IAM Identity Center profiles against the sandbox: the real services under
 * Node, the AWS files and the sign-in cache in a home folder of their own.
 * Sign-in on IAM Identity Center's page (authorization code + PKCE through the
 * loopback receiver) or with a code; the token cached as the AWS CLI caches
 * it; a session the CLI made used as is, picked up the moment it appears;
 * renewal with the refresh token; the session ending; sign-out as
 * `aws sso logout` does it.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import type { AccountsView, SessionStatus } from '../../preload/contract';
import { awsFilesFolder, ssoCacheFileIn, ssoProfileLines } from '../harness/aws-files';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { callHandler, untilStatus } from '../harness/services-calls';
import { startSandbox, type Sandbox } from '../sandbox/index';

interface World {
  sandbox: Sandbox;
  platform: NodePlatform;
  services: Services;
  home: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function writeConfig(sandbox: Sandbox, home: string): void {
  const aws = path.join(home, '.aws');
  mkdirSync(aws, { recursive: true });
  const files = awsFilesFolder(sandbox, ssoProfileLines(sandbox));
  copyFileSync(files.AWS_CONFIG_FILE!, path.join(aws, 'config'));
  copyFileSync(files.AWS_SHARED_CREDENTIALS_FILE!, path.join(aws, 'credentials'));
}

const cacheFile = ssoCacheFileIn;

async function world(options: { env?: Record<string, string>; before?: (sandbox: Sandbox, home: string) => void } = {}): Promise<World> {
  const sandbox = await startSandbox();
  cleanups.push(() => sandbox.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-sso-'));
  const home = path.join(dir, 'home');
  writeConfig(sandbox, home);
  options.before?.(sandbox, home);
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0', ...options.env },
    userDataDir: dir,
    keychainKey: randomBytes(32),
    home,
    timing: { signInTimeoutMs: 10_000 },
  });
  const services = createServices(platform);
  cleanups.push(() => services.dispose());
  await services.start();
  return { sandbox, platform, services, home };
}

const call = <C extends keyof Services['handlers']>(w: World, channel: C, input?: unknown) => callHandler(w.services, channel, input);
const until = (w: World, test: (status: SessionStatus) => boolean, timeoutMs?: number) => untilStatus(w.services, test, timeoutMs);

const unescape = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * Does what the person does on IAM Identity Center's page (the sign-in page, or the device page
 * with its code): fills in the form and submits it, then follows the redirect to Strata's loopback.
 */
async function confirmOnPage(url: string, fields: Record<string, string>): Promise<Response> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = unescape(/<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '');
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]));
  const answer = await fetch(new URL(action, url), { method: 'POST', body: new URLSearchParams({ ...hidden, ...fields }), redirect: 'manual' });
  const location = answer.headers.get('location');
  return location ? fetch(location) : answer;
}

const signInOnPage = (url: string, username = 'ada', password = 'analytical-engine') =>
  confirmOnPage(url, { username, password, action: 'login' });

async function signInWithBrowser(w: World): Promise<SessionStatus> {
  const choosing = call(w, 'accounts:choose', { source: { kind: 'profile', profile: 'sso-dev' } });
  const url = await w.platform.nextOpenedUrl();
  expect(url.startsWith(`${w.sandbox.identityCenter.oidcEndpoint}/authorize?`)).toBe(true);
  const landed = await signInOnPage(url);
  expect(landed.status).toBe(200);
  await choosing;
  return until(w, (status) => status.state === 'ready');
}

const ssoView = async (w: World) => {
  const view: AccountsView = await call(w, 'accounts:get');
  return view.profiles.find((profile) => profile.name === 'sso-dev')!;
};

describe('IAM Identity Center profiles', () => {
  it('signs in on its page, caches the token as the AWS CLI does, and chats with the role', async () => {
    const w = await world();
    expect((await ssoView(w)).sso?.session).toEqual({ state: 'signed-out' });

    const status = await signInWithBrowser(w);
    if (status.state !== 'ready') throw new Error('not ready');
    expect(status.identity.arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/AWSReservedSSO_PowerUser_[0-9a-f]+\/ada$/);
    expect(status.source).toEqual({ kind: 'profile', profile: 'sso-dev', profileKind: 'sso' });
    expect(status.sso).toEqual({ expiresAt: expect.any(Number), renewable: true });
    expect(w.sandbox.stats()).toMatchObject({ 'sso-oidc:RegisterClient': 1, 'sso-oidc:CreateToken:authorization_code': 1, 'sso:GetRoleCredentials': 1 });

    // The CLI's cache: its file name, fields and timestamp format.
    const cached = JSON.parse(readFileSync(cacheFile(w.home), 'utf8')) as Record<string, string>;
    expect(Object.keys(cached).sort()).toEqual(['accessToken', 'clientId', 'clientSecret', 'expiresAt', 'refreshToken', 'region', 'registrationExpiresAt', 'startUrl']);
    expect(cached).toMatchObject({ startUrl: w.sandbox.identityCenter.startUrl, region: 'us-east-1' });
    expect(cached.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(cached.expiresAt!)).toBeGreaterThan(Date.now() + 7 * 3600_000);
    expect((await ssoView(w)).sso?.session).toMatchObject({ state: 'signed-in', renewable: true });

    // Test connection: who AWS says this is, the models, one short question.
    const test = await call(w, 'auth:test-connection');
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);
  });

  it("takes a role with an IAM Identity Center profile's credentials: its session, Strata's own clients, the browser when it has ended", async () => {
    const w = await world({
      env: { STRATA_CREDENTIAL_SOURCE: 'profile:sso-admin' },
      before: (sandbox, home) =>
        appendFileSync(
          path.join(home, '.aws', 'config'),
          ['[profile sso-admin]', `role_arn = arn:aws:iam::${sandbox.accountId}:role/Admin`, 'source_profile = sso-dev', 'role_session_name = ada-admin', ''].join('\n'),
        ),
    });
    // No IAM Identity Center session yet: the profile waits for the person, asking nothing at start.
    expect(w.services.accounts.status()).toMatchObject({
      state: 'signed-out',
      source: { kind: 'profile', profile: 'sso-admin', profileKind: 'assume-role', ssoSource: 'sso-dev' },
    });

    // The AWS CLI signs in to the session the source profile uses: Strata takes the role at once.
    mkdirSync(path.dirname(cacheFile(w.home)), { recursive: true });
    writeFileSync(cacheFile(w.home), JSON.stringify(w.sandbox.identityCenter.cliSession('ada')));
    const status = await until(w, (s) => s.state === 'ready');
    if (status.state !== 'ready') throw new Error('not ready');
    expect(status.identity.arn).toBe(`arn:aws:sts::${w.sandbox.accountId}:assumed-role/Admin/ada-admin`);
    expect(status.sso).toMatchObject({ renewable: true });
    // Through the sandbox's portal and STS, which only Strata's clients (with the endpoint settings) reach.
    expect(w.sandbox.stats()).toMatchObject({ 'sso:GetRoleCredentials': 1, 'sts:AssumeRole': 1 });
    const test = await call(w, 'auth:test-connection');
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);

    // Signed out (IAM Identity Center's session ends too): Sign in goes through IAM Identity Center's page.
    await call(w, 'auth:sign-out');
    expect(existsSync(cacheFile(w.home))).toBe(false);
    const signingIn = call(w, 'auth:sign-in');
    const url = await w.platform.nextOpenedUrl();
    expect(url.startsWith(`${w.sandbox.identityCenter.oidcEndpoint}/authorize?`)).toBe(true);
    expect((await signInOnPage(url)).status).toBe(200);
    await signingIn;
    expect(w.services.accounts.status()).toMatchObject({ state: 'ready', identity: { arn: expect.stringMatching(/assumed-role\/Admin\/ada-admin$/) } });
  });

  it("takes a role with a role taken with an IAM Identity Center profile's credentials, every step through Strata's own clients", async () => {
    const w = await world({
      env: { STRATA_CREDENTIAL_SOURCE: 'profile:sso-audit' },
      before: (sandbox, home) => {
        appendFileSync(
          path.join(home, '.aws', 'config'),
          [
            '[profile sso-admin]',
            `role_arn = arn:aws:iam::${sandbox.accountId}:role/Admin`,
            'source_profile = sso-dev',
            '[profile sso-audit]',
            `role_arn = arn:aws:iam::${sandbox.accountId}:role/Auditor`,
            'source_profile = sso-admin',
            'role_session_name = ada-audit',
            '',
          ].join('\n'),
        );
        mkdirSync(path.dirname(cacheFile(home)), { recursive: true });
        writeFileSync(cacheFile(home), JSON.stringify(sandbox.identityCenter.cliSession('ada')));
      },
    });
    const status = await until(w, (s) => s.state === 'ready');
    if (status.state !== 'ready') throw new Error('not ready');
    expect(status.identity.arn).toBe(`arn:aws:sts::${w.sandbox.accountId}:assumed-role/Auditor/ada-audit`);
    // The portal's credentials, then both roles, through the sandbox's endpoints that only Strata's clients reach.
    expect(w.sandbox.stats()).toMatchObject({ 'sso:GetRoleCredentials': 1, 'sts:AssumeRole': 2 });
    expect(status.sso).toMatchObject({ renewable: true });

    // The role in the middle refused: the message names it.
    await call(w, 'auth:sign-out');
    w.sandbox.faults.deniedRoles.add('Admin');
    try {
      mkdirSync(path.dirname(cacheFile(w.home)), { recursive: true });
      writeFileSync(cacheFile(w.home), JSON.stringify(w.sandbox.identityCenter.cliSession('ada')));
      await expect(call(w, 'auth:sign-in')).rejects.toMatchObject({
        message: 'AWS didn\'t let the profile “sso-audit” take the role of the profile “sso-admin” it goes through.',
        action: expect.stringContaining(':role/Admin'),
      });
    } finally {
      w.sandbox.faults.deniedRoles.delete('Admin');
    }
  });

  it('uses a session the AWS CLI made as it is, without the browser, and picks one up the moment the CLI signs in', async () => {
    const w = await world({
      env: { STRATA_CREDENTIAL_SOURCE: 'profile:sso-dev' },
    });
    // No session yet: the profile waits for the person, asking nothing at start.
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', source: { profileKind: 'sso' } });

    // `aws sso login` in a terminal writes the cache; Strata goes on with it.
    mkdirSync(path.dirname(cacheFile(w.home)), { recursive: true });
    writeFileSync(cacheFile(w.home), JSON.stringify(w.sandbox.identityCenter.cliSession('grace', { refreshable: false })));
    const status = await until(w, (s) => s.state === 'ready');
    if (status.state !== 'ready') throw new Error('not ready');
    expect(status.identity.arn).toMatch(/\/grace$/);
    expect(status.sso).toMatchObject({ renewable: false });
    expect(w.sandbox.stats()['sso-oidc:authorize'] ?? 0).toBe(0);
  });

  it('starts with a cached session at once', async () => {
    const w = await world({
      env: { STRATA_CREDENTIAL_SOURCE: 'profile:sso-dev' },
      before: (sandbox, home) => {
        mkdirSync(path.dirname(cacheFile(home)), { recursive: true });
        writeFileSync(cacheFile(home), JSON.stringify(sandbox.identityCenter.cliSession('ada')));
      },
    });
    await until(w, (s) => s.state === 'ready');
    // Sign in while the cached session has hours left: no browser, the same session.
    await call(w, 'auth:sign-in');
    expect(w.sandbox.stats()['sso-oidc:RegisterClient'] ?? 0).toBe(0);
  });

  it('renews the session with its refresh token before it ends, writing the new token to the cache', async () => {
    const w = await world();
    w.sandbox.identityCenter.setTokenTtl(8);
    const first = await signInWithBrowser(w);
    const before = JSON.parse(readFileSync(cacheFile(w.home), 'utf8')) as { accessToken: string; refreshToken: string };
    await until(w, () => (w.sandbox.stats()['sso-oidc:CreateToken:refresh_token'] ?? 0) >= 1, 15_000);
    const renewed = await until(w, (s) => s.state === 'ready' && s.renewedAt > (first.state === 'ready' ? first.renewedAt : 0), 15_000);
    expect(renewed.state).toBe('ready');
    const after = JSON.parse(readFileSync(cacheFile(w.home), 'utf8')) as { accessToken: string; refreshToken: string };
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
  });

  it('ends the session when IAM Identity Center says the token is over and it cannot be renewed', async () => {
    const w = await world({
      env: { STRATA_CREDENTIAL_SOURCE: 'profile:sso-dev' },
      before: (sandbox, home) => {
        mkdirSync(path.dirname(cacheFile(home)), { recursive: true });
        writeFileSync(cacheFile(home), JSON.stringify(sandbox.identityCenter.cliSession('ada', { refreshable: false })));
      },
    });
    await until(w, (s) => s.state === 'ready');
    w.sandbox.faults.expireSsoTokens();
    await expect(w.services.accounts.session.renewCredentials()).rejects.toMatchObject({ code: 'session-expired' });
    const status = await until(w, (s) => s.state === 'expired');
    expect(status).toMatchObject({ error: { message: 'Your IAM Identity Center session has ended.' } });
  });

  it('signs in with a code when the person chooses it instead of the browser', async () => {
    const w = await world();
    const choosing = call(w, 'accounts:choose', { source: { kind: 'profile', profile: 'sso-dev' } });
    await w.platform.nextOpenedUrl(); // the sign-in page the person did not use
    const withCode = call(w, 'auth:sign-in-with-code');
    const asking = await until(w, (s) => s.state === 'signing-in' && s.device !== undefined);
    const device = asking.state === 'signing-in' ? asking.device! : undefined;
    expect(device?.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const page = await w.platform.nextOpenedUrl();
    expect(page).toContain(`user_code=${device!.userCode}`);
    const confirmed = await confirmOnPage(page, { user_code: device!.userCode, username: 'ada', password: 'analytical-engine', action: 'allow' });
    expect(confirmed.status).toBe(200);
    await withCode;
    await choosing.catch(() => undefined);
    const status = await until(w, (s) => s.state === 'ready');
    expect(status).toMatchObject({ state: 'ready', source: { profile: 'sso-dev' } });
    expect(w.sandbox.stats()['sso-oidc:CreateToken:device_code']).toBe(1);
  });

  it('turns away a stray callback without the sign-in state and goes on', async () => {
    const w = await world();
    const choosing = call(w, 'accounts:choose', { source: { kind: 'profile', profile: 'sso-dev' } });
    const url = new URL(await w.platform.nextOpenedUrl());
    const redirect = url.searchParams.get('redirect_uri')!;
    expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    const stray = await fetch(`${redirect}?code=x&state=not-this-one`);
    expect(stray.status).toBe(400);
    expect(w.services.accounts.status().state).toBe('signing-in');
    await signInOnPage(url.href);
    await choosing;
    await until(w, (s) => s.state === 'ready');
  });

  it('says which role IAM Identity Center would not give', async () => {
    const w = await world();
    w.sandbox.faults.deniedRoles.add('PowerUser');
    const choosing = call(w, 'accounts:choose', { source: { kind: 'profile', profile: 'sso-dev' } });
    await signInOnPage(await w.platform.nextOpenedUrl());
    await choosing.catch(() => undefined);
    const status = await until(w, (s) => s.state === 'error');
    expect(status).toMatchObject({
      error: { code: 'aws-rejected', message: "IAM Identity Center doesn't give you the role PowerUser in the AWS account 123456789012." },
    });
  });

  it('signs out as aws sso logout does: the portal forgets the token and the cache file goes', async () => {
    const w = await world();
    await signInWithBrowser(w);
    expect(existsSync(cacheFile(w.home))).toBe(true);
    await call(w, 'auth:sign-out');
    expect(existsSync(cacheFile(w.home))).toBe(false);
    expect(w.sandbox.stats()['sso:Logout']).toBe(1);
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', source: { profile: 'sso-dev' } });
    expect((await ssoView(w)).sso?.session).toEqual({ state: 'signed-out' });
  });

  it('ends the session when an IAM Identity Center endpoint changes, keeping the shared session for the next sign-in', async () => {
    // The portal's address as the person's own setting (an environment variable would outrank any change).
    const w = await world({ env: { STRATA_SSO_ENDPOINT: '' } });
    await call(w, 'settings:update', { ssoEndpoint: w.sandbox.identityCenter.portalEndpoint });
    await signInWithBrowser(w);
    const used = w.sandbox.stats()['sso:GetRoleCredentials'];
    const view = await call(w, 'settings:update', { ssoEndpoint: 'https://portal.sso.example.com' });
    expect(view.notices.map((notice) => notice.id)).toContain('signed-out:settings-changed');
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', source: { profile: 'sso-dev' } });
    expect(existsSync(cacheFile(w.home))).toBe(true);
    expect(w.sandbox.stats()['sso:GetRoleCredentials']).toBe(used);
  });
});

