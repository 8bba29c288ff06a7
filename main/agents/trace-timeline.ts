/**
 * A Bedrock Agent's trace as a timeline a person can read: each trace event
 * (pre-processing, the orchestration's model calls, rationale, knowledge base
 * and action group invocations and what they returned, the final response,
 * post-processing, guardrail interventions, failures) folded into the step it
 * belongs to, matched by its trace id. Pure: the service folds as events
 * arrive, tests fold recorded events.
 */
import type { TracePart } from '@aws-sdk/client-bedrock-agent-runtime';
import type { AgentTraceStep } from '../../preload/contract';

type Step = AgentTraceStep;
type Usage = { inputTokens?: number; outputTokens?: number } | undefined;
type Metadata = { usage?: Usage; totalTimeMs?: number; operationTotalTimeMs?: number } | undefined;

/** How long a quoted question or output may run in a title or result. */
const QUOTE = 160;
const quote = (text: string | undefined) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > QUOTE ? `${flat.slice(0, QUOTE - 1)}…` : flat;
};

function measured(metadata: Metadata): Pick<Step, 'usage' | 'ms'> {
  const usage = metadata?.usage;
  const ms = metadata?.totalTimeMs ?? metadata?.operationTotalTimeMs;
  return {
    ...(usage && (usage.inputTokens !== undefined || usage.outputTokens !== undefined)
      ? { usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 } }
      : {}),
    ...(ms !== undefined ? { ms } : {}),
  };
}

/** `steps` with the step `id` created (from `make`) or updated (by `change`), the event added to its raw events. */
function upsert(steps: Step[], id: string, event: unknown, make: () => Omit<Step, 'id' | 'raw'>, change: (step: Step) => Partial<Step> = () => ({})): Step[] {
  const index = steps.findIndex((step) => step.id === id);
  if (index === -1) {
    const created: Step = { id, ...make(), raw: [event] };
    return [...steps, { ...created, ...change(created) }];
  }
  const existing = steps[index]!;
  const next = { ...existing, ...change(existing), raw: [...existing.raw, event] };
  return [...steps.slice(0, index), next, ...steps.slice(index + 1)];
}

function parameters(list: Array<{ name?: string; value?: string }> | undefined): string {
  return (list ?? []).map((parameter) => `${parameter.name ?? '?'} = ${JSON.stringify(parameter.value ?? '')}`).join(', ');
}

/** The timeline after one more trace event. */
export function foldTrace(steps: Step[], part: TracePart): Step[] {
  const trace = part.trace;
  if (!trace) return steps;
  // Kept as JSON has it (dates as text), so what the window shows live is what is saved and exported.
  const event: unknown = JSON.parse(JSON.stringify(trace));

  if (trace.preProcessingTrace || trace.postProcessingTrace) {
    const pre = trace.preProcessingTrace !== undefined;
    const phase = (trace.preProcessingTrace ?? trace.postProcessingTrace)!;
    const input = 'modelInvocationInput' in phase ? phase.modelInvocationInput : undefined;
    const output = 'modelInvocationOutput' in phase ? phase.modelInvocationOutput : undefined;
    const id = input?.traceId ?? output?.traceId ?? `${pre ? 'pre' : 'post'}-${steps.length}`;
    return upsert(
      steps,
      id,
      event,
      () => ({ kind: pre ? 'pre-processing' : 'post-processing', title: pre ? 'Checked the question' : 'Shaped the answer' }),
      () => {
        if (!output) return {};
        const parsed = output.parsedResponse as { isValid?: boolean; rationale?: string; text?: string } | undefined;
        const result = pre
          ? parsed?.isValid === false
            ? `Turned down: ${quote(parsed.rationale)}`
            : 'The agent can help with it'
          : parsed?.text
            ? quote(parsed.text)
            : undefined;
        return { ...(result ? { result } : {}), ...measured(output.metadata) };
      },
    );
  }

  const orchestration = trace.orchestrationTrace;
  if (orchestration) {
    if (orchestration.modelInvocationInput) {
      const id = orchestration.modelInvocationInput.traceId ?? `thinking-${steps.length}`;
      return upsert(steps, id, event, () => ({ kind: 'thinking', title: 'Thinking' }));
    }
    if (orchestration.modelInvocationOutput) {
      const output = orchestration.modelInvocationOutput;
      const id = output.traceId ?? `thinking-${steps.length}`;
      return upsert(steps, id, event, () => ({ kind: 'thinking', title: 'Thinking' }), () => measured(output.metadata));
    }
    if (orchestration.rationale) {
      const id = orchestration.rationale.traceId ?? `thinking-${steps.length}`;
      return upsert(steps, id, event, () => ({ kind: 'thinking', title: 'Thinking' }), () => ({ title: `Thinking: ${quote(orchestration.rationale!.text)}` }));
    }
    if (orchestration.invocationInput) {
      const input = orchestration.invocationInput;
      const id = `${input.traceId ?? `step-${steps.length}`}:invocation`;
      if (input.knowledgeBaseLookupInput) {
        const lookup = input.knowledgeBaseLookupInput;
        return upsert(steps, id, event, () => ({ kind: 'knowledge-base', title: `Searched the knowledge base ${lookup.knowledgeBaseId ?? ''} for “${quote(lookup.text)}”` }));
      }
      if (input.actionGroupInvocationInput) {
        const call = input.actionGroupInvocationInput;
        const operation = call.function ?? [call.verb?.toUpperCase(), call.apiPath].filter(Boolean).join(' ');
        const withParameters = call.parameters?.length ? ` with ${parameters(call.parameters)}` : '';
        return upsert(steps, id, event, () => ({ kind: 'action', title: `Called ${operation || 'an action'} in ${call.actionGroupName ?? 'an action group'}${withParameters}` }));
      }
      return upsert(steps, id, event, () => ({ kind: 'other', title: `Used ${input.invocationType ?? 'a tool'}` }));
    }
    if (orchestration.observation) {
      const observation = orchestration.observation;
      const traceId = observation.traceId ?? `step-${steps.length}`;
      if (observation.finalResponse) {
        return upsert(
          steps,
          `${traceId}:answer`,
          event,
          () => ({ kind: 'answer', title: 'Answered' }),
          () => ({ result: quote(observation.finalResponse!.text), ...measured(observation.finalResponse!.metadata) }),
        );
      }
      const id = `${traceId}:invocation`;
      const result = observation.knowledgeBaseLookupOutput
        ? `${observation.knowledgeBaseLookupOutput.retrievedReferences?.length ?? 0} ${observation.knowledgeBaseLookupOutput.retrievedReferences?.length === 1 ? 'passage' : 'passages'}`
        : observation.actionGroupInvocationOutput
          ? quote(observation.actionGroupInvocationOutput.text) || 'Done, with nothing to say'
          : observation.repromptResponse
            ? `Asked again: ${quote(observation.repromptResponse.text)}`
            : (observation.type ?? 'Done');
      const metadata = observation.knowledgeBaseLookupOutput?.metadata ?? observation.actionGroupInvocationOutput?.metadata;
      return upsert(steps, id, event, () => ({ kind: 'other', title: 'A step of the agent' }), () => ({ result, ...measured(metadata) }));
    }
    return upsert(steps, `other-${steps.length}`, event, () => ({ kind: 'other', title: 'Another orchestration event' }));
  }

  if (trace.guardrailTrace) {
    const guardrail = trace.guardrailTrace;
    const assessments = [...(guardrail.inputAssessments ?? []), ...(guardrail.outputAssessments ?? [])];
    const topics = assessments.flatMap((assessment) => assessment.topicPolicy?.topics?.map((topic) => topic.name ?? '') ?? []).filter(Boolean);
    const words = assessments.flatMap((assessment) => assessment.wordPolicy?.customWords?.map((word) => word.match ?? '') ?? []).filter(Boolean);
    const what = [...topics, ...words.map((word) => `“${word}”`)];
    const intervened = guardrail.action === 'INTERVENED';
    return upsert(steps, guardrail.traceId ?? `guardrail-${steps.length}`, event, () => ({
      kind: 'guardrail',
      title: intervened ? `The guardrail stepped in${what.length ? `: ${what.join(', ')}` : ''}` : 'The guardrail let it through',
      ...measured(guardrail.metadata),
    }));
  }

  if (trace.failureTrace) {
    const failure = trace.failureTrace;
    return upsert(steps, failure.traceId ?? `failure-${steps.length}`, event, () => ({
      kind: 'failure',
      title: `Failed: ${quote(failure.failureReason) || 'the agent did not say why'}`,
      ...measured(failure.metadata),
    }));
  }

  return upsert(steps, `other-${steps.length}`, event, () => ({ kind: 'other', title: `Another trace event (${Object.keys(trace)[0] ?? 'unknown'})` }));
}
