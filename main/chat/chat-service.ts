/**
 * Chat with Bedrock models: each answer is one request with an id, streamed
 * to the renderer as it arrives, saved as it grows, and stoppable. Whatever
 * arrived before a stop or a failure is kept, marked as interrupted.
 */
import { randomUUID } from 'node:crypto';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import type {
  AnsweredAs,
  AppError,
  ChatEvent,
  ChatMessage,
  ChatStarted,
  CompanySettings,
  Conversation,
  ConversationSettingsPatch,
  RunningAnswer,
  TokenUsage,
} from '../../preload/contract';
import { isExpiredCredentialsError } from '../auth/source-session';
import { StrataError } from '../errors';
import { ChatEventCoalescer, type FrameTimer } from './event-coalescer';
import { bedrockError, isThrottling, streamCutError } from './bedrock-errors';
import { toBedrockMessages } from './bedrock-messages';
import { applySettingsPatch, type ConversationStore } from './conversation-store';
import type { ModelService } from './model-service';
import { sameAuth, type AwsClients, type BedrockAuth } from '../net/aws-clients';

export interface ChatServiceOptions {
  store: ConversationStore;
  models: ModelService;
  settings: () => CompanySettings;
  /** How the signed-in person's requests are authorised; throws when nobody is signed in. */
  auth: () => BedrockAuth;
  /** Fetches new credentials now (AWS said the current ones expired early). */
  renewCredentials: () => Promise<unknown>;
  /** Builds the Bedrock Runtime client (Region, endpoint, proxy, certificates, timeouts). */
  clients: AwsClients;
  /** Whom an answer is asked as now (kept with it); undefined while that is not known. */
  answeredAs?: () => AnsweredAs | undefined;
  emit: (event: ChatEvent) => void;
  log?: (message: string) => void;
  now?: () => number;
  /** Retries while Bedrock is busy before the first token: attempts in all, and the first backoff. */
  retry?: { attempts?: number; baseDelayMs?: number };
  /** How often a growing answer is saved, ms. */
  checkpointMs?: number;
  /** Streamed text is sent to the window at most once per this many ms per answer (0: every delta at once). */
  frameMs?: number;
  frameTimer?: FrameTimer;
}

interface ActiveRequest {
  requestId: string;
  conversationId: string;
  controller: AbortController;
  done: Promise<void>;
  /** The answer as it stands, for a window that catches up. */
  message: ChatMessage;
  answer: Answer;
}

/** What an answer has gathered so far. */
interface Answer {
  text: string;
  reasoning: string;
  stopReason?: string;
  usage?: TokenUsage;
  latencyMs?: number;
  /** A messageStop arrived: the model finished on its own. */
  finished: boolean;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export class ChatService {
  private readonly active = new Map<string, ActiveRequest>();
  private client?: { key: string; auth: BedrockAuth; client: BedrockRuntimeClient };
  private readonly now: () => number;
  private readonly events: ChatEventCoalescer;

  constructor(private readonly options: ChatServiceOptions) {
    this.now = options.now ?? Date.now;
    this.events = new ChatEventCoalescer(options.emit, options.frameMs ?? 16, options.frameTimer);
  }

  /**
   * Adds the person's message and starts the answer; the answer streams as
   * chat:event. With no conversation id, the message starts a new
   * conversation: it is saved only now, with `settings`, once it can be sent.
   */
  send(conversationId: string | null, text: string, settings: ConversationSettingsPatch = {}): ChatStarted {
    if (conversationId === null) {
      const modelId = settings.modelId ?? this.options.models.defaultModelId();
      this.ensureReady({ modelId });
      conversationId = this.options.store.create(
        applySettingsPatch({ modelId, systemPrompt: this.options.models.defaultInstructions() }, { ...settings, modelId }),
      ).id;
    } else {
      this.ensureIdle(conversationId);
      this.ensureReady(this.options.store.get(conversationId).settings);
    }
    this.options.store.appendMessage(conversationId, {
      id: randomUUID(),
      role: 'user',
      text,
      createdAt: this.now(),
      status: 'complete',
    });
    return this.answer(conversationId);
  }

  /** Answers the last question again, replacing the last answer. */
  regenerate(conversationId: string): ChatStarted {
    this.ensureIdle(conversationId);
    const conversation = this.options.store.get(conversationId);
    this.ensureReady(conversation.settings);
    const last = conversation.messages.at(-1);
    if (!last) {
      throw new StrataError('invalid-input', 'There is nothing to answer yet.', { action: 'Send a message first.' });
    }
    if (last.role === 'assistant') this.options.store.removeMessage(conversationId, last.id);
    return this.answer(conversationId);
  }

  /** Stops an answer; what arrived is kept. Resolves once it is saved. */
  async stop(requestId: string): Promise<void> {
    const request = [...this.active.values()].find((r) => r.requestId === requestId);
    if (!request) return;
    request.controller.abort();
    // What arrived before the stop reaches the window now, ahead of the answer's end.
    this.events.flush(requestId);
    await request.done;
  }

  /** Stops the answer under way in a conversation, if any (before deleting it). */
  async stopConversation(conversationId: string): Promise<void> {
    const request = this.active.get(conversationId);
    if (request) await this.stop(request.requestId);
  }

  /** Stops every answer (sign-out, shutdown). */
  async stopAll(): Promise<void> {
    const requests = [...this.active.values()];
    for (const request of requests) request.controller.abort();
    await Promise.all(requests.map((request) => request.done));
  }

  dispose(): void {
    this.events.dispose();
    for (const request of this.active.values()) request.controller.abort();
    this.client = undefined;
  }

  private ensureIdle(conversationId: string): void {
    if (this.active.has(conversationId)) {
      throw new StrataError('chat-busy', 'Strata is still answering in this conversation.', {
        action: 'Wait for the answer, or stop it first.',
      });
    }
  }

  /** The answers streaming now, with their text so far. */
  running(): RunningAnswer[] {
    return [...this.active.values()].map(({ requestId, conversationId, message, answer }) => ({
      requestId,
      conversationId,
      message: { ...message, text: answer.text, ...(answer.reasoning ? { reasoning: answer.reasoning } : {}) },
    }));
  }

  /** The conversation with its streaming answer's text as it stands now, not as last saved. */
  withLiveText(conversation: Conversation): Conversation {
    const request = this.active.get(conversation.id);
    if (!request) return conversation;
    const { message, answer } = request;
    return {
      ...conversation,
      messages: conversation.messages.map((m) =>
        m.id === message.id && m.status === 'streaming'
          ? { ...m, text: answer.text, ...(answer.reasoning ? { reasoning: answer.reasoning } : {}) }
          : m,
      ),
    };
  }

  private ensureReady(settings: { modelId: string }): void {
    // Throws "not signed in" before anything is saved.
    this.options.auth();
    if (!settings.modelId) {
      throw new StrataError('invalid-input', 'Choose a model for this conversation first.', {
        action: 'Pick a model at the top of the conversation.',
      });
    }
  }

  private answer(conversationId: string): ChatStarted {
    const conversation = this.options.store.get(conversationId);
    const modelId = conversation.settings.modelId;
    const message: ChatMessage = {
      id: randomUUID(),
      role: 'assistant',
      text: '',
      createdAt: this.now(),
      status: 'streaming',
      modelId,
    };
    const answeredAs = this.options.answeredAs?.();
    if (answeredAs) message.answeredAs = answeredAs;
    const history = conversation.messages;
    const started = this.options.store.appendMessage(conversationId, message);
    const requestId = randomUUID();
    const controller = new AbortController();
    const answer: Answer = { text: '', reasoning: '', finished: false };
    const request: ActiveRequest = { requestId, conversationId, controller, done: Promise.resolve(), message, answer };
    this.active.set(conversationId, request);
    request.done = Promise.resolve()
      .then(() => this.run(request, started, message, history))
      .catch((err: unknown) => this.options.log?.(`answer ${requestId} failed to save: ${String(err)}`))
      .finally(() => {
        if (this.active.get(conversationId) === request) this.active.delete(conversationId);
      });
    return { requestId, conversation: started };
  }

  private async run(request: ActiveRequest, conversation: Conversation, message: ChatMessage, history: ChatMessage[]) {
    const { requestId, conversationId, controller, answer } = request;
    const base = { requestId, conversationId };
    const modelId = message.modelId!;
    this.events.push({ type: 'started', ...base, message });

    let lastSaved = this.now();
    const checkpointMs = this.options.checkpointMs ?? 1000;
    const onDelta = (kind: 'text' | 'reasoning', delta: string) => {
      // The offset lets a window that joined late, or missed an event, tell a gap from an overlap.
      const offset = answer[kind].length;
      answer[kind] += delta;
      this.events.push({ type: kind, ...base, messageId: message.id, delta, offset });
      if (this.now() - lastSaved >= checkpointMs) {
        lastSaved = this.now();
        this.save(conversationId, message.id, { text: answer.text, reasoning: answer.reasoning || undefined });
      }
    };

    let error: AppError | undefined;
    try {
      await this.converse(conversation, history, answer, onDelta, controller.signal);
      if (!answer.finished && !controller.signal.aborted) error = streamCutError(this.options.models.nameOf(modelId));
    } catch (err) {
      if (!controller.signal.aborted) {
        error = this.describe(err, modelId);
        // A stream that breaks part-way (reset, closed early) is a dropped connection, whatever the transport calls it.
        if (error.code === 'internal' && (answer.text || answer.reasoning)) {
          error = streamCutError(this.options.models.nameOf(modelId), err);
        }
      }
    }

    const final: Partial<ChatMessage> = {
      text: answer.text,
      reasoning: answer.reasoning || undefined,
      status: error || controller.signal.aborted ? 'interrupted' : 'complete',
      error,
      stopReason: answer.stopReason ?? (controller.signal.aborted ? 'stopped' : undefined),
      usage: answer.usage,
      latencyMs: answer.latencyMs,
    };
    if (error?.code === 'model-access-denied') this.options.models.markRefused(modelId);
    const saved = this.save(conversationId, message.id, final) ?? { ...message, ...final };
    if (error) this.events.push({ type: 'failed', ...base, message: saved, error });
    else this.events.push({ type: 'done', ...base, message: saved });
  }

  /** Saves part of an answer; a failure to save is logged and does not stop the answer. */
  private save(conversationId: string, messageId: string, patch: Partial<ChatMessage>): ChatMessage | undefined {
    try {
      return this.options.store.updateMessage(conversationId, messageId, patch);
    } catch (err) {
      this.options.log?.(`could not save answer ${messageId}: ${String(err)}`);
      return undefined;
    }
  }

  /** One short question to a model, saved nowhere and not shown as a conversation (Test connection). */
  async ask(modelId: string): Promise<void> {
    const client = await this.runtimeClient();
    try {
      await client.send(
        new ConverseCommand({
          modelId,
          messages: [{ role: 'user', content: [{ text: 'Reply with the single word OK.' }] }],
          inferenceConfig: { maxTokens: 10 },
        }),
      );
    } catch (err) {
      throw StrataError.from(this.describe(err, modelId), err);
    }
  }

  private describe(err: unknown, modelId: string): AppError {
    if (err instanceof StrataError) return err.toAppError();
    return bedrockError(err, {
      modelId,
      modelName: this.options.models.nameOf(modelId),
      region: this.options.settings().region,
      profileFor: (id) => this.options.models.profileFor(this.options.models.find(id)?.baseModelId ?? id),
    });
  }

  /**
   * One answer from Bedrock, retried while nothing has arrived yet: when
   * Bedrock is busy (with backoff), and once when AWS says the credentials
   * expired early (with fresh ones).
   */
  private async converse(
    conversation: Conversation,
    history: ChatMessage[],
    answer: Answer,
    onDelta: (kind: 'text' | 'reasoning', delta: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const attempts = this.options.retry?.attempts ?? 4;
    const baseDelayMs = this.options.retry?.baseDelayMs ?? 500;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      let received = false;
      try {
        await this.converseOnce(conversation, history, answer, (kind, delta) => {
          received = true;
          onDelta(kind, delta);
        }, signal);
        return;
      } catch (err) {
        if (signal.aborted || received) throw err;
        if (isExpiredCredentialsError(err) && !renewed) {
          renewed = true;
          await this.options.renewCredentials();
          this.client = undefined;
          continue;
        }
        if (!isThrottling(err) || attempt >= attempts) throw err;
        const delay = baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        this.options.log?.(`Bedrock is busy; trying again in ${Math.round(delay)} ms`);
        await sleep(delay, signal);
        if (signal.aborted) throw err;
      }
    }
  }

  private async converseOnce(
    conversation: Conversation,
    history: ChatMessage[],
    answer: Answer,
    onDelta: (kind: 'text' | 'reasoning', delta: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const { settings } = conversation;
    const input = {
      modelId: settings.modelId,
      messages: toBedrockMessages(history),
      ...(settings.systemPrompt.trim() ? { system: [{ text: settings.systemPrompt }] } : {}),
      ...(settings.temperature !== undefined || settings.maxTokens !== undefined
        ? { inferenceConfig: { temperature: settings.temperature, maxTokens: settings.maxTokens } }
        : {}),
    };
    const client = await this.runtimeClient();
    const streaming = this.options.models.find(settings.modelId)?.streaming ?? true;

    if (!streaming) {
      const output = await client.send(new ConverseCommand(input), { abortSignal: signal });
      for (const block of output.output?.message?.content ?? []) {
        if (block.reasoningContent?.reasoningText?.text) onDelta('reasoning', block.reasoningContent.reasoningText.text);
        if (block.text) onDelta('text', block.text);
      }
      answer.stopReason = output.stopReason;
      answer.usage = usageOf(output.usage);
      answer.latencyMs = output.metrics?.latencyMs;
      answer.finished = true;
      return;
    }

    const output = await client.send(new ConverseStreamCommand(input), { abortSignal: signal });
    for await (const event of output.stream ?? ([] as ConverseStreamOutput[])) {
      if (signal.aborted) break;
      const delta = event.contentBlockDelta?.delta;
      if (delta?.text) onDelta('text', delta.text);
      if (delta?.reasoningContent?.text) onDelta('reasoning', delta.reasoningContent.text);
      if (event.messageStop) {
        answer.stopReason = event.messageStop.stopReason;
        answer.finished = true;
      }
      if (event.metadata) {
        answer.usage = usageOf(event.metadata.usage);
        answer.latencyMs = event.metadata.metrics?.latencyMs;
      }
    }
  }

  /**
   * One client while the settings and credentials stay the same (SDK clients cache credentials, so
   * renewed ones need a new client). Clients share the connection pools of `clients`, so a replaced
   * one needs no closing: answers still using it finish on their connection.
   */
  private async runtimeClient(): Promise<BedrockRuntimeClient> {
    const settings = this.options.settings();
    const auth = this.options.auth();
    const route = await this.options.clients.runtimeRoute(settings);
    const key = `${settings.region}|${settings.bedrockRuntimeEndpoint}|${route}`;
    if (this.client?.key === key && sameAuth(this.client.auth, auth)) return this.client.client;
    const client = this.options.clients.bedrockRuntime(settings, auth, route);
    this.client = { key, auth, client };
    return client;
  }
}

function usageOf(usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number } | undefined) {
  if (!usage) return undefined;
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: usage.totalTokens ?? inputTokens + outputTokens };
}
