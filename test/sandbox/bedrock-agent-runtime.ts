/**
 * Bedrock Agent Runtime emulator: InvokeAgent
 * (POST /agents/{agentId}/agentAliases/{agentAliasId}/sessions/{sessionId}/text),
 * SigV4 with service `bedrock`, answering with binary event-stream frames as
 * the service model describes them (botocore's bedrock-agent-runtime
 * service-2.json is the authority): `chunk` (base64 bytes, with attribution
 * citations), `trace` (pre-processing, orchestration — rationale, action group
 * and knowledge base invocations and their observations, model invocations
 * with usage — post-processing, guardrail, failure), `returnControl`, and
 * exceptions in the stream. The session id and content type come back as
 * headers. Honours `enableTrace` and `streamingConfigurations.streamFinalResponse`,
 * and keeps each session's turns, so follow-ups keep context.
 */
import { randomUUID } from 'node:crypto';
import { checkSignature, readBody, sendAwsError, startDualServer, streamFrame, type AnyRequest, type AnyResponse } from './aws-rest.js';
import { AGENT_VERSION, handbookPassages, SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, UNDEPLOYED_ALIAS, type SandboxAgent } from './bedrock-agents.js';
import { BENCH_TRACE_AGENT, benchTraceAnswer, benchTraceEvents } from './bedrock-agents.js';
import { refuseByFaults, type AgentFaultState } from './agent-faults.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import { ACCOUNT_ID } from './constants.js';
import type { Stats } from './http-util.js';

export interface BedrockAgentRuntimeOptions {
  port: number;
  region: string;
  registry: CredentialsRegistry;
  stats: Stats;
  log: boolean;
  /** The pause between frames, ms, as the agent works (default 2). */
  stepDelayMs?: number;
  /** faults.agents: denied IAM actions, throttling, expired sessions. */
  faults?: AgentFaultState;
  /** The endpoint's other operations (knowledge-base-runtime.ts): true when it answered the request. */
  otherRoutes?: (req: AnyRequest, res: AnyResponse, body: Buffer) => Promise<boolean>;
}

export interface BedrockAgentRuntimeServer {
  endpoint: string;
  /** Every InvokeAgent request body received, oldest first, with its path's ids. */
  requests(): AgentRequest[];
  close(): Promise<void>;
}

export interface AgentRequest {
  agentId: string;
  agentAliasId: string;
  sessionId: string;
  inputText?: string;
  enableTrace?: boolean;
  endSession?: boolean;
  sessionState?: {
    invocationId?: string;
    returnControlInvocationResults?: Array<{
      functionResult?: { actionGroup: string; function?: string; confirmationState?: 'CONFIRM' | 'DENY'; responseBody?: Record<string, { body?: string }> };
      apiResult?: { actionGroup: string; confirmationState?: 'CONFIRM' | 'DENY'; responseBody?: Record<string, { body?: string }> };
    }>;
  };
  streamingConfigurations?: { streamFinalResponse?: boolean };
}

type Step =
  | { kind: 'trace'; trace: Record<string, unknown> }
  | { kind: 'chunk'; text: string; attribution?: Record<string, unknown> }
  | { kind: 'returnControl'; payload: Record<string, unknown> }
  | { kind: 'exception'; name: string; body: Record<string, unknown> };

/** What a session remembers: the questions asked, and an action waiting on the caller. */
interface Session {
  questions: string[];
  pending?: { invocationId: string; agent: SandboxAgent; order?: string };
}

const ID = /^[0-9a-zA-Z]{10}$/;
const SESSION_ID = /^[0-9a-zA-Z._:-]{2,100}$/;
const ROUTE = /^\/agents\/([^/]+)\/agentAliases\/([^/]+)\/sessions\/([^/]+)\/text$/;

const usage = (text: string, out: string) => ({
  inputTokens: 180 + text.split(/\s+/).length * 2,
  outputTokens: out.split(/\s+/).length * 2,
});

/** The trace events of one turn, each with a trace id of its step, as the service writes them. */
class TurnTrace {
  private step = 0;
  readonly steps: Step[] = [];
  constructor(
    private readonly turnId: string,
    private readonly question: string,
  ) {}

  private id(): string {
    return `${this.turnId}-${this.step}`;
  }

  private metadata(out: string, ms = 420) {
    const end = Date.now();
    return { startTime: new Date(end - ms).toISOString(), endTime: new Date(end).toISOString(), totalTimeMs: ms, usage: usage(this.question, out) };
  }

  preProcessing(): void {
    const traceId = `${this.id()}-pre-0`;
    const rationale = 'The question is a normal request the agent can help with.';
    this.steps.push({
      kind: 'trace',
      trace: {
        preProcessingTrace: { modelInvocationInput: { traceId, type: 'PRE_PROCESSING', text: `Classify: ${this.question}`, inferenceConfiguration: { temperature: 0, topP: 1, maximumLength: 2048 } } },
      },
    });
    this.steps.push({ kind: 'trace', trace: { preProcessingTrace: { modelInvocationOutput: { traceId, parsedResponse: { isValid: true, rationale }, metadata: this.metadata(rationale, 310) } } } });
  }

  /** The model thinks, then says why it does the next thing. */
  think(rationale: string): string {
    this.step += 1;
    const traceId = this.id();
    this.steps.push({
      kind: 'trace',
      trace: { orchestrationTrace: { modelInvocationInput: { traceId, type: 'ORCHESTRATION', text: `Human: ${this.question}`, inferenceConfiguration: { temperature: 0, topP: 1, maximumLength: 2048 } } } },
    });
    this.steps.push({ kind: 'trace', trace: { orchestrationTrace: { modelInvocationOutput: { traceId, rawResponse: { content: rationale }, metadata: this.metadata(rationale) } } } });
    this.steps.push({ kind: 'trace', trace: { orchestrationTrace: { rationale: { traceId, text: rationale } } } });
    return traceId;
  }

  invoke(traceId: string, input: Record<string, unknown>): void {
    this.steps.push({ kind: 'trace', trace: { orchestrationTrace: { invocationInput: { traceId, ...input } } } });
  }

  observe(traceId: string, observation: Record<string, unknown>): void {
    this.steps.push({ kind: 'trace', trace: { orchestrationTrace: { observation: { traceId, ...observation } } } });
  }

  finish(answer: string): void {
    const traceId = this.think('I have what I need to answer.');
    this.observe(traceId, { type: 'FINISH', finalResponse: { text: answer, metadata: { operationTotalTimeMs: 1200 } } });
  }

  postProcessing(answer: string): void {
    const traceId = `${this.id()}-post-0`;
    this.steps.push({ kind: 'trace', trace: { postProcessingTrace: { modelInvocationInput: { traceId, type: 'POST_PROCESSING', text: answer } } } });
    this.steps.push({ kind: 'trace', trace: { postProcessingTrace: { modelInvocationOutput: { traceId, parsedResponse: { text: answer }, metadata: this.metadata(answer, 250) } } } });
  }

  guardrail(action: 'INTERVENED' | 'NONE', topic?: string): void {
    this.steps.push({
      kind: 'trace',
      trace: {
        guardrailTrace: {
          traceId: `${this.id()}-guardrail-pre-0`,
          action,
          inputAssessments: topic ? [{ topicPolicy: { topics: [{ name: topic, type: 'DENY', action: 'BLOCKED' }] } }] : [{}],
          metadata: this.metadata('', 90),
        },
      },
    });
  }

  failure(reason: string, code: number): void {
    this.steps.push({ kind: 'trace', trace: { failureTrace: { traceId: `${this.id()}-failure`, failureReason: reason, failureCode: code, metadata: this.metadata('', 60) } } });
  }
}

const ORDER = /\b(\d{4,6})\b/;

/** Hands a function call back to the caller (with `actionInvocationType` saying for what), and waits for its result in `session`. */
function returnControl(session: Session, agent: SandboxAgent, call: Record<string, unknown>, order?: string): Step {
  const invocationId = randomUUID();
  session.pending = { invocationId, agent, ...(order ? { order } : {}) };
  return {
    kind: 'returnControl',
    payload: { invocationId, invocationInputs: [{ functionInvocationInput: { ...call, agentId: SANDBOX_AGENTS[agent].agentId } }] },
  };
}

/**
 * The benchmark's trace agent (BENCH_TRACE_AGENT): `events` trace events in all — pre-processing,
 * steps that each think (model call with usage, rationale) and then call an action group or search
 * a knowledge base in turn, the final response, post-processing — with its answer streaming in
 * between the steps; the answer's last piece comes last.
 */
function traceDesk(turn: TurnTrace, question: string, events: number): Step[] {
  const answer = benchTraceAnswer();
  const pieces = answer.match(/[^]{1,24}/g) ?? [];
  // Pre-processing (2, already in the turn), 5 a step, the final response (4) and post-processing (2).
  const loops = Math.max(1, Math.floor((events - 8) / 5));
  const kb = SANDBOX_KNOWLEDGE_BASES.engineering.knowledgeBaseId;
  let traceId = '';
  let sent = 0;
  for (let i = 0; i < loops; i++) {
    const service = `service-${(i % 10) + 1}`;
    if (i % 2 === 0) {
      traceId = turn.think(`I will read the queue figures of ${service} with the getQueueStats function.`);
      turn.invoke(traceId, {
        invocationType: 'ACTION_GROUP',
        actionGroupInvocationInput: { actionGroupName: 'operations', function: 'getQueueStats', executionType: 'LAMBDA', parameters: [{ name: 'service', type: 'string', value: service }] },
      });
      turn.observe(traceId, { type: 'ACTION_GROUP', actionGroupInvocationOutput: { text: `{"service":"${service}","waiting":${120 + i * 7},"consumers":${2 + (i % 4)},"lagSeconds":${(1.5 + (i % 7) * 0.7).toFixed(1)}}` } });
    } else {
      traceId = turn.think(`I will check the runbook's limits for ${service} in the engineering wiki.`);
      turn.invoke(traceId, { invocationType: 'KNOWLEDGE_BASE', knowledgeBaseLookupInput: { knowledgeBaseId: kb, text: `queue lag limit for ${service}` } });
      const passages = [1, 2, 3].map((n) => ({
        content: { text: `Runbook, ${service}, section ${n}: the consumer lag must stay under ${10 + n} seconds; past it, add a consumer and page the on-call engineer.`, type: 'TEXT' },
        location: { type: 'WEB', webLocation: { url: `https://wiki.example.com/runbooks/${service}#${n}` } },
        metadata: { 'x-amz-bedrock-kb-source-uri': `https://wiki.example.com/runbooks/${service}` },
      }));
      turn.observe(traceId, { type: 'KNOWLEDGE_BASE', knowledgeBaseLookupOutput: { retrievedReferences: passages, metadata: { totalTimeMs: 140 + i } } });
    }
    // The answer so far streams between the steps, all but its last piece.
    const until = Math.floor(((i + 1) * (pieces.length - 1)) / loops);
    for (; sent < until; sent++) turn.steps.push({ kind: 'chunk', text: pieces[sent]! });
  }
  for (let extra = 8 + loops * 5; extra < events; extra++) turn.steps.push({ kind: 'trace', trace: { orchestrationTrace: { rationale: { traceId, text: 'I am checking my notes before I answer.' } } } });
  turn.finish(answer);
  turn.postProcessing(answer);
  for (; sent < pieces.length; sent++) turn.steps.push({ kind: 'chunk', text: pieces[sent]! });
  return turn.steps;
}

/** What `agent` does with one request in `session`. */
function script(agent: SandboxAgent | 'trace', request: AgentRequest, session: Session): Step[] {
  const question = request.inputText ?? '';
  const turn = new TurnTrace(randomUUID().slice(0, 8), question);
  const earlier = session.questions.length ? ` (You asked me before about: “${session.questions.at(-1)}”.)` : '';
  const results = request.sessionState?.returnControlInvocationResults;

  // A caller answering a returned control: the action's result goes on where it stopped.
  if (results?.length) {
    const pending = session.pending;
    session.pending = undefined;
    if (!pending || request.sessionState?.invocationId !== pending.invocationId || pending.agent !== agent) {
      return [{ kind: 'exception', name: 'validationException', body: { message: 'The invocationId does not match an action waiting in this session.' } }];
    }
    const result = results[0]!.functionResult ?? results[0]!.apiResult;
    if (pending.agent === 'cancel') {
      const confirmed = result?.confirmationState === 'CONFIRM';
      const traceId = turn.think(confirmed ? 'The person confirmed: cancel the order.' : 'The person denied the action: do not cancel.');
      if (confirmed) {
        turn.invoke(traceId, {
          invocationType: 'ACTION_GROUP',
          actionGroupInvocationInput: { actionGroupName: 'orders', function: 'cancelOrder', executionType: 'LAMBDA', parameters: [{ name: 'orderId', type: 'string', value: pending.order ?? '' }] },
        });
        turn.observe(traceId, { type: 'ACTION_GROUP', actionGroupInvocationOutput: { text: `{"orderId":"${pending.order}","status":"CANCELLED"}` } });
      }
      const answer = confirmed ? `Order ${pending.order} is cancelled. A refund is on its way.` : `I did not cancel order ${pending.order}.`;
      turn.finish(answer);
      return [...turn.steps, { kind: 'chunk', text: answer }];
    }
    const body = result?.responseBody?.TEXT?.body ?? '';
    const traceId = turn.think('The app told me the local time.');
    turn.observe(traceId, { type: 'ACTION_GROUP', actionGroupInvocationOutput: { text: body } });
    const answer = `It is ${body || 'an unknown time'} where you are.`;
    turn.finish(answer);
    return [...turn.steps, { kind: 'chunk', text: answer }];
  }

  session.questions.push(question);
  turn.preProcessing();
  switch (agent) {
    case 'librarian': {
      const kb = SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId;
      const traceId = turn.think('I will search the employee handbook for the leave policy.');
      turn.invoke(traceId, { invocationType: 'KNOWLEDGE_BASE', knowledgeBaseLookupInput: { knowledgeBaseId: kb, text: question } });
      const passages = handbookPassages(question);
      turn.observe(traceId, { type: 'KNOWLEDGE_BASE', knowledgeBaseLookupOutput: { retrievedReferences: passages, metadata: { totalTimeMs: 180 } } });
      const first = 'You can carry over up to five days of unused leave.';
      const second = ' Your manager approves the request in the HR portal.';
      const answer = `${first}${second}${earlier}`;
      turn.finish(answer);
      turn.postProcessing(answer);
      const attribution = {
        citations: [
          { generatedResponsePart: { textResponsePart: { text: first, span: { start: 0, end: first.length - 1 } } }, retrievedReferences: [passages[0]] },
          {
            generatedResponsePart: { textResponsePart: { text: second.trim(), span: { start: first.length + 1, end: first.length + second.length - 1 } } },
            retrievedReferences: [passages[1]],
          },
        ],
      };
      return [...turn.steps, { kind: 'chunk', text: answer, attribution }];
    }
    case 'orders': {
      const order = ORDER.exec(question)?.[1] ?? '1042';
      const traceId = turn.think(`I will look up order ${order} with the getOrder function.`);
      turn.invoke(traceId, {
        invocationType: 'ACTION_GROUP',
        actionGroupInvocationInput: { actionGroupName: 'orders', function: 'getOrder', executionType: 'LAMBDA', parameters: [{ name: 'orderId', type: 'string', value: order }] },
      });
      turn.observe(traceId, { type: 'ACTION_GROUP', actionGroupInvocationOutput: { text: `{"orderId":"${order}","status":"SHIPPED","carrier":"Parcelo"}` } });
      const answer = `Order ${order} has shipped with Parcelo.${earlier}`;
      turn.finish(answer);
      return [...turn.steps, { kind: 'chunk', text: answer }];
    }
    case 'cancel': {
      const order = ORDER.exec(question)?.[1] ?? '1042';
      turn.think(`Cancelling order ${order} needs the person's confirmation first.`);
      return [
        ...turn.steps,
        returnControl(session, agent, { actionGroup: 'orders', function: 'cancelOrder', actionInvocationType: 'USER_CONFIRMATION', parameters: [{ name: 'orderId', type: 'string', value: order }] }, order),
      ];
    }
    case 'clock': {
      turn.think('The local time is something only the app knows: I return control to it.');
      return [...turn.steps, returnControl(session, agent, { actionGroup: 'device', function: 'getLocalTime', actionInvocationType: 'RESULT', parameters: [] })];
    }
    case 'broken': {
      const traceId = turn.think('I will check the inventory with the inventory action group.');
      turn.invoke(traceId, {
        invocationType: 'ACTION_GROUP',
        actionGroupInvocationInput: { actionGroupName: 'inventory', function: 'countStock', executionType: 'LAMBDA', parameters: [{ name: 'sku', type: 'string', value: 'A-100' }] },
      });
      const reason = 'The Lambda function arn:aws:lambda:us-east-1:123456789012:function:inventory failed: Task timed out after 3.00 seconds';
      turn.failure(reason, 424);
      return [...turn.steps, { kind: 'exception', name: 'dependencyFailedException', body: { message: reason, resourceName: 'inventory' } }];
    }
    case 'trace':
      return traceDesk(turn, question, benchTraceEvents(question));
    case 'guarded': {
      if (/invest|stock|crypto/i.test(question)) {
        turn.guardrail('INTERVENED', 'Investment advice');
        return [...turn.steps, { kind: 'chunk', text: "Sorry, I can't give investment advice." }];
      }
      turn.guardrail('NONE');
      const answer = `Happy to help with that.${earlier}`;
      turn.finish(answer);
      return [...turn.steps, { kind: 'chunk', text: answer }];
    }
  }
}

export async function startBedrockAgentRuntime(options: BedrockAgentRuntimeOptions): Promise<BedrockAgentRuntimeServer> {
  const { stats } = options;
  const sessions = new Map<string, Session>();
  const received: AgentRequest[] = [];
  // Sessions expired by faults.agents.expireSessions(): their context is gone, and so is any action waiting in them.
  const expired = new Set<string>();
  options.faults?.onExpire(() => {
    for (const key of sessions.keys()) expired.add(key);
    sessions.clear();
  });

  const handle = async (req: AnyRequest, res: AnyResponse): Promise<void> => {
    const body = await readBody(req);
    if (await options.otherRoutes?.(req, res, body)) return;
    const route = ROUTE.exec((req.url ?? '').split('?')[0] ?? '');
    const signature = await checkSignature(req, res, body, options.registry, 'bedrock', options.region);
    if (!signature.ok) return stats.inc(`bedrock-agent-runtime:InvokeAgent:${signature.name}`);
    const refuse = (status: number, name: string, message: string) => {
      stats.inc(`bedrock-agent-runtime:InvokeAgent:${name}`);
      sendAwsError(res, status, name, message);
    };
    if (req.method !== 'POST' || !route) return refuse(404, 'UnknownOperationException', 'The requested operation is not recognized by the service.');
    const [agentId, agentAliasId, sessionId] = route.slice(1).map((part) => decodeURIComponent(part ?? '')) as [string, string, string];
    let request: AgentRequest;
    try {
      request = { ...(JSON.parse(body.toString('utf8') || '{}') as Omit<AgentRequest, 'agentId' | 'agentAliasId' | 'sessionId'>), agentId, agentAliasId, sessionId };
    } catch {
      return refuse(400, 'SerializationException', 'Unable to parse the request body.');
    }
    received.push(request);
    const denied = refuseByFaults(options.faults, req, res, options.registry, [
      ['bedrock:InvokeAgent', `arn:aws:bedrock:${options.region}:${ACCOUNT_ID}:agent-alias/${agentId}/${agentAliasId}`],
    ]);
    if (denied) return stats.inc(`bedrock-agent-runtime:InvokeAgent:${denied}`);
    if (!ID.test(agentId) || !(ID.test(agentAliasId) || agentAliasId === 'TSTALIASID') || !SESSION_ID.test(sessionId)) {
      return refuse(400, 'ValidationException', '1 validation error detected: agentId, agentAliasId or sessionId does not satisfy its constraint.');
    }
    const entry = agentId === BENCH_TRACE_AGENT.agentId ? (['trace', BENCH_TRACE_AGENT] as const) : Object.entries(SANDBOX_AGENTS).find(([, agent]) => agent.agentId === agentId);
    if (entry && agentAliasId === UNDEPLOYED_ALIAS.aliasId && agentId === UNDEPLOYED_ALIAS.agentId) {
      return refuse(404, 'ResourceNotFoundException', `Failed to retrieve resource because it doesn't exist. Retry the request with a different resource identifier.`);
    }
    if (!entry || entry[1].aliasId !== agentAliasId) {
      return refuse(404, 'ResourceNotFoundException', `Failed to retrieve resource because it doesn't exist. Retry the request with a different resource identifier.`);
    }
    const results = request.sessionState?.returnControlInvocationResults;
    if (!results?.length && !request.inputText?.trim()) return refuse(400, 'ValidationException', 'inputText must not be empty.');

    const agent = entry[0] as SandboxAgent | 'trace';
    const key = `${agentId}/${agentAliasId}/${sessionId}`;
    // An expired session cannot take an action's result; a new question in it starts afresh.
    if (expired.has(key) && results?.length) {
      return refuse(400, 'ValidationException', `Session ${sessionId} has expired or was ended. Start a new session to continue the conversation.`);
    }
    expired.delete(key);
    const session = sessions.get(key) ?? { questions: [] };
    sessions.set(key, session);
    const steps = script(agent, request, session);
    if (request.endSession) sessions.delete(key);

    stats.inc('bedrock-agent-runtime:InvokeAgent');
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-agent-content-type': 'application/json',
      'x-amz-bedrock-agent-session-id': sessionId,
      'x-amzn-requestid': randomUUID(),
    });
    const part = { agentId, agentAliasId, sessionId, agentVersion: AGENT_VERSION };
    for (const step of steps) {
      if (step.kind === 'trace') {
        if (request.enableTrace) res.write(streamFrame('trace', { ...part, eventTime: new Date().toISOString(), trace: step.trace }));
      } else if (step.kind === 'returnControl') {
        res.write(streamFrame('returnControl', step.payload));
      } else if (step.kind === 'exception') {
        stats.inc(`bedrock-agent-runtime:InvokeAgent:${step.name}`);
        res.write(streamFrame(step.name, step.body, true));
      } else {
        // The final answer in pieces when asked to stream it; the citations come with the piece they belong to.
        const pieces = request.streamingConfigurations?.streamFinalResponse ? (step.text.match(/[^]{1,24}/g) ?? ['']) : [step.text];
        pieces.forEach((piece, index) => {
          const attribution = step.attribution && index === pieces.length - 1 ? { attribution: step.attribution } : {};
          res.write(streamFrame('chunk', { bytes: Buffer.from(piece).toString('base64'), ...attribution }));
        });
      }
      // Frames go out one by one, as the service sends them while the agent works.
      await new Promise((resolve) => setTimeout(resolve, options.stepDelayMs ?? 2));
    }
    res.end();
  };

  const server = await startDualServer('bedrock-agent-runtime', options.port, handle, options.log);
  return { endpoint: server.endpoint, requests: () => received.map((request) => structuredClone(request)), close: () => server.close() };
}
