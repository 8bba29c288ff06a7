/**
 * The log file and the diagnostics zip after a real day's work against the
 * sandbox: company sign-in in the browser, a chat, sign-out. Every secret the
 * run handled (the identity provider's tokens, the authorization code, the
 * AWS credentials Cognito returned, the proxy password, what the person typed
 * and what the model answered) is collected and looked for in both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../main/app/services';
import type { ChatStarted, SessionStatus } from '../../preload/contract';
import { nodePlatform } from '../harness/node-platform';
import { callHandler, collected, untilStatus } from '../harness/services-calls';
import { loginOverHttp } from '../sandbox/http-login';
import { SANDBOX_MODELS, startSandbox } from '../sandbox/index';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A day's work at debug level (the most the log ever says), with everything secret it handled. */
async function dayOfWork() {
  const sandbox = await startSandbox({ bedrock: { tokensPerSecond: 0 } });
  cleanups.push(() => sandbox.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-logs-'));
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0', STRATA_LOG_LEVEL: 'debug' },
    userDataDir: dir,
    keychainKey: randomBytes(32),
  });
  const services = createServices(platform);
  cleanups.push(() => services.dispose());
  const events = collected(services, 'chat:event');
  await services.start();

  const proxyPassword = `pw-${randomBytes(12).toString('hex')}`;
  await callHandler(services, 'settings:set-proxy-sign-in', { username: 'ada.proxy', password: proxyPassword });

  const signingIn = callHandler(services, 'auth:sign-in');
  const user = sandbox.users[0]!;
  const signInPage = new URL(await platform.nextOpenedUrl());
  const callback = await loginOverHttp(signInPage, user.username, user.password);
  const code = callback.searchParams.get('code')!;
  await fetch(callback).then((page) => page.text());
  expect(((await signingIn) as SessionStatus).state).toBe('ready');
  const aws = await services.session.credentialProvider()();

  const prompt = `Summarise the Kestrel ${randomBytes(6).toString('hex')} budget memo`;
  const started = (await callHandler(services, 'chat:send', { conversationId: null, text: prompt, settings: { modelId: SANDBOX_MODELS.writer } })) as ChatStarted;
  await expect.poll(() => events.some((e) => e.requestId === started.requestId && e.type === 'done'), { timeout: 15_000 }).toBe(true);
  const answer = services.conversations.get(started.conversation.id).messages.at(-1)!.text;

  await callHandler(services, 'auth:sign-out');
  await untilStatus(services, (status) => status.state === 'signed-out');

  const secrets = {
    ...Object.fromEntries(sandbox.issuedTokens().map((token, i) => [`identity provider token ${i}`, token])),
    'authorization code': code,
    // Not secret, but what ties the browser's answer to this sign-in: masked too.
    'sign-in state': signInPage.searchParams.get('state')!,
    'sign-in nonce': signInPage.searchParams.get('nonce')!,
    'AWS access key id': aws.accessKeyId,
    'AWS secret access key': aws.secretAccessKey,
    'AWS session token': aws.sessionToken!,
    'proxy password': proxyPassword,
    'prompt text': prompt,
    'answer text': answer,
  };
  return { sandbox, platform, services, started, secrets };
}

/** The names of the secrets found in `text`. */
function leaked(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

describe('logs and diagnostics', () => {
  it('the log file tells IT what happened, and holds none of the secrets the run handled', async () => {
    const { platform, started, secrets } = await dayOfWork();
    // The identity provider answered with an access, id and refresh token at least.
    expect(Object.keys(secrets).filter((name) => name.startsWith('identity provider token')).length).toBeGreaterThanOrEqual(3);
    expect(secrets['answer text'].length).toBeGreaterThan(20);

    const file = readFileSync(platform.logFile, 'utf8');
    expect(file).toMatch(/\[info\] +starting: Strata development, Node \d+/);
    expect(file).toMatch(/\[info\] +session: signing in with company \(in the browser\)/);
    // The sign-in page, for when the browser did not open: its address stays, its state and nonce do not.
    expect(file).toMatch(/\[debug\] +session: sign-in page http:\/\/127\.0\.0\.1:\d+\/auth\?.*state=\[redacted\]/);
    expect(file).toMatch(/\[info\] +session: ready with company as arn:aws:sts::123456789012:assumed-role\/StrataAuthenticated\/\S+ in us-east-1, credentials until \d{4}-/);
    expect(file).toContain(`chat: answer ${started.requestId} in conversation ${started.conversation.id} started with ${SANDBOX_MODELS.writer}`);
    expect(file).toMatch(new RegExp(`chat: answer ${started.requestId} .* finished, \\d+ tokens in, \\d+ out`));
    expect(file).toMatch(/\[info\] +session: signed out of company/);
    // What the test platform collects is what the file got, line for line.
    expect(platform.logs.filter((line) => line.startsWith('session: ')).length).toBeGreaterThanOrEqual(4);

    expect(leaked(file, secrets)).toEqual([]);
    expect(leaked(platform.logs.join('\n'), secrets)).toEqual([]);
  });

  it('"Copy diagnostics" saves a zip with the logs, versions, settings sources and connection check, and no secret', async () => {
    const { sandbox, platform, services, secrets } = await dayOfWork();
    const saved = (await callHandler(services, 'app:save-diagnostics')) as { path: string };
    expect(saved.path).toMatch(/strata-diagnostics-\d{4}-\d{2}-\d{2}-\d{4}\.zip$/);
    expect(platform.savedFiles).toEqual([saved.path]);

    const entries = unzipSync(readFileSync(saved.path));
    expect(Object.keys(entries).sort()).toEqual(['connection.txt', 'logs/main.log', 'settings.txt', 'versions.txt']);
    const text = Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes)]));
    expect(text['versions.txt']).toMatch(/^Strata: development$/m);
    expect(text['versions.txt']).toContain(`Node: ${process.versions.node}`);
    expect(text['versions.txt']).toContain(`Arch: ${process.arch}`);
    expect(text['settings.txt']).toContain(`Sign-in address (issuer) (issuer): "${sandbox.issuer}" (environment variable STRATA_ISSUER)`);
    expect(text['settings.txt']).toContain('Scopes (scopes): "openid profile email offline_access" (built-in default)');
    expect(text['settings.txt']).toContain('Proxy sign-in: saved for the user ada.proxy');
    expect(text['connection.txt']).toContain(sandbox.endpoints.bedrockRuntime);
    expect(text['logs/main.log']).toContain('session: signed out of company');

    for (const [name, content] of Object.entries(text)) expect({ name, leaked: leaked(content, secrets) }).toEqual({ name, leaked: [] });

    // Saved by Strata, so "Show in folder" may reveal it; and the save itself is in the log.
    await callHandler(services, 'app:show-in-folder', { path: saved.path });
    expect(platform.shownInFolder).toEqual([saved.path]);
    expect(readFileSync(platform.logFile, 'utf8')).toContain(`diagnostics saved to ${saved.path}`);
  });

  it('saves nothing when the person cancels', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-logs-'));
    const platform = nodePlatform({ env: {}, userDataDir: dir, keychainKey: randomBytes(32), saveAs: () => null });
    const services = createServices(platform);
    cleanups.push(() => services.dispose());
    expect(await callHandler(services, 'app:save-diagnostics')).toBeNull();
    expect(platform.savedFiles).toEqual([]);
  });
});
