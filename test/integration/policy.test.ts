/**
 * The organization's policy, enforced by the real services against the
 * sandbox: what it doesn't allow is neither listed nor usable by sending its
 * id, exporting and sign-in sources follow it, and a broken policy stops
 * Strata from signing in or chatting.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import { StrataError } from '../../main/errors';
import { awsFilesFolder, ssoProfileLines } from '../harness/aws-files';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { callHandler } from '../harness/services-calls';
import { loginOverHttp } from '../sandbox/http-login';
import { SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, SANDBOX_MODELS, startSandbox, type Sandbox } from '../sandbox/index';

interface World {
  sandbox: Sandbox;
  platform: NodePlatform;
  services: Services;
  policy: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let shared: Sandbox | undefined;
async function sandbox(): Promise<Sandbox> {
  if (!shared) {
    const started = await startSandbox({ bedrock: { tokensPerSecond: 0 } });
    shared = started;
    cleanups.push(async () => {
      shared = undefined;
      await started.close();
    });
  }
  return shared;
}

/** Strata with `policy` as the computer's policy file, and AWS profiles (one of them IAM Identity Center) in its environment. */
async function world(policy: unknown): Promise<World> {
  const box = await sandbox();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-policy-'));
  const file = path.join(dir, 'policy.json');
  writeFileSync(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  const platform = nodePlatform({
    env: { ...box.env(), STRATA_REDIRECT_PORT: '0', ...awsFilesFolder(box, ssoProfileLines(box)) },
    userDataDir: dir,
    keychainKey: randomBytes(32),
    policyPaths: [file],
    timing: { chatRetryBaseMs: 20, chatCheckpointMs: 0 },
  });
  const services = createServices(platform);
  cleanups.push(() => services.dispose());
  await services.start();
  return { sandbox: box, platform, services, policy: file };
}

async function signIn(w: World): Promise<void> {
  const signingIn = callHandler(w.services, 'auth:sign-in');
  const url = await w.platform.nextOpenedUrl();
  const user = w.sandbox.users[0]!;
  await fetch(await loginOverHttp(url, user.username, user.password)).then((r) => r.text());
  await signingIn;
  expect(w.services.accounts.status().state).toBe('ready');
}

/** What a handler refused with. */
async function refusal(run: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    if (error instanceof StrataError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the request to be refused');
}

const modelIds = async (w: World) => (await callHandler(w.services, 'models:list', {})).groups.flatMap((group) => group.models.map((model) => model.id));
const agentOf = (name: keyof typeof SANDBOX_AGENTS) => ({ ...SANDBOX_AGENTS[name], sessionId: 'policy-session-1' });

describe('allowed models', () => {
  it('lists only the models the organization allows and refuses another sent by id', async () => {
    const w = await world({ allowedModels: [SANDBOX_MODELS.thinker] });
    await signIn(w);
    // The thinker's inference profiles are the thinker: allowed; the writer is not listed.
    const listed = await modelIds(w);
    expect(listed).toContain(SANDBOX_MODELS.thinkerProfile);
    expect(listed).toContain(SANDBOX_MODELS.thinkerApplicationProfile);
    expect(listed).not.toContain(SANDBOX_MODELS.writer);

    const writerName = w.services.models.nameOf(SANDBOX_MODELS.writer);
    expect(await refusal(() => callHandler(w.services, 'chat:send', { conversationId: null, text: 'Hello', settings: { modelId: SANDBOX_MODELS.writer } }))).toEqual({
      code: 'not-allowed',
      message: `Your organization doesn't allow the model ${writerName} in Strata.`,
    });
    // Nothing was saved, and no request reached Bedrock.
    expect((await callHandler(w.services, 'conversations:list', {})).items).toEqual([]);
    expect(w.sandbox.bedrock.requests().filter((request) => request.modelId === SANDBOX_MODELS.writer)).toEqual([]);

    // An allowed conversation can't be moved to a disallowed model either.
    const started = await callHandler(w.services, 'chat:send', { conversationId: null, text: 'Hello', settings: { modelId: SANDBOX_MODELS.thinkerProfile } });
    const update = () =>
      callHandler(w.services, 'conversations:update-settings', { id: started.conversation.id, settings: { modelId: SANDBOX_MODELS.writer } });
    expect((await refusal(update)).code).toBe('not-allowed');
    expect(w.services.conversations.settings(started.conversation.id).modelId).toBe(SANDBOX_MODELS.thinkerProfile);
  });
});

describe('allowed agents and knowledge bases', () => {
  it('offers only the allowed ones and refuses another by id, on send and when set', async () => {
    const w = await world({ allowedAgents: [`${SANDBOX_AGENTS.librarian.agentId}/${SANDBOX_AGENTS.librarian.aliasId}`], allowedKnowledgeBases: [SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId] });
    await signIn(w);
    const directory = await callHandler(w.services, 'agents:list');
    expect(directory.agents.map((agent) => [agent.agentId, agent.aliases.map((alias) => alias.aliasId)])).toEqual([
      [SANDBOX_AGENTS.librarian.agentId, [SANDBOX_AGENTS.librarian.aliasId]],
    ]);
    expect(directory.knowledgeBases.map((base) => base.knowledgeBaseId)).toEqual([SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId]);

    const invokedBefore = w.sandbox.agents.requests().length + w.sandbox.knowledgeBases.requests().length;
    expect(
      await refusal(() =>
        callHandler(w.services, 'chat:send', { conversationId: null, text: 'Cancel order 42', settings: { modelId: SANDBOX_MODELS.writer, agent: agentOf('cancel') } }),
      ),
    ).toEqual({ code: 'not-allowed', message: "Your organization doesn't allow the agent Cancellations in Strata." });
    const kb = SANDBOX_KNOWLEDGE_BASES.engineering;
    expect(
      (
        await refusal(() =>
          callHandler(w.services, 'chat:send', {
            conversationId: null,
            text: 'How do I deploy?',
            settings: { modelId: SANDBOX_MODELS.writer, knowledgeBase: { knowledgeBaseId: kb.knowledgeBaseId, name: kb.name } },
          }),
        )
      ).message,
    ).toBe("Your organization doesn't allow the knowledge base Engineering wiki in Strata.");
    expect(w.sandbox.agents.requests().length + w.sandbox.knowledgeBases.requests().length).toBe(invokedBefore);

    // The allowed agent answers; moving its conversation to another agent is refused.
    const started = await callHandler(w.services, 'chat:send', { conversationId: null, text: 'How many days of leave?', settings: { modelId: SANDBOX_MODELS.writer, agent: agentOf('librarian') } });
    await w.services.chat.stopConversation(started.conversation.id);
    const move = () => callHandler(w.services, 'conversations:update-settings', { id: started.conversation.id, settings: { agent: agentOf('orders') } });
    expect((await refusal(move)).message).toBe("Your organization doesn't allow the agent Order desk in Strata.");
    expect(w.services.conversations.settings(started.conversation.id).agent?.agentId).toBe(SANDBOX_AGENTS.librarian.agentId);
  });
});

describe('exporting', () => {
  it('is refused in main when the organization turned it off, and the window is told', async () => {
    const w = await world({ allowExport: false });
    await signIn(w);
    const started = await callHandler(w.services, 'chat:send', { conversationId: null, text: 'Hello', settings: { modelId: SANDBOX_MODELS.writer } });
    await w.services.chat.stopConversation(started.conversation.id);
    expect(await refusal(() => callHandler(w.services, 'conversations:export', { id: started.conversation.id }))).toEqual({
      code: 'not-allowed',
      message: 'Your organization has turned off exporting conversations.',
    });
    expect((await callHandler(w.services, 'settings:get')).policy).toEqual({ allowExport: false });
  });

  it('is allowed by default', async () => {
    const w = await world({});
    await signIn(w);
    const started = await callHandler(w.services, 'chat:send', { conversationId: null, text: 'Hello', settings: { modelId: SANDBOX_MODELS.writer } });
    await w.services.chat.stopConversation(started.conversation.id);
    expect(await callHandler(w.services, 'conversations:export', { id: started.conversation.id })).toMatchObject({ path: expect.any(String) });
  });
});

describe('allowed sign-in sources', () => {
  it('offers only the allowed sources and refuses the others in main', async () => {
    const w = await world({ allowedCredentialSources: ['company', 'identity-center'] });
    const view = await callHandler(w.services, 'accounts:get');
    expect(view.allowedSources).toEqual(['company', 'identity-center']);
    // The access-key profile "dev" is not offered; the IAM Identity Center one is.
    expect(view.profiles.map((profile) => profile.name)).toEqual(['sso-dev']);
    expect(await refusal(() => callHandler(w.services, 'accounts:choose', { source: { kind: 'profile', profile: 'dev' } }))).toEqual({
      code: 'not-allowed',
      message: "Your organization doesn't allow signing in with an AWS profile in Strata.",
    });
    expect((await refusal(() => callHandler(w.services, 'accounts:choose', { source: { kind: 'environment' } }))).code).toBe('not-allowed');
    expect((await refusal(() => callHandler(w.services, 'accounts:save-api-key', { key: `ABSK${'A'.repeat(40)}` }))).message).toBe(
      "Your organization doesn't allow signing in with a Bedrock API key in Strata.",
    );
    expect(w.services.accounts.status().source).toEqual({ kind: 'company' });
  });

  it('keeps a source chosen before the policy signed out, and refuses signing in with it', async () => {
    const w = await world({ settings: { credentialSource: 'profile:dev' }, allowedCredentialSources: ['company'] });
    expect(w.services.accounts.status()).toMatchObject({ state: 'signed-out', source: { kind: 'profile', profile: 'dev' } });
    expect((await refusal(() => callHandler(w.services, 'auth:sign-in'))).message).toBe("Your organization doesn't allow signing in with an AWS profile in Strata.");
    expect(w.services.accounts.status().state).toBe('signed-out');
  });
});

describe('a broken policy', () => {
  it('stops sign-in and chat, and Settings carries the message naming the key and the file', async () => {
    const w = await world({ settings: { region: 'Ireland' } });
    const view = await callHandler(w.services, 'settings:get');
    expect(view.policy?.problem?.message).toBe(
      `Strata can't start: your organization's settings have a problem. The policy value \`region\` in ${w.policy} isn't valid: it must be an AWS Region, such as us-east-1. Tell IT.`,
    );
    expect(view.policy?.problem?.details).toContain(w.policy);
    for (const [channel, input] of [
      ['auth:sign-in', undefined],
      ['models:list', {}],
      ['chat:send', { conversationId: null, text: 'Hello', settings: { modelId: SANDBOX_MODELS.writer } }],
      ['conversations:list', {}],
      ['accounts:choose', { source: { kind: 'profile', profile: 'dev' } }],
      ['settings:update', { region: 'eu-west-1' }],
    ] as const) {
      const refused = await refusal(() => callHandler(w.services, channel, input));
      expect(refused, channel).toEqual({ code: 'policy-invalid', message: view.policy!.problem!.message });
    }
    expect(w.services.accounts.status().state).toBe('signed-out');
    expect(w.platform.logs.some((line) => line.includes("Strata won't sign in or chat"))).toBe(true);
  });

  it('that is not valid JSON stops Strata too', async () => {
    const w = await world('{ "settings": ');
    const problem = (await callHandler(w.services, 'settings:get')).policy?.problem;
    expect(problem?.message).toContain(`The policy in ${w.policy} can't be read: it isn't valid JSON`);
    expect((await refusal(() => callHandler(w.services, 'auth:sign-in'))).code).toBe('policy-invalid');
  });
});
