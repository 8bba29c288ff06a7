/**
 * How main's connections travel, against the sandbox's network: the AWS
 * emulators behind HTTPS with a certificate from the sandbox CA, a CONNECT
 * proxy that resolves names the computer cannot, and a black hole. The real
 * services sign in, list models and chat through them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import type { ChatEvent, SessionStatus, SourceStatus } from '../../preload/contract';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { collected } from '../harness/services-calls';
import { loginOverHttp } from '../sandbox/http-login';
import { SANDBOX_MODELS, startSandbox, type Sandbox, type SandboxNetwork } from '../sandbox/index';

interface World {
  platform: NodePlatform;
  services: Services;
  events: ChatEvent[];
  statuses: SessionStatus[];
}

let sandbox: Sandbox;
let net: SandboxNetwork;
let caFile: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  sandbox = await startSandbox({ network: true, bedrock: { tokensPerSecond: 0 } });
  net = sandbox.network!;
  caFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'strata-ca-')), 'company-ca.pem');
  writeFileSync(caFile, net.caPem);
});
afterAll(() => sandbox.close());
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await net.proxy.setDown(false);
});

/** Strata's environment with the AWS endpoints replaced. */
const endpointsEnv = (endpoints: SandboxNetwork['httpsEndpoints']) => ({
  STRATA_COGNITO_IDENTITY_ENDPOINT: endpoints.cognitoIdentity,
  STRATA_STS_ENDPOINT: endpoints.sts,
  STRATA_BEDROCK_ENDPOINT: endpoints.bedrock,
  STRATA_BEDROCK_RUNTIME_ENDPOINT: endpoints.bedrockRuntime,
  STRATA_BEDROCK_AGENT_ENDPOINT: endpoints.bedrockAgent,
  STRATA_BEDROCK_AGENT_RUNTIME_ENDPOINT: endpoints.bedrockAgentRuntime,
  STRATA_SSO_ENDPOINT: endpoints.sso,
  STRATA_SSO_OIDC_ENDPOINT: endpoints.ssoOidc,
});

function world(env: Record<string, string>, extra: Partial<Parameters<typeof nodePlatform>[0]> = {}): World {
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0', ...env },
    userDataDir: mkdtempSync(path.join(os.tmpdir(), 'strata-net-')),
    keychainKey: randomBytes(32),
    timing: { signInTimeoutMs: 10_000, chatCheckpointMs: 0, network: { connectMs: 2_000, requestMs: 2_000 } },
    ...extra,
  });
  const services = createServices(platform);
  const events = collected(services, 'chat:event');
  const statuses = collected(services, 'auth:status');
  cleanups.push(() => services.dispose());
  return { platform, services, events, statuses };
}

async function signIn(w: World): Promise<SourceStatus> {
  const signingIn = w.services.session.signIn();
  const url = await w.platform.nextOpenedUrl();
  const callback = await loginOverHttp(url, sandbox.users[0]!.username, sandbox.users[0]!.password);
  await fetch(callback).then((r) => r.text());
  return signingIn;
}

async function chat(w: World, question: string): Promise<ChatEvent> {
  const conversation = w.services.conversations.create({ modelId: SANDBOX_MODELS.writer, systemPrompt: '' });
  const { requestId } = w.services.chat.send(conversation.id, question);
  const end = () => w.events.find((e) => e.requestId === requestId && (e.type === 'done' || e.type === 'failed'));
  await expect.poll(end, { timeout: 15_000 }).toBeTruthy();
  return end()!;
}

const count = (key: string) => sandbox.stats()[key] ?? 0;

describe('network: proxy and company certificates', () => {
  it('signs in, lists models and chats through the company proxy, trusting the company CA', async () => {
    const w = world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.proxy.url, STRATA_CA_BUNDLE: caFile });
    const tunnels = count('proxy:CONNECT');
    const cognitoBefore = count('cognito:GetCredentialsForIdentity');
    await expect(signIn(w)).resolves.toMatchObject({ state: 'ready', identity: { account: sandbox.accountId } });
    const catalog = await w.services.models.list();
    expect(catalog.groups.length).toBeGreaterThan(0);
    const end = await chat(w, 'Explain S3 storage classes');
    expect(end.type === 'failed' ? end.error : undefined).toBeUndefined();

    // Every AWS call went through the proxy (the names resolve nowhere else); the provider on this computer did not.
    expect(count('cognito:GetCredentialsForIdentity')).toBe(cognitoBefore + 1);
    for (const host of ['cognito-identity', 'sts', 'bedrock', 'bedrock-runtime']) {
      expect(count(`proxy:CONNECT:${host}.sandbox.test`), host).toBeGreaterThan(0);
    }
    expect(count('proxy:CONNECT:127.0.0.1')).toBe(0);
    expect(count('proxy:CONNECT')).toBeGreaterThan(tunnels);
    // Through a tunnel the streaming client speaks HTTP/1.1.
    expect(sandbox.bedrock.requests().at(-1)?.httpVersion).toBe('1.1');
  });

  it('without the company CA the same fails in words that name the host and the fix, and nothing is saved', async () => {
    const w = world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.proxy.url });
    const error = await signIn(w).catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: 'connection-not-trusted',
      message: expect.stringContaining('cognito-identity.sandbox.test'),
      action: expect.stringContaining('Company certificates'),
    });
    expect(w.services.session.getStatus()).toMatchObject({ state: 'error', error: { code: 'connection-not-trusted' } });
    expect(w.services.vault.load()).toBeUndefined();
  });

  it('HTTPS straight to private endpoints with the company CA: the streaming client keeps HTTP/2', async () => {
    const w = world({ ...endpointsEnv(net.httpsEndpoints), STRATA_CA_BUNDLE: caFile });
    const tunnels = count('proxy:CONNECT');
    await expect(signIn(w)).resolves.toMatchObject({ state: 'ready' });
    const end = await chat(w, 'Hello');
    expect(end.type).toBe('done');
    expect(sandbox.bedrock.requests().at(-1)?.httpVersion).toBe('2.0');
    expect(count('proxy:CONNECT')).toBe(tunnels);
  });

  it('an HTTP/2 connection to Bedrock Runtime that never completes its handshake gives up at the connect timeout', async () => {
    // The black hole takes the connection and never answers the TLS hello; answers get 10 s of quiet time.
    const hole = new URL(net.blackHole);
    const w = world(
      { ...endpointsEnv(net.httpsEndpoints), STRATA_CA_BUNDLE: caFile, STRATA_BEDROCK_RUNTIME_ENDPOINT: `https://${hole.host}` },
      { timing: { signInTimeoutMs: 10_000, chatCheckpointMs: 0, network: { connectMs: 500, requestMs: 2_000, streamIdleMs: 10_000 } } },
    );
    await expect(signIn(w)).resolves.toMatchObject({ state: 'ready' });
    const started = Date.now();
    const end = await chat(w, 'Hello');
    expect(end).toMatchObject({ type: 'failed', error: { code: 'aws-unreachable', details: expect.stringContaining('ETIMEDOUT') } });
    // Strata retries a request that never started; each attempt ends at the connect timeout, not the quiet time.
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("uses the computer's proxy by default, and goes direct for hosts on the no-proxy list", async () => {
    const asked: string[] = [];
    const resolveProxy = async (url: string) => {
      asked.push(new URL(url).hostname);
      return `PROXY 127.0.0.1:${net.proxy.port}; DIRECT`;
    };
    const w = world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_CA_BUNDLE: caFile }, { resolveProxy });
    const before = count('proxy:CONNECT:sts.sandbox.test');
    await expect(signIn(w)).resolves.toMatchObject({ state: 'ready' });
    expect(count('proxy:CONNECT:sts.sandbox.test')).toBe(before + 1);
    // The provider is on this computer: never sent to a proxy, not even asked about.
    expect(asked).not.toContain('127.0.0.1');

    // On the no-proxy list, the names are looked up here, where they do not exist.
    w.services.settings.update({ noProxy: '.sandbox.test' });
    const tunnels = count('proxy:CONNECT');
    const error = await w.services.models.list(true).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'aws-unreachable' });
    expect(count('proxy:CONNECT')).toBe(tunnels);
  });

  it('a proxy that is down, or drops what it is sent, ends the sign-in in words instead of hanging', async () => {
    await net.proxy.setDown(true);
    const down = world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.proxy.url, STRATA_CA_BUNDLE: caFile });
    await expect(signIn(down)).rejects.toMatchObject({
      code: 'proxy-failed',
      message: `Strata couldn't reach the proxy 127.0.0.1:${net.proxy.port}.`,
      action: expect.stringContaining('Settings → Network → Proxy'),
    });
    await net.proxy.setDown(false);

    const silent = world(
      { ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.blackHole, STRATA_CA_BUNDLE: caFile },
      { timing: { signInTimeoutMs: 10_000, network: { connectMs: 500, requestMs: 500 } } },
    );
    const started = Date.now();
    await expect(signIn(silent)).rejects.toMatchObject({ code: 'aws-unreachable', message: "AWS didn't answer in time." });
    // Ended by the connect timeout (each of the SDK's three attempts), not by the 10 s sign-in timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a proxy that asks for a sign-in: said so; the sign-in from Settings is kept encrypted, survives a restart, and goes only to that proxy', async () => {
    const proxyUser = { username: 'ada@corp', password: 'p@ss:word/1' };
    net.proxy.requireSignIn(proxyUser);
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-net-'));
      const keychainKey = randomBytes(32);
      const env = { ...endpointsEnv(net.proxiedEndpoints), STRATA_CA_BUNDLE: caFile };
      const w = world(env, { userDataDir: dir, keychainKey });
      await w.services.handlers['settings:update']({ proxy: net.proxy.url });
      await expect(signIn(w)).rejects.toMatchObject({
        code: 'proxy-failed',
        message: `The proxy 127.0.0.1:${net.proxy.port} asks for a user name and password.`,
        action: 'Enter them under Settings → Network → Proxy sign-in.',
      });

      const wrong = await w.services.handlers['settings:set-proxy-sign-in']({ ...proxyUser, password: 'nope' });
      expect(wrong.proxySignIn).toEqual({ username: 'ada@corp', persistent: true });
      await expect(signIn(w)).rejects.toMatchObject({
        message: `The proxy 127.0.0.1:${net.proxy.port} didn't accept the user name and password in Settings.`,
      });
      await w.services.handlers['settings:set-proxy-sign-in'](proxyUser);
      await expect(signIn(w)).resolves.toMatchObject({ state: 'ready' });
      expect(JSON.stringify(await w.services.handlers['settings:get'](undefined))).not.toContain(proxyUser.password);
      for (const file of readdirSync(dir)) {
        if (statSync(path.join(dir, file)).isFile()) expect(readFileSync(path.join(dir, file), 'latin1'), file).not.toContain(proxyUser.password);
      }
      await w.services.session.signOut();
      w.services.dispose();

      // Restarted: the proxy sign-in is still there, and Check connection uses it too.
      const again = world(env, { userDataDir: dir, keychainKey });
      const report = await again.services.handlers['app:check-connection'](undefined);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.text).not.toContain(proxyUser.password);
      await expect(signIn(again)).resolves.toMatchObject({ state: 'ready' });

      // The computer's own proxy never gets it.
      const before = count('proxy:CONNECT:407');
      const viaSystem = world(env, {
        userDataDir: dir,
        keychainKey,
        resolveProxy: async () => `PROXY 127.0.0.1:${net.proxy.port}`,
      });
      await viaSystem.services.handlers['settings:update']({ proxy: 'system' });
      await expect(signIn(viaSystem)).rejects.toMatchObject({
        code: 'proxy-failed',
        action: expect.stringContaining('Strata signs in only to a proxy named in Settings'),
      });
      expect(count('proxy:CONNECT:407')).toBeGreaterThan(before);

      await viaSystem.services.handlers['settings:clear-proxy-sign-in'](undefined);
      expect((await viaSystem.services.handlers['settings:get'](undefined)).proxySignIn).toBeNull();
      expect(existsSync(path.join(dir, 'proxy.secret'))).toBe(false);
    } finally {
      net.proxy.requireSignIn(undefined);
    }
  });

  it('the proxy refusing a host is said as such', async () => {
    const w = world({ STRATA_STS_ENDPOINT: 'https://sts.example.com', STRATA_PROXY: net.proxy.url, STRATA_CA_BUNDLE: caFile });
    await expect(signIn(w)).rejects.toMatchObject({
      code: 'proxy-failed',
      message: `The proxy 127.0.0.1:${net.proxy.port} doesn't allow connections to sts.example.com.`,
    });
    expect(count('proxy:CONNECT:refused')).toBeGreaterThan(0);
  });

  it('an AWS endpoint that takes the connection and never answers times out; the sign-in says so', async () => {
    const w = world(
      { STRATA_STS_ENDPOINT: net.blackHole },
      { timing: { signInTimeoutMs: 10_000, network: { connectMs: 500, requestMs: 500 } } },
    );
    const started = Date.now();
    await expect(signIn(w)).rejects.toMatchObject({
      code: 'aws-unreachable',
      message: "AWS didn't answer in time.",
      details: expect.stringContaining('ETIMEDOUT'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(w.services.session.getStatus()).toMatchObject({ state: 'error' });
  });

  it('a company certificate file that is missing or holds no certificate is named, and sign-in does not start', async () => {
    const junk = path.join(path.dirname(caFile), 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    for (const [file, message] of [
      [path.join(path.dirname(caFile), 'missing.pem'), "Strata couldn't open the company certificate file."],
      [junk, 'The company certificate file holds no certificates Strata can read.'],
    ] as const) {
      const w = world({ ...endpointsEnv(net.httpsEndpoints), STRATA_CA_BUNDLE: file });
      await expect(w.services.session.signIn()).rejects.toMatchObject({ code: 'network-config', message });
      expect(w.services.session.getStatus()).toMatchObject({ state: 'error', error: { code: 'network-config' } });
    }
  });

  it('an answer streaming while the network settings change finishes on its connection; the next one uses the new', async () => {
    const w = world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.proxy.url });
    w.services.settings.update({ caBundle: caFile });
    await signIn(w);
    sandbox.bedrock.setPace({ tokensPerSecond: 400, answerWords: 200 });
    try {
      const conversation = w.services.conversations.create({ modelId: SANDBOX_MODELS.writer, systemPrompt: '' });
      const { requestId } = w.services.chat.send(conversation.id, 'Tell me about S3');
      await expect.poll(() => w.events.some((e) => e.requestId === requestId && e.type === 'text')).toBe(true);
      // Same certificates in a new file: new connections from now on; the running answer keeps its tunnel.
      const copy = path.join(path.dirname(caFile), 'copy.pem');
      writeFileSync(copy, net.caPem);
      w.services.settings.update({ caBundle: copy });
      // A question in another conversation meanwhile opens a connection with the new settings.
      const second = chat(w, 'And Glacier?');
      const end = () => w.events.find((e) => e.requestId === requestId && (e.type === 'done' || e.type === 'failed'));
      await expect.poll(end, { timeout: 15_000 }).toBeTruthy();
      expect(end()).toMatchObject({ type: 'done' });
      await expect(second).resolves.toMatchObject({ type: 'done' });
    } finally {
      sandbox.bedrock.setPace({ tokensPerSecond: 0 });
    }
  });

  it('changing the proxy while signed in keeps the session, and the next request travels the new way', async () => {
    const w = world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_CA_BUNDLE: caFile });
    await w.services.handlers['settings:update']({ proxy: net.proxy.url });
    await signIn(w);
    await w.services.handlers['settings:update']({ proxy: 'none' });
    expect(w.services.session.getStatus().state).toBe('ready');
    // Direct, the proxy-only names cannot be found.
    await expect(w.services.models.list(true)).rejects.toMatchObject({ code: 'aws-unreachable' });
    await w.services.handlers['settings:update']({ proxy: net.proxy.url });
    await expect(w.services.models.list(true)).resolves.toMatchObject({ region: sandbox.region });
  });
});

describe('network: Check connection', () => {
  const check = (w: World) => w.services.handlers['app:check-connection'](undefined);
  const byName = (report: Awaited<ReturnType<typeof check>>, name: string) => report.checks.find((c) => c.name.startsWith(name))!;

  it('direct to HTTPS private endpoints with the company CA: every address reachable, whose certificate, in a report for IT', async () => {
    const w = world({ ...endpointsEnv(net.httpsEndpoints), STRATA_CA_BUNDLE: caFile, STRATA_PROXY: 'none' });
    const report = await check(w);
    expect(report.checks.map((c) => c.name)).toEqual([
      'Company sign-in',
      'Cognito Identity',
      'STS',
      'Bedrock (model list)',
      'Bedrock Runtime (chat)',
      'Bedrock Agent (agent list)',
      'Bedrock Agent Runtime (agents)',
      'IAM Identity Center sign-in',
      'IAM Identity Center portal',
    ]);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(byName(report, 'STS')).toMatchObject({
      route: 'Direct',
      addresses: 'This computer',
      certificateIssuer: 'Strata Sandbox CA, Strata Sandbox',
      summary: 'Reachable, certificate trusted.',
    });
    expect(byName(report, 'Company sign-in').summary).toBe('Reachable (plain HTTP, on this computer only).');
    expect(report.text).toContain(`OK  STS: ${net.httpsEndpoints.sts}`);
    expect(report.text).toContain('certificate issued by: Strata Sandbox CA');
    expect(report.text).toContain(`Company certificates: ${caFile}`);
  });

  it('through the proxy: says so, leaves the lookup to it; without the CA, names the certificate it does not trust', async () => {
    const trusted = await check(world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.proxy.url, STRATA_CA_BUNDLE: caFile }));
    expect(byName(trusted, 'Bedrock Runtime')).toMatchObject({
      ok: true,
      route: `Through the proxy 127.0.0.1:${net.proxy.port} (from Settings)`,
      addresses: 'Looked up by the proxy',
    });
    // The provider on this computer is never proxied.
    expect(byName(trusted, 'Company sign-in').route).toBe('Direct');

    const untrusted = await check(world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.proxy.url }));
    expect(byName(untrusted, 'Cognito Identity')).toMatchObject({
      ok: false,
      certificateIssuer: 'Strata Sandbox CA, Strata Sandbox',
      summary: expect.stringMatching(/^The certificate of cognito-identity\.sandbox\.test, from Strata Sandbox CA, Strata Sandbox, is not trusted here/),
    });
    expect(untrusted.text).toContain('FAIL Cognito Identity');
  });

  it('a refused tunnel, a proxy that is down, and an endpoint that never answers are each said as such, in time', async () => {
    const refused = await check(world({ STRATA_STS_ENDPOINT: 'https://sts.example.com', STRATA_PROXY: net.proxy.url }));
    expect(byName(refused, 'STS').summary).toBe(`The proxy 127.0.0.1:${net.proxy.port} refused the connection to sts.example.com (it answered 403).`);

    await net.proxy.setDown(true);
    const down = await check(world({ ...endpointsEnv(net.proxiedEndpoints), STRATA_PROXY: net.proxy.url }));
    expect(byName(down, 'STS').summary).toMatch(new RegExp(`^No connection through the proxy 127\\.0\\.0\\.1:${net.proxy.port}: .*ECONNREFUSED`));
    await net.proxy.setDown(false);

    const silentPort = new URL(net.blackHole).port;
    const started = Date.now();
    const silent = await check(
      world({ STRATA_STS_ENDPOINT: `https://localhost:${silentPort}` }, { timing: { network: { connectMs: 500, requestMs: 500 } } }),
    );
    expect(byName(silent, 'STS')).toMatchObject({ ok: false, summary: expect.stringContaining('did not answer within 0.5 s') });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
