/**
 * Chat with Bedrock models and Bedrock Agents: each answer is one request
 * with an id, streamed to the renderer as it arrives, saved as it grows, and
 * stoppable. Whatever arrived before a stop or a failure is kept, marked as
 * interrupted. An agent's answer also carries its trace, its sources and an
 * action it hands back; the person's decision on that action continues the
 * agent's turn, and an action nobody answered counts as denied.
 */
import { randomUUID } from 'node:crypto';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type GuardrailTraceAssessment,
} from '@aws-sdk/client-bedrock-runtime';
import type {
  AgentAnswer,
  AnsweredAs,
  AppError,
  ChatEvent,
  ChatMessage,
  ChatStarted,
  CompanySettings,
  Conversation,
  ConversationSettings,
  ConversationSettingsPatch,
  GuardrailNotice,
  KnowledgeBaseConversation,
  RunningAnswer,
  TokenUsage,
} from '../../preload/contract';
import { withDecision, type AgentDecision } from '../agents/agent-answer';
import { agentError, knowledgeBaseError, type AgentService, type AgentTurn, type AgentTurnInput } from '../agents/agent-service';
import { isExpiredCredentialsError } from '../auth/source-session';
import { StrataError } from '../errors';
import { ChatEventCoalescer, type FrameTimer } from './event-coalescer';
import { bedrockError, isThrottling, streamCutError } from './bedrock-errors';
import { converseRequest, converseStreamRequest } from './bedrock-messages';
import { converseGuardrail, describeIntervention, KNOWLEDGE_BASE_INTERVENTION } from './guardrail';
import { applySettingsPatch, type ConversationStore } from './conversation-store';
import type { ModelService } from './model-service';
import { sameAuth, type AwsClients, type BedrockAuth } from '../net/aws-clients';
import type { RequiredGuardrail } from '../settings/policy-rules';

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
  /** Answers conversations that talk to a Bedrock Agent or a knowledge base. */
  agents?: AgentService;
  /** Whom an answer is asked as now (kept with it); undefined while that is not known. */
  answeredAs?: () => AnsweredAs | undefined;
  /** Throws when the organization doesn't allow the conversation's model, agent or knowledge base. */
  checkTarget?: (target: Pick<ConversationSettings, 'modelId' | 'agent' | 'knowledgeBase'>) => void;
  /** The guardrail the organization requires on every model request, if any (read per request: the policy decides). */
  guardrail?: () => RequiredGuardrail | undefined;
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
  /** What Bedrock's guardrail trace said it assessed, when the organization requires a guardrail. */
  guardrailTrace?: GuardrailTraceAssessment;
  /** A knowledge base's answer the guardrail stepped in on (Bedrock says only that it did). */
  guardrail?: GuardrailNotice;
  /** An agent's trace, sources and handed-back action so far. */
  agent?: AgentAnswer;
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
      this.ensureReady({ modelId, agent: settings.agent ?? undefined, knowledgeBase: settings.knowledgeBase ?? undefined });
      conversationId = this.options.store.create(
        applySettingsPatch({ modelId, systemPrompt: this.options.models.defaultInstructions() }, { ...settings, modelId }),
      ).id;
    } else {
      this.ensureIdle(conversationId);
      this.ensureReady(this.options.store.settings(conversationId));
      // Asking something else leaves the agent's action unanswered: it counts as denied.
      this.denyPendingActions('moved-on', conversationId);
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

  /**
   * The person's answer to the action an agent handed back in `messageId` (the conversation's last
   * answer): their decision on an action to confirm, or what to tell the agent. Saved with that
   * answer, then the agent goes on in a new answer that streams as chat:event.
   */
  answerAction(conversationId: string, messageId: string, answer: { kind: 'confirm'; confirmed: boolean } | { kind: 'result'; text: string }): ChatStarted {
    this.ensureIdle(conversationId);
    const conversation = this.options.store.get(conversationId);
    this.ensureReady(conversation.settings);
    const message = conversation.messages.at(-1);
    const action = message?.id === messageId ? message.agent?.action : undefined;
    if (!message?.agent || !action || message.agent.decision || !conversation.settings.agent) {
      throw new StrataError('invalid-input', 'The agent is no longer waiting for this answer.', {
        action: 'Ask the agent again if you still want it done.',
      });
    }
    if ((answer.kind === 'confirm') !== (action.kind === 'confirm')) {
      throw new StrataError('invalid-input', action.kind === 'confirm' ? 'The agent asks you to approve or deny this action.' : 'The agent asks for an answer in words.', {
        action: 'Use the card under its answer.',
      });
    }
    const decision: AgentDecision =
      answer.kind === 'confirm' ? (answer.confirmed ? { kind: 'confirmed' } : { kind: 'denied' }) : { kind: 'answered', text: answer.text };
    this.options.store.updateMessage(conversationId, messageId, { agent: withDecision(message.agent, decision) });
    return this.answer(conversationId, {
      kind: 'answer-action',
      request: action,
      answer: answer.kind === 'confirm' ? { confirmed: answer.confirmed } : { result: answer.text },
    });
  }

  /**
   * Marks the actions agents handed back that nobody answered as denied, with why: nothing runs
   * without the person's click. In one conversation, or in all of them (sign-out, Strata closing).
   */
  denyPendingActions(because: 'stopped' | 'moved-on' | 'signed-out' | 'closed', conversationId?: string): void {
    try {
      for (const pending of this.options.store.pendingActions(conversationId)) {
        if (this.active.get(pending.conversationId)?.message.id === pending.message.id) continue;
        this.save(pending.conversationId, pending.message.id, { agent: withDecision(pending.message.agent!, { kind: 'denied', because }) });
      }
    } catch (err) {
      this.options.log?.(`could not mark unanswered agent actions as denied: ${String(err)}`);
    }
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
    this.denyPendingActions('closed');
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
      message: live(message, answer),
    }));
  }

  /** The conversation with its streaming answer's text as it stands now, not as last saved. */
  withLiveText(conversation: Conversation): Conversation {
    const request = this.active.get(conversation.id);
    if (!request) return conversation;
    const { message, answer } = request;
    return {
      ...conversation,
      messages: conversation.messages.map((m) => (m.id === message.id && m.status === 'streaming' ? live(m, answer) : m)),
    };
  }

  private ensureReady(settings: Pick<ConversationSettings, 'modelId' | 'agent' | 'knowledgeBase'>): void {
    // Throws "not signed in" before anything is saved.
    this.options.auth();
    // Checked on every question, not only when the target was chosen: the policy may have changed since.
    this.options.checkTarget?.(settings);
    if ((settings.agent || settings.knowledgeBase) && !this.options.agents) throw new StrataError('internal', 'Strata cannot talk to Bedrock Agents here.');
    if (settings.agent) return;
    if (!settings.modelId) {
      throw new StrataError('invalid-input', 'Choose a model for this conversation first.', {
        action: 'Pick a model at the top of the conversation.',
      });
    }
  }

  private answer(conversationId: string, input?: AgentTurnInput): ChatStarted {
    const conversation = this.options.store.get(conversationId);
    const { modelId, agent, knowledgeBase } = conversation.settings;
    const cited = agent ?? knowledgeBase;
    const message: ChatMessage = {
      id: randomUUID(),
      role: 'assistant',
      text: '',
      createdAt: this.now(),
      status: 'streaming',
      // A knowledge base's answer is the model's, written from the passages it cites.
      ...(agent ? {} : { modelId }),
      ...(cited ? { agent: { name: cited.name, steps: [], sources: [], citations: [] } } : {}),
    };
    const answeredAs = this.options.answeredAs?.();
    if (answeredAs) message.answeredAs = answeredAs;
    const history = conversation.messages;
    const started = this.options.store.appendMessage(conversationId, message);
    const requestId = randomUUID();
    const controller = new AbortController();
    const answer: Answer = { text: '', reasoning: '', finished: false, ...(message.agent ? { agent: message.agent } : {}) };
    const request: ActiveRequest = { requestId, conversationId, controller, done: Promise.resolve(), message, answer };
    this.active.set(conversationId, request);
    const question = history.findLast((m) => m.role === 'user');
    const turn: AgentTurnInput = input ?? { kind: 'ask', text: question?.text ?? '' };
    const region = this.options.settings().region;
    const agents = this.options.agents!;
    request.done = Promise.resolve()
      .then(() =>
        agent
          ? this.runAgent(
              request,
              message,
              (onUpdate, signal) => agents.turn(agent, agent.sessionId, turn, onUpdate, signal),
              (err) => agentError(err, agent, region, turn.kind),
            )
          : knowledgeBase
            ? this.runAgent(
                request,
                message,
                async (onUpdate, signal) => {
                  const { sessionId, steps } = await agents.knowledgeBaseTurn(knowledgeBase, modelId, knowledgeBase.sessionId, question?.text ?? '', onUpdate, signal);
                  if (steps.some((step) => step.kind === 'guardrail')) request.answer.guardrail = KNOWLEDGE_BASE_INTERVENTION;
                  if (sessionId) this.keepKnowledgeBaseSession(conversationId, knowledgeBase, sessionId);
                },
                (err) => knowledgeBaseError(err, knowledgeBase, region, knowledgeBase.sessionId !== undefined),
              )
            : this.run(request, started, message, history),
      )
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
      guardrail: describeIntervention(answer.guardrailTrace, answer.stopReason),
    };
    if (error?.code === 'model-access-denied') this.options.models.markRefused(modelId);
    const saved = this.save(conversationId, message.id, final) ?? { ...message, ...final };
    if (error) this.events.push({ type: 'failed', ...base, message: saved, error });
    else this.events.push({ type: 'done', ...base, message: saved });
  }

  /**
   * An agent's or a knowledge base's answer (`turn`): its text streams like a model's; its trace,
   * sources and action go as `agent` events. `describe` says a failure in words.
   */
  private async runAgent(
    request: ActiveRequest,
    message: ChatMessage,
    turn: (onUpdate: (turn: AgentTurn) => void, signal: AbortSignal) => Promise<unknown>,
    describe: (err: unknown) => AppError,
  ) {
    const { requestId, conversationId, controller, answer } = request;
    const base = { requestId, conversationId };
    this.events.push({ type: 'started', ...base, message });

    let lastSaved = this.now();
    const checkpointMs = this.options.checkpointMs ?? 1000;
    const onUpdate = (turn: AgentTurn) => {
      if (turn.text.length > answer.text.length) {
        const offset = answer.text.length;
        const delta = turn.text.slice(offset);
        answer.text = turn.text;
        this.events.push({ type: 'text', ...base, messageId: message.id, delta, offset });
      }
      const { steps, sources, citations, action } = turn;
      answer.agent = { ...answer.agent!, steps, sources, citations, ...(action ? { action } : {}) };
      this.events.push({ type: 'agent', ...base, messageId: message.id, agent: answer.agent });
      if (this.now() - lastSaved >= checkpointMs) {
        lastSaved = this.now();
        this.save(conversationId, message.id, { text: answer.text, agent: answer.agent });
      }
    };

    let error: AppError | undefined;
    try {
      await this.withRetries(async (received) => {
        await turn((next) => (received(), onUpdate(next)), controller.signal);
      }, controller.signal);
    } catch (err) {
      if (!controller.signal.aborted) error = err instanceof StrataError ? err.toAppError() : describe(err);
    }
    // An action that arrived as the person stopped was never answered: nothing runs without their click.
    if (controller.signal.aborted && answer.agent?.action) answer.agent = withDecision(answer.agent, { kind: 'denied', because: 'stopped' });

    const final: Partial<ChatMessage> = {
      text: answer.text,
      status: error || controller.signal.aborted ? 'interrupted' : 'complete',
      error,
      stopReason: controller.signal.aborted ? 'stopped' : undefined,
      agent: answer.agent,
      guardrail: answer.guardrail,
    };
    const saved = this.save(conversationId, message.id, final) ?? { ...message, ...final };
    if (error) this.events.push({ type: 'failed', ...base, message: saved, error });
    else this.events.push({ type: 'done', ...base, message: saved });
  }

  /**
   * Keeps the session Bedrock gave a knowledge-base answer, so follow-up questions have its context;
   * not when the person has since moved the conversation to another knowledge base or session.
   */
  private keepKnowledgeBaseSession(conversationId: string, asked: KnowledgeBaseConversation, sessionId: string): void {
    try {
      const now = this.options.store.settings(conversationId).knowledgeBase;
      if (sessionId === asked.sessionId || now?.knowledgeBaseId !== asked.knowledgeBaseId || now.sessionId !== asked.sessionId) return;
      this.options.store.updateSettings(conversationId, { knowledgeBase: { ...now, sessionId } });
    } catch (err) {
      this.options.log?.(`could not keep the knowledge base's session: ${String(err)}`);
    }
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
    const guardrail = this.options.guardrail?.();
    try {
      await client.send(
        new ConverseCommand({
          modelId,
          messages: [{ role: 'user', content: [{ text: 'Reply with the single word OK.' }] }],
          inferenceConfig: { maxTokens: 10 },
          // The test asks as every answer does: a guardrail Bedrock can't apply fails here too.
          ...(guardrail ? { guardrailConfig: converseGuardrail(guardrail) } : {}),
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
      guardrail: this.options.guardrail?.(),
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
    await this.withRetries(
      (received) =>
        this.converseOnce(conversation, history, answer, (kind, delta) => {
          received();
          onDelta(kind, delta);
        }, signal),
      signal,
    );
  }

  /**
   * Runs one request, again while nothing has arrived yet (`received` not called): when Bedrock
   * is busy (with backoff), and once when AWS says the credentials expired early (with fresh ones).
   */
  private async withRetries(once: (received: () => void) => Promise<void>, signal: AbortSignal): Promise<void> {
    const attempts = this.options.retry?.attempts ?? 4;
    const baseDelayMs = this.options.retry?.baseDelayMs ?? 500;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      let received = false;
      try {
        await once(() => (received = true));
        return;
      } catch (thrown) {
        // The agent service says its errors in words; what AWS said is their cause.
        const err = thrown instanceof StrataError && thrown.cause !== undefined ? thrown.cause : thrown;
        if (signal.aborted || received) throw thrown;
        if (isExpiredCredentialsError(err) && !renewed) {
          renewed = true;
          await this.options.renewCredentials();
          this.client = undefined;
          continue;
        }
        if (!isThrottling(err) || attempt >= attempts) throw thrown;
        const delay = baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        this.options.log?.(`Bedrock is busy; trying again in ${Math.round(delay)} ms`);
        await sleep(delay, signal);
        if (signal.aborted) throw thrown;
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
    const guardrail = this.options.guardrail?.();
    const client = await this.runtimeClient();
    const streaming = this.options.models.find(settings.modelId)?.streaming ?? true;

    if (!streaming) {
      const output = await client.send(new ConverseCommand(converseRequest(settings, history, guardrail)), { abortSignal: signal });
      for (const block of output.output?.message?.content ?? []) {
        if (block.reasoningContent?.reasoningText?.text) onDelta('reasoning', block.reasoningContent.reasoningText.text);
        if (block.text) onDelta('text', block.text);
      }
      answer.stopReason = output.stopReason;
      answer.usage = usageOf(output.usage);
      answer.latencyMs = output.metrics?.latencyMs;
      answer.guardrailTrace = output.trace?.guardrail;
      answer.finished = true;
      return;
    }

    const output = await client.send(new ConverseStreamCommand(converseStreamRequest(settings, history, guardrail)), { abortSignal: signal });
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
        if (event.metadata.trace?.guardrail) answer.guardrailTrace = event.metadata.trace.guardrail;
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

/** A streaming message with what has arrived so far. */
function live(message: ChatMessage, answer: Answer): ChatMessage {
  return { ...message, text: answer.text, ...(answer.reasoning ? { reasoning: answer.reasoning } : {}), ...(answer.agent ? { agent: answer.agent } : {}) };
}

function usageOf(usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number } | undefined) {
  if (!usage) return undefined;
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: usage.totalTokens ?? inputTokens + outputTokens };
}
