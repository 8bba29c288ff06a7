/**
 * The guardrail IT policy requires, end to end under Node: the real services
 * with a policy file, the Bedrock emulators applying the sandbox's
 * guardrails, and the sandbox's frames checked against botocore's models.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import { conversationToMarkdown } from '../../main/chat/markdown-export';
import type { ChatEvent, ChatMessage, KnowledgeBaseConversation } from '../../preload/contract';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { collected } from '../harness/services-calls';
import { loginOverHttp } from '../sandbox/http-login';
import { SANDBOX_GUARDRAILS, SANDBOX_KNOWLEDGE_BASES, SANDBOX_MODELS, startSandbox, type Sandbox } from '../sandbox/index';
import { botocoreModel, shapeMismatches, signedRequest } from './aws-wire-check';

interface World {
  platform: NodePlatform;
  services: Services;
  events: ChatEvent[];
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ bedrock: { tokensPerSecond: 0 } });
});
afterAll(() => sandbox.close());

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const WRITER = SANDBOX_MODELS.writer;
const DENIED_TOPIC_QUESTION = 'Which stocks should I invest my bonus in?';

/** Strata with `rules` in an IT policy file (none: no policy), signed in as ada. */
async function signedIn(rules?: Record<string, unknown>): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-guardrail-'));
  const policyPaths: string[] = [];
  if (rules) {
    const file = path.join(dir, 'policy.json');
    // The rules sit at the top of the policy document, beside "settings".
    writeFileSync(file, JSON.stringify(rules));
    policyPaths.push(file);
  }
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0' },
    userDataDir: path.join(dir, 'user-data'),
    keychainKey: randomBytes(32),
    policyPaths,
    timing: { chatRetryBaseMs: 20, chatCheckpointMs: 0 },
  });
  const services = createServices(platform);
  const events = collected(services, 'chat:event');
  cleanups.push(() => services.dispose());
  expect(services.settings.policyProblem()).toBeUndefined();
  const signingIn = services.session.signIn();
  const callback = await loginOverHttp(await platform.nextOpenedUrl(), sandbox.users[0]!.username, sandbox.users[0]!.password);
  await fetch(callback).then((r) => r.text());
  await signingIn;
  return { platform, services, events };
}

/** Asks `text` in a new conversation and resolves with the saved answer once it ends. */
async function ask(w: World, text: string, settings: Parameters<Services['chat']['send']>[2] = { modelId: WRITER }): Promise<{ end: ChatEvent; saved: ChatMessage; conversationId: string }> {
  const { requestId, conversation } = w.services.chat.send(null, text, settings);
  await expect.poll(() => w.events.some((e) => e.requestId === requestId && (e.type === 'done' || e.type === 'failed')), { timeout: 15_000 }).toBe(true);
  const end = w.events.find((e) => e.requestId === requestId && (e.type === 'done' || e.type === 'failed'))!;
  return { end, saved: w.services.conversations.get(conversation.id).messages.at(-1)!, conversationId: conversation.id };
}

const required = (guardrail: { id: string; version: string }) => ({ requiredGuardrail: guardrail });

describe('a guardrail the policy requires', () => {
  it('goes with every model request; a question on a denied topic gets the guardrail’s message and the intervention in words, saved', async () => {
    const w = await signedIn(required(SANDBOX_GUARDRAILS.guarded));
    const before = sandbox.bedrock.requests().length;

    const normal = await ask(w, 'Explain S3 storage classes');
    expect(normal.end.type).toBe('done');
    expect(normal.saved).toMatchObject({ status: 'complete', stopReason: 'end_turn' });
    expect(normal.saved.guardrail).toBeUndefined();
    expect(normal.saved.text).toContain('Explain S3 storage classes');

    const blocked = await ask(w, DENIED_TOPIC_QUESTION);
    expect(blocked.end.type).toBe('done');
    expect(blocked.saved).toMatchObject({
      status: 'complete',
      stopReason: 'guardrail_intervened',
      text: 'Sorry, the model cannot answer this question.',
      guardrail: { action: 'blocked', message: "Your organization's guardrail blocked your question: it touches a denied topic (Investment advice)." },
    });
    // The window hears it with the answer's end, as it will read it after a restart.
    expect(blocked.end.type === 'done' && blocked.end.message.guardrail).toEqual(blocked.saved.guardrail);

    const masked = await ask(w, 'Draft a note to ada@example.com about the offsite');
    expect(masked.saved.text).toContain('{EMAIL}');
    expect(masked.saved.text).not.toContain('ada@example.com');
    expect(masked.saved.guardrail).toEqual({ action: 'masked', message: 'Some personal information was hidden (email addresses).' });

    // Test connection's short question goes through the guardrail too.
    const test = await w.services.handlers['auth:test-connection'](undefined);
    expect(test.steps.map((step) => step.state)).toEqual(['passed', 'passed', 'passed']);

    const sent = sandbox.bedrock.requests().slice(before);
    expect(sent.map((request) => request.operation)).toEqual(['ConverseStream', 'ConverseStream', 'ConverseStream', 'Converse']);
    for (const request of sent) {
      expect(request.guardrailConfig).toMatchObject({ guardrailIdentifier: SANDBOX_GUARDRAILS.guarded.id, guardrailVersion: '1', trace: 'enabled' });
    }
    expect(sent[0]!.guardrailConfig?.streamProcessingMode).toBe('sync');

    // Read back from the database, as a reloaded window gets it, and in the export.
    const reread = w.services.conversations.get(blocked.conversationId);
    expect(reread.messages.at(-1)!.guardrail).toEqual(blocked.saved.guardrail);
    expect(conversationToMarkdown(reread)).toContain(`> **Guardrail:** ${blocked.saved.guardrail!.message}`);
  });

  it('is not sent when the policy requires none', async () => {
    const w = await signedIn();
    const before = sandbox.bedrock.requests().length;
    const { saved } = await ask(w, DENIED_TOPIC_QUESTION);
    expect(saved.stopReason).toBe('end_turn');
    expect(saved.guardrail).toBeUndefined();
    const [sent] = sandbox.bedrock.requests().slice(before);
    expect(sent).toBeDefined();
    expect(sent).not.toHaveProperty('guardrailConfig');
  });

  it('a version that is not in the Region: the words say what to tell IT', async () => {
    const w = await signedIn(required({ id: SANDBOX_GUARDRAILS.guarded.id, version: '7' }));
    const { end, saved } = await ask(w, 'Explain S3 storage classes');
    expect(end.type).toBe('failed');
    expect(saved.status).toBe('interrupted');
    expect(saved.error).toMatchObject({
      code: 'guardrail-unavailable',
      message: "Strata can't answer: the guardrail your organization requires isn't available in us-east-1.",
      action: `Tell IT: the guardrail ${SANDBOX_GUARDRAILS.guarded.id} version 7 required by your organization's policy isn't in us-east-1.`,
    });
    expect(saved.error?.details).toContain('The guardrail identifier or version provided in the request does not exist.');
  });

  it('one the person may not apply: names bedrock:ApplyGuardrail, and the model stays usable', async () => {
    const w = await signedIn(required(SANDBOX_GUARDRAILS.forbidden));
    const { saved } = await ask(w, 'Explain S3 storage classes');
    expect(saved.error).toMatchObject({ code: 'guardrail-unavailable', action: `Tell IT: your role needs bedrock:ApplyGuardrail on the guardrail ${SANDBOX_GUARDRAILS.forbidden.id} version 1.` });
    const catalog = await w.services.handlers['models:list']({ refresh: false });
    expect(catalog.unavailable ?? []).not.toContain(WRITER);
  });

  it("goes with a knowledge base's answers too", async () => {
    const w = await signedIn(required(SANDBOX_GUARDRAILS.guarded));
    const handbook: KnowledgeBaseConversation = { knowledgeBaseId: SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId, name: SANDBOX_KNOWLEDGE_BASES.handbook.name };
    const before = sandbox.knowledgeBases.requests().length;
    const leave = await ask(w, 'How many days of annual leave can I carry over?', { knowledgeBase: handbook, modelId: WRITER });
    expect(leave.saved.agent?.citations.length).toBeGreaterThan(0);
    expect(leave.saved.guardrail).toBeUndefined();
    const { saved } = await ask(w, 'Should I invest in stocks?', { knowledgeBase: handbook, modelId: WRITER });
    expect(saved.text).toBe('Sorry, the model cannot answer this question.');
    expect(saved.guardrail).toEqual({ action: 'blocked', message: "Your organization's guardrail stepped in on this answer." });
    const [sent] = sandbox.knowledgeBases.requests().slice(before);
    expect(sent?.body).toMatchObject({
      retrieveAndGenerateConfiguration: {
        knowledgeBaseConfiguration: { generationConfiguration: { guardrailConfiguration: { guardrailId: SANDBOX_GUARDRAILS.guarded.id, guardrailVersion: '1' } } },
      },
    });
  });
});

describe('the sandbox applies guardrails as Bedrock does, on the wire', () => {
  const runtimeModel = botocoreModel('bedrock-runtime/2023-09-30/service-2.json.gz');
  const raw = (operation: 'converse' | 'converse-stream', body: unknown) =>
    signedRequest({ endpoint: sandbox.endpoints.bedrockRuntime, credentials: sandbox.iamUserKey('ada'), region: sandbox.region, method: 'POST', path: `/model/${WRITER}/${operation}`, body });
  const guardrailConfig = { guardrailIdentifier: SANDBOX_GUARDRAILS.guarded.id, guardrailVersion: 'DRAFT', trace: 'enabled' };
  const messages = (text: string) => [{ role: 'user', content: [{ text }] }];

  it('a blocked question: the stream is the events the model knows, the trace an input assessment; botocore shapes throughout', async () => {
    const wire = await raw('converse-stream', { messages: messages(DENIED_TOPIC_QUESTION), guardrailConfig: { ...guardrailConfig, streamProcessingMode: 'sync' } });
    expect(wire.status).toBe(200);
    const members = runtimeModel.shapes.ConverseStreamOutput!.members!;
    for (const frame of wire.frames) {
      const type = frame.headers[':event-type']!;
      expect(members[type], type).toBeDefined();
      expect(shapeMismatches(runtimeModel, frame.payload, members[type]!.shape), type).toEqual([]);
    }
    const payload = (type: string) => wire.frames.find((frame) => frame.headers[':event-type'] === type)?.payload as Record<string, unknown>;
    expect(payload('messageStop')).toEqual({ stopReason: 'guardrail_intervened' });
    const text = wire.frames.filter((frame) => frame.headers[':event-type'] === 'contentBlockDelta').map((frame) => (frame.payload as { delta: { text: string } }).delta.text).join('');
    expect(text).toBe('Sorry, the model cannot answer this question.');
    const metadata = payload('metadata') as { usage: { outputTokens: number }; trace: { guardrail: Record<string, unknown> } };
    expect(metadata.usage.outputTokens).toBe(0);
    expect(metadata.trace.guardrail).toEqual({
      inputAssessment: {
        [SANDBOX_GUARDRAILS.guarded.id]: expect.objectContaining({ topicPolicy: { topics: [{ name: 'Investment advice', type: 'DENY', action: 'BLOCKED', detected: true }] } }),
      },
    });
  });

  it('an answer with an email address: masked, with its output assessment; Converse the same', async () => {
    const wire = await raw('converse', { messages: messages('Write to ada@example.com'), guardrailConfig });
    expect(wire.status).toBe(200);
    expect(shapeMismatches(runtimeModel, wire.json, 'ConverseResponse')).toEqual([]);
    const json = wire.json as { stopReason: string; output: { message: { content: Array<{ text: string }> } }; trace: { guardrail: { outputAssessments: Record<string, unknown[]> } } };
    expect(json.stopReason).toBe('guardrail_intervened');
    expect(json.output.message.content[0]!.text).toContain('{EMAIL}');
    expect(json.trace.guardrail.outputAssessments[SANDBOX_GUARDRAILS.guarded.id]).toEqual([
      expect.objectContaining({ sensitiveInformationPolicy: { piiEntities: [{ match: 'ada@example.com', type: 'EMAIL', action: 'ANONYMIZED', detected: true }], regexes: [] } }),
    ]);
  });

  it("an unknown guardrail or version: Bedrock's ValidationException; a forbidden one: AccessDenied for bedrock:ApplyGuardrail", async () => {
    for (const config of [
      { ...guardrailConfig, guardrailIdentifier: 'nosuchguardrail' },
      { ...guardrailConfig, guardrailVersion: '42' },
    ]) {
      const wire = await raw('converse-stream', { messages: messages('Hello'), guardrailConfig: config });
      expect(wire.status).toBe(400);
      expect(wire.headers['x-amzn-errortype']).toMatch(/^ValidationException/);
      expect(shapeMismatches(runtimeModel, wire.json, 'ValidationException')).toEqual([]);
      expect(wire.json).toEqual({ message: 'The guardrail identifier or version provided in the request does not exist.' });
    }
    const forbidden = await raw('converse', { messages: messages('Hello'), guardrailConfig: { guardrailIdentifier: SANDBOX_GUARDRAILS.forbidden.id, guardrailVersion: '1' } });
    expect(forbidden.status).toBe(403);
    expect((forbidden.json as { message: string }).message).toMatch(/is not authorized to perform: bedrock:ApplyGuardrail on resource: arn:aws:bedrock:us-east-1:123456789012:guardrail\/sbx0forbidden/);
  });
});
