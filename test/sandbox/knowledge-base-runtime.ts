/**
 * The knowledge-base operations of the Bedrock Agent Runtime endpoint:
 * RetrieveAndGenerateStream (POST /retrieveAndGenerateStream — `output`,
 * `citation` and `guardrail` events, exceptions in the stream, the session
 * id in the `x-amzn-bedrock-knowledge-base-session-id` header),
 * RetrieveAndGenerate (POST /retrieveAndGenerate, the same answer as one JSON
 * body) and Retrieve (POST /knowledgebases/{knowledgeBaseId}/retrieve), as
 * botocore's bedrock-agent-runtime service model describes them; SigV4 with
 * service `bedrock`. Answers come from the sandbox knowledge bases' passages
 * (`knowledgeBasePassages`), picked by keywords in the question; a question
 * no passage matches gets the service's "unable to assist" answer, uncited.
 */
import { randomUUID } from 'node:crypto';
import { accessDeniedMessage, callerArn, refuseByFaults, type AgentFaultState } from './agent-faults.js';
import { checkSignature, sendAwsError, sendJson, streamFrame, type AnyRequest, type AnyResponse } from './aws-rest.js';
import { handbookPassages, SANDBOX_KNOWLEDGE_BASES } from './bedrock-agents.js';
import { resolveModel, unusableModelMessage } from './bedrock-models.js';
import { ACCOUNT_ID } from './constants.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import type { Stats } from './http-util.js';

/** A retrieved passage as the service model's RetrievedReference (and KnowledgeBaseRetrievalResult, less the score) has it. */
export interface KnowledgeBasePassage {
  content: { text: string; type: 'TEXT' };
  location: { type: 'S3'; s3Location: { uri: string } } | { type: 'WEB'; webLocation: { url: string } };
  metadata: Record<string, string | number>;
}

/** One passage a question matched, and the sentence of the answer it supports. */
export interface KnowledgeBaseMatch {
  passage: KnowledgeBasePassage;
  sentence: string;
}

export interface KnowledgeBaseRequest {
  operation: 'RetrieveAndGenerateStream' | 'RetrieveAndGenerate' | 'Retrieve';
  /** From the configuration (RetrieveAndGenerate*) or the path (Retrieve). */
  knowledgeBaseId?: string;
  modelArn?: string;
  /** input.text, or retrievalQuery.text for Retrieve. */
  text?: string;
  sessionId?: string;
  /** The JSON body exactly as received. */
  body: Record<string, unknown>;
}

/** What the service answers when retrieval found nothing to base an answer on. */
export const KNOWLEDGE_BASE_NO_ANSWER = 'Sorry, I am unable to assist you with this request.';
/** What a guardrail that blocks the question answers instead (the guardrail's default blocked message). */
export const KNOWLEDGE_BASE_BLOCKED_ANSWER = 'Sorry, the model cannot answer this question.';

interface Entry {
  keywords: RegExp;
  sentence: string;
  passage: (question: string) => KnowledgeBasePassage;
}

const s3 = (uri: string, text: string, extra: Record<string, string | number> = {}) => (): KnowledgeBasePassage => ({
  content: { text, type: 'TEXT' },
  location: { type: 'S3', s3Location: { uri } },
  metadata: { 'x-amz-bedrock-kb-source-uri': uri, ...extra },
});
const web = (url: string, text: string) => (): KnowledgeBasePassage => ({
  content: { text, type: 'TEXT' },
  location: { type: 'WEB', webLocation: { url } },
  metadata: { 'x-amz-bedrock-kb-source-uri': url },
});

/** Every passage of each sandbox knowledge base, with the words that find it. */
const PASSAGES: Record<string, Entry[]> = {
  [SANDBOX_KNOWLEDGE_BASES.handbook.knowledgeBaseId]: [
    {
      keywords: /\b(leave|vacation|holiday|pto|annual|carry)/i,
      sentence: 'You can carry over up to five days of unused annual leave into the next year.',
      passage: (question) => handbookPassages(question)[0] as KnowledgeBasePassage,
    },
    {
      keywords: /\b(carry|approv|manager)/i,
      sentence: 'Your manager approves carry-over requests in the HR portal.',
      passage: (question) => handbookPassages(question)[1] as KnowledgeBasePassage,
    },
    {
      keywords: /\b(travel|flight|fly|trip|hotel)/i,
      sentence: 'Book work travel through the travel portal at least 14 days ahead; flights under six hours are economy class.',
      passage: s3('s3://sandbox-handbook/travel-policy.pdf', 'Business travel is booked through the travel portal at least 14 days before departure. Flights shorter than six hours are booked in economy class.', { page: 2 }),
    },
    {
      keywords: /\b(expense|receipt|reimburs|meal)/i,
      sentence: 'Submit expense claims with their receipts within 30 days; meals while travelling are reimbursed up to 60 USD a day.',
      passage: web('https://intranet.example.com/finance/expenses', 'Expense claims must be submitted with receipts within 30 days. Meals during business travel are reimbursed up to 60 USD per day.'),
    },
  ],
  [SANDBOX_KNOWLEDGE_BASES.engineering.knowledgeBaseId]: [
    {
      keywords: /\b(on-?call|pager|paging|paged|incident)/i,
      sentence: 'The on-call engineer acknowledges a page within 15 minutes and opens an incident in the #incidents channel.',
      passage: s3('s3://sandbox-eng-wiki/runbooks/on-call.md', 'On-call runbook: acknowledge every page within 15 minutes, then open an incident in the #incidents channel and post updates every 30 minutes.'),
    },
    {
      keywords: /\b(deploy|release|rollback|roll back|production)/i,
      sentence: 'Production deploys go out through the release pipeline on weekdays between 09:00 and 16:00 UTC, and a rollback is one click in the pipeline.',
      passage: web('https://wiki.example.com/eng/deploys', 'Deploys to production run through the release pipeline, on weekdays from 09:00 to 16:00 UTC. Rolling back is a single click on the pipeline page.'),
    },
    {
      keywords: /\b(architecture|database|aurora|eventbridge|order service)/i,
      sentence: 'The order service keeps orders in Aurora PostgreSQL and publishes order events to EventBridge.',
      passage: s3('s3://sandbox-eng-wiki/architecture/orders.md', 'Architecture of the order service: orders are stored in Aurora PostgreSQL; every change is published as an order event on EventBridge.'),
    },
  ],
};

/** The passages of `knowledgeBaseId` that `question` matches, in the knowledge base's order, at most `limit`. */
export function knowledgeBasePassages(knowledgeBaseId: string, question: string, limit = 5): KnowledgeBaseMatch[] {
  return (PASSAGES[knowledgeBaseId] ?? [])
    .filter((entry) => entry.keywords.test(question))
    .slice(0, limit)
    .map((entry) => ({ passage: entry.passage(question), sentence: entry.sentence }));
}

export interface KnowledgeBaseRuntimeOptions {
  region: string;
  registry: CredentialsRegistry;
  stats: Stats;
  faults: AgentFaultState;
  /** The pause between stream frames, ms (default 2). */
  stepDelayMs?: number;
}

export interface KnowledgeBaseRuntime {
  /** Answers `req` and returns true when it is one of the knowledge-base operations; false leaves it to the caller. */
  handle(req: AnyRequest, res: AnyResponse, body: Buffer): Promise<boolean>;
  /** Every request received, oldest first. */
  requests(): KnowledgeBaseRequest[];
}

const SESSION_ID = /^[0-9a-zA-Z._:-]{2,100}$/;
const KB_ID = /^[0-9a-zA-Z]{1,10}$/;
const MODEL_ARN =
  /^(arn:aws(-[^:]+)?:(bedrock|sagemaker):[a-z0-9-]{1,20}:([0-9]{12})?:([a-z-]+\/)?)?([a-z0-9.-]{1,63}){0,2}(([:][a-z0-9-]{1,63}){0,2})?(\/[a-z0-9]{1,12})?$/;
const BLOCKED_TOPIC = /invest|stock|crypto/i;

const constraint = (value: unknown, at: string, rule: string) =>
  `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${at}' failed to satisfy constraint: ${rule}`;

/** The answer to `question` from the matched passages: its text, and one citation per sentence (span end inclusive). */
function compose(matches: KnowledgeBaseMatch[]) {
  let text = '';
  const parts = matches.map((match) => {
    const prefix = text ? ' ' : '';
    const start = text.length + prefix.length;
    text += prefix + match.sentence;
    const citation = {
      generatedResponsePart: { textResponsePart: { text: match.sentence, span: { start, end: start + match.sentence.length - 1 } } },
      retrievedReferences: [match.passage],
    };
    return { piece: prefix + match.sentence, citation };
  });
  return { text, parts };
}

export function knowledgeBaseRuntime(options: KnowledgeBaseRuntimeOptions): KnowledgeBaseRuntime {
  const { stats, registry, region, faults } = options;
  const received: KnowledgeBaseRequest[] = [];
  /** The sessions issued and not yet expired: an expired one is as unknown as one never issued. */
  const sessions = new Map<string, { knowledgeBaseId: string; questions: string[] }>();
  faults.onExpire(() => sessions.clear());
  const kbArn = (id: string) => `arn:aws:bedrock:${region}:${ACCOUNT_ID}:knowledge-base/${id}`;
  const pause = () => new Promise((resolve) => setTimeout(resolve, options.stepDelayMs ?? 2));

  const handle = async (req: AnyRequest, res: AnyResponse, raw: Buffer): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const retrieve = /^\/knowledgebases\/([^/]*)\/retrieve$/.exec(path);
    const operation = path === '/retrieveAndGenerateStream' ? 'RetrieveAndGenerateStream' : path === '/retrieveAndGenerate' ? 'RetrieveAndGenerate' : retrieve ? 'Retrieve' : undefined;
    if (!operation) return false;
    const key = `bedrock-agent-runtime:${operation}`;
    const signature = await checkSignature(req, res, raw, registry, 'bedrock', region);
    if (!signature.ok) {
      stats.inc(`${key}:${signature.name}`);
      return true;
    }
    const refuse = (status: number, name: string, message: string) => {
      stats.inc(`${key}:${name}`);
      sendAwsError(res, status, name, message);
      return true;
    };
    if (req.method !== 'POST') return refuse(404, 'UnknownOperationException', 'The requested operation is not recognized by the service.');
    let body: Record<string, unknown>;
    try {
      const parsed = JSON.parse(raw.toString('utf8') || '{}') as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return refuse(400, 'SerializationException', 'Unable to parse the request body.');
    }

    if (operation === 'Retrieve') {
      const knowledgeBaseId = decodeURIComponent(retrieve![1]!);
      const query = body.retrievalQuery as { text?: unknown } | undefined;
      const text = typeof query?.text === 'string' ? query.text : undefined;
      received.push({ operation, knowledgeBaseId, ...(text !== undefined ? { text } : {}), body: structuredClone(body) });
      if (!KB_ID.test(knowledgeBaseId)) return refuse(400, 'ValidationException', constraint(knowledgeBaseId, 'knowledgeBaseId', 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z]+$'));
      if (text === undefined) return refuse(400, 'ValidationException', constraint(undefined, 'retrievalQuery.text', 'Member must not be null'));
      const limit = numberOfResults(body.retrievalConfiguration);
      if (typeof limit === 'string') {
        return refuse(400, 'ValidationException', constraint(requestedResults(body.retrievalConfiguration), 'retrievalConfiguration.vectorSearchConfiguration.numberOfResults', limit));
      }
      const refused = refuseByFaults(faults, req, res, registry, [['bedrock:Retrieve', kbArn(knowledgeBaseId)]]);
      if (refused) {
        stats.inc(`${key}:${refused}`);
        return true;
      }
      if (!PASSAGES[knowledgeBaseId]) return refuse(404, 'ResourceNotFoundException', `Knowledge Base with id ${knowledgeBaseId} does not exist`);
      const results = knowledgeBasePassages(knowledgeBaseId, text, limit).map((match, index) => ({ ...match.passage, score: Number((0.82 - index * 0.07).toFixed(2)) }));
      stats.inc(key);
      sendJson(res, { retrievalResults: results });
      return true;
    }

    // RetrieveAndGenerate and RetrieveAndGenerateStream.
    const input = body.input as { text?: unknown } | undefined;
    const configuration = body.retrieveAndGenerateConfiguration as
      | { type?: unknown; knowledgeBaseConfiguration?: { knowledgeBaseId?: unknown; modelArn?: unknown; retrievalConfiguration?: unknown; generationConfiguration?: { guardrailConfiguration?: unknown } } }
      | undefined;
    const kb = configuration?.knowledgeBaseConfiguration;
    const text = typeof input?.text === 'string' ? input.text : undefined;
    const knowledgeBaseId = typeof kb?.knowledgeBaseId === 'string' ? kb.knowledgeBaseId : undefined;
    const modelArn = typeof kb?.modelArn === 'string' ? kb.modelArn : undefined;
    const sessionId = typeof body.sessionId === 'string' ? body.sessionId : undefined;
    received.push({
      operation,
      ...(knowledgeBaseId !== undefined ? { knowledgeBaseId } : {}),
      ...(modelArn !== undefined ? { modelArn } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
      body: structuredClone(body),
    });

    if (text === undefined) return refuse(400, 'ValidationException', constraint(undefined, 'input.text', 'Member must not be null'));
    if (text.length > 1000) return refuse(400, 'ValidationException', constraint(text, 'input.text', 'Member must have length less than or equal to 1000'));
    if (sessionId !== undefined && !SESSION_ID.test(sessionId)) {
      return refuse(400, 'ValidationException', constraint(sessionId, 'sessionId', 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._:-]+$'));
    }
    if (!configuration) return refuse(400, 'ValidationException', constraint(undefined, 'retrieveAndGenerateConfiguration', 'Member must not be null'));
    if (configuration.type !== 'KNOWLEDGE_BASE' && configuration.type !== 'EXTERNAL_SOURCES') {
      return refuse(400, 'ValidationException', constraint(configuration.type, 'retrieveAndGenerateConfiguration.type', 'Member must satisfy enum value set: [KNOWLEDGE_BASE, EXTERNAL_SOURCES]'));
    }
    if (configuration.type === 'EXTERNAL_SOURCES') {
      // A valid type the service has, but the sandbox answers from its knowledge bases only.
      return refuse(400, 'ValidationException', 'The sandbox answers from knowledge bases only: retrieveAndGenerateConfiguration.type EXTERNAL_SOURCES is not emulated.');
    }
    if (!kb) return refuse(400, 'ValidationException', 'knowledgeBaseConfiguration must be provided when the type is KNOWLEDGE_BASE.');
    if (knowledgeBaseId === undefined || !KB_ID.test(knowledgeBaseId)) {
      return refuse(400, 'ValidationException', constraint(knowledgeBaseId, 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.knowledgeBaseId', 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z]+$'));
    }
    if (modelArn === undefined || !MODEL_ARN.test(modelArn)) {
      return refuse(400, 'ValidationException', constraint(modelArn, 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.modelArn', `Member must satisfy regular expression pattern: ${MODEL_ARN.source}`));
    }
    const limit = numberOfResults(kb.retrievalConfiguration);
    if (typeof limit === 'string') {
      return refuse(400, 'ValidationException', constraint(requestedResults(kb.retrievalConfiguration), 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.retrievalConfiguration.vectorSearchConfiguration.numberOfResults', limit));
    }
    const refused = refuseByFaults(faults, req, res, registry, [
      ['bedrock:RetrieveAndGenerate', undefined],
      ['bedrock:Retrieve', kbArn(knowledgeBaseId)],
    ]);
    if (refused) {
      stats.inc(`${key}:${refused}`);
      return true;
    }
    if (!PASSAGES[knowledgeBaseId]) return refuse(404, 'ResourceNotFoundException', `Knowledge Base with id ${knowledgeBaseId} does not exist`);
    const resolved = resolveModel(modelArn);
    if (resolved.kind !== 'model') return refuse(400, 'ValidationException', unusableModelMessage(resolved));
    if (!resolved.model.outputModalities.includes('TEXT')) return refuse(400, 'ValidationException', `The model ${resolved.model.modelId} does not support text generation. Retry your request with a text model.`);
    if (sessionId !== undefined && !sessions.has(sessionId)) {
      return refuse(400, 'ValidationException', `Session with Id ${sessionId} is not valid. Please check and try again.`);
    }

    // The model's turn: denied use of the model comes after retrieval, so in the stream (or as the error of the whole call).
    const modelResource = resolved.viaProfile ? (modelArn.startsWith('arn:') ? modelArn : `arn:aws:bedrock:${region}:${ACCOUNT_ID}:inference-profile/${modelArn}`) : `arn:aws:bedrock:${region}::foundation-model/${resolved.model.modelId}`;
    const modelRefusal = faults.denied.has('bedrock:InvokeModel')
      ? accessDeniedMessage(callerArn(req, registry), 'bedrock:InvokeModel', modelResource)
      : resolved.model.behaviour === 'denied'
        ? "You don't have access to the model with the specified model ID."
        : undefined;

    const session = sessionId ?? randomUUID();
    const state = sessions.get(session) ?? { knowledgeBaseId, questions: [] };
    state.questions.push(text);
    sessions.set(session, state);
    const guarded = kb.generationConfiguration?.guardrailConfiguration !== undefined && BLOCKED_TOPIC.test(text);
    const matches = guarded ? [] : knowledgeBasePassages(knowledgeBaseId, text, limit);
    const answer = compose(matches);
    const answerText = guarded ? KNOWLEDGE_BASE_BLOCKED_ANSWER : matches.length ? answer.text : KNOWLEDGE_BASE_NO_ANSWER;

    if (operation === 'RetrieveAndGenerate') {
      if (modelRefusal) return refuse(403, 'AccessDeniedException', modelRefusal);
      stats.inc(key);
      sendJson(res, {
        sessionId: session,
        output: { text: answerText },
        citations: answer.parts.map((part) => part.citation),
        ...(guarded ? { guardrailAction: 'INTERVENED' } : {}),
      });
      return true;
    }

    stats.inc(key);
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-knowledge-base-session-id': session,
      'x-amzn-requestid': randomUUID(),
    });
    if (modelRefusal) {
      stats.inc(`${key}:accessDeniedException`);
      res.write(streamFrame('accessDeniedException', { message: modelRefusal }, true));
      res.end();
      return true;
    }
    if (guarded) {
      res.write(streamFrame('guardrail', { action: 'INTERVENED' }));
      await pause();
      res.write(streamFrame('output', { text: answerText }));
    } else if (!matches.length) {
      res.write(streamFrame('output', { text: answerText }));
    } else {
      // Each sentence in pieces, as the model writes it, then the citation of that sentence.
      for (const part of answer.parts) {
        for (const piece of part.piece.match(/[^]{1,24}/g) ?? []) {
          res.write(streamFrame('output', { text: piece }));
          await pause();
        }
        res.write(streamFrame('citation', { ...part.citation, citation: part.citation }));
        await pause();
      }
    }
    res.end();
    return true;
  };

  return { handle, requests: () => received.map((request) => structuredClone(request)) };
}

/**
 * retrievalConfiguration.vectorSearchConfiguration.numberOfResults, or the service's default of 5;
 * the constraint it fails when it is outside the model's 1..100.
 */
function numberOfResults(configuration: unknown): number | string {
  const value = requestedResults(configuration);
  if (value === undefined || value === null) return 5;
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'Member must be an integer';
  if (value < 1) return 'Member must have value greater than or equal to 1';
  if (value > 100) return 'Member must have value less than or equal to 100';
  return value;
}

/** The numberOfResults a retrievalConfiguration asks for, as sent. */
function requestedResults(configuration: unknown): unknown {
  return (configuration as { vectorSearchConfiguration?: { numberOfResults?: unknown } } | undefined)?.vectorSearchConfiguration?.numberOfResults;
}
