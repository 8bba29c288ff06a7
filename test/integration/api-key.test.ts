/**
 * A Bedrock API key as the source, against the sandbox's Bedrock emulators,
 * which take keys as bearer tokens the way Bedrock does: checked before it is
 * kept, kept encrypted, sent to Bedrock only, used in the Region a short-term
 * key was made for, ended with the key, and never used for a request signed
 * with AWS credentials (nor those for it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import type { ChatEvent, SessionStatus } from '../../preload/contract';
import { nodePlatform } from '../harness/node-platform';
import { callHandler, collected, untilStatus } from '../harness/services-calls';
import { startSandbox, type Sandbox } from '../sandbox/index';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface World {
  sandbox: Sandbox;
  services: Services;
  dir: string;
  keychainKey: Buffer;
  events: ChatEvent[];
}

async function world(options: { env?: (sandbox: Sandbox) => Record<string, string>; reuse?: Omit<World, 'services' | 'events'> } = {}): Promise<World> {
  const sandbox = options.reuse?.sandbox ?? (await startSandbox());
  if (!options.reuse) cleanups.push(() => sandbox.close());
  const dir = options.reuse?.dir ?? mkdtempSync(path.join(os.tmpdir(), 'strata-api-key-'));
  const keychainKey = options.reuse?.keychainKey ?? randomBytes(32);
  const services = createServices(
    nodePlatform({ env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0', ...options.env?.(sandbox) }, userDataDir: dir, keychainKey }),
  );
  cleanups.push(() => services.dispose());
  const events = collected(services, 'chat:event');
  await services.start();
  return { sandbox, services, dir, keychainKey, events };
}

const call = <C extends keyof Services['handlers']>(w: World, channel: C, input?: unknown) => callHandler(w.services, channel, input);
const until = (w: World, test: (status: SessionStatus) => boolean, timeoutMs?: number) => untilStatus(w.services, test, timeoutMs);

/** Asks one question in a new conversation and waits for the answer to end. */
async function ask(w: World, text = 'Hello there'): Promise<{ conversationId: string; end: ChatEvent }> {
  const catalog = await call(w, 'models:list', { refresh: false });
  const modelId = catalog.groups[0]!.models[0]!.id;
  const started = await call(w, 'chat:send', { conversationId: null, text, settings: { modelId } });
  await expect
    .poll(() => w.events.find((e) => e.requestId === started.requestId && (e.type === 'done' || e.type === 'failed')), { timeout: 10_000 })
    .toBeDefined();
  return { conversationId: started.conversation.id, end: w.events.find((e) => e.requestId === started.requestId && (e.type === 'done' || e.type === 'failed'))! };
}

/** Every file Strata keeps, as bytes, to look for the key in. */
function everythingSaved(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(path.join(entry.parentPath, entry.name))),
  );
}

describe('a Bedrock API key', () => {
  it('long-term: checked with Bedrock, used for the catalog and chat as a bearer token, encrypted at rest, and resumed after a restart', async () => {
    const w = await world();
    const key = w.sandbox.apiKeys.longTerm({ userName: 'BedrockAPIKey-ab12' });
    const view = await call(w, 'accounts:save-api-key', { key });
    expect(view.active).toEqual({ kind: 'api-key' });
    expect(view.apiKey).toEqual({ kind: 'long-term', ending: key.replace(/=+$/, '').slice(-4), user: 'BedrockAPIKey-ab12', account: '123456789012' });
    const status = await until(w, (s) => s.state === 'ready');
    expect(status).toMatchObject({
      source: { kind: 'api-key', key: { kind: 'long-term', user: 'BedrockAPIKey-ab12' } },
      user: { name: 'BedrockAPIKey-ab12' },
      identity: { arn: '', account: '123456789012' },
      region: 'us-east-1',
      expiresAt: null,
    });
    // The window never sees the key.
    expect(JSON.stringify([status, view, await call(w, 'accounts:get')])).not.toContain(key.slice(4, 40));

    const { conversationId, end } = await ask(w);
    expect(end.type).toBe('done');
    const stats = w.sandbox.stats();
    expect(stats['bedrock:ListFoundationModels:bearer']).toBeGreaterThanOrEqual(2);
    expect(stats['bedrock-runtime:ConverseStream:bearer']).toBe(1);
    const answer = w.services.conversations.get(conversationId).messages.at(-1)!;
    expect(answer.answeredAs).toEqual({ source: 'api-key', key: view.apiKey!.ending, arn: '', region: 'us-east-1' });

    const test = await call(w, 'auth:test-connection');
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);
    expect(test.steps[0]!.message).toBe(
      `Strata uses a long-term Bedrock API key of BedrockAPIKey-ab12 in account 1234-5678-9012, ending ${view.apiKey!.ending}.`,
    );

    // Kept encrypted: neither the key nor its secret is anywhere in Strata's files.
    const secret = Buffer.from(key.slice(4), 'base64').toString('utf8').split(':')[1]!;
    const saved = everythingSaved(w.dir);
    expect(saved.includes(key)).toBe(false);
    expect(saved.includes(secret)).toBe(false);

    w.services.dispose();
    const again = await world({ reuse: w });
    await until(again, (s) => s.state === 'ready' && s.source.kind === 'api-key');
    expect((await ask(again)).end.type).toBe('done');
  });

  it('one Bedrock refuses is not kept, the key before it stays, and the source in use does not change', async () => {
    const w = await world();
    const refused = w.sandbox.apiKeys.longTerm();
    w.sandbox.apiKeys.deactivate(refused);
    await expect(call(w, 'accounts:save-api-key', { key: refused })).rejects.toMatchObject({
      code: 'aws-rejected',
      message: "Amazon Bedrock didn't accept your API key.",
      details: expect.stringContaining('Authentication failed'),
    });
    let view = await call(w, 'accounts:get');
    expect(view).toMatchObject({ active: { kind: 'company' }, apiKey: null });

    const good = w.sandbox.apiKeys.longTerm({ userName: 'BedrockAPIKey-good' });
    await call(w, 'accounts:save-api-key', { key: good });
    await until(w, (s) => s.state === 'ready');
    await expect(call(w, 'accounts:save-api-key', { key: refused })).rejects.toMatchObject({ code: 'aws-rejected' });
    view = await call(w, 'accounts:get');
    expect(view.apiKey).toMatchObject({ user: 'BedrockAPIKey-good' });
    expect(w.services.accounts.status()).toMatchObject({ state: 'ready', user: { name: 'BedrockAPIKey-good' } });

    // Something that is not a key at all is said as such.
    await expect(call(w, 'accounts:save-api-key', { key: 'bedrock-api-key-bm90IGEga2V5' })).rejects.toMatchObject({
      code: 'invalid-input',
      message: "That isn't a Bedrock API key Strata can use: the short-term key is damaged.",
    });
  });

  it("short-term: requests go to the Region it was made for, whatever the Region setting, and the session ends with the key", async () => {
    const w = await world({ env: () => ({ STRATA_REGION: 'eu-west-1' }) });
    const key = await w.sandbox.apiKeys.shortTerm({ expiresInSeconds: 4 });
    const view = await call(w, 'accounts:save-api-key', { key });
    expect(view.apiKey).toMatchObject({ kind: 'short-term', region: 'us-east-1', expiresAt: expect.any(Number) });
    const ready = await until(w, (s) => s.state === 'ready');
    expect(ready).toMatchObject({ region: 'us-east-1', user: { name: 'Bedrock API key for us-east-1' } });
    const saved = view.apiKey;
    expect((ready as Extract<SessionStatus, { state: 'ready' }>).expiresAt).toBe(saved?.kind === 'short-term' ? saved.expiresAt : 0);
    expect((await ask(w)).end.type).toBe('done');

    const views = collected(w.services, 'accounts:changed');
    const ended = await until(w, (s) => s.state === 'expired', 10_000);
    expect(ended).toMatchObject({ error: { code: 'session-expired', message: 'Your Bedrock API key has expired.' } });
    // An ended key is of no more use: Settings (open or not) hears there is none, and asks for a new one.
    expect(views.at(-1)?.apiKey).toBeNull();
    expect((await call(w, 'accounts:get')).apiKey).toBeNull();
  });

  it('short-term: one already ended, or made for another Region, is refused in words', async () => {
    const w = await world();
    const ended = await w.sandbox.apiKeys.shortTerm({ signedAt: Date.now() - 13 * 3600_000 });
    await expect(call(w, 'accounts:save-api-key', { key: ended })).rejects.toMatchObject({
      code: 'session-expired',
      message: 'Your Bedrock API key has expired.',
    });
    const elsewhere = await w.sandbox.apiKeys.shortTerm({ region: 'us-west-2' });
    await expect(call(w, 'accounts:save-api-key', { key: elsewhere })).rejects.toMatchObject({ code: 'aws-rejected' });
    expect((await call(w, 'accounts:get')).apiKey).toBeNull();
  });

  it('a new key pasted while the old one is still being checked wins: the old check saves nothing when it ends', async () => {
    const w = await world();
    await call(w, 'accounts:save-api-key', { key: w.sandbox.apiKeys.longTerm({ userName: 'BedrockAPIKey-old1' }) });
    await until(w, (s) => s.state === 'ready');
    // Using the old key again, its check held on the way.
    const held = w.sandbox.faults.holdNextBedrockAnswer();
    const again = call(w, 'auth:sign-in').catch((err: unknown) => err);
    await held.arrived;
    await call(w, 'accounts:save-api-key', { key: w.sandbox.apiKeys.longTerm({ userName: 'BedrockAPIKey-new1' }) });
    await until(w, (s) => s.state === 'ready' && s.user.name === 'BedrockAPIKey-new1');
    held.release();
    await again;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(w.services.accounts.status()).toMatchObject({ state: 'ready', user: { name: 'BedrockAPIKey-new1' } });
    expect((await call(w, 'accounts:get')).apiKey).toMatchObject({ user: 'BedrockAPIKey-new1' });
  });

  it('removed while in use: signed out, nothing left on disk, and the front door asks for a key', async () => {
    const w = await world();
    const key = w.sandbox.apiKeys.longTerm();
    await call(w, 'accounts:save-api-key', { key });
    await until(w, (s) => s.state === 'ready');
    const view = await call(w, 'accounts:forget-api-key');
    expect(view).toMatchObject({ active: { kind: 'api-key' }, apiKey: null });
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', configured: true, source: { kind: 'api-key', key: null } });
    expect(readdirSync(w.dir)).not.toContain('bedrock-api-key.secret');
    await expect(call(w, 'auth:sign-in')).rejects.toMatchObject({ code: 'not-configured', message: 'No Bedrock API key is saved on this computer.' });
    await expect(call(w, 'accounts:choose', { source: { kind: 'company' } })).resolves.toMatchObject({ active: { kind: 'company' } });
    await expect(call(w, 'accounts:choose', { source: { kind: 'api-key' } })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('new Bedrock addresses end its session, and a restart does not send it to them until the person says so', async () => {
    // The endpoint is the person's setting here (the environment's would win over it).
    const w = await world({ env: () => ({ STRATA_BEDROCK_RUNTIME_ENDPOINT: '' }) });
    await call(w, 'settings:update', { bedrockRuntimeEndpoint: w.sandbox.endpoints.bedrockRuntime });
    await call(w, 'accounts:save-api-key', { key: w.sandbox.apiKeys.longTerm() });
    await until(w, (s) => s.state === 'ready');
    // The same emulator under another name: an address the key was never used with.
    const moved = w.sandbox.endpoints.bedrockRuntime.replace('127.0.0.1', 'localhost');
    await call(w, 'settings:update', { bedrockRuntimeEndpoint: moved });
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', configured: true, source: { kind: 'api-key' } });
    w.services.dispose();

    const again = await world({ env: () => ({ STRATA_BEDROCK_RUNTIME_ENDPOINT: '' }), reuse: w });
    const before = again.sandbox.stats()['bedrock:ListFoundationModels:bearer'] ?? 0;
    expect(again.services.accounts.status()).toMatchObject({ state: 'signed-out', configured: true });
    expect(again.sandbox.stats()['bedrock:ListFoundationModels:bearer'] ?? 0).toBe(before);
    await call(again, 'auth:sign-in');
    await until(again, (s) => s.state === 'ready');
    expect((await ask(again)).end.type).toBe('done');
  });

  it("AWS_BEARER_TOKEN_BEDROCK in Strata's environment does not take the place of the credentials a source signs with", async () => {
    const other = 'BedrockAPIKey-env';
    const w = await world({
      env: (sandbox) => {
        const keys = sandbox.iamUserKey('grace');
        return { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey };
      },
    });
    // The SDK reads this variable from the process itself.
    const saved = process.env.AWS_BEARER_TOKEN_BEDROCK;
    process.env.AWS_BEARER_TOKEN_BEDROCK = w.sandbox.apiKeys.longTerm({ userName: other });
    cleanups.push(() => {
      if (saved === undefined) delete process.env.AWS_BEARER_TOKEN_BEDROCK;
      else process.env.AWS_BEARER_TOKEN_BEDROCK = saved;
    });
    await call(w, 'accounts:choose', { source: { kind: 'environment' } });
    await until(w, (s) => s.state === 'ready');
    const { conversationId, end } = await ask(w);
    expect(end.type).toBe('done');
    const stats = w.sandbox.stats();
    expect(stats['bedrock-runtime:ConverseStream:bearer'] ?? 0).toBe(0);
    expect(stats['bedrock:ListFoundationModels:bearer'] ?? 0).toBe(0);
    expect(w.services.conversations.get(conversationId).messages.at(-1)!.answeredAs).toMatchObject({
      source: 'environment',
      arn: 'arn:aws:iam::123456789012:user/grace',
    });
  });
});
