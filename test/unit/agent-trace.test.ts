/**
 * A Bedrock Agent's trace folded into timeline steps (every trace kind the
 * service sends), citations attached to the sentences they support, and the
 * round trip of an action the agent hands back.
 */
import type { TracePart } from '@aws-sdk/client-bedrock-agent-runtime';
import { describe, expect, it } from 'vitest';
import { actionRequest, actionResult, foldCitations } from '../../main/agents/agent-answer';
import { foldTrace } from '../../main/agents/trace-timeline';
import type { AgentTraceStep } from '../../preload/contract';

const part = (trace: NonNullable<TracePart['trace']>): TracePart => ({ agentId: 'A', agentAliasId: 'B', sessionId: 's', trace });
const fold = (traces: Array<NonNullable<TracePart['trace']>>) => traces.reduce<AgentTraceStep[]>((steps, trace) => foldTrace(steps, part(trace)), []);
const usage = { usage: { inputTokens: 120, outputTokens: 30 }, totalTimeMs: 450 };

describe('the trace timeline', () => {
  it('folds each event into its step by trace id: pre-processing, thinking, a knowledge base search, an action, the answer, post-processing', () => {
    const steps = fold([
      { preProcessingTrace: { modelInvocationInput: { traceId: 't-pre', type: 'PRE_PROCESSING', text: 'classify' } } },
      { preProcessingTrace: { modelInvocationOutput: { traceId: 't-pre', parsedResponse: { isValid: true, rationale: 'fine' }, metadata: usage } } },
      { orchestrationTrace: { modelInvocationInput: { traceId: 't-1', type: 'ORCHESTRATION', text: 'prompt' } } },
      { orchestrationTrace: { modelInvocationOutput: { traceId: 't-1', rawResponse: { content: '…' }, metadata: usage } } },
      { orchestrationTrace: { rationale: { traceId: 't-1', text: 'I will   search the\nhandbook.' } } },
      { orchestrationTrace: { invocationInput: { traceId: 't-1', invocationType: 'KNOWLEDGE_BASE', knowledgeBaseLookupInput: { knowledgeBaseId: 'KB1', text: 'leave' } } } },
      { orchestrationTrace: { observation: { traceId: 't-1', type: 'KNOWLEDGE_BASE', knowledgeBaseLookupOutput: { retrievedReferences: [{}], metadata: { totalTimeMs: 80 } } } } },
      { orchestrationTrace: { rationale: { traceId: 't-2', text: 'Now the order.' } } },
      {
        orchestrationTrace: {
          invocationInput: {
            traceId: 't-2',
            invocationType: 'ACTION_GROUP',
            actionGroupInvocationInput: { actionGroupName: 'orders', verb: 'get', apiPath: '/orders/{id}', parameters: [{ name: 'id', value: '7' }] },
          },
        },
      },
      { orchestrationTrace: { observation: { traceId: 't-2', type: 'ACTION_GROUP', actionGroupInvocationOutput: { text: '' } } } },
      { orchestrationTrace: { observation: { traceId: 't-3', type: 'FINISH', finalResponse: { text: 'Five days.', metadata: { operationTotalTimeMs: 900 } } } } },
      { postProcessingTrace: { modelInvocationInput: { traceId: 't-post', type: 'POST_PROCESSING', text: 'x' } } },
      { postProcessingTrace: { modelInvocationOutput: { traceId: 't-post', parsedResponse: { text: 'Five days, as the handbook says.' } } } },
    ]);
    expect(steps.map(({ raw, ...step }) => ({ ...step, events: raw.length }))).toEqual([
      { id: 't-pre', kind: 'pre-processing', title: 'Checked the question', result: 'The agent can help with it', usage: { inputTokens: 120, outputTokens: 30 }, ms: 450, events: 2 },
      { id: 't-1', kind: 'thinking', title: 'Thinking: I will search the handbook.', usage: { inputTokens: 120, outputTokens: 30 }, ms: 450, events: 3 },
      { id: 't-1:invocation', kind: 'knowledge-base', title: 'Searched the knowledge base KB1 for “leave”', result: '1 passage', ms: 80, events: 2 },
      { id: 't-2', kind: 'thinking', title: 'Thinking: Now the order.', events: 1 },
      { id: 't-2:invocation', kind: 'action', title: 'Called GET /orders/{id} in orders with id = "7"', result: 'Done, with nothing to say', events: 2 },
      { id: 't-3:answer', kind: 'answer', title: 'Answered', result: 'Five days.', ms: 900, events: 1 },
      { id: 't-post', kind: 'post-processing', title: 'Shaped the answer', result: 'Five days, as the handbook says.', events: 2 },
    ]);
    // Each step keeps its events as they came, for the raw view.
    expect(steps[0]!.raw[1]).toMatchObject({ preProcessingTrace: { modelInvocationOutput: { parsedResponse: { isValid: true } } } });
  });

  it('says a question turned down, a guardrail stepping in (topics and words), a failure, and events it does not know', () => {
    const steps = fold([
      { preProcessingTrace: { modelInvocationOutput: { traceId: 'p', parsedResponse: { isValid: false, rationale: 'Asks for someone else’s salary.' } } } },
      {
        guardrailTrace: {
          traceId: 'g',
          action: 'INTERVENED',
          inputAssessments: [{ topicPolicy: { topics: [{ name: 'Salaries', type: 'DENY', action: 'BLOCKED' }] } }],
          outputAssessments: [{ wordPolicy: { customWords: [{ match: 'confidential', action: 'BLOCKED' }] } }],
        },
      },
      { guardrailTrace: { traceId: 'g2', action: 'NONE' } },
      { failureTrace: { traceId: 'f', failureReason: 'Lambda timed out', failureCode: 424 } },
      { routingClassifierTrace: { invocationInput: { traceId: 'r', invocationType: 'FINISH' } } } as NonNullable<TracePart['trace']>,
    ]);
    expect(steps.map((step) => [step.kind, step.title, step.result])).toEqual([
      ['pre-processing', 'Checked the question', 'Turned down: Asks for someone else’s salary.'],
      ['guardrail', 'The guardrail stepped in: Salaries, “confidential”', undefined],
      ['guardrail', 'The guardrail let it through', undefined],
      ['failure', 'Failed: Lambda timed out', undefined],
      ['other', 'Another trace event (routingClassifierTrace)', undefined],
    ]);
  });

  it('keeps long quotes short, and never changes the steps it was given', () => {
    const before = fold([{ orchestrationTrace: { rationale: { traceId: 'a', text: 'x'.repeat(500) } } }]);
    const frozen = structuredClone(before);
    const after = foldTrace(before, part({ orchestrationTrace: { rationale: { traceId: 'b', text: 'next' } } }));
    expect(before).toEqual(frozen);
    expect(after).toHaveLength(2);
    expect(after[0]!.title.length).toBeLessThanOrEqual('Thinking: '.length + 160);
    expect(after[0]!.title.endsWith('…')).toBe(true);
  });
});

describe('citations', () => {
  const passage = (uri: string, text: string) => ({ content: { text }, location: { type: 'S3' as const, s3Location: { uri } } });

  it('numbers sources in order of first citation, reuses a number for the same passage, and attaches each to its sentence', () => {
    const answer = 'Five days carry over. Ask your manager. Five days is the cap.';
    let state = { sources: [], citations: [] } as Parameters<typeof foldCitations>[0];
    state = foldCitations(state, { citations: [{ generatedResponsePart: { textResponsePart: { text: 'Five days carry over.', span: { start: 0, end: 20 } } }, retrievedReferences: [passage('s3://a', 'A')] }] }, answer);
    state = foldCitations(
      state,
      {
        citations: [
          // No span: found by its text.
          { generatedResponsePart: { textResponsePart: { text: 'Ask your manager.' } }, retrievedReferences: [{ content: { text: 'B' }, location: { type: 'WEB', webLocation: { url: 'https://b' } } }] },
          { generatedResponsePart: { textResponsePart: { text: 'Five days is the cap.', span: { start: 40, end: 60 } } }, retrievedReferences: [passage('s3://a', 'A'), passage('s3://c', 'C')] },
        ],
      },
      answer,
    );
    expect(state.sources.map((source) => [source.number, source.kind, source.location])).toEqual([
      [1, 's3', 's3://a'],
      [2, 'web', 'https://b'],
      [3, 's3', 's3://c'],
    ]);
    expect(state.citations.map((citation) => [answer.slice(citation.start, citation.end), citation.sources])).toEqual([
      ['Five days carry over.', [1]],
      ['Ask your manager.', [2]],
      ['Five days is the cap.', [1, 3]],
    ]);
    // No attribution changes nothing.
    expect(foldCitations(state, undefined, answer)).toEqual(state);
  });
});

describe('an action the agent hands back', () => {
  it('in words, for a function to confirm and an API to answer, and what goes back for each', () => {
    const confirm = actionRequest({
      invocationId: 'inv-1',
      invocationInputs: [{ functionInvocationInput: { actionGroup: 'orders', function: 'cancelOrder', actionInvocationType: 'USER_CONFIRMATION', parameters: [{ name: 'orderId', value: '3001' }] } }],
    });
    expect(confirm).toEqual({ invocationId: 'inv-1', kind: 'confirm', actionGroup: 'orders', operation: 'cancelOrder', parameters: [{ name: 'orderId', value: '3001' }] });
    expect(actionResult(confirm!, { confirmed: false })).toEqual({ functionResult: { actionGroup: 'orders', function: 'cancelOrder', confirmationState: 'DENY' } });

    const api = actionRequest({
      invocationId: 'inv-2',
      invocationInputs: [{ apiInvocationInput: { actionGroup: 'weather', httpMethod: 'get', apiPath: '/forecast', actionInvocationType: 'RESULT', parameters: [{ name: 'city', value: 'Oslo' }] } }],
    });
    expect(api).toMatchObject({ kind: 'result', operation: 'GET /forecast' });
    expect(actionResult(api!, { result: 'Sunny' })).toEqual({ apiResult: { actionGroup: 'weather', httpMethod: 'GET', apiPath: '/forecast', responseBody: { TEXT: { body: 'Sunny' } } } });
    expect(actionRequest({ invocationId: 'inv-3', invocationInputs: [] })).toBeUndefined();
  });
});
