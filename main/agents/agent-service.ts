/**
 * One turn with a Bedrock Agent: InvokeAgent through Strata's client factory
 * (Region, endpoint, proxy, certificates, timeouts) with the session's AWS
 * credentials, its event stream turned into what the window shows as it
 * arrives — the answer's text, the trace folded into timeline steps, the
 * cited sources, and an action handed back for the person (confirm) or for
 * Strata (result). A turn that answers a handed-back action carries the
 * decision back with the same session and invocation id. Errors in words,
 * with what to do.
 */
import { paginateListAgentAliases, paginateListAgents, type AgentAliasSummary, type AgentSummary } from '@aws-sdk/client-bedrock-agent';
import { InvokeAgentCommand, type InvokeAgentCommandInput } from '@aws-sdk/client-bedrock-agent-runtime';
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

export interface AgentTarget {
  agentId: string;
  aliasId: string;
  /** How the person knows it ("Handbook librarian"). */
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
}

const EMPTY: AgentTurn = { text: '', steps: [], sources: [], citations: [] };

export class AgentService {
  constructor(private readonly options: AgentServiceOptions) {}

  /**
   * The agents in the session's Region that are ready to answer (prepared), each with its aliases
   * that point at a deployed version, every page followed; sorted by name.
   */
  async directory(): Promise<AgentDirectory> {
    const auth = this.sigv4();
    const settings = this.options.settings();
    const client = this.options.clients.bedrockAgent(settings, auth.credentials);
    try {
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
      return { agents: agents.filter((agent) => agent.aliases.length).sort((a, b) => a.name.localeCompare(b.name)) };
    } catch (err) {
      throw StrataError.from(directoryError(err), err);
    } finally {
      client.destroy();
    }
  }

  private sigv4(): Extract<BedrockAuth, { kind: 'sigv4' }> {
    const auth = this.options.auth();
    if (auth.kind !== 'sigv4') {
      throw new StrataError('agent-access-denied', 'Bedrock Agents need AWS credentials: a Bedrock API key only reaches models.', {
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
      throw StrataError.from(agentError(err, target, settings.region), err);
    } finally {
      client.destroy();
    }
  }
}

/** Why the list of agents could not be had, in words; typing the ids IT gave still works. */
function directoryError(err: unknown): AppError {
  if (err instanceof StrataError) return err.toAppError();
  const name = String((err as { name?: unknown } | null)?.name ?? '');
  const details = awsDetails(err);
  if (networkErrorCode(err)) {
    return {
      code: 'aws-unreachable',
      message: "Strata couldn't reach Bedrock to list the agents.",
      action: "Check your connection. You can still enter an agent's IDs; if your company uses a private endpoint, ask IT to set Strata's Bedrock Agent endpoint.",
      details,
    };
  }
  if (name === 'AccessDeniedException') {
    return {
      code: 'agent-access-denied',
      message: "You aren't allowed to list the agents.",
      action: "Enter the agent's IDs IT gave you instead, or ask IT to grant your role bedrock:ListAgents and bedrock:ListAgentAliases.",
      details,
    };
  }
  return toAppError(err, 'aws');
}

/** An agent's failure in words, with what to do. */
export function agentError(err: unknown, target: AgentTarget, region: string): AppError {
  if (err instanceof StrataError) return err.toAppError();
  const name = String((err as { name?: unknown } | null)?.name ?? '');
  const details = awsDetails(err);
  if (networkErrorCode(err)) {
    return {
      code: 'aws-unreachable',
      message: "Strata couldn't reach Bedrock Agents.",
      action: "Check your internet or VPN connection. If your company reaches AWS through a private endpoint, ask IT to check Strata's Bedrock Agent Runtime endpoint.",
      details,
    };
  }
  switch (name) {
    case 'ResourceNotFoundException':
      return {
        code: 'agent-not-available',
        message: `The agent “${target.name}” (alias ${target.aliasId}) isn't available in ${region}.`,
        action: 'Check that its alias is deployed and that Strata uses the Region the agent is in; IT can tell you both.',
        details,
      };
    case 'AccessDeniedException':
      return {
        code: 'agent-access-denied',
        message: `You aren't allowed to talk to the agent “${target.name}”.`,
        action: 'Ask IT to grant your role bedrock:InvokeAgent on this agent alias.',
        details,
      };
    case 'DependencyFailedException':
    case 'BadGatewayException':
      return {
        code: 'agent-action-failed',
        message: `One of the agent's actions failed${(err as { resourceName?: string }).resourceName ? ` (${(err as { resourceName?: string }).resourceName})` : ''}.`,
        action: 'Try again. If it keeps failing, tell whoever looks after the agent, with the details below.',
        details,
      };
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
      return { code: 'throttled', message: 'Bedrock Agents are busy right now.', action: 'Wait a moment and ask again.', details };
    case 'ValidationException':
      return {
        code: 'agent-not-available',
        message: `The agent “${target.name}” turned down the request.`,
        action: 'If it was answering an action, start a new session and ask again.',
        details,
      };
  }
  return toAppError(err, 'aws');
}
