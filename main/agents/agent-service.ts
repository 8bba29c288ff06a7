/**
 * One turn with a Bedrock Agent or a knowledge base, through Strata's client
 * factory (Region, endpoint, proxy, certificates, timeouts) with the
 * session's AWS credentials.
 *
 * An agent's turn is InvokeAgent, its event stream turned into what the
 * window shows as it arrives — the answer's text, the trace folded into
 * timeline steps, the cited sources, and an action handed back for the person
 * (confirm) or for Strata (result). A turn that answers a handed-back action
 * carries the decision back with the same session and invocation id.
 *
 * A knowledge base's turn is RetrieveAndGenerateStream: the conversation's
 * model writes the answer from the passages Bedrock retrieved, citing them,
 * in the session Bedrock gave the conversation's first answer.
 *
 * Errors in words, with what to do; when Bedrock can't find an agent alias,
 * the control plane is asked why.
 */
import {
  GetAgentAliasCommand,
  GetAgentCommand,
  paginateListAgentAliases,
  paginateListAgents,
  paginateListKnowledgeBases,
  type AgentAliasSummary,
  type AgentSummary,
  type BedrockAgentClient,
  type KnowledgeBaseSummary,
} from '@aws-sdk/client-bedrock-agent';
import {
  InvokeAgentCommand,
  RetrieveAndGenerateStreamCommand,
  type InvokeAgentCommandInput,
  type RetrieveAndGenerateStreamCommandInput,
} from '@aws-sdk/client-bedrock-agent-runtime';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type {
  AgentActionRequest,
  AgentCitation,
  AgentDirectory,
  AgentSource,
  AgentTraceStep,
  AppError,
  CompanySettings,
} from '../../preload/contract';
import { awsDetails, networkErrorCode, StrataError, toAppError } from '../errors';
import type { AwsClients, BedrockAuth } from '../net/aws-clients';
import { actionRequest, actionResult, foldCitations } from './agent-answer';
import { foldTrace } from './trace-timeline';
import { guardrailError, knowledgeBaseGuardrail } from '../chat/guardrail';
import type { RequiredGuardrail } from '../settings/policy-rules';

export interface AgentTarget {
  agentId: string;
  aliasId: string;
  /** How the person knows it ("Handbook librarian"). */
  name: string;
}

export interface KnowledgeBaseTarget {
  knowledgeBaseId: string;
  /** How the person knows it ("Employee handbook"). */
  name: string;
}

/** What one turn sends: a question, or the answer to an action the agent handed back. */
export type AgentTurnInput =
  | { kind: 'ask'; text: string }
  | { kind: 'answer-action'; request: AgentActionRequest; answer: { confirmed: boolean } | { result: string } };

/** Everything the turn produced so far; handed to `onUpdate` as it grows. */
export interface AgentTurn {
  text: string;
  steps: AgentTraceStep[];
  sources: AgentSource[];
  citations: AgentCitation[];
  /** An action waiting for the person or for Strata before the agent goes on. */
  action?: AgentActionRequest;
}

export interface AgentServiceOptions {
  clients: AwsClients;
  /** The settings requests go with, in the session's Region. */
  settings: () => CompanySettings;
  /** How the signed-in person's requests are authorised; throws when nobody is signed in. */
  auth: () => BedrockAuth;
  /** The guardrail the organization requires on a knowledge base's answers, if any; an agent uses the one set on it in AWS. */
  guardrail?: () => RequiredGuardrail | undefined;
}

const EMPTY: AgentTurn = { text: '', steps: [], sources: [], citations: [] };

export class AgentService {
  constructor(private readonly options: AgentServiceOptions) {}

  /**
   * The agents in the session's Region that are ready to answer (prepared), each with its aliases
   * that point at a deployed version, and the knowledge bases ready to be asked (active); every page
   * followed, sorted by name. When only one of the two lists can be had, `missing` says why.
   */
  async directory(): Promise<AgentDirectory> {
    const auth = this.sigv4();
    const settings = this.options.settings();
    const client = this.options.clients.bedrockAgent(settings, auth.credentials);
    try {
      const [agents, knowledgeBases] = await Promise.allSettled([listAgents(client), listKnowledgeBases(client)]);
      if (agents.status === 'rejected' && knowledgeBases.status === 'rejected') {
        throw StrataError.from(directoryError(agents.reason, 'agents'), agents.reason);
      }
      const directory: AgentDirectory = {
        agents: agents.status === 'fulfilled' ? agents.value : [],
        knowledgeBases: knowledgeBases.status === 'fulfilled' ? knowledgeBases.value : [],
      };
      if (agents.status === 'rejected') directory.missing = { list: 'agents', error: directoryError(agents.reason, 'agents') };
      if (knowledgeBases.status === 'rejected') directory.missing = { list: 'knowledge-bases', error: directoryError(knowledgeBases.reason, 'knowledge-bases') };
      return directory;
    } finally {
      client.destroy();
    }
  }

  private sigv4(): Extract<BedrockAuth, { kind: 'sigv4' }> {
    const auth = this.options.auth();
    if (auth.kind !== 'sigv4') {
      throw new StrataError('agent-access-denied', 'Bedrock Agents and knowledge bases need AWS credentials: a Bedrock API key only reaches models.', {
        action: 'Sign in with your company account or an AWS profile under Settings → Account to talk to agents.',
      });
    }
    return auth;
  }

  /** Runs one turn in `sessionId`, calling `onUpdate` with the turn so far after each event. */
  async turn(target: AgentTarget, sessionId: string, input: AgentTurnInput, onUpdate: (turn: AgentTurn) => void, signal?: AbortSignal): Promise<AgentTurn> {
    const auth = this.sigv4();
    const settings = this.options.settings();
    const command: InvokeAgentCommandInput = {
      agentId: target.agentId,
      agentAliasId: target.aliasId,
      sessionId,
      enableTrace: true,
      streamingConfigurations: { streamFinalResponse: true },
      ...(input.kind === 'ask'
        ? { inputText: input.text }
        : { sessionState: { invocationId: input.request.invocationId, returnControlInvocationResults: [actionResult(input.request, input.answer)] } }),
    };
    const client = this.options.clients.bedrockAgentRuntime(settings, auth.credentials);
    let turn = EMPTY;
    const update = (next: AgentTurn) => {
      turn = next;
      onUpdate(turn);
    };
    try {
      const answer = await client.send(new InvokeAgentCommand(command), { abortSignal: signal });
      for await (const event of answer.completion ?? []) {
        if (event.trace) update({ ...turn, steps: foldTrace(turn.steps, event.trace) });
        if (event.chunk) {
          const text = turn.text + new TextDecoder().decode(event.chunk.bytes ?? new Uint8Array());
          update({ ...turn, text, ...foldCitations(turn, event.chunk.attribution, text) });
        }
        if (event.returnControl) {
          const action = actionRequest(event.returnControl);
          if (action) update({ ...turn, action });
        }
      }
      return turn;
    } catch (err) {
      const why = errorName(err) === 'ResourceNotFoundException' && !signal?.aborted ? await this.whyNotFound(target, settings, auth.credentials) : undefined;
      throw StrataError.from(why ? { ...why, details: awsDetails(err) } : agentError(err, target, settings.region, input.kind), err);
    } finally {
      client.destroy();
    }
  }

  /**
   * Asks `question` of a knowledge base in Bedrock's session `sessionId` (none: Bedrock starts one):
   * `modelId` writes the answer from the passages retrieved, citing them. Calls `onUpdate` with the
   * turn so far after each event; returns it with the session the answer belongs to.
   */
  async knowledgeBaseTurn(
    target: KnowledgeBaseTarget,
    modelId: string,
    sessionId: string | undefined,
    question: string,
    onUpdate: (turn: AgentTurn) => void,
    signal?: AbortSignal,
  ): Promise<AgentTurn & { sessionId?: string }> {
    const auth = this.sigv4();
    const settings = this.options.settings();
    const guardrail = this.options.guardrail?.();
    const command: RetrieveAndGenerateStreamCommandInput = {
      input: { text: question },
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: {
          knowledgeBaseId: target.knowledgeBaseId,
          modelArn: modelId,
          ...(guardrail ? { generationConfiguration: { guardrailConfiguration: knowledgeBaseGuardrail(guardrail) } } : {}),
        },
      },
      ...(sessionId ? { sessionId } : {}),
    };
    const client = this.options.clients.bedrockAgentRuntime(settings, auth.credentials);
    let turn = EMPTY;
    const update = (next: AgentTurn) => {
      turn = next;
      onUpdate(turn);
    };
    try {
      const answer = await client.send(new RetrieveAndGenerateStreamCommand(command), { abortSignal: signal });
      for await (const event of answer.stream ?? []) {
        if (event.output?.text) update({ ...turn, text: turn.text + event.output.text });
        if (event.citation) {
          const { generatedResponsePart, retrievedReferences } = event.citation;
          update({ ...turn, ...foldCitations(turn, { citations: [{ generatedResponsePart, retrievedReferences }] }, turn.text) });
        }
        if (event.guardrail?.action === 'INTERVENED') {
          const step: AgentTraceStep = { id: `guardrail-${turn.steps.length}`, kind: 'guardrail', title: 'The guardrail stepped in', raw: [event.guardrail] };
          update({ ...turn, steps: [...turn.steps, step] });
        }
      }
      return { ...turn, ...(answer.sessionId ? { sessionId: answer.sessionId } : {}) };
    } catch (err) {
      throw StrataError.from(guardrailError(err, guardrail, settings.region) ?? knowledgeBaseError(err, target, settings.region, sessionId !== undefined), err);
    } finally {
      client.destroy();
    }
  }

  /**
   * Why Bedrock can't find an agent alias, asked of the control plane: the alias isn't deployed, the
   * agent has no such alias, or there is no such agent in this Region. Undefined when it can't tell.
   */
  private async whyNotFound(
    target: AgentTarget,
    settings: CompanySettings,
    credentials: AwsCredentialIdentityProvider,
  ): Promise<Omit<AppError, 'details'> | undefined> {
    const client = this.options.clients.bedrockAgent(settings, credentials);
    const { agentId, aliasId, name } = target;
    const ask = { abortSignal: AbortSignal.timeout(10_000) };
    try {
      const { agentAlias } = await client.send(new GetAgentAliasCommand({ agentId, agentAliasId: aliasId }), ask);
      const status = agentAlias?.agentAliasStatus;
      if (status === 'PREPARED' && (agentAlias?.routingConfiguration?.length ?? 0) > 0) return undefined;
      return {
        code: 'agent-not-available',
        message: `The alias ${aliasId} of the agent “${name}” isn't deployed${status && status !== 'PREPARED' ? ` (its status is ${status})` : ''}.`,
        action: "Ask whoever looks after the agent to deploy a version to this alias, or pick one of the agent's deployed aliases.",
      };
    } catch (err) {
      if (errorName(err) !== 'ResourceNotFoundException') return undefined;
      try {
        await client.send(new GetAgentCommand({ agentId }), ask);
        return {
          code: 'agent-not-available',
          message: `The agent “${name}” has no alias ${aliasId}.`,
          action: 'Check the alias ID you were given, or pick the agent from the list.',
        };
      } catch (err) {
        if (errorName(err) !== 'ResourceNotFoundException') return undefined;
        return {
          code: 'agent-not-available',
          message: `There's no agent ${agentId} in ${settings.region}.`,
          action: 'The agent may be in another Region: ask IT which one, and choose it under Settings → AWS → AWS Region. Check the agent ID too.',
        };
      }
    } finally {
      client.destroy();
    }
  }
}

async function listAgents(client: BedrockAgentClient): Promise<AgentDirectory['agents']> {
  const summaries: AgentSummary[] = [];
  for await (const page of paginateListAgents({ client }, {})) summaries.push(...(page.agentSummaries ?? []));
  const ready = summaries.filter((agent) => agent.agentId && agent.agentStatus === 'PREPARED');
  const agents = await Promise.all(
    ready.map(async (agent) => {
      const aliases: AgentAliasSummary[] = [];
      for await (const page of paginateListAgentAliases({ client }, { agentId: agent.agentId })) aliases.push(...(page.agentAliasSummaries ?? []));
      return {
        agentId: agent.agentId!,
        name: agent.agentName || agent.agentId!,
        ...(agent.description ? { description: agent.description } : {}),
        aliases: aliases
          .filter((alias) => alias.agentAliasId && alias.agentAliasStatus === 'PREPARED' && (alias.routingConfiguration?.length ?? 0) > 0)
          .map((alias) => ({ aliasId: alias.agentAliasId!, name: alias.agentAliasName || alias.agentAliasId! })),
      };
    }),
  );
  return agents.filter((agent) => agent.aliases.length).sort((a, b) => a.name.localeCompare(b.name));
}

async function listKnowledgeBases(client: BedrockAgentClient): Promise<AgentDirectory['knowledgeBases']> {
  const summaries: KnowledgeBaseSummary[] = [];
  for await (const page of paginateListKnowledgeBases({ client }, {})) summaries.push(...(page.knowledgeBaseSummaries ?? []));
  return summaries
    .filter((kb) => kb.knowledgeBaseId && kb.status === 'ACTIVE')
    .map((kb) => ({ knowledgeBaseId: kb.knowledgeBaseId!, name: kb.name || kb.knowledgeBaseId!, ...(kb.description ? { description: kb.description } : {}) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const errorName = (err: unknown) => String((err as { name?: unknown } | null)?.name ?? '');
const errorMessage = (err: unknown) => String((err as { message?: unknown } | null)?.message ?? '');

/** The IAM action an AccessDeniedException names ("… is not authorized to perform: bedrock:Retrieve on …"), if it names one. */
export function deniedAction(err: unknown): string | undefined {
  return /perform: (bedrock:[A-Za-z]+)/.exec(errorMessage(err))?.[1];
}

/** Why a list (of agents, or of knowledge bases) could not be had, in words; typing the IDs IT gave still works. */
function directoryError(err: unknown, list: 'agents' | 'knowledge-bases'): AppError {
  if (err instanceof StrataError) return err.toAppError();
  const details = awsDetails(err);
  const what = list === 'agents' ? 'agents' : 'knowledge bases';
  if (networkErrorCode(err)) {
    return {
      code: 'aws-unreachable',
      message: `Strata couldn't reach Bedrock to list the ${what}.`,
      action: "Check your connection. You can still enter the IDs; if your company uses a private endpoint, ask IT to set Strata's Bedrock Agent endpoint.",
      details,
    };
  }
  if (errorName(err) === 'AccessDeniedException') {
    const needs = deniedAction(err) ?? (list === 'agents' ? 'bedrock:ListAgents and bedrock:ListAgentAliases' : 'bedrock:ListKnowledgeBases');
    return {
      code: 'agent-access-denied',
      message: `You aren't allowed to list the ${what}.`,
      action: `Enter the IDs IT gave you instead, or ask IT to grant your role ${needs}.`,
      details,
    };
  }
  return toAppError(err, 'aws');
}

/** A failure to reach Bedrock Agent Runtime at all, in words. */
function unreachable(err: unknown, what: string): AppError {
  return {
    code: 'aws-unreachable',
    message: `Strata couldn't reach ${what}.`,
    action: "Check your internet or VPN connection. If your company reaches AWS through a private endpoint, ask IT to check Strata's Bedrock Agent Runtime endpoint.",
    details: awsDetails(err),
  };
}

/** An agent's failure in words, with what to do; `turn` says whether it was a question or the answer to an action. */
export function agentError(err: unknown, target: AgentTarget, region: string, turn: AgentTurnInput['kind'] = 'ask'): AppError {
  if (err instanceof StrataError) return err.toAppError();
  const details = awsDetails(err);
  if (networkErrorCode(err)) return unreachable(err, 'Bedrock Agents');
  switch (errorName(err)) {
    case 'ResourceNotFoundException':
      return {
        code: 'agent-not-available',
        message: `The agent “${target.name}” (alias ${target.aliasId}) isn't available in ${region}.`,
        action: 'Check that its alias is deployed and that Strata uses the Region the agent is in; IT can tell you both.',
        details,
      };
    case 'AccessDeniedException': {
      const needs = deniedAction(err) ?? 'bedrock:InvokeAgent';
      return {
        code: 'agent-access-denied',
        message: `You aren't allowed to talk to the agent “${target.name}”: your AWS role lacks ${needs}.`,
        action: `Ask IT to grant your role ${needs} on the agent alias ${target.agentId}/${target.aliasId}.`,
        details,
      };
    }
    case 'DependencyFailedException':
    case 'BadGatewayException': {
      const resource = (err as { resourceName?: string }).resourceName;
      return {
        code: 'agent-action-failed',
        message: `One of the agent's actions failed${resource ? ` (${resource})` : ''}.`,
        action: 'Try again. If it keeps failing, tell whoever looks after the agent, with the details below.',
        details,
      };
    }
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
      return { code: 'throttled', message: 'Bedrock Agents are busy right now.', action: 'Wait a moment and ask again.', details };
    case 'ValidationException':
      // Answering an action in a session the agent no longer has: its context, and the action, are gone.
      if (turn === 'answer-action' || /session/i.test(errorMessage(err))) {
        return {
          code: 'agent-session-expired',
          message: `The session with the agent “${target.name}” has ended on the agent's side, so it can't take up where it left off.`,
          action: 'Press New session and ask again.',
          details,
        };
      }
      return {
        code: 'agent-not-available',
        message: `The agent “${target.name}” turned down the request.`,
        action: 'Check the agent and alias IDs, or start a new session and ask again.',
        details,
      };
  }
  return toAppError(err, 'aws');
}

/** A knowledge base's failure in words, with what to do; `inSession`: the question went in a session Bedrock gave before. */
export function knowledgeBaseError(err: unknown, target: KnowledgeBaseTarget, region: string, inSession: boolean): AppError {
  if (err instanceof StrataError) return err.toAppError();
  const details = awsDetails(err);
  const message = errorMessage(err);
  if (networkErrorCode(err)) return unreachable(err, 'Bedrock to ask the knowledge base');
  switch (errorName(err)) {
    case 'ResourceNotFoundException':
      return {
        code: 'agent-not-available',
        message: `There's no knowledge base ${target.knowledgeBaseId} in ${region}.`,
        action: 'It may be in another Region: ask IT which one, and choose it under Settings → AWS → AWS Region. Check the knowledge base ID too.',
        details,
      };
    case 'AccessDeniedException': {
      const needs = deniedAction(err);
      if (needs === 'bedrock:InvokeModel' || (!needs && /model/i.test(message))) {
        return {
          code: 'model-access-denied',
          message: "You aren't allowed to use the model that writes this knowledge base's answers.",
          action: 'Pick another model for this conversation, or ask IT to grant your role bedrock:InvokeModel on it.',
          details,
        };
      }
      const missing = needs ?? 'bedrock:Retrieve and bedrock:RetrieveAndGenerate';
      const on = needs === 'bedrock:RetrieveAndGenerate' ? '' : ` on the knowledge base ${target.knowledgeBaseId}`;
      return {
        code: 'agent-access-denied',
        message: `You aren't allowed to ask the knowledge base “${target.name}”: your AWS role lacks ${missing}.`,
        action: `Ask IT to grant your role ${missing}${on}.`,
        details,
      };
    }
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
      return { code: 'throttled', message: 'Bedrock is busy right now.', action: 'Wait a moment and ask again.', details };
    case 'DependencyFailedException':
    case 'BadGatewayException':
      return {
        code: 'agent-action-failed',
        message: `The knowledge base “${target.name}” couldn't search its documents.`,
        action: 'Try again. If it keeps failing, tell whoever looks after the knowledge base, with the details below.',
        details,
      };
    case 'ValidationException':
      if (inSession && /session/i.test(message)) {
        return {
          code: 'agent-session-expired',
          message: `The session with the knowledge base “${target.name}” has ended on Bedrock's side.`,
          action: 'Press New session and ask again.',
          details,
        };
      }
      if (/model/i.test(message)) {
        return {
          code: 'model-not-available',
          message: "This conversation's model can't write the knowledge base's answers.",
          action: 'Pick another model for this conversation.',
          details,
        };
      }
      return {
        code: 'agent-not-available',
        message: `The knowledge base “${target.name}” turned down the question.`,
        action: 'Check its ID, or start a new session and ask again.',
        details,
      };
  }
  return toAppError(err, 'aws');
}
