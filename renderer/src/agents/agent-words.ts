/** Words for an agent's answer: its steps, its sources, what it asked and what became of it. Pure, so tests reach it. */
import type { AgentActionRequest, AgentConversation, AgentSource, AgentTraceStep } from '../../../preload/contract';
import type { AgentDecision } from './agent-answer';

/** What became of an action the agent handed back, as its card says it. */
export function decisionWords(decision: AgentDecision): string {
  switch (decision.kind) {
    case 'confirmed':
      return 'You approved this.';
    case 'answered':
      return `You answered: “${decision.text}”`;
    case 'denied':
      switch (decision.because) {
        case 'stopped':
          return 'Denied: you stopped the answer before choosing.';
        case 'moved-on':
          return 'Denied: you asked something else instead.';
        case 'signed-out':
          return 'Denied: you signed out before choosing.';
        case 'closed':
          return 'Denied: Strata closed before you chose.';
        default:
          return 'You denied this.';
      }
  }
}

/** The card's heading: what the agent is asking for. */
export function actionHeading(action: AgentActionRequest, waiting: boolean): string {
  if (action.kind === 'confirm') return waiting ? 'The agent asks for your approval' : 'The agent asked for your approval';
  return waiting ? 'The agent needs an answer from you' : 'The agent asked for an answer';
}

/** "Cancel the order" is not known; the operation and its action group are, said plainly. */
export function actionSentence(action: AgentActionRequest, agentName: string): string {
  const operation = action.operation || 'an action';
  const group = action.actionGroup ? ` in the action group ${action.actionGroup}` : '';
  return action.kind === 'confirm'
    ? `${agentName} wants to run ${operation}${group}.`
    : `${agentName} asks Strata for ${operation}${group}.`;
}

/** What a kind of trace step is called beside its icon. */
export const STEP_KIND_LABELS: Record<AgentTraceStep['kind'], string> = {
  'pre-processing': 'Preparing',
  thinking: 'Thinking',
  'knowledge-base': 'Knowledge base search',
  action: 'Action',
  answer: 'Answer',
  'post-processing': 'Finishing',
  guardrail: 'Guardrail',
  failure: 'Failure',
  other: 'Step',
};

/** Whether a guardrail step is one where the guardrail stepped in (not one that let the answer through). */
export function guardrailIntervened(step: AgentTraceStep): boolean {
  if (step.kind !== 'guardrail') return false;
  return step.raw.some((event) => {
    const trace = (event as { guardrailTrace?: { action?: unknown } } | null)?.guardrailTrace;
    return trace?.action === 'INTERVENED';
  });
}

/** The label of a step as the timeline shows it: its kind, or that the guardrail stepped in. */
export function stepLabel(step: AgentTraceStep): string {
  return guardrailIntervened(step) ? 'Guardrail stepped in' : STEP_KIND_LABELS[step.kind];
}

/**
 * The step's title as the timeline shows it beside its label: without the label's word again at its
 * start ("Thinking: I will search…" beside "Thinking" shows "I will search…"), so it is not read twice.
 */
export function stepTitle(step: AgentTraceStep): string {
  const label = stepLabel(step);
  const prefix = `${label}: `;
  return step.title.toLowerCase().startsWith(prefix.toLowerCase()) && step.title.length > prefix.length ? step.title.slice(prefix.length) : step.title;
}

/** "340 ms", "1.2 s" */
export function durationText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "1,234 in · 56 out tokens · 1.2 s": what a step cost, when the trace says. */
export function stepMeta(step: AgentTraceStep): string | null {
  const parts: string[] = [];
  if (step.usage) parts.push(`${step.usage.inputTokens.toLocaleString('en-US')} in · ${step.usage.outputTokens.toLocaleString('en-US')} out tokens`);
  if (step.ms !== undefined) parts.push(durationText(step.ms));
  return parts.length ? parts.join(' · ') : null;
}

const steps = (count: number) => `${count.toLocaleString('en-US')} ${count === 1 ? 'step' : 'steps'}`;

/** "Show what the agent did · 7 steps" */
export function traceToggleText(count: number, open: boolean): string {
  return `${open ? 'Hide' : 'Show'} what the agent did · ${steps(count)}`;
}

/** What a source is, in words. */
export const SOURCE_KIND_LABELS: Record<AgentSource['kind'], string> = {
  s3: 'Document in Amazon S3',
  web: 'Web page',
  other: 'Other source',
};

/** "Handbook librarian · alias LIBLIVE001" */
export function agentTitle(agent: AgentConversation): { name: string; alias: string } {
  return { name: agent.name, alias: agent.aliasId === 'TSTALIASID' ? 'test alias (TSTALIASID)' : `alias ${agent.aliasId}` };
}
