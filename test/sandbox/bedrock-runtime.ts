/**
 * Bedrock Runtime emulator: Converse and ConverseStream over restJson1, the
 * stream as binary event-stream frames, on h2c and HTTP/1.1, SigV4-verified.
 */
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { type AnyRequest, type AnyResponse, checkSignature, readBody, sendAwsError, sendJson, startDualServer, streamFrame } from './aws-rest.js';
import { accessDeniedMessage, callerArn } from './agent-faults.js';
import { plainAnswer, resolveModel, thinkerAnswer, thinkerReasoning, unusableModelMessage, writerAnswer } from './bedrock-models.js';
import { assessAnswer, assessQuestion, findGuardrail } from './guardrails.js';
import type { BedrockApiKeys } from './bedrock-api-keys.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import type { Stats } from './http-util.js';

export interface BedrockPace {
  /** Words (≈ tokens) per second; 0 = as fast as possible. */
  tokensPerSecond: number;
  /** Length of the writer's answer, in words. */
  answerWords: number;
  /** The writer answers with exactly this text instead of its own (benchmarks). */
  script?: string;
  /** With `script`: characters per text delta (default 32). */
  chunkChars?: number;
  /** With `script`: milliseconds between text deltas (default 4); 0 = as fast as possible. */
  intervalMs?: number;
}

/** What a client sent, for tests to check. */
export interface ReceivedRequest {
  operation: 'Converse' | 'ConverseStream';
  /** '2.0' (h2c, or h2 through an HTTPS front) or '1.1'. */
  httpVersion: string;
  modelId: string;
  messages: Array<{ role: string; content: Array<{ text?: string }> }>;
  system?: Array<{ text?: string }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number };
  /** The guardrail the request asked for (see guardrails.ts). */
  guardrailConfig?: { guardrailIdentifier?: string; guardrailVersion?: string; trace?: string; streamProcessingMode?: string };
}

export interface BedrockRuntimeFaults {
  /** The next `n` requests answer 429 ThrottlingException before any stream. */
  throttleNext(n: number): void;
  /** The next stream sends a modelStreamErrorException frame after that many text deltas. */
  streamErrorAfter(deltas: number): void;
  /** The next stream's connection is cut after that many text deltas, without messageStop. */
  cutAfter(deltas: number): void;
  /** Waits this long before the first token of every answer (0 to stop). */
  delayFirstTokenMs(ms: number): void;
}

export interface BedrockRuntimeServer {
  endpoint: string;
  faults: BedrockRuntimeFaults;
  setPace(pace: Partial<BedrockPace>): void;
  requests(): ReceivedRequest[];
  close(): Promise<void>;
}

export interface BedrockRuntimeOptions {
  port: number;
  region: string;
  registry: CredentialsRegistry;
  /** The Bedrock API keys it takes as bearer tokens. */
  apiKeys: BedrockApiKeys;
  stats: Stats;
  log: boolean;
  pace: BedrockPace;
}

const frame = (eventType: string, payload: unknown) => streamFrame(eventType, payload);
const exceptionFrame = (exceptionType: string, message: string) => streamFrame(exceptionType, { message }, true);

const words = (text: string) => text.split(/(?<=\s)/);
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer a few words per delta, pausing after each. */
async function* wordDeltas(answer: string, wordsPerDelta: number, pause: () => Promise<unknown>): AsyncGenerator<string> {
  for (let i = 0, parts = words(answer); i < parts.length; i += wordsPerDelta) {
    yield parts.slice(i, i + wordsPerDelta).join('');
    await pause();
  }
}

/**
 * A script `chunkChars` characters per delta, one delta every `intervalMs`
 * by the clock: deltas that fell due while a timer ran late go out together
 * at the next tick, so the average rate holds whatever the timer granularity.
 */
export async function* scriptDeltas(script: string, chunkChars: number, intervalMs: number): AsyncGenerator<string> {
  const size = Math.max(1, Math.floor(chunkChars));
  const started = performance.now();
  let sent = 0;
  for (let i = 0; i < script.length; i += size) {
    if (intervalMs > 0) {
      const dueAt = started + sent * intervalMs;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
    } else if (sent > 0 && sent % 64 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    yield script.slice(i, i + size);
    sent++;
  }
}

/** Checks the conversation the way Bedrock does. */
function validate(body: ReceivedRequest): string | undefined {
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  if (body.messages[0]?.role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  for (let i = 1; i < body.messages.length; i++) {
    if (body.messages[i]!.role === body.messages[i - 1]!.role) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
  }
  for (const message of body.messages) {
    if (!Array.isArray(message.content) || message.content.length === 0 || message.content.some((c) => c.text !== undefined && !c.text.trim())) {
      return 'The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again.';
    }
  }
  return undefined;
}

export async function startBedrockRuntime(options: BedrockRuntimeOptions): Promise<BedrockRuntimeServer> {
  const { stats, registry, region } = options;
  const pace = { ...options.pace };
  const received: ReceivedRequest[] = [];
  let throttle = 0;
  let streamErrorAt: number | undefined;
  let cutAt: number | undefined;
  let firstTokenDelay = 0;

  const handle = async (req: AnyRequest, res: AnyResponse): Promise<void> => {
    const body = await readBody(req);
    const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec((req.url ?? '').split('?')[0] ?? '');
    const operation = match?.[2] === 'converse-stream' ? 'ConverseStream' : 'Converse';
    const key = `bedrock-runtime:${operation}`;
    const signature = await checkSignature(req, res, body, registry, 'bedrock', region, options.apiKeys);
    if (!signature.ok) return stats.inc(`${key}:${signature.name}`);
    if (signature.auth === 'bearer') stats.inc(`${key}:bearer`);
    if (req.method !== 'POST' || !match) {
      stats.inc('bedrock-runtime:UnknownOperation');
      return sendAwsError(res, 404, 'UnknownOperationException', 'The requested operation is not recognized by the service.');
    }
    const modelId = decodeURIComponent(match[1]!);
    let request: ReceivedRequest;
    try {
      const fields = JSON.parse(body.toString('utf8')) as Omit<ReceivedRequest, 'operation' | 'modelId' | 'httpVersion'>;
      request = { operation, httpVersion: req.httpVersion, modelId, ...fields };
    } catch {
      stats.inc(`${key}:SerializationException`);
      return sendAwsError(res, 400, 'SerializationException', 'Unable to parse the request body.');
    }
    received.push(request);
    const refuse = (status: number, name: string, message: string) => {
      stats.inc(`${key}:${name}`);
      sendAwsError(res, status, name, message);
    };

    if (throttle > 0) {
      throttle--;
      return refuse(429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
    }
    const resolved = resolveModel(modelId);
    if (resolved.kind !== 'model') return refuse(400, 'ValidationException', unusableModelMessage(resolved));
    const { model } = resolved;
    if (model.behaviour === 'denied') return refuse(403, 'AccessDeniedException', "You don't have access to the model with the specified model ID.");
    if (!model.outputModalities.includes('TEXT')) return refuse(400, 'ValidationException', 'This model doesn\'t support conversation. Try again with a model that does.');
    if (operation === 'ConverseStream' && !model.responseStreamingSupported) {
      return refuse(400, 'ValidationException', 'The model is unsupported for streaming.');
    }
    const invalid = validate(request);
    if (invalid) return refuse(400, 'ValidationException', invalid);
    const guard = findGuardrail(request.guardrailConfig);
    if (guard && !guard.ok) {
      return refuse(guard.status, guard.name, guard.forbidden ? accessDeniedMessage(callerArn(req, registry), 'bedrock:ApplyGuardrail', guard.forbidden) : guard.message);
    }

    const question = request.messages.at(-1)!.content.map((c) => c.text ?? '').join('\n');
    const inputTokens = countWords([...(request.system ?? []), ...request.messages.flatMap((m) => m.content)].map((c) => c.text ?? '').join(' '));
    let reasoning = model.behaviour === 'thinker' ? thinkerReasoning(question) : '';
    let script = model.behaviour === 'writer' ? pace.script : undefined;
    let answer =
      script ?? (model.behaviour === 'writer' ? writerAnswer(question, pace.answerWords) : model.behaviour === 'thinker' ? thinkerAnswer(question) : plainAnswer(question));
    let stopReason = 'end_turn';
    const maxTokens = request.inferenceConfig?.maxTokens;
    // A script is sent exactly as written: benchmarks need the same bytes whatever the conversation's answer length.
    if (script === undefined && maxTokens !== undefined && countWords(answer) > maxTokens) {
      answer = answer.split(/\s+/).filter(Boolean).slice(0, maxTokens).join(' ');
      stopReason = 'max_tokens';
    }
    // The guardrail checks the question first (blocked: the model is never asked), then the answer before it goes out.
    let trace: { guardrail: Record<string, unknown> } | undefined;
    let asked = true;
    if (guard) {
      const { id, blockedInputMessaging } = guard.guardrail;
      const checked = assessQuestion(guard.guardrail, question);
      if (checked.blocked) {
        asked = false;
        answer = blockedInputMessaging;
        reasoning = '';
        script = undefined;
        stopReason = 'guardrail_intervened';
        trace = { guardrail: { inputAssessment: { [id]: checked.assessment } } };
      } else {
        const told = assessAnswer(guard.guardrail, answer);
        if (told.blocked || told.masked) {
          answer = told.text;
          script = undefined;
          stopReason = 'guardrail_intervened';
        }
        trace = { guardrail: { inputAssessment: { [id]: checked.assessment }, outputAssessments: { [id]: [told.assessment] } } };
      }
      if (stopReason === 'guardrail_intervened') stats.inc(`${key}:guardrail_intervened`);
      if (!guard.trace) trace = undefined;
    }
    const usage = asked
      ? { inputTokens, outputTokens: countWords(reasoning) + countWords(answer), totalTokens: 0 }
      : { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
    const started = Date.now();

    if (operation === 'Converse') {
      stats.inc(key);
      const content = [
        ...(reasoning ? [{ reasoningContent: { reasoningText: { text: reasoning, signature: 'c2FuZGJveA==' } } }] : []),
        { text: answer },
      ];
      return sendJson(res, {
        output: { message: { role: 'assistant', content } },
        stopReason,
        usage,
        metrics: { latencyMs: Date.now() - started },
        ...(trace ? { trace } : {}),
      });
    }

    stats.inc(key);
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
    const streamErrorAfter = streamErrorAt;
    const cutAfter = cutAt;
    streamErrorAt = undefined;
    cutAt = undefined;
    let closed = false;
    res.on('close', () => (closed = true));
    const send = (chunk: Uint8Array) => {
      if (!closed) res.write(chunk);
    };

    const WORDS_PER_DELTA = 3;
    const delayMs = pace.tokensPerSecond > 0 ? (WORDS_PER_DELTA / pace.tokensPerSecond) * 1000 : 0;
    const pause = () => (delayMs > 0 ? sleep(delayMs) : new Promise((resolve) => setImmediate(resolve)));

    send(frame('messageStart', { role: 'assistant' }));
    if (firstTokenDelay > 0) await sleep(firstTokenDelay);
    let index = 0;
    if (reasoning) {
      for (let i = 0, parts = words(reasoning); i < parts.length && !closed; i += WORDS_PER_DELTA) {
        send(frame('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: parts.slice(i, i + WORDS_PER_DELTA).join('') } } }));
        await pause();
      }
      send(frame('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { signature: 'c2FuZGJveA==' } } }));
      send(frame('contentBlockStop', { contentBlockIndex: index }));
      index++;
    }
    let deltas = 0;
    const textDeltas = script === undefined ? wordDeltas(answer, WORDS_PER_DELTA, pause) : scriptDeltas(answer, pace.chunkChars ?? 32, pace.intervalMs ?? 4);
    for await (const text of textDeltas) {
      if (closed) return;
      send(frame('contentBlockDelta', { contentBlockIndex: index, delta: { text } }));
      deltas++;
      if (deltas === streamErrorAfter) {
        stats.inc(`${key}:modelStreamErrorException`);
        send(exceptionFrame('modelStreamErrorException', 'The model encountered an error while streaming the response.'));
        res.end();
        return;
      }
      if (deltas === cutAfter) {
        stats.inc(`${key}:cut`);
        await pause();
        if (res.stream) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        else res.socket?.destroy();
        return;
      }
    }
    send(frame('contentBlockStop', { contentBlockIndex: index }));
    send(frame('messageStop', { stopReason }));
    send(frame('metadata', { usage, metrics: { latencyMs: Date.now() - started }, ...(trace ? { trace } : {}) }));
    res.end();
  };

  const server = await startDualServer('bedrock-runtime', options.port, handle, options.log);
  return {
    endpoint: server.endpoint,
    faults: {
      throttleNext: (n) => void (throttle = n),
      streamErrorAfter: (deltas) => void (streamErrorAt = deltas),
      cutAfter: (deltas) => void (cutAt = deltas),
      delayFirstTokenMs: (ms) => void (firstTokenDelay = ms),
    },
    setPace: (next) => Object.assign(pace, next),
    requests: () => received.map((r) => structuredClone(r)),
    close: () => server.close(),
  };
}
