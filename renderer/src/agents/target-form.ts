/**
 * The target form's pure logic: whom a conversation talks to (a model, a
 * Bedrock Agent, or a knowledge base whose passages a model answers from),
 * what the person typed or picked from the directory, each field checked by
 * the rules of the contract's schemas and said with their sentences, and the
 * settings patch that makes the choice. A unit test holds the checks to the
 * schemas' verdicts.
 */
import type {
  AgentConversation,
  AgentDirectory,
  AppError,
  ConversationSettings,
  ConversationSettingsPatch,
  KnowledgeBaseConversation,
} from '../../../preload/contract';
import { AGENT_NAME_MAX, checkAgentDraft, draftOf, newSessionId, type AgentDraft, type AgentProblems } from './agent-form';
import { KNOWLEDGE_BASE_ID_PATTERN, KNOWLEDGE_BASE_ID_PROBLEM } from '../../../preload/limits';

export type TargetKind = 'model' | 'agent' | 'knowledge-base';

/** What the form holds: the agent's fields (as the agent form had them), the knowledge base's, and the model. */
export interface TargetDraft extends AgentDraft {
  kind: TargetKind;
  knowledgeBaseId: string;
  knowledgeBaseName: string;
  /** The model that answers: alone, or from the knowledge base's passages. */
  modelId: string;
}

export type TargetField = Exclude<keyof TargetDraft, 'kind'>;
export type TargetProblems = Partial<Record<TargetField, string>>;

/** Whom a conversation talks to now: the parts of its settings that say. */
export interface CurrentTarget {
  modelId: string;
  agent?: AgentConversation;
  knowledgeBase?: KnowledgeBaseConversation;
}

export { KNOWLEDGE_BASE_ID_PROBLEM };
export const KNOWLEDGE_BASE_NAME_MAX = 100;
export const KNOWLEDGE_BASE_NAME_PROBLEM = `Keep the name to ${KNOWLEDGE_BASE_NAME_MAX} characters or fewer.`;
export const MODEL_PROBLEM = 'Choose the model that writes the answer.';

/** The kind of target a conversation has. */
export function kindOf(current: CurrentTarget): TargetKind {
  if (current.agent) return 'agent';
  if (current.knowledgeBase) return 'knowledge-base';
  return 'model';
}

/**
 * The form's text for a conversation's target. A conversation that talks to
 * a model opens on the agent: that is what the person came to the form for.
 */
export function targetDraftOf(current: CurrentTarget): TargetDraft {
  const kind = kindOf(current);
  const kb = current.knowledgeBase;
  return {
    kind: kind === 'model' ? 'agent' : kind,
    ...draftOf(current.agent),
    // A name that is the knowledge base's ID was left empty: left empty again, it follows the ID.
    knowledgeBaseId: kb?.knowledgeBaseId ?? '',
    knowledgeBaseName: kb && kb.name !== kb.knowledgeBaseId ? kb.name : '',
    modelId: current.modelId,
  };
}

/**
 * The draft after the person edits `next`. A name that was filled in for the conversation's agent or
 * knowledge base no longer fits once its ID is changed by hand to another: it is emptied (then the
 * ID names it), so the header does not call a new target by the old one's name.
 */
export function withEdit(draft: TargetDraft, next: Partial<TargetDraft>, current: CurrentTarget): TargetDraft {
  const edited = { ...draft, ...next };
  const agent = current.agent;
  if (next.agentId !== undefined && next.name === undefined && agent && edited.name === agent.name && next.agentId.trim() !== agent.agentId) {
    edited.name = '';
  }
  const kb = current.knowledgeBase;
  if (
    next.knowledgeBaseId !== undefined &&
    next.knowledgeBaseName === undefined &&
    kb &&
    edited.knowledgeBaseName === kb.name &&
    next.knowledgeBaseId.trim() !== kb.knowledgeBaseId
  ) {
    edited.knowledgeBaseName = '';
  }
  return edited;
}

export type TargetCheck = { ok: true; patch: ConversationSettingsPatch } | { ok: false; problems: TargetProblems };

/**
 * The settings patch that makes the conversation talk to what `draft` names,
 * or each field's problem. An agent's session carries on while the agent and
 * alias stay the same; a knowledge base's while it and its model do. Back to
 * the model alone clears whichever the conversation had.
 */
export function checkTarget(draft: TargetDraft, current: CurrentTarget, makeSessionId: () => string = newSessionId): TargetCheck {
  const modelId = draft.modelId.trim();
  switch (draft.kind) {
    case 'agent': {
      const checked = checkAgentDraft(draft, current.agent, makeSessionId);
      return checked.ok ? { ok: true, patch: { agent: checked.agent } } : { ok: false, problems: checked.problems };
    }
    case 'knowledge-base': {
      const knowledgeBaseId = draft.knowledgeBaseId.trim();
      const name = draft.knowledgeBaseName.trim() || knowledgeBaseId;
      const problems: TargetProblems = {};
      if (!KNOWLEDGE_BASE_ID_PATTERN.test(knowledgeBaseId)) problems.knowledgeBaseId = KNOWLEDGE_BASE_ID_PROBLEM;
      if (name.length > KNOWLEDGE_BASE_NAME_MAX) problems.knowledgeBaseName = KNOWLEDGE_BASE_NAME_PROBLEM;
      if (!modelId) problems.modelId = MODEL_PROBLEM;
      if (Object.keys(problems).length) return { ok: false, problems };
      const was = current.knowledgeBase;
      // Nothing changed: nothing is sent, so Bedrock's session carries on (main may hold a newer session id than this window).
      if (was?.knowledgeBaseId === knowledgeBaseId && was.name === name && current.modelId === modelId) return { ok: true, patch: {} };
      const sameSession = was?.knowledgeBaseId === knowledgeBaseId && current.modelId === modelId && was.sessionId !== undefined;
      const knowledgeBase: KnowledgeBaseConversation = { knowledgeBaseId, name, ...(sameSession ? { sessionId: was.sessionId } : {}) };
      return { ok: true, patch: { knowledgeBase, modelId } };
    }
    case 'model': {
      if (!modelId) return { ok: false, problems: { modelId: 'Choose a model.' } };
      return {
        ok: true,
        patch: { modelId, ...(current.agent ? { agent: null } : {}), ...(current.knowledgeBase ? { knowledgeBase: null } : {}) },
      };
    }
  }
}

/** The patch that starts the conversation's session anew: a new id for an agent, none for a knowledge base (Bedrock gives one). */
export function newSessionPatch(settings: Pick<ConversationSettings, 'agent' | 'knowledgeBase'>, makeSessionId = newSessionId): ConversationSettingsPatch | null {
  if (settings.agent) return { agent: { ...settings.agent, sessionId: makeSessionId() } };
  if (settings.knowledgeBase) return { knowledgeBase: { knowledgeBaseId: settings.knowledgeBase.knowledgeBaseId, name: settings.knowledgeBase.name } };
  return null;
}

/** The fields main found fault with in a failed save ("settings.knowledgeBase.name" → knowledgeBaseName), if any. */
export function targetProblemsFromError(error: AppError | null | undefined): TargetProblems {
  const problems: TargetProblems = {};
  for (const [path, sentence] of Object.entries(error?.fields ?? {})) {
    const agent = /(?:^|\.)agent\.(agentId|aliasId|name)$/.exec(path);
    if (agent) problems[agent[1] as keyof AgentProblems] ??= sentence;
    const kb = /(?:^|\.)knowledgeBase\.(knowledgeBaseId|name)$/.exec(path);
    if (kb) problems[kb[1] === 'name' ? 'knowledgeBaseName' : 'knowledgeBaseId'] ??= sentence;
    if (/(?:^|\.)modelId$/.test(path)) problems.modelId ??= sentence;
  }
  return problems;
}

/** One entry of the directory's picker: the value of its option, its words, and what it fills in. */
export interface DirectoryChoice {
  value: string;
  label: string;
  description?: string;
  fill: Partial<TargetDraft>;
}

const agentValue = (agentId: string, aliasId: string) => `agent:${agentId}:${aliasId}`;
const knowledgeBaseValue = (knowledgeBaseId: string) => `kb:${knowledgeBaseId}`;

/** The entries of one kind: an agent once per alias that can answer ("Handbook librarian — live"), a knowledge base once. */
export function directoryChoices(directory: AgentDirectory, kind: Exclude<TargetKind, 'model'>): DirectoryChoice[] {
  if (kind === 'agent') {
    return directory.agents.flatMap((agent) =>
      agent.aliases.map((alias) => ({
        value: agentValue(agent.agentId, alias.aliasId),
        label: `${agent.name} — ${alias.name}`,
        ...(agent.description ? { description: agent.description } : {}),
        fill: { agentId: agent.agentId, aliasId: alias.aliasId, name: agent.name.slice(0, AGENT_NAME_MAX) },
      })),
    );
  }
  return directory.knowledgeBases.map((kb) => ({
    value: knowledgeBaseValue(kb.knowledgeBaseId),
    label: kb.name,
    ...(kb.description ? { description: kb.description } : {}),
    fill: { knowledgeBaseId: kb.knowledgeBaseId, knowledgeBaseName: kb.name.slice(0, KNOWLEDGE_BASE_NAME_MAX) },
  }));
}

/** The picker's value for what the fields say now: the entry they match, or '' (typed IDs the list does not have). */
export function choiceValueOf(draft: TargetDraft): string {
  if (draft.kind === 'agent') return agentValue(draft.agentId.trim(), draft.aliasId.trim());
  if (draft.kind === 'knowledge-base') return knowledgeBaseValue(draft.knowledgeBaseId.trim());
  return '';
}

/** The entry an option's value stands for, if the list has it. */
export function findChoice(choices: readonly DirectoryChoice[], value: string): DirectoryChoice | undefined {
  return value ? choices.find((c) => c.value === value) : undefined;
}

/** The draft with the fields of the entry picked filled in; unchanged for an entry that is not there. */
export function pickChoice(draft: TargetDraft, choices: readonly DirectoryChoice[], value: string): TargetDraft {
  const choice = findChoice(choices, value);
  return choice ? { ...draft, ...choice.fill } : draft;
}
