/**
 * What a Bedrock Agent's answer carries besides its text, in the forms the
 * window shows: citations as numbered sources attached to the sentences they
 * support, and an action handed back (returnControl) in words, with what
 * Strata sends back for it. Pure, so tests reach it directly.
 */
import type { Attribution, InvocationResultMember, ReturnControlPayload, RetrievedReference } from '@aws-sdk/client-bedrock-agent-runtime';
import type { AgentActionRequest, AgentAnswer, AgentCitation, AgentSource } from '../../preload/contract';

/** Where a retrieved passage came from, as one address or the kind of place. */
function locationOf(reference: RetrievedReference): Pick<AgentSource, 'kind' | 'location'> {
  const location = reference.location;
  if (location?.s3Location?.uri) return { kind: 's3', location: location.s3Location.uri };
  if (location?.webLocation?.url) return { kind: 'web', location: location.webLocation.url };
  const url =
    location?.confluenceLocation?.url ??
    location?.sharePointLocation?.url ??
    location?.salesforceLocation?.url ??
    location?.kendraDocumentLocation?.uri ??
    location?.customDocumentLocation?.id;
  return { kind: 'other', location: url ?? (location?.type ? `${location.type.toLowerCase()} source` : 'unknown source') };
}

/**
 * Folds one chunk's attribution into the answer's sources and citations; `answer` is the whole
 * answer so far (the service counts spans in it, also when the answer comes in pieces). Sources
 * are numbered in order of first citation; the same location and passage keeps its number.
 */
export function foldCitations(
  state: { sources: AgentSource[]; citations: AgentCitation[] },
  attribution: Attribution | undefined,
  answer: string,
): { sources: AgentSource[]; citations: AgentCitation[] } {
  const sources = [...state.sources];
  const citations = [...state.citations];
  for (const citation of attribution?.citations ?? []) {
    const numbers: number[] = [];
    for (const reference of citation.retrievedReferences ?? []) {
      const { kind, location } = locationOf(reference);
      const passage = reference.content?.text ?? '';
      let source = sources.find((known) => known.location === location && known.passage === passage);
      if (!source) {
        source = { number: sources.length + 1, kind, location, passage };
        sources.push(source);
      }
      if (!numbers.includes(source.number)) numbers.push(source.number);
    }
    const part = citation.generatedResponsePart?.textResponsePart;
    // The service's span is inclusive of its last character; a missing or impossible one falls back to finding the text.
    let start = part?.span?.start;
    let end = part?.span?.end !== undefined ? part.span.end + 1 : undefined;
    if (start === undefined || end === undefined || start < 0 || end > answer.length || start >= end) {
      const found = part?.text ? answer.indexOf(part.text) : -1;
      start = found === -1 ? answer.length : found;
      end = found === -1 ? answer.length : found + part!.text!.length;
    }
    if (numbers.length) citations.push({ start, end, sources: numbers });
  }
  return { sources, citations };
}

/** An action the agent hands back, in words; undefined when it hands back nothing Strata can show. */
export function actionRequest(payload: ReturnControlPayload | undefined): AgentActionRequest | undefined {
  const input = payload?.invocationInputs?.[0];
  if (!payload?.invocationId || !input) return undefined;
  const fn = input.functionInvocationInput;
  const api = input.apiInvocationInput;
  const call = fn ?? api;
  if (!call) return undefined;
  const operation = fn ? (fn.function ?? 'a function') : [api!.httpMethod?.toUpperCase(), api!.apiPath].filter(Boolean).join(' ') || 'an API';
  const parameters = (fn?.parameters ?? api?.parameters ?? []).map((parameter) => ({ name: parameter.name ?? '', value: parameter.value ?? '' }));
  return {
    invocationId: payload.invocationId,
    kind: call.actionInvocationType === 'RESULT' ? 'result' : 'confirm',
    actionGroup: call.actionGroup ?? '',
    operation,
    parameters,
  };
}

/**
 * What goes back to the agent for `request`: the person's decision on an action to confirm, or the
 * result Strata produced for an action it answers.
 */
export function actionResult(request: AgentActionRequest, answer: { confirmed: boolean } | { result: string }): InvocationResultMember {
  const isApi = request.operation.includes('/');
  if (isApi) {
    const [httpMethod, apiPath] = request.operation.split(' ') as [string, string];
    return {
      apiResult: {
        actionGroup: request.actionGroup,
        httpMethod,
        apiPath,
        ...('confirmed' in answer
          ? { confirmationState: answer.confirmed ? 'CONFIRM' : 'DENY' }
          : { responseBody: { TEXT: { body: answer.result } } }),
      },
    };
  }
  return {
    functionResult: {
      actionGroup: request.actionGroup,
      function: request.operation,
      ...('confirmed' in answer
        ? { confirmationState: answer.confirmed ? 'CONFIRM' : 'DENY' }
        : { responseBody: { TEXT: { body: answer.result } } }),
    },
  };
}

export type AgentDecision = NonNullable<AgentAnswer['decision']>;

/** What became of an action, in words, for the timeline and the export. */
export function decisionWords(decision: AgentDecision): string {
  if (decision.kind === 'confirmed') return 'You approved it.';
  if (decision.kind === 'answered') return `You answered: “${decision.text}”.`;
  switch (decision.because) {
    case 'stopped':
      return 'Denied: you stopped the answer before choosing. It did not run.';
    case 'moved-on':
      return 'Denied: you asked something else instead. It did not run.';
    case 'signed-out':
      return 'Denied: you signed out before choosing. It did not run.';
    case 'closed':
      return 'Denied: Strata closed before you chose. It did not run.';
    default:
      return 'You denied it. It did not run.';
  }
}

/** The answer with what became of its action, and a step in its timeline that says so. */
export function withDecision(agent: AgentAnswer, decision: AgentDecision): AgentAnswer {
  const action = agent.action;
  if (!action || agent.decision) return agent;
  const asked = action.kind === 'confirm' ? 'Asked you before running' : 'Asked you for';
  const parameters = action.parameters.map((p) => `${p.name} = ${JSON.stringify(p.value)}`).join(', ');
  return {
    ...agent,
    decision,
    steps: [
      ...agent.steps,
      {
        id: `decision-${action.invocationId}`,
        kind: 'action',
        title: `${asked} ${action.operation} (${action.actionGroup})${parameters ? ` with ${parameters}` : ''}`,
        result: decisionWords(decision),
        raw: [{ invocationId: action.invocationId, decision }],
      },
    ],
  };
}
