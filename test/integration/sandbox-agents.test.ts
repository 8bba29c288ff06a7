/**
 * The sandbox's Bedrock Agents as AWS's own clients see them: InvokeAgent's
 * event stream through the unmodified JavaScript SDK and through botocore,
 * every frame's payload checked against botocore's service model (member
 * names, types, enums); each scripted agent, the confirmation round trip, a
 * follow-up in the same session, a chunked final answer, and the errors; the
 * control plane's lists, paged.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BedrockAgentClient, paginateListAgentAliases, paginateListAgents, paginateListKnowledgeBases } from '@aws-sdk/client-bedrock-agent';
import {
  BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  type InvokeAgentCommandInput,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, startSandbox, UNDEPLOYED_ALIAS, type Sandbox } from '../sandbox/index';
import { botocoreModel, shapeMismatches, signedRequest } from './aws-wire-check';

let sandbox: Sandbox;
let credentials: { accessKeyId: string; secretAccessKey: string };
let runtime: BedrockAgentRuntimeClient;
beforeAll(async () => {
  sandbox = await startSandbox();
  credentials = sandbox.iamUserKey('ada');
  runtime = new BedrockAgentRuntimeClient({ region: sandbox.region, endpoint: sandbox.endpoints.bedrockAgentRuntime, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  runtime.destroy();
  await sandbox.close();
});

type Agent = keyof typeof SANDBOX_AGENTS;
const input = (agent: Agent, sessionId: string, extra: Partial<InvokeAgentCommandInput> = {}): InvokeAgentCommandInput => ({
  agentId: SANDBOX_AGENTS[agent].agentId,
  agentAliasId: SANDBOX_AGENTS[agent].aliasId,
  sessionId,
  enableTrace: true,
  ...extra,
});

/** The events of one InvokeAgent call through the JavaScript SDK, and its answer's text. */
async function invoke(agent: Agent, sessionId: string, extra: Partial<InvokeAgentCommandInput> = {}) {
  const answer = await runtime.send(new InvokeAgentCommand(input(agent, sessionId, extra)));
  const events: ResponseStream[] = [];
  let text = '';
  for await (const event of answer.completion ?? []) {
    events.push(event);
    if (event.chunk?.bytes) text += new TextDecoder().decode(event.chunk.bytes);
  }
  return { answer, events, text, traces: events.flatMap((event) => (event.trace?.trace ? [Object.keys(event.trace.trace)[0]!] : [])) };
}

/** botocore's model of the service, the authority on every shape. */
const model = botocoreModel('bedrock-agent-runtime/2023-07-26/service-2.json.gz');
const mismatches = (value: unknown, name: string) => shapeMismatches(model, value, name);

/** InvokeAgent signed by hand and read raw: the frames exactly as they came over the wire. */
const rawFrames = (agent: Agent, sessionId: string, inputText: string) =>
  signedRequest({
    endpoint: sandbox.endpoints.bedrockAgentRuntime,
    credentials,
    region: sandbox.region,
    method: 'POST',
    path: `/agents/${SANDBOX_AGENTS[agent].agentId}/agentAliases/${SANDBOX_AGENTS[agent].aliasId}/sessions/${sessionId}/text`,
    body: { inputText, enableTrace: true },
  });

const EVENT_SHAPES: Record<string, string> = { chunk: 'PayloadPart', trace: 'TracePart', returnControl: 'ReturnControlPayload' };

describe('InvokeAgent on the wire', () => {
  it("every frame of every scripted agent is an event or exception the service model knows, with the model's shapes", async () => {
    for (const agent of Object.keys(SANDBOX_AGENTS) as Agent[]) {
      // Each agent's own path: the guarded one asked what its guardrail blocks.
      const question = agent === 'guarded' ? 'Which stocks should I buy?' : 'How many days of leave can I carry over? And order 2051?';
      const { headers, frames } = await rawFrames(agent, `wire-${agent}`, question);
      expect(headers['content-type']).toBe('application/vnd.amazon.eventstream');
      expect(headers['x-amz-bedrock-agent-session-id']).toBe(`wire-${agent}`);
      expect(headers['x-amzn-bedrock-agent-content-type']).toBe('application/json');
      expect(frames.length).toBeGreaterThan(1);
      for (const frame of frames) {
        if (frame.headers[':message-type'] === 'exception') {
          const type = frame.headers[':exception-type']!;
          const member = (model.shapes.ResponseStream!.members ?? {})[type];
          expect(member, type).toBeDefined();
          expect(mismatches(frame.payload, member!.shape), type).toEqual([]);
        } else {
          const type = frame.headers[':event-type']!;
          expect(EVENT_SHAPES[type], type).toBeDefined();
          expect(mismatches(frame.payload, EVENT_SHAPES[type]!), `${agent} ${type}`).toEqual([]);
        }
      }
    }
  });

  it('botocore reads the stream of an agent that cites a knowledge base, and of one that returns control', async () => {
    const script = `
import json, sys, botocore.session
c = botocore.session.get_session().create_client('bedrock-agent-runtime', region_name=sys.argv[2], endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[3], aws_secret_access_key=sys.argv[4])
out = []
for agent, alias in [(sys.argv[5], sys.argv[6]), (sys.argv[7], sys.argv[8])]:
    r = c.invoke_agent(agentId=agent, agentAliasId=alias, sessionId='boto-1', inputText='How much leave carries over?', enableTrace=True)
    kinds, text, citations = [], '', 0
    for e in r['completion']:
        kind = next(iter(e))
        kinds.append(kind)
        if kind == 'chunk':
            text += e['chunk']['bytes'].decode()
            citations += len(e['chunk'].get('attribution', {}).get('citations', []))
    out.append({'sessionId': r['sessionId'], 'kinds': sorted(set(kinds)), 'text': text, 'citations': citations})
print(json.dumps(out))`;
    const { librarian, clock } = SANDBOX_AGENTS;
    const { stdout } = await promisify(execFile)('python3', [
      '-c',
      script,
      sandbox.endpoints.bedrockAgentRuntime,
      sandbox.region,
      credentials.accessKeyId,
      credentials.secretAccessKey,
      librarian.agentId,
      librarian.aliasId,
      clock.agentId,
      clock.aliasId,
    ]);
    const [cited, returned] = JSON.parse(stdout) as Array<{ sessionId: string; kinds: string[]; text: string; citations: number }>;
    expect(cited).toMatchObject({ sessionId: 'boto-1', kinds: ['chunk', 'trace'], citations: 2 });
    expect(cited!.text).toContain('five days');
    expect(returned!.kinds).toEqual(['returnControl', 'trace']);
  });
});

describe('the scripted agents', () => {
  it('the librarian searches the handbook and cites both passages, with spans in the answer', async () => {
    const { answer, events, text, traces } = await invoke('librarian', 'lib-1', { inputText: 'How many days of leave can I carry over?' });
    expect(answer.sessionId).toBe('lib-1');
    expect(answer.contentType).toBe('application/json');
    expect(traces).toEqual(expect.arrayContaining(['preProcessingTrace', 'orchestrationTrace', 'postProcessingTrace']));
    const lookup = events.find((event) => event.trace?.trace?.orchestrationTrace?.invocationInput?.knowledgeBaseLookupInput);
    expect(lookup?.trace?.trace?.orchestrationTrace?.invocationInput?.knowledgeBaseLookupInput?.knowledgeBaseId).toBe(SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId);
    const citations = events.find((event) => event.chunk?.attribution)?.chunk?.attribution?.citations ?? [];
    expect(citations).toHaveLength(2);
    for (const citation of citations) {
      const { span, text: part } = citation.generatedResponsePart!.textResponsePart!;
      expect(text.slice(span!.start!, span!.end! + 1).trim()).toBe(part);
    }
    expect(citations[0]!.retrievedReferences![0]!.location!.s3Location!.uri).toBe('s3://sandbox-handbook/leave-policy.pdf');
    // Usage on each model invocation.
    const output = events.find((event) => event.trace?.trace?.orchestrationTrace?.modelInvocationOutput);
    expect(output?.trace?.trace?.orchestrationTrace?.modelInvocationOutput?.metadata?.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('a follow-up in the same session keeps its context; another session starts afresh; no trace unless asked', async () => {
    await invoke('orders', 'ord-1', { inputText: 'Where is order 2051?' });
    const again = await invoke('orders', 'ord-1', { inputText: 'And order 2052?' });
    expect(again.text).toBe('Order 2052 has shipped with Parcelo. (You asked me before about: “Where is order 2051?”.)');
    const fresh = await invoke('orders', 'ord-2', { inputText: 'And order 2052?', enableTrace: false });
    expect(fresh.text).toBe('Order 2052 has shipped with Parcelo.');
    expect(fresh.traces).toEqual([]);
    const call = again.events.find((event) => event.trace?.trace?.orchestrationTrace?.invocationInput?.actionGroupInvocationInput);
    expect(call?.trace?.trace?.orchestrationTrace?.invocationInput?.actionGroupInvocationInput).toMatchObject({
      actionGroupName: 'orders',
      function: 'getOrder',
      parameters: [{ name: 'orderId', type: 'string', value: '2052' }],
    });
  });

  it('an action that needs confirmation: returned to the caller, then done on CONFIRM and not on DENY', async () => {
    for (const [confirmationState, expected] of [
      ['CONFIRM', 'Order 3001 is cancelled. A refund is on its way.'],
      ['DENY', 'I did not cancel order 3001.'],
    ] as const) {
      const sessionId = `cancel-${confirmationState}`;
      const asked = await invoke('cancel', sessionId, { inputText: 'Cancel order 3001 please' });
      const control = asked.events.find((event) => event.returnControl)?.returnControl;
      const fn = control?.invocationInputs?.[0]?.functionInvocationInput;
      expect(fn).toMatchObject({ actionGroup: 'orders', function: 'cancelOrder', actionInvocationType: 'USER_CONFIRMATION', parameters: [{ name: 'orderId', value: '3001' }] });
      expect(asked.text).toBe('');
      const done = await invoke('cancel', sessionId, {
        sessionState: {
          invocationId: control!.invocationId,
          returnControlInvocationResults: [{ functionResult: { actionGroup: 'orders', function: 'cancelOrder', confirmationState } }],
        },
      });
      expect(done.text).toBe(expected);
    }
  });

  it('return of control: the app answers, and the agent goes on with its answer; a stale invocation id is refused', async () => {
    const asked = await invoke('clock', 'clock-1', { inputText: 'What time is it here?' });
    const control = asked.events.find((event) => event.returnControl)?.returnControl;
    expect(control?.invocationInputs?.[0]?.functionInvocationInput).toMatchObject({ function: 'getLocalTime', actionInvocationType: 'RESULT' });
    const answered = await invoke('clock', 'clock-1', {
      sessionState: {
        invocationId: control!.invocationId,
        returnControlInvocationResults: [{ functionResult: { actionGroup: 'device', function: 'getLocalTime', responseBody: { TEXT: { body: '14:05' } } } }],
      },
    });
    expect(answered.text).toBe('It is 14:05 where you are.');
    await expect(
      invoke('clock', 'clock-1', {
        sessionState: { invocationId: control!.invocationId, returnControlInvocationResults: [{ functionResult: { actionGroup: 'device', function: 'getLocalTime' } }] },
      }),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('a failing action group: a failure trace, then DependencyFailedException in the stream', async () => {
    const events: ResponseStream[] = [];
    const answer = await runtime.send(new InvokeAgentCommand(input('broken', 'broken-1', { inputText: 'How many A-100 are in stock?' })));
    const failing = (async () => {
      for await (const event of answer.completion ?? []) events.push(event);
    })();
    await expect(failing).rejects.toMatchObject({ name: 'DependencyFailedException', resourceName: 'inventory' });
    expect(events.some((event) => event.trace?.trace?.failureTrace?.failureReason?.includes('timed out'))).toBe(true);
  });

  it('a guardrail intervenes on a blocked topic, and lets other questions through', async () => {
    const blocked = await invoke('guarded', 'g-1', { inputText: 'Which stocks should I buy?' });
    expect(blocked.text).toBe("Sorry, I can't give investment advice.");
    const guardrail = blocked.events.find((event) => event.trace?.trace?.guardrailTrace)?.trace?.trace?.guardrailTrace;
    expect(guardrail).toMatchObject({ action: 'INTERVENED', inputAssessments: [{ topicPolicy: { topics: [{ name: 'Investment advice', action: 'BLOCKED' }] } }] });
    const fine = await invoke('guarded', 'g-2', { inputText: 'Can you help me write an email?' });
    expect(fine.text).toBe('Happy to help with that.');
  });

  it('the final answer in pieces when asked to stream it, the citations with its last piece', async () => {
    const { events, text } = await invoke('librarian', 'lib-stream', { inputText: 'Leave carry-over?', streamingConfigurations: { streamFinalResponse: true } });
    const chunks = events.filter((event) => event.chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(text).toContain('five days');
    expect(chunks.at(-1)?.chunk?.attribution?.citations).toHaveLength(2);
  });

  it('an unknown or undeployed alias is ResourceNotFoundException; an unsigned call is refused', async () => {
    await expect(runtime.send(new InvokeAgentCommand({ agentId: 'NOSUCHAGNT', agentAliasId: 'NOSUCHALIS', sessionId: 's-1', inputText: 'hi' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      runtime.send(new InvokeAgentCommand({ agentId: UNDEPLOYED_ALIAS.agentId, agentAliasId: UNDEPLOYED_ALIAS.aliasId, sessionId: 's-1', inputText: 'hi' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const unsigned = await fetch(`${sandbox.endpoints.bedrockAgentRuntime}/agents/LIBRARIAN1/agentAliases/LIBLIVE001/sessions/s-1/text`, {
      method: 'POST',
      body: '{"inputText":"hi"}',
    });
    expect(unsigned.status).toBe(403);
  });
});

describe('the agents control plane', () => {
  it('lists every agent, its aliases and the knowledge bases, a page at a time', async () => {
    const client = new BedrockAgentClient({ region: sandbox.region, endpoint: sandbox.endpoints.bedrockAgent, credentials, maxAttempts: 1 });
    try {
      const agents = [];
      let pages = 0;
      for await (const page of paginateListAgents({ client }, {})) {
        pages += 1;
        agents.push(...(page.agentSummaries ?? []));
      }
      expect(pages).toBeGreaterThan(1);
      expect(agents.map((agent) => agent.agentId).sort()).toEqual(Object.values(SANDBOX_AGENTS).map((agent) => agent.agentId).sort());
      expect(agents[0]).toMatchObject({ agentStatus: 'PREPARED', updatedAt: expect.any(Date) });
      const aliases = [];
      for await (const page of paginateListAgentAliases({ client }, { agentId: UNDEPLOYED_ALIAS.agentId })) aliases.push(...(page.agentAliasSummaries ?? []));
      expect(aliases.map((alias) => [alias.agentAliasId, alias.agentAliasStatus])).toEqual([
        [SANDBOX_AGENTS.librarian.aliasId, 'PREPARED'],
        [UNDEPLOYED_ALIAS.aliasId, 'FAILED'],
      ]);
      const kbs = [];
      for await (const page of paginateListKnowledgeBases({ client }, {})) kbs.push(...(page.knowledgeBaseSummaries ?? []));
      expect(kbs.map((kb) => kb.knowledgeBaseId)).toEqual(Object.values(SANDBOX_KNOWLEDGE_BASES).map((kb) => kb.knowledgeBaseId));
    } finally {
      client.destroy();
    }
  });
});
