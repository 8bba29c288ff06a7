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
  options: { env?: (sandbox: Sandbox) => Record<string, string>; probeInstanceMetadata?: boolean; reuse?: Omit<World, 'services'> } = {},
): Promise<World> {
  const sandbox = options.reuse?.sandbox ?? (await startSandbox());
  if (!options.reuse) cleanups.push(() => sandbox.close());
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
const until = (w: World, test: (status: SessionStatus) => boolean) => untilStatus(w.services, test);

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
});
