/**
 * AWS profiles as the credential source, against the sandbox: the real
 * services under Node with the AWS files in a home folder of their own.
 * Static keys, assume-role (with an MFA code, and refused), a
 * credential_process; switching between them and the company sign-in,
 * remembered across a restart, and the files read again when they change.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import type { SessionStatus } from '../../preload/contract';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { callHandler, collected, untilStatus } from '../harness/services-calls';
import { signIn } from '../sandbox/clients';
import { loginOverHttp } from '../sandbox/http-login';
import { SANDBOX_MFA_CODE, startSandbox, type Sandbox } from '../sandbox/index';

interface World {
  sandbox: Sandbox;
  platform: NodePlatform;
  services: Services;
  statuses: SessionStatus[];
  dir: string;
  home: string;
  key: Buffer;
}

const cleanups: Array<() => Promise<void> | void> = [];
/** How far a test has moved the services' clock past the real one (a computer that slept). */
let slept = 0;
afterEach(async () => {
  slept = 0;
  while (cleanups.length) await cleanups.pop()!();
});

/** Writes ~/.aws/config and ~/.aws/credentials in `home` as the AWS CLI would. */
function writeAwsFiles(sandbox: Sandbox, home: string, user = 'ada'): void {
  const aws = path.join(home, '.aws');
  mkdirSync(aws, { recursive: true });
  const key = sandbox.iamUserKey(user);
  writeFileSync(path.join(aws, 'credentials'), `[dev]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`);
  const processScript = path.join(home, 'credentials-process.mjs');
  const grace = sandbox.iamUserKey('grace');
  writeFileSync(
    processScript,
    `console.log(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(grace.accessKeyId)}, SecretAccessKey: ${JSON.stringify(grace.secretAccessKey)} }));\n`,
  );
  const role = (name: string) => `arn:aws:iam::${sandbox.accountId}:role/${name}`;
  writeFileSync(
    path.join(aws, 'config'),
    [
      '[profile dev]',
      `region = ${sandbox.region}`,
      '[profile admin]',
      `role_arn = ${role('Admin')}`,
      'source_profile = dev',
      `region = ${sandbox.region}`,
      '[profile admin-mfa]',
      `role_arn = ${role('Admin')}`,
      'source_profile = dev',
      `mfa_serial = arn:aws:iam::${sandbox.accountId}:mfa/ada`,
      `region = ${sandbox.region}`,
      '[profile forbidden]',
      `role_arn = ${role('Forbidden')}`,
      'source_profile = dev',
      '[profile tool]',
      `credential_process = "${process.execPath}" "${processScript}"`,
      `region = ${sandbox.region}`,
      '[profile half]',
      'aws_access_key_id = AKIAHALFAKEY',
      '',
    ].join('\n'),
  );
}

async function world(
  reuse?: Pick<World, 'sandbox' | 'dir' | 'home' | 'key'>,
  env: Record<string, string> = {},
  policyPaths: string[] = [],
): Promise<World> {
  const sandbox = reuse?.sandbox ?? (await startSandbox());
  if (!reuse) cleanups.push(() => sandbox.close());
  sandbox.faults.deniedRoles.add('Forbidden');
  const dir = reuse?.dir ?? mkdtempSync(path.join(os.tmpdir(), 'strata-accounts-'));
  const home = reuse?.home ?? path.join(dir, 'home');
  if (!reuse) writeAwsFiles(sandbox, home);
  const key = reuse?.key ?? randomBytes(32);
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0', ...env },
    userDataDir: dir,
    keychainKey: key,
    home,
    policyPaths,
    timing: { signInTimeoutMs: 10_000, mfaTimeoutMs: 10_000, now: () => Date.now() + slept },
  });
  const services = createServices(platform);
  const statuses = collected(services, 'auth:status');
  cleanups.push(() => services.dispose());
  await services.start();
  return { sandbox, platform, services, statuses, dir, home, key };
}

const call = <C extends keyof Services['handlers']>(w: World, channel: C, input?: unknown) => callHandler(w.services, channel, input);
/** Waits until the status in use satisfies `test`. */
const until = (w: World, test: (status: SessionStatus) => boolean, timeoutMs?: number) => untilStatus(w.services, test, timeoutMs);

const ready = (w: World) => until(w, (status) => status.state === 'ready');

async function useProfile(w: World, profile: string) {
  await w.services.accounts.choose({ kind: 'profile', profile });
}

describe('AWS profiles as the source', () => {
  it("a web identity profile: the SDK reads its token file, Strata's STS client takes the role, and a bad token is said for the profile", async () => {
    const w = await world();
    const tokenFile = path.join(w.home, 'web-identity-token');
    writeFileSync(tokenFile, (await signIn(w.sandbox, 'grace')).idToken);
    appendFileSync(
      path.join(w.home, '.aws', 'config'),
      ['[profile pod]', `role_arn = arn:aws:iam::${w.sandbox.accountId}:role/Pod`, `web_identity_token_file = ${tokenFile}`, 'role_session_name = pod-grace', `region = ${w.sandbox.region}`, ''].join('\n'),
    );
    await useProfile(w, 'pod');
    const status = await ready(w);
    expect(status).toMatchObject({
      source: { kind: 'profile', profile: 'pod', profileKind: 'web-identity' },
      identity: { arn: `arn:aws:sts::${w.sandbox.accountId}:assumed-role/Pod/pod-grace` },
    });
    // The sandbox's STS, which only Strata's client (with the endpoint setting) reaches.
    expect(w.sandbox.stats()['sts:AssumeRoleWithWebIdentity']).toBe(1);

    writeFileSync(tokenFile, 'not-a-token');
    await expect(call(w, 'auth:sign-in')).rejects.toMatchObject({
      code: 'aws-rejected',
      message: "AWS didn't accept the web identity token of the AWS profile “pod”.",
    });
    expect(w.sandbox.stats()['sts:AssumeRoleWithWebIdentity:InvalidIdentityToken']).toBe(1);
  });

  it('lists the profiles of ~/.aws with their kinds, the one AWS_PROFILE names, and what is wrong with one', async () => {
    const w = await world(undefined, { AWS_PROFILE: 'admin' });
    const view = await w.services.accounts.view();
    expect(view.active).toEqual({ kind: 'company' });
    expect(view.files.config).toBe(path.join(w.home, '.aws', 'config'));
    expect(view.profiles.map((p) => [p.name, p.kind, p.mfa, p.fromEnvironment])).toEqual([
      ['admin', 'assume-role', false, true],
      ['admin-mfa', 'assume-role', true, false],
      ['dev', 'static', false, false],
      ['forbidden', 'assume-role', false, false],
      ['half', 'static', false, false],
      ['tool', 'process', false, false],
    ]);
    expect(view.profiles.find((p) => p.name === 'half')?.problem).toMatch(/half of an access key/);
    // No key crosses to the window.
    expect(JSON.stringify(view)).not.toContain(w.sandbox.iamUserKey('ada').secretAccessKey);
  });

  it('without company sign-in set up, starts with the profile AWS_PROFILE names, until the person chooses another', async () => {
    const noCompany = { STRATA_ISSUER: '', STRATA_CLIENT_ID: '', STRATA_IDENTITY_POOL_ID: '' };
    const w = await world(undefined, { ...noCompany, AWS_PROFILE: 'dev' });
    expect(await ready(w)).toMatchObject({ source: { kind: 'profile', profile: 'dev', profileKind: 'static' }, user: { name: 'ada' } });
    expect((await w.services.accounts.view()).active).toEqual({ kind: 'profile', profile: 'dev' });

    // The person's own choice is remembered and wins from then on.
    await useProfile(w, 'tool');
    await until(w, (status) => status.state === 'ready' && status.source.kind === 'profile' && status.source.profile === 'tool');
    w.services.dispose();
    const again = await world(w, { ...noCompany, AWS_PROFILE: 'dev' });
    expect((await again.services.accounts.view()).active).toEqual({ kind: 'profile', profile: 'tool' });

    // A profile that can't be used, or company sign-in set up by IT: nothing is preselected.
    for (const env of [{ ...noCompany, AWS_PROFILE: 'half' }, { AWS_PROFILE: 'dev' }]) {
      const other = await world(undefined, env);
      expect((await other.services.accounts.view()).active).toEqual({ kind: 'company' });
    }
  });

  it('uses static keys: the IAM user AWS names, the profile’s own Region, keys that do not expire, models from Bedrock', async () => {
    // The company's Region is elsewhere: the requests work only if they go to the profile's own Region.
    const w = await world(undefined, { STRATA_REGION: 'eu-west-3' });
    await useProfile(w, 'dev');
    const status = await ready(w);
    expect(status).toMatchObject({
      state: 'ready',
      source: { kind: 'profile', profile: 'dev', profileKind: 'static' },
      user: { name: 'ada' },
      identity: { arn: `arn:aws:iam::${w.sandbox.accountId}:user/ada` },
      region: w.sandbox.region,
      expiresAt: null,
    });
    const catalog = await w.services.models.list(true);
    expect(catalog.region).toBe(w.sandbox.region);
    expect(catalog.groups.length).toBeGreaterThan(0);
    const test = await call(w, 'auth:test-connection');
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);
  });

  it('takes a role from another profile’s keys through STS, with an expiry it renews before', async () => {
    const w = await world();
    await useProfile(w, 'admin');
    const status = await ready(w);
    if (status.state !== 'ready') throw new Error('not ready');
    expect(status.identity.arn).toMatch(/:assumed-role\/Admin\//);
    expect(status.user.name).toBe('Admin');
    expect(status.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(w.sandbox.stats()['sts:AssumeRole']).toBe(1);
  });

  it('on waking from sleep, the profile in use renews at once the role that came due while the computer slept', async () => {
    const w = await world();
    await useProfile(w, 'admin');
    await ready(w);
    expect(w.sandbox.stats()['sts:AssumeRole']).toBe(1);
    // The role's hour-long credentials are renewed five minutes before they end; the computer slept through that.
    slept = 57 * 60_000;
    w.services.wake();
    await expect.poll(() => w.sandbox.stats()['sts:AssumeRole'], { timeout: 5_000 }).toBe(2);
    const renewed = await until(w, (status) => status.state === 'ready' && status.expiresAt !== null && status.expiresAt > Date.now() + slept);
    expect(renewed).toMatchObject({ source: { kind: 'profile', profile: 'admin' }, identity: { arn: expect.stringMatching(/assumed-role\/Admin\//) } });
  });

  it('asks for the MFA code in the window: a wrong code is refused in words, the right one signs in', async () => {
    const w = await world();
    await useProfile(w, 'admin-mfa');
    const asking = await until(w, (status) => status.state === 'signing-in' && status.mfa !== undefined);
    expect(asking).toMatchObject({ interactive: true, mfa: { serial: `arn:aws:iam::${w.sandbox.accountId}:mfa/ada` } });
    await call(w, 'auth:submit-mfa-code', { code: '000000' });
    const refused = await until(w, (status) => status.state === 'error');
    expect(refused).toMatchObject({ error: { code: 'aws-rejected', message: "AWS didn't accept the MFA code." } });

    const signingIn = call(w, 'auth:sign-in');
    await until(w, (status) => status.state === 'signing-in' && status.mfa !== undefined);
    await call(w, 'auth:submit-mfa-code', { code: SANDBOX_MFA_CODE });
    expect(await signingIn).toMatchObject({ state: 'ready', identity: { arn: expect.stringMatching(/assumed-role\/Admin/) } });
    // Nothing waits for a code any more.
    await expect(call(w, 'auth:submit-mfa-code', { code: SANDBOX_MFA_CODE })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('says so when the role is refused, and when a profile is broken, naming the profile', async () => {
    const w = await world();
    await useProfile(w, 'forbidden');
    const refused = await until(w, (status) => status.state === 'error');
    expect(refused).toMatchObject({
      source: { kind: 'profile', profile: 'forbidden' },
      error: { code: 'aws-rejected', message: 'AWS didn\'t let the profile “forbidden” take its role.' },
    });
    await expect(w.services.accounts.choose({ kind: 'profile', profile: 'nope' })).rejects.toMatchObject({ code: 'invalid-input' });
    await useProfile(w, 'half');
    const broken = await until(w, (status) => status.state === 'error');
    expect(broken).toMatchObject({ error: { code: 'not-configured', message: expect.stringContaining('“half”') } });
  });

  it('runs a credential_process', async () => {
    const w = await world();
    await useProfile(w, 'tool');
    expect(await ready(w)).toMatchObject({ identity: { arn: `arn:aws:iam::${w.sandbox.accountId}:user/grace` } });
  });

  it('remembers the choice across a restart; a profile that asks for a code waits for the person', async () => {
    const first = await world();
    await useProfile(first, 'dev');
    await ready(first);
    first.services.dispose();
    const again = await world(first);
    expect(again.services.accounts.status()).toMatchObject({ state: 'ready', source: { profile: 'dev' }, user: { name: 'ada' } });

    await useProfile(again, 'admin-mfa');
    await until(again, (status) => status.state === 'signing-in' && status.mfa !== undefined);
    again.services.dispose();
    const third = await world(first);
    expect(third.services.accounts.status()).toMatchObject({ state: 'signed-out', source: { kind: 'profile', profile: 'admin-mfa' } });
  });

  it('reads the files again when they change: new keys in the credentials file are used at once', async () => {
    const w = await world();
    await useProfile(w, 'dev');
    await ready(w);
    writeAwsFiles(w.sandbox, w.home, 'grace');
    const changed = await until(w, (status) => status.state === 'ready' && status.user.name === 'grace');
    expect(changed).toMatchObject({ identity: { arn: expect.stringMatching(/:user\/grace$/) } });
  });

  it('switches to company sign-in and back: the company session resumes without the browser, the profile needs no sign-in', async () => {
    const w = await world();
    const signingIn = call(w, 'auth:sign-in');
    const user = w.sandbox.users[0]!;
    const callback = await loginOverHttp(await w.platform.nextOpenedUrl(), user.username, user.password);
    await fetch(callback);
    expect(await signingIn).toMatchObject({ state: 'ready', source: { kind: 'company' }, user: { name: 'Ada Lovelace' } });

    await useProfile(w, 'dev');
    expect(await ready(w)).toMatchObject({ source: { kind: 'profile' }, user: { name: 'ada' } });
    await w.services.accounts.choose({ kind: 'company' });
    expect(await ready(w)).toMatchObject({ source: { kind: 'company' }, user: { name: 'Ada Lovelace' } });
    // Only one browser sign-in happened.
    await expect(w.platform.nextOpenedUrl(200)).rejects.toThrow();
    // Statuses of a source no longer in use never reach the window.
    const afterSwitch = w.statuses.slice(w.statuses.findLastIndex((s) => s.source.kind === 'profile') + 1);
    expect(afterSwitch.every((s) => s.source.kind === 'company')).toBe(true);
  });

  it('finishes an answer under way on the credentials it began with, and asks the next as the new source', async () => {
    const w = await world();
    await useProfile(w, 'dev');
    await ready(w);
    const modelId = w.services.models.defaultModelId() || (await w.services.models.list(true)).groups[0]!.models[0]!.id;
    const events: Array<{ type: string; message?: { answeredAs?: unknown } }> = [];
    w.services.events.attach((channel, payload) => {
      if (channel === 'chat:event') events.push(payload as (typeof events)[number]);
    });
    const started = await w.services.chat.send(null, 'Tell me a long story.', { modelId });
    await until(w, () => events.some((event) => event.type === 'text'));
    await useProfile(w, 'admin');
    await until(w, (status) => status.state === 'ready' && status.user.name === 'Admin');
    await until(w, () => events.some((event) => event.type === 'done' || event.type === 'failed'));
    expect(events.find((event) => event.type === 'done' || event.type === 'failed')?.type).toBe('done');
    const first = w.services.conversations.get(started.conversation.id).messages.at(-1)!;
    expect(first).toMatchObject({ status: 'complete', answeredAs: { source: 'profile', profile: 'dev', arn: expect.stringMatching(/user\/ada$/) } });

    await w.services.chat.send(started.conversation.id, 'And another.');
    await until(w, () => events.filter((event) => event.type === 'done').length === 2);
    const second = w.services.conversations.get(started.conversation.id).messages.at(-1)!;
    expect(second.answeredAs).toMatchObject({ source: 'profile', profile: 'admin', arn: expect.stringMatching(/assumed-role\/Admin/) });
  });

  it('signs out of a profile: its credentials are gone, the source stays chosen', async () => {
    const w = await world();
    await useProfile(w, 'dev');
    await ready(w);
    const status = await call(w, 'auth:sign-out');
    expect(status).toMatchObject({ state: 'signed-out', configured: true, source: { kind: 'profile', profile: 'dev' } });
    expect(() => w.services.accounts.session.credentialProvider()).toThrow(/not signed in/);
    expect(await call(w, 'auth:sign-in')).toMatchObject({ state: 'ready', user: { name: 'ada' } });
  });

  it('keeps to the source IT chose: a locked choice cannot be changed, and Account says why', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-policy-'));
    const policy = path.join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ settings: { credentialSource: 'company' }, locked: ['credentialSource'], lockReason: 'Managed by Example Corp IT' }));
    const w = await world(undefined, { STRATA_CREDENTIAL_SOURCE: 'profile:dev' }, [policy]);
    const view = await w.services.accounts.view();
    expect(view).toMatchObject({ active: { kind: 'company' }, locked: 'Managed by Example Corp IT' });
    await expect(w.services.accounts.choose({ kind: 'profile', profile: 'dev' })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', source: { kind: 'company' } });
  });
});
