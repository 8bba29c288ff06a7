/**
 * Conversations with Bedrock Agents through Strata's services under Node: the
 * person signed in through the sandbox's IdP, the agent answering through the
 * Agent Runtime emulator. A journey the way people use it — ask, approve,
 * ask again in the same session, deny, move on, close, come back, sign out —
 * and what is saved, sent to the window and exported at each step.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/app/services';
import { conversationToMarkdown } from '../../main/chat/markdown-export';
import { chatSchemas, type AgentConversation, type ChatEvent, type ChatMessage, type KnowledgeBaseConversation } from '../../preload/contract';
import { nodePlatform, type NodePlatform } from '../harness/node-platform';
import { collected } from '../harness/services-calls';
import { loginOverHttp } from '../sandbox/http-login';
import { SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, SANDBOX_MODELS, startSandbox, UNDEPLOYED_ALIAS, type Sandbox, type SandboxOptions } from '../sandbox/index';

interface World {
  sandbox: Sandbox;
  platform: NodePlatform;
  services: Services;
  events: ChatEvent[];
  dir: string;
  key: Buffer;
  /** Closes Strata (once), as quitting does. */
  dispose: () => void;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function world(options: SandboxOptions = {}, reuse?: { sandbox: Sandbox; dir: string; key: Buffer }): Promise<World> {
  const sandbox = reuse?.sandbox ?? (await startSandbox(options));
  if (!reuse) cleanups.push(() => sandbox.close());
  const dir = reuse?.dir ?? mkdtempSync(path.join(os.tmpdir(), 'strata-agent-chat-'));
  const key = reuse?.key ?? randomBytes(32);
  const platform = nodePlatform({
    env: { ...sandbox.env(), STRATA_REDIRECT_PORT: '0' },
    userDataDir: dir,
    keychainKey: key,
    timing: { chatRetryBaseMs: 20, chatCheckpointMs: 0 },
  });
  const services = createServices(platform);
  const events = collected(services, 'chat:event');
  let disposed = false;
  const dispose = () => {
    if (!disposed) services.dispose();
    disposed = true;
  };
  cleanups.push(dispose);
  return { sandbox, platform, services, events, dir, key, dispose };
}

async function signIn(w: World): Promise<void> {
  const signingIn = w.services.session.signIn();
  const url = await w.platform.nextOpenedUrl();
  const callback = await loginOverHttp(url, w.sandbox.users[0]!.username, w.sandbox.users[0]!.password);
  await fetch(callback).then((r) => r.text());
  await signingIn;
}

function finished(w: World, requestId: string): Promise<Extract<ChatEvent, { type: 'done' | 'failed' }>> {
  const end = () => w.events.find((e) => e.requestId === requestId && (e.type === 'done' || e.type === 'failed')) as Extract<ChatEvent, { type: 'done' | 'failed' }> | undefined;
  return expect.poll(end, { timeout: 15_000 }).toBeTruthy().then(() => end()!);
}

const agentOf = (name: keyof typeof SANDBOX_AGENTS, sessionId = `s-${name}`): AgentConversation => ({ ...SANDBOX_AGENTS[name], sessionId });
const last = (w: World, id: string): ChatMessage => w.services.conversations.get(id).messages.at(-1)!;
const handbook: KnowledgeBaseConversation = { knowledgeBaseId: SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId, name: SANDBOX_KNOWLEDGE_BASES.handbook.name };

describe('conversations with Bedrock Agents', () => {
  it('lists the agents ready to answer, every page, with their deployed aliases', async () => {
    const w = await world();
    await signIn(w);
    const directory = await w.services.handlers['agents:list'](undefined);
    const expected = Object.values(SANDBOX_AGENTS)
      .map((agent) => ({ agentId: agent.agentId, name: agent.name, description: `Sandbox agent: ${agent.name}.`, aliases: [{ aliasId: agent.aliasId, name: 'live' }] }))
      .sort((a, b) => a.name.localeCompare(b.name));
    // Six agents come in two pages; the librarian's draft alias points at no version and is left out.
    expect(directory.agents).toEqual(expected);
    expect(w.sandbox.stats()['bedrock-agent:ListAgents']).toBe(2);
    expect(directory.knowledgeBases).toEqual([
      { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook', description: 'Policies, leave and travel.' },
      { knowledgeBaseId: 'KBENGWIKI1', name: 'Engineering wiki', description: 'Runbooks and architecture notes.' },
    ]);
    expect(directory.missing).toBeUndefined();

    // Allowed to list the agents but not the knowledge bases: the agents still come, with a note of why the other list is missing.
    w.sandbox.faults.agents.denied.add('bedrock:ListKnowledgeBases');
    const partial = await w.services.handlers['agents:list'](undefined);
    expect(partial.agents).toEqual(expected);
    expect(partial.knowledgeBases).toEqual([]);
    expect(partial.missing).toMatchObject({
      list: 'knowledge-bases',
      error: { code: 'agent-access-denied', message: "You aren't allowed to list the knowledge bases.", action: expect.stringContaining('bedrock:ListKnowledgeBases') },
    });
    // Neither list: the request fails, in words.
    w.sandbox.faults.agents.denied.add('bedrock:ListAgents');
    await expect(w.services.handlers['agents:list'](undefined)).rejects.toMatchObject({ code: 'agent-access-denied', message: "You aren't allowed to list the agents." });
  });

  it('a knowledge base answers with the chosen model, cites its sources, keeps its session for follow-ups, and a new session starts afresh', async () => {
    const w = await world();
    await signIn(w);
    const { chat, conversations } = w.services;
    const first = chat.send(null, 'How many days of annual leave can I carry over?', { knowledgeBase: handbook, modelId: SANDBOX_MODELS.writer });
    const id = first.conversation.id;
    expect(first.conversation.messages.at(-1)).toMatchObject({ status: 'streaming', modelId: SANDBOX_MODELS.writer, agent: { name: 'Employee handbook', steps: [] } });
    expect(await finished(w, first.requestId)).toMatchObject({ type: 'done' });
    const answer = last(w, id);
    expect(answer).toMatchObject({ status: 'complete', modelId: SANDBOX_MODELS.writer });
    expect(answer.agent?.citations.map((c) => answer.text.slice(c.start, c.end))).toEqual([
      'You can carry over up to five days of unused annual leave into the next year.',
      'Your manager approves carry-over requests in the HR portal.',
    ]);
    expect(answer.agent?.sources.map((s) => s.location)).toEqual(['s3://sandbox-handbook/leave-policy.pdf', 'https://intranet.example.com/hr/leave']);
    const streamed = w.events.filter((e) => e.requestId === first.requestId && e.type === 'text').map((e) => (e.type === 'text' ? e.delta : '')).join('');
    expect(streamed).toBe(answer.text);
    // What went on the wire: the knowledge base, the conversation's model, no session yet; the one Bedrock gave is kept.
    const [asked] = w.sandbox.knowledgeBases.requests();
    expect(asked).toMatchObject({ operation: 'RetrieveAndGenerateStream', knowledgeBaseId: 'KBHANDBOOK', modelArn: SANDBOX_MODELS.writer });
    expect(asked!.sessionId).toBeUndefined();
    const session = conversations.get(id).settings.knowledgeBase?.sessionId;
    expect(session).toEqual(expect.any(String));

    // A follow-up in the same session; Answer again too.
    const followUp = chat.send(id, 'Who approves the carry-over?');
    await finished(w, followUp.requestId);
    expect(w.sandbox.knowledgeBases.requests().at(-1)).toMatchObject({ sessionId: session, text: 'Who approves the carry-over?' });
    const redo = chat.regenerate(id);
    await finished(w, redo.requestId);
    expect(w.sandbox.knowledgeBases.requests().at(-1)).toMatchObject({ sessionId: session, text: 'Who approves the carry-over?' });
    expect(last(w, id).text).toContain('Your manager approves carry-over requests');

    // The session ends on Bedrock's side: the question stays, the error says what to do; New session starts afresh.
    w.sandbox.faults.agents.expireSessions();
    const stale = chat.send(id, 'And travel?');
    expect(await finished(w, stale.requestId)).toMatchObject({
      type: 'failed',
      error: { code: 'agent-session-expired', message: "The session with the knowledge base “Employee handbook” has ended on Bedrock's side.", action: 'Press New session and ask again.' },
    });
    expect(conversations.get(id).messages.filter((m) => m.role === 'user').at(-1)?.text).toBe('And travel?');
    await w.services.handlers['conversations:update-settings']({ id, settings: { knowledgeBase: handbook } });
    const fresh = chat.regenerate(id);
    await finished(w, fresh.requestId);
    expect(w.sandbox.knowledgeBases.requests().at(-1)!.sessionId).toBeUndefined();
    expect(last(w, id)).toMatchObject({ status: 'complete', text: expect.stringContaining('travel portal') });
    const renewed = conversations.get(id).settings.knowledgeBase?.sessionId;
    expect(renewed).toEqual(expect.any(String));
    expect(renewed).not.toBe(session);

    // An agent instead: the knowledge base is dropped, and back again; the export names the knowledge base and its sources.
    await w.services.handlers['conversations:update-settings']({ id, settings: { agent: agentOf('orders') } });
    expect(conversations.get(id).settings).toMatchObject({ agent: { agentId: 'ORDERDESK1' } });
    expect(conversations.get(id).settings.knowledgeBase).toBeUndefined();
    await w.services.handlers['conversations:update-settings']({ id, settings: { knowledgeBase: handbook } });
    expect(conversations.get(id).settings.agent).toBeUndefined();
    const markdown = conversationToMarkdown(conversations.get(id));
    expect(markdown).toContain('Knowledge base: Employee handbook (KBHANDBOOK)');
    expect(markdown).toContain('1. s3://sandbox-handbook/leave-policy.pdf');
    // Both at once is refused at the door.
    expect(chatSchemas.updateConversationSettings.safeParse({ id, settings: { knowledgeBase: handbook, agent: agentOf('orders') } }).success).toBe(false);
  });

  it("a knowledge base's session that arrives after the person moved the conversation on is not kept", async () => {
    const w = await world({ agents: { stepDelayMs: 30 } });
    await signIn(w);
    const { chat, conversations } = w.services;
    const started = chat.send(null, 'How many days of annual leave can I carry over?', { knowledgeBase: handbook, modelId: SANDBOX_MODELS.writer });
    const id = started.conversation.id;
    await expect.poll(() => w.events.some((e) => e.requestId === started.requestId && e.type === 'text'), { timeout: 10_000 }).toBe(true);
    const wiki = { knowledgeBaseId: SANDBOX_KNOWLEDGE_BASES.engineering.knowledgeBaseId, name: SANDBOX_KNOWLEDGE_BASES.engineering.name };
    await w.services.handlers['conversations:update-settings']({ id, settings: { knowledgeBase: wiki } });
    await finished(w, started.requestId);
    expect(conversations.get(id).settings.knowledgeBase).toEqual(wiki);
  });

  it('errors in words with the fix: no such agent in the Region, missing permissions, a session that ended on the agent side', async () => {
    const w = await world();
    await signIn(w);
    const { chat, conversations } = w.services;
    const ask = async (text: string, settings: Parameters<typeof chat.send>[2]) => {
      const started = chat.send(null, text, settings);
      return { id: started.conversation.id, end: await finished(w, started.requestId) };
    };
    const elsewhere = await ask('Hello', { agent: { agentId: 'ELSEWHERE1', aliasId: 'ELSLIVE001', name: 'Travel desk', sessionId: 'e-1' } });
    expect(elsewhere.end).toMatchObject({ error: { code: 'agent-not-available', message: `There's no agent ELSEWHERE1 in ${w.sandbox.region}.`, action: expect.stringContaining('another Region') } });
    const noAlias = await ask('Hello', { agent: { agentId: SANDBOX_AGENTS.orders.agentId, aliasId: 'NOSUCHALIA', name: 'Order desk', sessionId: 'e-2' } });
    expect(noAlias.end).toMatchObject({ error: { code: 'agent-not-available', message: '“Order desk” has no alias NOSUCHALIA.'.replace(/^/, 'The agent ') } });

    w.sandbox.faults.agents.denied.add('bedrock:InvokeAgent');
    const denied = await ask('Where is order 2051?', { agent: agentOf('orders') });
    expect(denied.end).toMatchObject({
      error: {
        code: 'agent-access-denied',
        message: "You aren't allowed to talk to the agent “Order desk”: your AWS role lacks bedrock:InvokeAgent.",
        action: 'Ask IT to grant your role bedrock:InvokeAgent on the agent alias ORDERDESK1/ORDLIVE001.',
      },
    });
    w.sandbox.faults.agents.denied.clear();
    w.sandbox.faults.agents.denied.add('bedrock:Retrieve');
    const noRetrieve = await ask('How much leave can I carry over?', { knowledgeBase: handbook, modelId: SANDBOX_MODELS.writer });
    expect(noRetrieve.end).toMatchObject({
      error: {
        code: 'agent-access-denied',
        message: "You aren't allowed to ask the knowledge base “Employee handbook”: your AWS role lacks bedrock:Retrieve.",
        action: 'Ask IT to grant your role bedrock:Retrieve on the knowledge base KBHANDBOOK.',
      },
    });
    expect(conversations.get(noRetrieve.id).messages.map((m) => m.status)).toEqual(['complete', 'interrupted']);
    w.sandbox.faults.agents.denied.clear();
    // The model that writes the answer is refused after the passages are found: an error in the stream.
    w.sandbox.faults.agents.denied.add('bedrock:InvokeModel');
    const noModel = await ask('How much leave can I carry over?', { knowledgeBase: handbook, modelId: SANDBOX_MODELS.writer });
    expect(noModel.end).toMatchObject({
      error: { code: 'model-access-denied', message: "You aren't allowed to use the model that writes this knowledge base's answers.", details: expect.stringContaining('bedrock:InvokeModel') },
    });
    w.sandbox.faults.agents.denied.clear();

    // The agent waits for a confirmation; its session ends before the person approves.
    const cancel = await ask('Please cancel order 2051', { agent: agentOf('cancel', 'c-expired') });
    const waiting = last(w, cancel.id);
    expect(waiting.agent?.action?.kind).toBe('confirm');
    w.sandbox.faults.agents.expireSessions();
    const approve = chat.answerAction(cancel.id, waiting.id, { kind: 'confirm', confirmed: true });
    expect(await finished(w, approve.requestId)).toMatchObject({
      error: {
        code: 'agent-session-expired',
        message: "The session with the agent “Cancellations” has ended on the agent's side, so it can't take up where it left off.",
        action: 'Press New session and ask again.',
      },
    });
  });

  it('a journey with an agent whose actions need the person: approve, ask again in the session, deny, move on, and the timeline says each', async () => {
    const w = await world();
    await signIn(w);
    const { chat } = w.services;

    // A new conversation with the agent, started by its first question.
    const first = chat.send(null, 'Please cancel order 2051', { agent: agentOf('cancel') });
    const id = first.conversation.id;
    expect(first.conversation.settings.agent).toMatchObject({ agentId: 'CANCELDSK1', sessionId: 's-cancel' });
    expect(first.conversation.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'streaming', agent: { name: 'Cancellations', steps: [] } });
    const asked = await finished(w, first.requestId);
    expect(asked.type).toBe('done');
    const waiting = last(w, id);
    expect(waiting.agent?.action).toMatchObject({ kind: 'confirm', actionGroup: 'orders', operation: 'cancelOrder', parameters: [{ name: 'orderId', value: '2051' }] });
    expect(waiting.agent?.decision).toBeUndefined();
    expect(waiting.modelId).toBeUndefined();
    // The window heard the trace as it grew, and the last of it is what was saved.
    const traced = w.events.filter((e) => e.requestId === first.requestId && e.type === 'agent');
    expect(traced.length).toBeGreaterThan(0);
    expect(traced.at(-1)).toMatchObject({ type: 'agent', messageId: waiting.id, agent: waiting.agent });
    // Nothing ran: the sandbox was asked once, and its cancellation was not called.
    expect(w.sandbox.agents.requests()).toHaveLength(1);

    // Approve.
    const approved = chat.answerAction(id, waiting.id, { kind: 'confirm', confirmed: true });
    expect(approved.conversation.messages.find((m) => m.id === waiting.id)?.agent?.decision).toEqual({ kind: 'confirmed' });
    expect((await finished(w, approved.requestId)).type).toBe('done');
    expect(last(w, id).text).toBe('Order 2051 is cancelled. A refund is on its way.');
    const sent = w.sandbox.agents.requests().at(-1)!;
    expect(sent.sessionId).toBe('s-cancel');
    expect(sent.sessionState?.invocationId).toBe(waiting.agent!.action!.invocationId);
    expect(JSON.stringify(sent.sessionState)).toContain('"confirmationState":"CONFIRM"');
    const decided = w.services.conversations.get(id).messages.find((m) => m.id === waiting.id)!;
    expect(decided.agent?.steps.at(-1)).toMatchObject({ kind: 'action', title: 'Asked you before running cancelOrder (orders) with orderId = "2051"', result: 'You approved it.' });
    // Answering the same action twice is refused in words.
    expect(() => chat.answerAction(id, waiting.id, { kind: 'confirm', confirmed: true })).toThrow('The agent is no longer waiting for this answer.');

    // Ask again in the same session, and deny.
    const again = chat.send(id, 'Cancel order 2052 too');
    await finished(w, again.requestId);
    const second = last(w, id);
    expect(second.agent?.action?.parameters).toEqual([{ name: 'orderId', value: '2052' }]);
    expect(() => chat.answerAction(id, second.id, { kind: 'result', text: 'yes' })).toThrow('The agent asks you to approve or deny this action.');
    const denied = chat.answerAction(id, second.id, { kind: 'confirm', confirmed: false });
    await finished(w, denied.requestId);
    expect(last(w, id).text).toBe('I did not cancel order 2052.');
    expect(JSON.stringify(w.sandbox.agents.requests().at(-1)!.sessionState)).toContain('"confirmationState":"DENY"');
    expect(w.sandbox.agents.requests().every((r) => r.sessionId === 's-cancel')).toBe(true);

    // A third action, left unanswered: asking something else counts as Deny, and nothing is sent for it.
    const third = chat.send(id, 'Cancel order 2053');
    await finished(w, third.requestId);
    const unanswered = last(w, id);
    const requestsBefore = w.sandbox.agents.requests().length;
    const movedOn = chat.send(id, 'Cancel order 2054');
    expect(movedOn.conversation.messages.find((m) => m.id === unanswered.id)?.agent?.decision).toEqual({ kind: 'denied', because: 'moved-on' });
    await finished(w, movedOn.requestId);
    expect(w.sandbox.agents.requests().slice(requestsBefore).map((r) => r.inputText)).toEqual(['Cancel order 2054']);
    const movedOnStep = w.services.conversations.get(id).messages.find((m) => m.id === unanswered.id)!.agent!.steps.at(-1)!;
    expect(movedOnStep.result).toBe('Denied: you asked something else instead. It did not run.');

    // The export carries the sources, each action with its outcome, and the trace as a collapsed section.
    const markdown = conversationToMarkdown(w.services.conversations.get(id), { exportedAt: 0 });
    expect(markdown).toContain('_Agent: Cancellations (CANCELDSK1, alias CNCLIVE001)');
    expect(markdown).toContain('## Cancellations');
    expect(markdown).toContain('**Action:** Asked to run `cancelOrder` (orders) with orderId = "2051". You approved it.');
    expect(markdown).toContain('**Action:** Asked to run `cancelOrder` (orders) with orderId = "2052". You denied it. It did not run.');
    expect(markdown).toMatch(/<details><summary>What the agent did \(\d+ steps\)<\/summary>\n\n1\. /);
  });

  it("an action left waiting when Strata closes, or when the person signs out, counts as denied; the trace survives the restart", async () => {
    const w = await world();
    await signIn(w);
    const started = w.services.chat.send(null, 'Cancel order 3100', { agent: agentOf('cancel', 'restart-1') });
    const id = started.conversation.id;
    await finished(w, started.requestId);
    const steps = last(w, id).agent!.steps;
    expect(steps.length).toBeGreaterThanOrEqual(2);

    // Strata dies this instant (a copy of its database as it is now), then starts again.
    const crashed = mkdtempSync(path.join(os.tmpdir(), 'strata-agent-crash-'));
    for (const name of ['strata.db', 'strata.db-wal']) {
      if (existsSync(path.join(w.dir, name))) copyFileSync(path.join(w.dir, name), path.join(crashed, name));
    }
    const afterCrash = await world({}, { sandbox: w.sandbox, dir: crashed, key: w.key });
    await afterCrash.services.start();
    expect(last(afterCrash, id).agent?.decision).toEqual({ kind: 'denied', because: 'closed' });
    afterCrash.dispose();
    rmSync(crashed, { recursive: true, force: true });

    // Quit and start again.
    w.dispose();
    const again = await world({}, w);
    await again.services.start();
    const closed = last(again, id);
    expect(closed.agent?.decision).toEqual({ kind: 'denied', because: 'closed' });
    expect(closed.agent?.steps.slice(0, steps.length)).toEqual(steps);
    expect(closed.agent?.steps.at(-1)?.result).toBe('Denied: Strata closed before you chose. It did not run.');
    expect(() => again.services.chat.answerAction(id, closed.id, { kind: 'confirm', confirmed: true })).toThrow();

    // Signed in again, one more action; signing out denies it.
    await signIn(again);
    const next = again.services.chat.send(id, 'Cancel order 3101');
    await finished(again, next.requestId);
    expect(last(again, id).agent?.decision).toBeUndefined();
    await again.services.session.signOut();
    await expect.poll(() => last(again, id).agent?.decision).toEqual({ kind: 'denied', because: 'signed-out' });
  });

  it('Strata answers an action with what the person types; a follow-up keeps the session; switching to a model and back', async () => {
    const w = await world();
    await signIn(w);
    const { chat, conversations } = w.services;
    const started = chat.send(null, 'What time is it here?', { agent: agentOf('clock') });
    const id = started.conversation.id;
    await finished(w, started.requestId);
    const asking = last(w, id);
    expect(asking.agent?.action).toMatchObject({ kind: 'result', actionGroup: 'device', operation: 'getLocalTime' });
    const answered = chat.answerAction(id, asking.id, { kind: 'result', text: '14:05' });
    await finished(w, answered.requestId);
    expect(last(w, id).text).toBe('It is 14:05 where you are.');
    expect(conversations.get(id).messages.find((m) => m.id === asking.id)?.agent?.decision).toEqual({ kind: 'answered', text: '14:05' });
    // The person typed it, and the timeline says so.
    expect(conversations.get(id).messages.find((m) => m.id === asking.id)?.agent?.steps.at(-1)).toMatchObject({
      title: 'Asked you for getLocalTime (device)',
      result: 'You answered: “14:05”.',
    });

    // Asked again, then the person talks to a model in the same conversation instead: the question waiting is denied.
    const again = chat.send(id, 'And now?');
    await finished(w, again.requestId);
    const waiting = last(w, id);
    expect(waiting.agent?.action?.kind).toBe('result');
    await w.services.handlers['conversations:update-settings']({ id, settings: { agent: null, modelId: SANDBOX_MODELS.writer } });
    expect(last(w, id).agent?.decision).toEqual({ kind: 'denied', because: 'moved-on' });
    expect(() => chat.answerAction(id, waiting.id, { kind: 'result', text: '14:06' })).toThrow('The agent is no longer waiting for this answer.');
    const model = chat.send(id, 'Say hello');
    await finished(w, model.requestId);
    expect(last(w, id)).toMatchObject({ status: 'complete', modelId: expect.any(String) });
    expect(last(w, id).agent).toBeUndefined();
    conversations.updateSettings(id, { agent: agentOf('orders', 'fresh-1') });
    const orders = chat.send(id, 'Where is order 2051?');
    await finished(w, orders.requestId);
    expect(last(w, id).agent?.steps.some((s) => s.kind === 'action' && s.title.startsWith('Called getOrder'))).toBe(true);
    expect(w.sandbox.agents.requests().at(-1)).toMatchObject({ sessionId: 'fresh-1', inputText: 'Where is order 2051?' });
    // Answer again: the same question goes to the agent once more, in the same session.
    const redo = chat.regenerate(id);
    await finished(w, redo.requestId);
    expect(w.sandbox.agents.requests().at(-1)).toMatchObject({ sessionId: 'fresh-1', inputText: 'Where is order 2051?' });
    expect(conversations.get(id).messages.filter((m) => m.role === 'assistant' && m.agent?.name === 'Order desk')).toHaveLength(1);
  });

  it('sources stream with the answer; Stop keeps what arrived; errors are said in words and lose nothing', async () => {
    const w = await world({ agents: { stepDelayMs: 40 } });
    await signIn(w);
    const { chat } = w.services;
    const librarian = chat.send(null, 'How many days of leave can I carry over?', { agent: agentOf('librarian') });
    const id = librarian.conversation.id;
    await finished(w, librarian.requestId);
    const answer = last(w, id);
    expect(answer.agent?.sources.map((s) => s.location)).toEqual(['s3://sandbox-handbook/leave-policy.pdf', 'https://intranet.example.com/hr/leave']);
    expect(answer.agent?.citations.map((c) => answer.text.slice(c.start, c.end))).toEqual([
      'You can carry over up to five days of unused leave.',
      'Your manager approves the request in the HR portal.',
    ]);
    // The text the window was sent is the text saved.
    const streamed = w.events.filter((e) => e.requestId === librarian.requestId && e.type === 'text').map((e) => (e.type === 'text' ? e.delta : '')).join('');
    expect(streamed).toBe(answer.text);

    // Stop part-way: the trace so far is kept, marked interrupted.
    const stopped = chat.send(id, 'And how do I ask for it?');
    await expect.poll(() => w.events.some((e) => e.requestId === stopped.requestId && e.type === 'agent'), { timeout: 10_000 }).toBe(true);
    await chat.stop(stopped.requestId);
    const kept = last(w, id);
    expect(kept).toMatchObject({ status: 'interrupted', stopReason: 'stopped' });
    expect(kept.agent?.steps.length).toBeGreaterThan(0);

    // A failing action group and an alias that is not deployed: the question stays, the error says what to do.
    const broken = chat.send(null, 'How many A-100 are in stock?', { agent: agentOf('broken') });
    const failed = await finished(w, broken.requestId);
    expect(failed).toMatchObject({ type: 'failed', error: { code: 'agent-action-failed' } });
    const brokenSaved = w.services.conversations.get(broken.conversation.id).messages;
    expect(brokenSaved.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
    ]);
    expect(brokenSaved[1]!.agent?.steps.at(-1)?.kind).toBe('failure');
    const draft = chat.send(null, 'Hello', { agent: { agentId: UNDEPLOYED_ALIAS.agentId, aliasId: UNDEPLOYED_ALIAS.aliasId, name: 'Draft librarian', sessionId: 'd-1' } });
    expect(await finished(w, draft.requestId)).toMatchObject({
      type: 'failed',
      error: { code: 'agent-not-available', message: `The alias ${UNDEPLOYED_ALIAS.aliasId} of the agent “Draft librarian” isn't deployed (its status is FAILED).` },
    });
  });
});
