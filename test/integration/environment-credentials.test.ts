/**
 * This computer's own AWS credentials as the source, against the sandbox:
 * environment variables, and an EC2 instance's role through its metadata
 * service. Listed only when there, used at once, remembered, and each answer
 * says it was asked with them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import type { SessionStatus } from '../../preload/contract';
import { nodePlatform } from '../harness/node-platform';
import { callHandler, untilStatus } from '../harness/services-calls';
import { startSandbox, type Sandbox } from '../sandbox/index';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface World {
  sandbox: Sandbox;
  services: Services;
  dir: string;
}

async function world(
  options: {
    env?: (sandbox: Sandbox) => Record<string, string>;
    /** Variables the AWS SDK's providers read from the process itself (the metadata services' addresses). */
    processEnv?: (sandbox: Sandbox) => Record<string, string>;
    probeInstanceMetadata?: boolean;
    reuse?: Omit<World, 'services'>;
  } = {},
): Promise<World> {
  const sandbox = options.reuse?.sandbox ?? (await startSandbox());
  if (!options.reuse) cleanups.push(() => sandbox.close());
  for (const [name, value] of Object.entries(options.processEnv?.(sandbox) ?? {})) {
    const before = process.env[name];
    process.env[name] = value;
    cleanups.push(() => {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    });
  }
  const dir = options.reuse?.dir ?? mkdtempSync(path.join(os.tmpdir(), 'strata-env-'));
  const platform = {
    ...nodePlatform({
      env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0', ...options.env?.(sandbox) },
      userDataDir: dir,
      keychainKey: randomBytes(32),
    }),
    probeInstanceMetadata: options.probeInstanceMetadata ?? false,
  };
  const services = createServices(platform);
  cleanups.push(() => services.dispose());
  await services.start();
  return { sandbox, services, dir };
}

const call = <C extends keyof Services['handlers']>(w: World, channel: C, input?: unknown) => callHandler(w.services, channel, input);
const until = (w: World, test: (status: SessionStatus) => boolean, timeoutMs?: number) => untilStatus(w.services, test, timeoutMs);

/** The variables `export AWS_ACCESS_KEY_ID=…` in a terminal sets, for the IAM user grace. */
const variables = (sandbox: Sandbox) => {
  const key = sandbox.iamUserKey('grace');
  return { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
};

describe("this computer's own credentials", () => {
  it('are not listed, and cannot be chosen, when there are none', async () => {
    const w = await world();
    expect((await call(w, 'accounts:get')).environment).toBeUndefined();
    await expect(call(w, 'accounts:choose', { source: { kind: 'environment' } })).rejects.toMatchObject({
      code: 'invalid-input',
      message: "This computer doesn't offer AWS credentials of its own.",
    });
  });

  it('from environment variables: listed, used at once, Test connection passes, and remembered across a restart', async () => {
    const w = await world({ env: variables });
    expect((await call(w, 'accounts:get')).environment).toEqual({ from: 'variables' });
    await call(w, 'accounts:choose', { source: { kind: 'environment' } });
    const status = await until(w, (s) => s.state === 'ready');
    expect(status).toMatchObject({
      source: { kind: 'environment', from: 'variables' },
      user: { name: 'grace' },
      identity: { arn: 'arn:aws:iam::123456789012:user/grace' },
      expiresAt: null,
    });
    const test = await call(w, 'auth:test-connection');
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);

    // Signed out: nothing of the environment is Strata's to remove; Use takes them again.
    await call(w, 'auth:sign-out');
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', source: { kind: 'environment' } });
    w.services.dispose();

    const again = await world({ env: (sandbox) => ({ ...variables(sandbox) }), reuse: w });
    await until(again, (s) => s.state === 'ready' && s.source.kind === 'environment');
  });

  it("an EC2 instance's role, from its metadata service (v2): listed, used, and renewed before its credentials end", async () => {
    const w = await world({
      probeInstanceMetadata: true,
      processEnv: (sandbox) => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sandbox.instanceMetadata.endpoint }),
    });
    expect((await call(w, 'accounts:get')).environment).toEqual({ from: 'instance' });
    // Short-lived credentials, so the renewal comes within the test.
    w.sandbox.instanceMetadata.setCredentialsTtl(8);
    await call(w, 'accounts:choose', { source: { kind: 'environment' } });
    const first = await until(w, (s) => s.state === 'ready');
    if (first.state !== 'ready') throw new Error('not ready');
    const { roleName, instanceId } = w.sandbox.instanceMetadata;
    expect(first).toMatchObject({
      source: { kind: 'environment', from: 'instance' },
      user: { name: roleName },
      identity: { arn: `arn:aws:sts::123456789012:assumed-role/${roleName}/${instanceId}` },
    });
    expect(first.expiresAt).toBeGreaterThan(Date.now());

    const renewed = await until(w, (s) => s.state === 'ready' && s.renewedAt > first.renewedAt, 10_000);
    if (renewed.state !== 'ready') throw new Error('not ready');
    expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt!);
    const test = await call(w, 'auth:test-connection');
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);
    // Every metadata request carried a session token: Strata (through the SDK) speaks IMDSv2.
    const stats = w.sandbox.stats();
    expect(stats['imds:credentials']).toBeGreaterThanOrEqual(3);
    expect(stats['imds:token']).toBeGreaterThanOrEqual(1);
    expect(stats['imds:401'] ?? 0).toBe(0);
  });

  it('no metadata service answering: nothing listed, quickly', async () => {
    const started = Date.now();
    const w = await world({ probeInstanceMetadata: true, processEnv: () => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9' }) });
    expect((await call(w, 'accounts:get')).environment).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a container's task role: listed, used, and a wrong authorization token said in words", async () => {
    const container = (sandbox: Sandbox, token = sandbox.instanceMetadata.container.authorizationToken) => ({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: sandbox.instanceMetadata.container.uri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
    });
    const w = await world({ env: (sandbox) => container(sandbox), processEnv: (sandbox) => container(sandbox) });
    expect((await call(w, 'accounts:get')).environment).toEqual({ from: 'container' });
    await call(w, 'accounts:choose', { source: { kind: 'environment' } });
    const status = await until(w, (s) => s.state === 'ready');
    expect(status).toMatchObject({
      source: { kind: 'environment', from: 'container' },
      identity: { arn: expect.stringMatching(new RegExp(`:assumed-role/${w.sandbox.instanceMetadata.container.roleName}/task-`)) },
    });
    const test = await call(w, 'auth:test-connection');
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);
    w.services.dispose();

    const refused = await world({
      env: (sandbox) => container(sandbox, 'not-the-token'),
      processEnv: (sandbox) => container(sandbox, 'not-the-token'),
      reuse: w,
    });
    await until(refused, (s) => s.state === 'error');
    expect(refused.services.accounts.status()).toMatchObject({
      state: 'error',
      error: { code: 'not-configured', message: "Strata couldn't get this computer's AWS credentials." },
    });
    expect(refused.sandbox.stats()['container:credentials:401']).toBeGreaterThanOrEqual(1);
  });
});
