/**
 * An agent's answer as the window keeps it while it streams. Every `agent`
 * event carries the whole answer afresh (a copy made by IPC), so nothing in it
 * is the object it was a frame ago; `reuseUnchanged` hands back the earlier
 * objects where nothing changed, so the timeline's memoised steps, the
 * sources and the action card draw again only when theirs did.
 */
import type { AgentActionRequest, AgentAnswer, AgentCitation, AgentSource, AgentTraceStep } from '../../../preload/contract';

export type AgentDecision = NonNullable<AgentAnswer['decision']>;

/**
 * Whether a step is unchanged. main folds trace events into steps by
 * appending them to `raw`, never rewriting one, so the number of raw events
 * stands for their content and the (possibly large) events are not compared.
 */
function sameStep(a: AgentTraceStep, b: AgentTraceStep): boolean {
  return (
    a.id === b.id &&
    a.kind === b.kind &&
    a.title === b.title &&
    a.result === b.result &&
    a.ms === b.ms &&
    a.usage?.inputTokens === b.usage?.inputTokens &&
    a.usage?.outputTokens === b.usage?.outputTokens &&
    a.raw.length === b.raw.length
  );
}

const sameSource = (a: AgentSource, b: AgentSource) => a.number === b.number && a.kind === b.kind && a.location === b.location && a.passage === b.passage;

const sameCitation = (a: AgentCitation, b: AgentCitation) =>
  a.start === b.start && a.end === b.end && a.sources.length === b.sources.length && a.sources.every((n, i) => n === b.sources[i]);

function sameAction(a: AgentActionRequest | undefined, b: AgentActionRequest | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.invocationId === b.invocationId &&
    a.kind === b.kind &&
    a.actionGroup === b.actionGroup &&
    a.operation === b.operation &&
    a.parameters.length === b.parameters.length &&
    a.parameters.every((p, i) => p.name === b.parameters[i]!.name && p.value === b.parameters[i]!.value)
  );
}

function sameDecision(a: AgentDecision | undefined, b: AgentDecision | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'denied' && b.kind === 'denied') return a.because === b.because;
  if (a.kind === 'answered' && b.kind === 'answered') return a.text === b.text;
  return true;
}

/** `after`, with each item that equals the one in its place in `before` replaced by that one; `before` itself when all are. */
function reuseList<T>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean): T[] {
  let changed = before.length !== after.length;
  const list = after.map((item, i) => {
    const old = before[i];
    if (old !== undefined && same(old, item)) return old;
    changed = true;
    return item;
  });
  return changed ? list : (before as T[]);
}

/**
 * The answer `after`, keeping every part of `before` that did not change (the
 * same objects): `before` itself when nothing did.
 */
export function reuseUnchanged(before: AgentAnswer | undefined, after: AgentAnswer): AgentAnswer {
  if (!before || before === after) return after;
  const steps = reuseList(before.steps, after.steps, sameStep);
  const sources = reuseList(before.sources, after.sources, sameSource);
  const citations = reuseList(before.citations, after.citations, sameCitation);
  const action = sameAction(before.action, after.action) ? before.action : after.action;
  const decision = sameDecision(before.decision, after.decision) ? before.decision : after.decision;
  if (
    before.name === after.name &&
    steps === before.steps &&
    sources === before.sources &&
    citations === before.citations &&
    action === before.action &&
    decision === before.decision
  ) {
    return before;
  }
  return {
    name: after.name,
    steps,
    sources,
    citations,
    ...(action ? { action } : {}),
    ...(decision ? { decision } : {}),
  };
}

/** Whether the agent is waiting for the person to answer the action it handed back. */
export function isWaiting(agent: AgentAnswer | undefined): boolean {
  return agent?.action !== undefined && agent.decision === undefined;
}
