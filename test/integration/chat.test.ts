/**
 * Chat against the sandbox under Node: the real services, the real Bedrock
 * SDK clients, the Bedrock emulator; the person signed in through the IdP.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import { ConversationStore } from '../../main/chat/conversation-store';
import type { ChatEvent } from '../../preload/contract';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { collected } from '../harness/services-calls';
import { loginOverHttp } from '../sandbox/http-login';
import { SANDBOX_MODELS } from '../sandbox/index';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index';

interface World {
  sandbox: Sandbox;
  platform: NodePlatform;
  services: Services;
  events: ChatEvent[];
  dir: string;
  key: Buffer;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const WRITER = SANDBOX_MODELS.writer;
const THINKER_PROFILE = SANDBOX_MODELS.thinkerProfile;

async function world(options: SandboxOptions = {}, reuse?: { sandbox: Sandbox; dir: string; key: Buffer }): Promise<World> {
  const sandbox = reuse?.sandbox ?? (await startSandbox({ bedrock: { tokensPerSecond: 0 }, ...options }));
  if (!reuse) cleanups.push(() => sandbox.close());
  const dir = reuse?.dir ?? mkdtempSync(path.join(os.tmpdir(), 'strata-chat-'));
  const key = reuse?.key ?? randomBytes(32);
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0' },
    userDataDir: dir,
    keychainKey: key,
    timing: { chatRetryBaseMs: 20, chatCheckpointMs: 0 },
  });
  const services = createServices(platform);
  const events = collected(services, 'chat:event');
  cleanups.push(() => services.dispose());
  return { sandbox, platform, services, events, dir, key };
}

async function signedIn(options: SandboxOptions = {}): Promise<World> {
  const w = await world(options);
  await signInAgain(w);
  return w;
}

async function signInAgain(w: World): Promise<void> {
  const signingIn = w.services.session.signIn();
  const url = await w.platform.nextOpenedUrl();
  const callback = await loginOverHttp(url, w.sandbox.users[0]!.username, w.sandbox.users[0]!.password);
  await fetch(callback).then((r) => r.text());
  await signingIn;
}

/** Resolves with the final event of a request. */
function finished(w: World, requestId: string): Promise<ChatEvent> {
  return expect
    .poll(() => w.events.find((e) => e.requestId === requestId && (e.type === 'done' || e.type === 'failed')), {
      timeout: 15_000,
    })
    .toBeTruthy()
    .then(() => w.events.find((e) => e.requestId === requestId && (e.type === 'done' || e.type === 'failed'))!);
}

describe('chat with Bedrock', () => {
  it('streams a Markdown answer in order, saves it with usage and latency', async () => {
    const w = await signedIn();
    const conversation = w.services.conversations.create({ modelId: WRITER, systemPrompt: 'Use Markdown.' });
    const { requestId, conversation: started } = w.services.chat.send(conversation.id, 'Explain S3 storage classes');
    expect(started.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'streaming'],
    ]);
    const end = await finished(w, requestId);
    expect(end.type === 'failed' ? end.error : undefined).toBeUndefined();
    // Coalesced per frame: an answer that arrives at once may come as a single delta.
    const deltas = w.events.filter((e) => e.requestId === requestId && e.type === 'text');
    expect(deltas.length).toBeGreaterThan(0);
    const streamed = deltas.map((e) => (e.type === 'text' ? e.delta : '')).join('');
    const saved = w.services.conversations.get(conversation.id).messages.at(-1)!;
    expect(saved).toMatchObject({ status: 'complete', stopReason: 'end_turn', text: streamed });
    expect(saved.text).toMatch(/\|.*\|/);
    expect(saved.text).toContain('```');
    expect(saved.usage?.outputTokens).toBeGreaterThan(0);
    expect(saved.latencyMs).toBeGreaterThanOrEqual(0);
    const sent = w.sandbox.bedrock.requests().at(-1)!;
    expect(sent.system).toEqual([{ text: 'Use Markdown.' }]);
    expect(sent.messages).toEqual([{ role: 'user', content: [{ text: 'Explain S3 storage classes' }] }]);
  });

  it('shows the thinking of a reasoning model through its inference profile', async () => {
    const w = await signedIn();
    const c = w.services.conversations.create({ modelId: THINKER_PROFILE, systemPrompt: '' });
    const { requestId } = w.services.chat.send(c.id, 'Plan a migration');
    expect((await finished(w, requestId)).type).toBe('done');
    const saved = w.services.conversations.get(c.id).messages.at(-1)!;
    expect(saved.reasoning?.length).toBeGreaterThan(10);
    expect(w.events.some((e) => e.requestId === requestId && e.type === 'reasoning')).toBe(true);
  });

  it('Stop keeps the partial answer, marked interrupted', async () => {
    const w = await signedIn({ bedrock: { tokensPerSecond: 200, answerWords: 2000 } });
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    const { requestId } = w.services.chat.send(c.id, 'Write a long essay');
    await expect.poll(() => w.events.filter((e) => e.type === 'text').length, { timeout: 10_000 }).toBeGreaterThan(3);
    await w.services.chat.stop(requestId);
    const end = await finished(w, requestId);
    expect(end.type).toBe('done');
    const saved = w.services.conversations.get(c.id).messages.at(-1)!;
    expect(saved.status).toBe('interrupted');
    expect(saved.error).toBeUndefined();
    expect(saved.text.length).toBeGreaterThan(0);
  });

  it('saves the answer as it grows: a crash mid-answer keeps what arrived', async () => {
    const w = await signedIn({ bedrock: { tokensPerSecond: 200, answerWords: 2000 } });
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    const { requestId } = w.services.chat.send(c.id, 'Write a long essay');
    await expect.poll(() => w.events.filter((e) => e.type === 'text').length, { timeout: 10_000 }).toBeGreaterThan(5);
    // What a fresh start would find on disk right now, as if Strata had died this instant.
    // (A copy of the database files: the service keeps running on the original. Nothing writes during a synchronous copy.)
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-crash-'));
    for (const name of ['strata.db', 'strata.db-wal']) {
      if (fs.existsSync(path.join(w.dir, name))) fs.copyFileSync(path.join(w.dir, name), path.join(copy, name));
    }
    const afterCrash = new ConversationStore({ file: path.join(copy, 'strata.db') }).get(c.id).messages.at(-1)!;
    fs.rmSync(copy, { recursive: true, force: true });
    expect(afterCrash.status).toBe('interrupted');
    expect(afterCrash.error?.code).toBe('stream-interrupted');
    expect(afterCrash.text.length).toBeGreaterThan(10);
    await w.services.chat.stop(requestId);
  });

  it('retries while Bedrock is busy before the first token', async () => {
    const w = await signedIn();
    w.sandbox.faults.bedrock.throttleNext(2);
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    const { requestId } = w.services.chat.send(c.id, 'Hello');
    expect((await finished(w, requestId)).type).toBe('done');
    expect(w.sandbox.stats()['bedrock-runtime:ConverseStream:ThrottlingException']).toBe(2);
  });

  it('renews credentials that expire during a conversation without the person noticing', async () => {
    const w = await signedIn();
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    const first = w.services.chat.send(c.id, 'One');
    expect((await finished(w, first.requestId)).type).toBe('done');
    const issued = w.sandbox.stats()['cognito:GetCredentialsForIdentity']!;
    w.sandbox.faults.expireIssuedCredentials();
    const second = w.services.chat.send(c.id, 'Two');
    expect((await finished(w, second.requestId)).type).toBe('done');
    expect(w.sandbox.stats()['cognito:GetCredentialsForIdentity']).toBe(issued + 1);
  });

  it('turns each fault into guidance and keeps what arrived', async () => {
    const w = await signedIn();
    await w.services.models.list();
    const ask = async (modelId: string, prepare?: () => void) => {
      prepare?.();
      const c = w.services.conversations.create({ modelId, systemPrompt: '' });
      const { requestId } = w.services.chat.send(c.id, 'Question');
      const end = await finished(w, requestId);
      return { end, saved: w.services.conversations.get(c.id).messages.at(-1)! };
    };

    const denied = await ask(SANDBOX_MODELS.denied);
    expect(denied.end).toMatchObject({ type: 'failed', error: { code: 'model-access-denied' } });
    expect(denied.end.type === 'failed' && denied.end.error.details).toMatch(/AccessDeniedException[\s\S]*Request ID/);

    const needsProfile = await ask(SANDBOX_MODELS.thinker);
    expect(needsProfile.end).toMatchObject({
      type: 'failed',
      error: { code: 'model-needs-profile', fix: { kind: 'use-model', modelId: THINKER_PROFILE } },
    });

    const midStream = await ask(WRITER, () => w.sandbox.faults.bedrock.streamErrorAfter(3));
    expect(midStream.end).toMatchObject({ type: 'failed', error: { code: 'stream-interrupted' } });
    expect(midStream.saved).toMatchObject({ status: 'interrupted' });
    expect(midStream.saved.text.length).toBeGreaterThan(0);

    const cut = await ask(WRITER, () => w.sandbox.faults.bedrock.cutAfter(3));
    expect(cut.end).toMatchObject({ type: 'failed', error: { code: 'stream-interrupted' } });
    expect(cut.saved.text.length).toBeGreaterThan(0);

    const unknown = await ask('example.not-a-model-v1:0');
    expect(unknown.end).toMatchObject({ type: 'failed', error: { code: 'model-not-available' } });

    const busy = await ask(WRITER, () => w.sandbox.faults.bedrock.throttleNext(10));
    expect(busy.end).toMatchObject({ type: 'failed', error: { code: 'throttled' } });
  });

  it('lists text-chat models of the Region, grouped, with the last choice remembered across restarts', async () => {
    const w = await signedIn();
    const catalog = await w.services.models.list();
    const ids = catalog.groups.flatMap((g) => g.models.map((m) => m.id));
    expect(ids).toContain(WRITER);
    expect(ids).toContain(THINKER_PROFILE);
    expect(ids).not.toContain(SANDBOX_MODELS.thinker);
    expect(ids).not.toContain(SANDBOX_MODELS.embedding);
    w.services.models.choose(THINKER_PROFILE);
    w.services.dispose();
    const again = await world({}, { sandbox: w.sandbox, dir: w.dir, key: w.key });
    await again.services.start();
    expect((await again.services.models.list()).lastChoice).toBe(THINKER_PROFILE);
  });

  it('regenerates the last answer, and the history survives a restart', async () => {
    const w = await signedIn();
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    const first = w.services.chat.send(c.id, 'Tell me about Lambda');
    await finished(w, first.requestId);
    const before = w.services.conversations.get(c.id).messages.at(-1)!.id;
    const again = w.services.chat.regenerate(c.id);
    await finished(w, again.requestId);
    const messages = w.services.conversations.get(c.id).messages;
    expect(messages).toHaveLength(2);
    expect(messages[1]!.id).not.toBe(before);

    // Each answer keeps whom it was asked as: the company sign-in, the role AWS named, the Region.
    expect(messages[1]!.answeredAs).toEqual({
      source: 'company',
      arn: expect.stringMatching(new RegExp(`^arn:aws:sts::${w.sandbox.accountId}:assumed-role/StrataAuthenticated/`)),
      region: w.sandbox.region,
    });
    expect(messages[0]!.answeredAs).toBeUndefined();

    w.services.dispose();
    const restarted = await world({}, { sandbox: w.sandbox, dir: w.dir, key: w.key });
    const kept = restarted.services.conversations.get(c.id).messages;
    expect(kept.map((m) => m.text)).toEqual(messages.map((m) => m.text));
    expect(kept[1]!.answeredAs).toEqual(messages[1]!.answeredAs);
    const exported = await restarted.services.handlers['conversations:export']({ id: c.id });
    expect(readFileSync(exported!.path, 'utf8')).toContain('company account, role StrataAuthenticated, us-east-1');
  });

  it('a new conversation is saved by its first message only, and a window that joins late gets all the text so far', async () => {
    const w = await signedIn({ bedrock: { tokensPerSecond: 200, answerWords: 2000 } });
    // Nothing was sent: nothing saved. Refused (nobody can answer without a model): still nothing saved.
    expect(w.services.conversations.list().items).toEqual([]);
    expect(() => w.services.chat.send(null, 'Hello', { modelId: '' } as never)).toThrow();
    expect(w.services.conversations.list().items).toEqual([]);

    const started = await w.services.handlers['chat:send']({ conversationId: null, text: 'Write a long essay', settings: { modelId: WRITER, temperature: null } });
    expect(w.services.conversations.list().items.map((c) => c.id)).toEqual([started.conversation.id]);
    expect(started.conversation.settings).toEqual({ modelId: WRITER, systemPrompt: '' });
    await expect.poll(() => w.events.filter((e) => e.type === 'text').length, { timeout: 10_000 }).toBeGreaterThan(5);

    // What is running, with the text so far: the deltas sent add up to it, each at the offset it says.
    const [running] = await w.services.handlers['chat:running'](undefined);
    expect(running).toMatchObject({ requestId: started.requestId, conversationId: started.conversation.id });
    const deltas = w.events.filter((e) => e.type === 'text');
    let text = '';
    for (const delta of deltas) {
      expect(delta.offset).toBe(text.length);
      text += delta.delta;
    }
    expect(running!.message.text.startsWith(text)).toBe(true);
    // Opening the conversation mid-answer shows the text as it stands, not as last saved.
    const opened = await w.services.handlers['conversations:get']({ id: started.conversation.id });
    expect(opened.messages.at(-1)!.text.length).toBeGreaterThanOrEqual(text.length);

    await w.services.chat.stop(started.requestId);
    await finished(w, started.requestId);
    expect(await w.services.handlers['chat:running'](undefined)).toEqual([]);
  });

  it('clearing a setting with null puts the model\'s default back', async () => {
    const w = await world();
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '', temperature: 0.3, maxTokens: 50 });
    const updated = await w.services.handlers['conversations:update-settings']({ id: c.id, settings: { temperature: null } });
    expect(updated.settings).toEqual({ modelId: WRITER, systemPrompt: '', maxTokens: 50 });
    const untouched = await w.services.handlers['conversations:update-settings']({ id: c.id, settings: { temperature: undefined } });
    expect(untouched.settings).toEqual({ modelId: WRITER, systemPrompt: '', maxTokens: 50 });
  });

  it('a model Bedrock refused this person is listed as not available, until the person changes', async () => {
    const w = await signedIn();
    await w.services.models.list();
    const { requestId } = await w.services.handlers['chat:send']({ conversationId: null, text: 'Hi', settings: { modelId: SANDBOX_MODELS.denied } });
    expect((await finished(w, requestId)).type).toBe('failed');
    expect((await w.services.models.list()).unavailable).toEqual([SANDBOX_MODELS.denied]);
    await w.services.session.signOut();
    await signInAgain(w);
    expect((await w.services.handlers['models:list']({})).unavailable).toBeUndefined();
  });

  it('a model list still on its way when the person signs out is dropped, not kept for the next person', async () => {
    const w = await signedIn();
    const fetched = () => w.sandbox.stats()['bedrock:ListFoundationModels'] ?? 0;
    const pending = w.services.models.list().catch((err: unknown) => err);
    await w.services.session.signOut();
    expect(await pending).toMatchObject({ code: 'superseded' });
    await signInAgain(w);
    const before = fetched();
    await expect(w.services.models.list()).resolves.toMatchObject({ region: w.sandbox.region });
    // Fetched for the person now signed in, not served from what the earlier fetch brought back.
    expect(fetched()).toBe(before + 1);
  });

  it('Test connection: who AWS says the person is, their models, one short question that saves nothing; a failing step in words', async () => {
    const w = await signedIn();
    const asked = w.sandbox.bedrock.requests().length;
    const { steps } = await w.services.handlers['auth:test-connection'](undefined);
    expect(steps.map((s) => [s.id, s.state])).toEqual([
      ['identity', 'passed'],
      ['models', 'passed'],
      ['request', 'passed'],
    ]);
    expect(steps[0]?.message).toBe('AWS knows you as role StrataAuthenticated in account 1234-5678-9012.');
    expect(steps[2]?.message).toMatch(/^Claude 3\.5 Haiku answered in (\d+ ms|\d+\.\d s)\.$/);
    const request = w.sandbox.bedrock.requests().slice(asked);
    expect(request).toHaveLength(1);
    expect(request[0]).toMatchObject({ operation: 'Converse', modelId: WRITER, inferenceConfig: { maxTokens: 10 } });
    expect(w.services.conversations.list().items).toEqual([]);

    w.sandbox.faults.bedrock.throttleNext(1);
    const busy = await w.services.handlers['auth:test-connection'](undefined);
    expect(busy.steps[2]).toMatchObject({ state: 'failed', error: { code: 'throttled' } });
  });

  it('shows an exported file in the folder, and nothing Strata did not save', async () => {
    const w = await signedIn();
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    const { requestId } = w.services.chat.send(c.id, 'Hello');
    await finished(w, requestId);
    const saved = await w.services.handlers['conversations:export']({ id: c.id });
    await w.services.handlers['app:show-in-folder']({ path: saved!.path });
    expect(w.platform.shownInFolder).toEqual([saved!.path]);
    await expect(Promise.resolve().then(() => w.services.handlers['app:show-in-folder']({ path: '/etc/passwd' }))).rejects.toMatchObject({
      code: 'invalid-input',
    });
    expect(w.platform.shownInFolder).toHaveLength(1);
  });

  it('exports a conversation to a Markdown file', async () => {
    const w = await signedIn();
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    const { requestId } = w.services.chat.send(c.id, 'Compare EC2 and Lambda');
    await finished(w, requestId);
    const result = await w.services.handlers['conversations:export']({ id: c.id });
    expect(result).not.toBeNull();
    const text = readFileSync(result!.path, 'utf8');
    expect(text).toContain('# Compare EC2 and Lambda');
    expect(text).toContain('## You');
    expect(text).toContain('```');
  });

  it('refuses to chat when nobody is signed in, and saves nothing', async () => {
    const w = await world();
    const c = w.services.conversations.create({ modelId: WRITER, systemPrompt: '' });
    expect(() => w.services.chat.send(c.id, 'Hello')).toThrow(expect.objectContaining({ code: 'session-expired' }));
    expect(w.services.conversations.get(c.id).messages).toEqual([]);
  });
});
