/**
 * The agent form's pure logic: what the person typed, checked with the
 * patterns and sentences the contract's agentConversationSchema uses (from
 * preload/limits: the renderer may not load the contract's schemas, only its
 * types; a unit test holds the two to the same verdicts), and the agent it makes.
 */
import type { AgentConversation, AppError } from '../../../preload/contract';
import { AGENT_ID_PATTERN, AGENT_ID_PROBLEM, ALIAS_ID_PATTERN, ALIAS_ID_PROBLEM } from '../../../preload/limits';

export { AGENT_ID_PROBLEM, ALIAS_ID_PROBLEM };

/** What the person typed. */
export interface AgentDraft {
  agentId: string;
  aliasId: string;
  name: string;
}

export type AgentField = keyof AgentDraft;
export type AgentProblems = Partial<Record<AgentField, string>>;

export const AGENT_NAME_MAX = 100;
export const NAME_PROBLEM = `Keep the name to ${AGENT_NAME_MAX} characters or fewer.`;

export const EMPTY_DRAFT: AgentDraft = { agentId: '', aliasId: '', name: '' };

/** The form's text for the agent a conversation talks to (empty for none). */
export function draftOf(agent: AgentConversation | undefined): AgentDraft {
  if (!agent) return EMPTY_DRAFT;
  // A name that is the agent's ID was left empty: left empty again, it follows the ID if that changes.
  return { agentId: agent.agentId, aliasId: agent.aliasId, name: agent.name === agent.agentId ? '' : agent.name };
}

/** A new session id for the agent: it starts with no memory of the conversation. */
export function newSessionId(): string {
  return crypto.randomUUID();
}

export type AgentCheck = { ok: true; agent: AgentConversation } | { ok: false; problems: AgentProblems };

/**
 * The agent `draft` names, or each field's problem. Spaces around what was
 * typed (a pasted id) do not count; an empty name becomes the agent's ID. The
 * session carries on when the agent and alias stay the same (only the name
 * changed), and starts anew otherwise.
 */
export function checkAgentDraft(draft: AgentDraft, current?: AgentConversation, makeSessionId: () => string = newSessionId): AgentCheck {
  const agentId = draft.agentId.trim();
  const aliasId = draft.aliasId.trim();
  const name = draft.name.trim() || agentId;
  const problems: AgentProblems = {};
  if (!AGENT_ID_PATTERN.test(agentId)) problems.agentId = AGENT_ID_PROBLEM;
  if (!ALIAS_ID_PATTERN.test(aliasId)) problems.aliasId = ALIAS_ID_PROBLEM;
  if (name.length > AGENT_NAME_MAX) problems.name = NAME_PROBLEM;
  if (Object.keys(problems).length) return { ok: false, problems };
  const sameSession = current !== undefined && current.agentId === agentId && current.aliasId === aliasId;
  return { ok: true, agent: { agentId, aliasId, name, sessionId: sameSession ? current.sessionId : makeSessionId() } };
}

/** The fields main found fault with in a failed save ("settings.agent.agentId" → agentId), if any. */
export function problemsFromError(error: AppError | null | undefined): AgentProblems {
  const problems: AgentProblems = {};
  for (const [path, sentence] of Object.entries(error?.fields ?? {})) {
    const match = /(?:^|\.)agent\.(agentId|aliasId|name)$/.exec(path);
    if (match) problems[match[1] as AgentField] ??= sentence;
  }
  return problems;
}
