/**
 * The sandbox's knowledge bases, agent faults and agent control-plane reads as AWS's own
 * clients see them: RetrieveAndGenerateStream through the unmodified JavaScript SDK and
 * through botocore, every frame checked against botocore's bedrock-agent-runtime model;
 * RetrieveAndGenerate and Retrieve; faults.agents (denied IAM actions, throttling, expired
 * sessions); GetAgent, GetAgentAlias and GetKnowledgeBase checked against the bedrock-agent model.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BedrockAgentClient, GetAgentAliasCommand, GetAgentCommand, GetKnowledgeBaseCommand } from '@aws-sdk/client-bedrock-agent';
import {
  BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  RetrieveAndGenerateCommand,
  RetrieveAndGenerateStreamCommand,
  RetrieveCommand,
  type InvokeAgentCommandInput,
  type RetrieveAndGenerateStreamResponseOutput,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, SANDBOX_MODELS, startSandbox, UNDEPLOYED_ALIAS, type Sandbox } from '../sandbox/index';
import { botocoreModel, shapeMismatches, signedRequest } from './aws-wire-check';

let sandbox: Sandbox;
let credentials: { accessKeyId: string; secretAccessKey: string };
let runtime: BedrockAgentRuntimeClient;
let control: BedrockAgentClient;
beforeAll(async () => {
  sandbox = await startSandbox({ agents: { stepDelayMs: 1 } });
  credentials = sandbox.iamUserKey('ada');
  runtime = new BedrockAgentRuntimeClient({ region: sandbox.region, endpoint: sandbox.endpoints.bedrockAgentRuntime, credentials, maxAttempts: 1 });
  control = new BedrockAgentClient({ region: sandbox.region, endpoint: sandbox.endpoints.bedrockAgent, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  runtime.destroy();
  control.destroy();
  await sandbox.close();
});
afterEach(() => {
  sandbox.faults.agents.denied.clear();
  sandbox.faults.agents.throttleNext = 0;
});

const KB = SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId;
const KB_ARN = `arn:aws:bedrock:us-east-1:123456789012:knowledge-base/${KB}`;
const MODEL = SANDBOX_MODELS.writer;
const QUESTION = 'How many days of unused annual leave can I carry over into next year?';
const FIRST = 'You can carry over up to five days of unused annual leave into the next year.';
const SECOND = 'Your manager approves carry-over requests in the HR portal.';
const ANSWER = `${FIRST} ${SECOND}`;
const CALLER = 'arn:aws:iam::123456789012:user/ada';

const ragInput = (text: string, sessionId?: string) => ({
  input: { text },
  retrieveAndGenerateConfiguration: { type: 'KNOWLEDGE_BASE' as const, knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn: MODEL } },
  ...(sessionId ? { sessionId } : {}),
});

/** One RetrieveAndGenerateStream call through the JavaScript SDK: its events, the answer's text and the session id. */
async function ragStream(text: string, sessionId?: string) {
  const answer = await runtime.send(new RetrieveAndGenerateStreamCommand(ragInput(text, sessionId)));
  const events: RetrieveAndGenerateStreamResponseOutput[] = [];
  let output = '';
  for await (const event of answer.stream ?? []) {
    events.push(event);
    if (event.output) output += event.output.text;
  }
  return { sessionId: answer.sessionId, events, text: output };
}

const runtimeModel = botocoreModel('bedrock-agent-runtime/2023-07-26/service-2.json.gz');
const agentModel = botocoreModel('bedrock-agent/2023-06-05/service-2.json.gz');

/** A request signed by hand as ada and read raw, exactly as it came over the wire. */
const raw = (endpoint: string, method: 'GET' | 'POST', requestPath: string, body?: unknown) =>
  signedRequest({ endpoint, credentials, region: sandbox.region, method, path: requestPath, body });

const run = (script: string, ...args: string[]) =>
  promisify(execFile)('python3', ['-c', script, sandbox.region, credentials.accessKeyId, credentials.secretAccessKey, ...args]).then(({ stdout }) => JSON.parse(stdout) as unknown);
const BOTO = `
import json, sys, botocore.session
def client(service, endpoint):
    return botocore.session.get_session().create_client(service, region_name=sys.argv[1], endpoint_url=endpoint, aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
`;

describe('RetrieveAndGenerateStream', () => {
  it('streams the answer in pieces, a citation per sentence with its span and references, and the session id', async () => {
    const { sessionId, events, text } = await ragStream(QUESTION);
    expect(text).toBe(ANSWER);
    expect(events.filter((event) => event.output).length).toBeGreaterThan(2);
    const citations = events.flatMap((event) => (event.citation ? [event.citation] : []));
    expect(citations).toHaveLength(2);
    for (const [citation, sentence] of [
      [citations[0]!, FIRST],
      [citations[1]!, SECOND],
    ] as const) {
      const part = citation.generatedResponsePart!.textResponsePart!;
      expect(part.text).toBe(sentence);
      // The span's end is inclusive, as in InvokeAgent's citations.
      expect(text.slice(part.span!.start!, part.span!.end! + 1)).toBe(sentence);
    }
    expect(citations[0]!.retrievedReferences![0]).toMatchObject({
      content: { type: 'TEXT', text: expect.stringContaining('five days') },
      location: { type: 'S3', s3Location: { uri: 's3://sandbox-handbook/leave-policy.pdf' } },
    });
    // Each citation comes after the last piece of its sentence.
    const order = events.map((event) => (event.citation ? 'citation' : 'output'));
    expect(order.at(-1)).toBe('citation');
    expect(sessionId).toMatch(/^[0-9a-zA-Z._:-]{2,100}$/);
    expect(sandbox.knowledgeBases.requests().at(-1)).toMatchObject({ operation: 'RetrieveAndGenerateStream', knowledgeBaseId: KB, modelArn: MODEL, text: QUESTION });

    // The session goes on; an id never issued, and one expired, are refused.
    const again = await ragStream('And who approves a carry-over?', sessionId);
    expect(again.sessionId).toBe(sessionId);
    expect(again.text).toContain('manager');
    await expect(ragStream(QUESTION, 'never-issued-session')).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    sandbox.faults.agents.expireSessions();
    await expect(ragStream(QUESTION, sessionId)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('a question no passage matches gets the uncited "unable to assist" answer; a guardrail intervenes on a blocked topic', async () => {
    const none = await ragStream('What is the capital of France?');
    expect(none.text).toBe('Sorry, I am unable to assist you with this request.');
    expect(none.events.some((event) => event.citation)).toBe(false);
    const answer = await runtime.send(
      new RetrieveAndGenerateStreamCommand({
        input: { text: 'Which crypto should I invest in?' },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn: MODEL, generationConfiguration: { guardrailConfiguration: { guardrailId: 'gr1abc', guardrailVersion: '1' } } },
        },
      }),
    );
    const events: RetrieveAndGenerateStreamResponseOutput[] = [];
    for await (const event of answer.stream ?? []) events.push(event);
    expect(events[0]).toEqual({ guardrail: { action: 'INTERVENED' } });
    expect(events[1]?.output?.text).toBe('Sorry, the model cannot answer this question.');
  });

  it("on the wire: every frame is an event the service model knows, with the model's shapes; botocore reads the same events and the session id", async () => {
    const wire = await raw(sandbox.endpoints.bedrockAgentRuntime, 'POST', '/retrieveAndGenerateStream', ragInput(QUESTION));
    expect(wire.status).toBe(200);
    expect(wire.headers['x-amzn-bedrock-knowledge-base-session-id']).toMatch(/^[0-9a-zA-Z._:-]{2,100}$/);
    const members = runtimeModel.shapes.RetrieveAndGenerateStreamResponseOutput!.members!;
    const kinds = new Set<string>();
    for (const frame of wire.frames) {
      expect(frame.headers[':message-type']).toBe('event');
      expect(frame.headers[':content-type']).toBe('application/json');
      const type = frame.headers[':event-type']!;
      kinds.add(type);
      expect(members[type], type).toBeDefined();
      expect(shapeMismatches(runtimeModel, frame.payload, members[type]!.shape), type).toEqual([]);
    }
    expect([...kinds].sort()).toEqual(['citation', 'output']);

    // botocore keeps only the members its model knows: the same events as on the wire mean none was unknown.
    const read = (await run(
      `${BOTO}
c = client('bedrock-agent-runtime', sys.argv[4])
r = c.retrieve_and_generate_stream(input={'text': sys.argv[7]}, retrieveAndGenerateConfiguration={'type': 'KNOWLEDGE_BASE', 'knowledgeBaseConfiguration': {'knowledgeBaseId': sys.argv[5], 'modelArn': sys.argv[6]}})
events = [e for e in r['stream']]
again = c.retrieve_and_generate_stream(input={'text': sys.argv[7]}, sessionId=r['sessionId'], retrieveAndGenerateConfiguration={'type': 'KNOWLEDGE_BASE', 'knowledgeBaseConfiguration': {'knowledgeBaseId': sys.argv[5], 'modelArn': sys.argv[6]}})
n = len([e for e in again['stream']])
print(json.dumps({'sessionId': r['sessionId'], 'again': again['sessionId'], 'n': n, 'events': events}))`,
      sandbox.endpoints.bedrockAgentRuntime,
      KB,
      MODEL,
      QUESTION,
    )) as { sessionId: string; again: string; n: number; events: Array<Record<string, unknown>> };
    expect(read.sessionId).toMatch(/^[0-9a-zA-Z._:-]{2,100}$/);
    expect(read.again).toBe(read.sessionId);
    expect(read.n).toBeGreaterThan(0);
    expect(read.events).toEqual(wire.frames.map((frame) => ({ [frame.headers[':event-type']!]: frame.payload })));
    expect(read.events.map((event) => (event.output as { text?: string } | undefined)?.text ?? '').join('')).toBe(ANSWER);
  });
});

describe('RetrieveAndGenerate and Retrieve', () => {
  it('RetrieveAndGenerate answers in one body with the same citations, and takes its session back', async () => {
    const answer = await runtime.send(new RetrieveAndGenerateCommand(ragInput(QUESTION)));
    expect(answer.output?.text).toBe(ANSWER);
    expect(answer.citations?.map((citation) => citation.generatedResponsePart?.textResponsePart?.text)).toEqual([FIRST, SECOND]);
    expect(answer.citations?.[0]?.retrievedReferences?.[0]?.location?.s3Location?.uri).toBe('s3://sandbox-handbook/leave-policy.pdf');
    const again = await runtime.send(new RetrieveAndGenerateCommand(ragInput('Who approves it?', answer.sessionId)));
    expect(again.sessionId).toBe(answer.sessionId);
    const wire = await raw(sandbox.endpoints.bedrockAgentRuntime, 'POST', '/retrieveAndGenerate', ragInput(QUESTION));
    expect(shapeMismatches(runtimeModel, wire.json, 'RetrieveAndGenerateResponse')).toEqual([]);
  });

  it('Retrieve returns the matching passages with scores, at most numberOfResults; an unknown knowledge base is ResourceNotFoundException', async () => {
    const found = await runtime.send(new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text: QUESTION } }));
    expect(found.retrievalResults).toHaveLength(2);
    expect(found.retrievalResults?.[0]).toMatchObject({ content: { type: 'TEXT' }, location: { type: 'S3', s3Location: { uri: 's3://sandbox-handbook/leave-policy.pdf' } } });
    expect(found.retrievalResults?.[0]?.score).toBeGreaterThan(found.retrievalResults?.[1]?.score ?? 1);
    const one = await runtime.send(
      new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text: QUESTION }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 1 } } }),
    );
    expect(one.retrievalResults).toHaveLength(1);
    const wire = await raw(sandbox.endpoints.bedrockAgentRuntime, 'POST', `/knowledgebases/${KB}/retrieve`, { retrievalQuery: { text: 'travel and expenses' } });
    expect(shapeMismatches(runtimeModel, wire.json, 'RetrieveResponse')).toEqual([]);
    expect((wire.json as { retrievalResults: Array<{ location: { type: string } }> }).retrievalResults.map((result) => result.location.type)).toEqual(['S3', 'WEB']);
    await expect(runtime.send(new RetrieveCommand({ knowledgeBaseId: 'NOSUCHKB01', retrievalQuery: { text: QUESTION } }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it("what the service model's constraints refuse is a ValidationException, as the service words it", async () => {
    await expect(
      runtime.send(new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text: QUESTION }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 0 } } })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '0' at 'retrievalConfiguration.vectorSearchConfiguration.numberOfResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    const tooMany = ragInput(QUESTION);
    await expect(
      runtime.send(
        new RetrieveAndGenerateCommand({
          ...tooMany,
          retrieveAndGenerateConfiguration: {
            type: 'KNOWLEDGE_BASE',
            knowledgeBaseConfiguration: { ...tooMany.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 101 } } },
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Member must have value less than or equal to 100') });
    // EXTERNAL_SOURCES is a type the model has (so not an enum failure), though the sandbox has no external sources.
    const external = await raw(sandbox.endpoints.bedrockAgentRuntime, 'POST', '/retrieveAndGenerate', { input: { text: QUESTION }, retrieveAndGenerateConfiguration: { type: 'EXTERNAL_SOURCES' } });
    expect(external.status).toBe(400);
    expect(external.headers['x-amzn-errortype']).toBe('ValidationException');
    expect((external.json as { message: string }).message).not.toContain('enum');
    const unknownType = await raw(sandbox.endpoints.bedrockAgentRuntime, 'POST', '/retrieveAndGenerate', { input: { text: QUESTION }, retrieveAndGenerateConfiguration: { type: 'WEB' } });
    expect((unknownType.json as { message: string }).message).toContain('Member must satisfy enum value set: [KNOWLEDGE_BASE, EXTERNAL_SOURCES]');
    await expect(ragStream(QUESTION.padEnd(1001, '?'))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('faults.agents', () => {
  it("denied bedrock:Retrieve: AccessDeniedException naming the caller, the action and the knowledge base, for Retrieve and RetrieveAndGenerate[Stream]", async () => {
    sandbox.faults.agents.denied.add('bedrock:Retrieve');
    const expected = `User: ${CALLER} is not authorized to perform: bedrock:Retrieve on resource: ${KB_ARN} because no identity-based policy allows the bedrock:Retrieve action`;
    await expect(runtime.send(new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text: QUESTION } }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expected,
      $metadata: { httpStatusCode: 403 },
    });
    await expect(runtime.send(new RetrieveAndGenerateCommand(ragInput(QUESTION)))).rejects.toMatchObject({ name: 'AccessDeniedException', message: expected });
    await expect(ragStream(QUESTION)).rejects.toMatchObject({ name: 'AccessDeniedException', message: expected });
  });

  it('denied bedrock:RetrieveAndGenerate: refused with no resource named; Retrieve alone still works', async () => {
    sandbox.faults.agents.denied.add('bedrock:RetrieveAndGenerate');
    await expect(ragStream(QUESTION)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${CALLER} is not authorized to perform: bedrock:RetrieveAndGenerate because no identity-based policy allows the bedrock:RetrieveAndGenerate action`,
    });
    expect((await runtime.send(new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text: QUESTION } }))).retrievalResults).toHaveLength(2);
  });

  it('denied bedrock:InvokeAgent: AccessDeniedException naming the agent alias', async () => {
    sandbox.faults.agents.denied.add('bedrock:InvokeAgent');
    const { agentId, aliasId } = SANDBOX_AGENTS.librarian;
    await expect(runtime.send(new InvokeAgentCommand({ agentId, agentAliasId: aliasId, sessionId: 'denied-1', inputText: 'hi' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${CALLER} is not authorized to perform: bedrock:InvokeAgent on resource: arn:aws:bedrock:us-east-1:123456789012:agent-alias/${agentId}/${aliasId} because no identity-based policy allows the bedrock:InvokeAgent action`,
    });
  });

  it('denied bedrock:InvokeModel: the stream starts (200) with an accessDeniedException frame, which the SDK throws; RetrieveAndGenerate is a 403', async () => {
    sandbox.faults.agents.denied.add('bedrock:InvokeModel');
    const expected = `User: ${CALLER} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/${MODEL} because no identity-based policy allows the bedrock:InvokeModel action`;
    // The SDK throws the stream's exception as it reads the stream (this SDK peeks at the first frame within send()).
    await expect(ragStream(QUESTION)).rejects.toMatchObject({ name: 'AccessDeniedException', message: expected });
    const wire = await raw(sandbox.endpoints.bedrockAgentRuntime, 'POST', '/retrieveAndGenerateStream', ragInput(QUESTION));
    expect(wire.status).toBe(200);
    expect(wire.headers['x-amzn-bedrock-knowledge-base-session-id']).toBeTruthy();
    expect(wire.frames.map((frame) => [frame.headers[':message-type'], frame.headers[':exception-type']])).toEqual([['exception', 'accessDeniedException']]);
    expect(shapeMismatches(runtimeModel, wire.frames[0]!.payload, 'AccessDeniedException')).toEqual([]);
    await expect(runtime.send(new RetrieveAndGenerateCommand(ragInput(QUESTION)))).rejects.toMatchObject({ name: 'AccessDeniedException', message: expected });
  });

  it('throttleNext: ThrottlingException (429) for that many calls, then answers as usual', async () => {
    sandbox.faults.agents.throttleNext = 1;
    await expect(ragStream(QUESTION)).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    expect(sandbox.faults.agents.throttleNext).toBe(0);
    expect((await ragStream(QUESTION)).text).toBe(ANSWER);
    sandbox.faults.agents.throttleNext = 2;
    await expect(control.send(new GetAgentCommand({ agentId: SANDBOX_AGENTS.librarian.agentId }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    const { agentId, aliasId } = SANDBOX_AGENTS.orders;
    await expect(runtime.send(new InvokeAgentCommand({ agentId, agentAliasId: aliasId, sessionId: 'throttled-1', inputText: 'Order 2051?' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect((await control.send(new GetAgentCommand({ agentId: SANDBOX_AGENTS.librarian.agentId }))).agent?.agentId).toBe(SANDBOX_AGENTS.librarian.agentId);
  });

  it('expireSessions: answering a confirmation pending in an expired agent session is a ValidationException', async () => {
    const { agentId, aliasId } = SANDBOX_AGENTS.cancel;
    const input = (extra: Partial<InvokeAgentCommandInput>): InvokeAgentCommandInput => ({ agentId, agentAliasId: aliasId, sessionId: 'expire-1', ...extra });
    const asked = await runtime.send(new InvokeAgentCommand(input({ inputText: 'Please cancel order 3001' })));
    let invocationId: string | undefined;
    for await (const event of asked.completion ?? []) invocationId ??= event.returnControl?.invocationId;
    expect(invocationId).toBeTruthy();
    sandbox.faults.agents.expireSessions();
    await expect(
      runtime.send(
        new InvokeAgentCommand(
          input({ sessionState: { invocationId, returnControlInvocationResults: [{ functionResult: { actionGroup: 'orders', function: 'cancelOrder', confirmationState: 'CONFIRM' } }] } }),
        ),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    // A new question in the expired session starts it afresh.
    const fresh = await runtime.send(new InvokeAgentCommand(input({ inputText: 'Please cancel order 3002' })));
    let again: string | undefined;
    for await (const event of fresh.completion ?? []) again ??= event.returnControl?.invocationId;
    expect(again).toBeTruthy();
  });
});

describe('the agents control plane: GetAgent, GetAgentAlias, GetKnowledgeBase', () => {
  it('finds each, and says ResourceNotFoundException for what does not exist', async () => {
    const { agentId, aliasId } = SANDBOX_AGENTS.librarian;
    const { agent } = await control.send(new GetAgentCommand({ agentId }));
    expect(agent).toMatchObject({ agentId, agentName: 'Handbook librarian', agentStatus: 'PREPARED', agentArn: `arn:aws:bedrock:us-east-1:123456789012:agent/${agentId}`, agentVersion: 'DRAFT' });
    expect(agent?.createdAt).toBeInstanceOf(Date);
    const { agentAlias } = await control.send(new GetAgentAliasCommand({ agentId, agentAliasId: aliasId }));
    expect(agentAlias).toMatchObject({ agentId, agentAliasId: aliasId, agentAliasStatus: 'PREPARED', routingConfiguration: [{ agentVersion: '3' }], aliasInvocationState: 'ACCEPT_INVOCATIONS' });
    const { knowledgeBase } = await control.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: KB }));
    expect(knowledgeBase).toMatchObject({ knowledgeBaseId: KB, name: 'Employee handbook', status: 'ACTIVE', knowledgeBaseArn: KB_ARN, knowledgeBaseConfiguration: { type: 'VECTOR' } });

    const notFound = { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } };
    await expect(control.send(new GetAgentCommand({ agentId: 'NOSUCHAGNT' }))).rejects.toMatchObject(notFound);
    await expect(control.send(new GetAgentAliasCommand({ agentId, agentAliasId: 'NOSUCHALIS' }))).rejects.toMatchObject(notFound);
    await expect(control.send(new GetAgentAliasCommand({ agentId: 'NOSUCHAGNT', agentAliasId: aliasId }))).rejects.toMatchObject(notFound);
    await expect(control.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: 'NOSUCHKB01' }))).rejects.toMatchObject(notFound);
    sandbox.faults.agents.denied.add('bedrock:GetKnowledgeBase');
    await expect(control.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: KB }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${CALLER} is not authorized to perform: bedrock:GetKnowledgeBase on resource: ${KB_ARN} because no identity-based policy allows the bedrock:GetKnowledgeBase action`,
    });
  });

  it('the undeployed alias is not PREPARED and routes to nothing', async () => {
    const { agentAlias } = await control.send(new GetAgentAliasCommand({ agentId: UNDEPLOYED_ALIAS.agentId, agentAliasId: UNDEPLOYED_ALIAS.aliasId }));
    expect(agentAlias?.agentAliasStatus).not.toBe('PREPARED');
    expect(agentAlias?.routingConfiguration).toEqual([]);
    expect(agentAlias?.aliasInvocationState).not.toBe('ACCEPT_INVOCATIONS');
  });

  it("on the wire: each answer has the bedrock-agent model's shapes; botocore reads an alias", async () => {
    const { agentId, aliasId } = SANDBOX_AGENTS.librarian;
    for (const [requestPath, shape] of [
      [`/agents/${agentId}/`, 'GetAgentResponse'],
      [`/agents/${agentId}/agentaliases/${aliasId}/`, 'GetAgentAliasResponse'],
      [`/agents/${UNDEPLOYED_ALIAS.agentId}/agentaliases/${UNDEPLOYED_ALIAS.aliasId}/`, 'GetAgentAliasResponse'],
      [`/knowledgebases/${KB}`, 'GetKnowledgeBaseResponse'],
    ] as const) {
      const wire = await raw(sandbox.endpoints.bedrockAgent, 'GET', requestPath);
      expect(wire.status, requestPath).toBe(200);
      expect(shapeMismatches(agentModel, wire.json, shape), requestPath).toEqual([]);
    }
    const read = (await run(
      `${BOTO}
c = client('bedrock-agent', sys.argv[4])
out = []
for alias in [sys.argv[6], sys.argv[7]]:
    a = c.get_agent_alias(agentId=sys.argv[5], agentAliasId=alias)['agentAlias']
    out.append({'id': a['agentAliasId'], 'status': a['agentAliasStatus'], 'routing': a['routingConfiguration'], 'arn': a['agentAliasArn'], 'createdAt': a['createdAt'].isoformat()})
try:
    c.get_agent_alias(agentId=sys.argv[5], agentAliasId='NOSUCHALIS')
except c.exceptions.ResourceNotFoundException as e:
    out.append(e.response['Error']['Code'])
print(json.dumps(out))`,
      sandbox.endpoints.bedrockAgent,
      agentId,
      aliasId,
      UNDEPLOYED_ALIAS.aliasId,
    )) as [Record<string, unknown>, Record<string, unknown>, string];
    expect(read[0]).toEqual({
      id: aliasId,
      status: 'PREPARED',
      routing: [{ agentVersion: '3' }],
      arn: `arn:aws:bedrock:us-east-1:123456789012:agent-alias/${agentId}/${aliasId}`,
      createdAt: '2026-11-02T09:30:00+00:00',
    });
    expect(read[1]).toMatchObject({ id: UNDEPLOYED_ALIAS.aliasId, routing: [] });
    expect(read[1]!.status).not.toBe('PREPARED');
    expect(read[2]).toBe('ResourceNotFoundException');
  });
});
