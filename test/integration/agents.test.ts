/**
 * Strata's agent turns against the sandbox's Bedrock Agents, through Strata's
 * own client factory: each scripted agent — citations with their sources, an
 * action group call in the timeline, an action confirmed and one denied, an
 * action Strata answers itself, a failing action group, a guardrail — a
 * follow-up that keeps the session, and the errors in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentService, type AgentTarget, type AgentTurn } from '../../main/agents/agent-service';
import { AwsClients } from '../../main/net/aws-clients';
import { DEFAULT_SETTINGS } from '../../main/settings/layers';
import { SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, startSandbox, UNDEPLOYED_ALIAS, type Sandbox } from '../sandbox/index';

let sandbox: Sandbox;
let clients: AwsClients;
let agents: AgentService;
const settings = () => ({ ...DEFAULT_SETTINGS, region: sandbox.region, bedrockAgentRuntimeEndpoint: sandbox.endpoints.bedrockAgentRuntime, bedrockAgentEndpoint: sandbox.endpoints.bedrockAgent });

beforeAll(async () => {
  sandbox = await startSandbox();
  clients = new AwsClients({ settings });
  const key = sandbox.iamUserKey('ada');
  agents = new AgentService({ clients, settings, auth: () => ({ kind: 'sigv4', credentials: async () => key }) });
});
afterAll(async () => {
  await clients.dispose();
  await sandbox.close();
});

const target = (agent: keyof typeof SANDBOX_AGENTS): AgentTarget => ({
  agentId: SANDBOX_AGENTS[agent].agentId,
  aliasId: SANDBOX_AGENTS[agent].aliasId,
  name: SANDBOX_AGENTS[agent].name,
});

/** One turn, with every update it made. */
async function ask(agent: keyof typeof SANDBOX_AGENTS, sessionId: string, text: string) {
  const updates: AgentTurn[] = [];
  const turn = await agents.turn(target(agent), sessionId, { kind: 'ask', text }, (update) => updates.push(update));
  return { turn, updates };
}

describe('agent turns', () => {
  it('the librarian: the answer streams in pieces, the timeline reads as steps, the sources are numbered and attached to sentences', async () => {
    const { turn, updates } = await ask('librarian', 'lib-1', 'How many days of leave can I carry over?');
    // The answer arrived in pieces, and the window heard each.
    expect(new Set(updates.map((update) => update.text)).size).toBeGreaterThan(3);
    expect(turn.text).toBe('You can carry over up to five days of unused leave. Your manager approves the request in the HR portal.');
    const kinds = turn.steps.map((step) => step.kind);
    expect(kinds[0]).toBe('pre-processing');
    expect(kinds).toEqual(expect.arrayContaining(['thinking', 'knowledge-base', 'answer', 'post-processing']));
    const search = turn.steps.find((step) => step.kind === 'knowledge-base')!;
    expect(search).toMatchObject({
      title: `Searched the knowledge base ${SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId} for “How many days of leave can I carry over?”`,
      result: '2 passages',
    });
    expect(turn.steps.find((step) => step.kind === 'thinking' && step.title.startsWith('Thinking: I will search'))?.usage?.inputTokens).toBeGreaterThan(0);
    expect(turn.sources).toEqual([
      expect.objectContaining({ number: 1, kind: 's3', location: 's3://sandbox-handbook/leave-policy.pdf' }),
      expect.objectContaining({ number: 2, kind: 'web', location: 'https://intranet.example.com/hr/leave' }),
    ]);
    expect(turn.citations.map((citation) => [turn.text.slice(citation.start, citation.end), citation.sources])).toEqual([
      ['You can carry over up to five days of unused leave.', [1]],
      ['Your manager approves the request in the HR portal.', [2]],
    ]);
  });

  it('the order desk: its action call and result in the timeline, and a follow-up that keeps the session', async () => {
    await ask('orders', 'ord-1', 'Where is order 2051?');
    const { turn } = await ask('orders', 'ord-1', 'And order 2052?');
    expect(turn.text).toContain('(You asked me before about: “Where is order 2051?”.)');
    expect(turn.steps.find((step) => step.kind === 'action')).toMatchObject({
      title: 'Called getOrder in orders with orderId = "2052"',
      result: '{"orderId":"2052","status":"SHIPPED","carrier":"Parcelo"}',
    });
  });

  it('an action to confirm: handed to the person in words; done once confirmed, not done when denied', async () => {
    for (const confirmed of [true, false]) {
      const sessionId = `cancel-${confirmed}`;
      const { turn } = await ask('cancel', sessionId, 'Please cancel order 3001');
      expect(turn.action).toMatchObject({ kind: 'confirm', actionGroup: 'orders', operation: 'cancelOrder', parameters: [{ name: 'orderId', value: '3001' }] });
      expect(turn.text).toBe('');
      const after = await agents.turn(target('cancel'), sessionId, { kind: 'answer-action', request: turn.action!, answer: { confirmed } }, () => {});
      expect(after.text).toBe(confirmed ? 'Order 3001 is cancelled. A refund is on its way.' : 'I did not cancel order 3001.');
      expect(after.steps.some((step) => step.kind === 'action' && step.title.startsWith('Called cancelOrder'))).toBe(confirmed);
    }
  });

  it('an action Strata answers itself: its result goes back and the agent answers with it', async () => {
    const { turn } = await ask('clock', 'clock-1', 'What time is it here?');
    expect(turn.action).toMatchObject({ kind: 'result', operation: 'getLocalTime', parameters: [] });
    const after = await agents.turn(target('clock'), 'clock-1', { kind: 'answer-action', request: turn.action!, answer: { result: '14:05' } }, () => {});
    expect(after.text).toBe('It is 14:05 where you are.');
  });

  it('a failing action group: the failure in the timeline as it came, then an error in words', async () => {
    const updates: AgentTurn[] = [];
    await expect(agents.turn(target('broken'), 'broken-1', { kind: 'ask', text: 'How many A-100 are in stock?' }, (update) => updates.push(update))).rejects.toMatchObject({
      code: 'agent-action-failed',
      message: "One of the agent's actions failed (inventory).",
    });
    expect(updates.at(-1)?.steps.at(-1)).toMatchObject({ kind: 'failure', title: expect.stringMatching(/^Failed: The Lambda function .* Task timed out/) });
  });

  it('a guardrail that steps in says what it blocked', async () => {
    const { turn } = await ask('guarded', 'g-1', 'Which stocks should I buy?');
    expect(turn.text).toBe("Sorry, I can't give investment advice.");
    expect(turn.steps.find((step) => step.kind === 'guardrail')?.title).toBe('The guardrail stepped in: Investment advice');
  });

  it('an alias that is not deployed, and a Bedrock API key, are said in words', async () => {
    await expect(
      agents.turn({ agentId: UNDEPLOYED_ALIAS.agentId, aliasId: UNDEPLOYED_ALIAS.aliasId, name: 'Handbook librarian' }, 's-1', { kind: 'ask', text: 'hi' }, () => {}),
    ).rejects.toMatchObject({
      code: 'agent-not-available',
      message: `The alias ${UNDEPLOYED_ALIAS.aliasId} of the agent “Handbook librarian” isn't deployed (its status is FAILED).`,
      action: "Ask whoever looks after the agent to deploy a version to this alias, or pick one of the agent's deployed aliases.",
    });
    const withKey = new AgentService({ clients, settings, auth: () => ({ kind: 'bearer', token: sandbox.apiKeys.longTerm() }) });
    await expect(withKey.turn(target('librarian'), 's-2', { kind: 'ask', text: 'hi' }, () => {})).rejects.toMatchObject({ code: 'agent-access-denied' });
    expect(sandbox.agents.requests().filter((request) => request.sessionId === 's-2')).toEqual([]);
  });
});
