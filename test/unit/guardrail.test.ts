/** The required guardrail: how it goes into Bedrock's requests, and what the person reads when it steps in. */
import type { GuardrailAssessment } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { bedrockError } from '../../main/chat/bedrock-errors';
import { converseRequest, converseStreamRequest } from '../../main/chat/bedrock-messages';
import { describeIntervention, guardrailError } from '../../main/chat/guardrail';
import { conversationToMarkdown } from '../../main/chat/markdown-export';
import type { ChatMessage, Conversation } from '../../preload/contract';

const GUARDRAIL = { id: 'abc123def456', version: '3' };
const SETTINGS = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', systemPrompt: '' };
const HISTORY: ChatMessage[] = [{ id: 'm1', role: 'user', text: 'Hello', createdAt: 1, status: 'complete' }];

const asked = (assessment: GuardrailAssessment) => ({ inputAssessment: { [GUARDRAIL.id]: assessment } });
const answered = (assessment: GuardrailAssessment) => ({ outputAssessments: { [GUARDRAIL.id]: [assessment] } });

describe('the request builder', () => {
  it('puts the required guardrail, with its trace, into ConverseStream and Converse', () => {
    expect(converseStreamRequest(SETTINGS, HISTORY, GUARDRAIL).guardrailConfig).toEqual({
      guardrailIdentifier: 'abc123def456',
      guardrailVersion: '3',
      trace: 'enabled',
      streamProcessingMode: 'sync',
    });
    expect(converseRequest(SETTINGS, HISTORY, GUARDRAIL).guardrailConfig).toEqual({ guardrailIdentifier: 'abc123def456', guardrailVersion: '3', trace: 'enabled' });
  });

  it('sends no guardrailConfig when none is required', () => {
    expect(converseStreamRequest(SETTINGS, HISTORY)).not.toHaveProperty('guardrailConfig');
    expect(converseRequest(SETTINGS, HISTORY)).not.toHaveProperty('guardrailConfig');
    expect(converseStreamRequest(SETTINGS, HISTORY)).toEqual({ modelId: SETTINGS.modelId, messages: [{ role: 'user', content: [{ text: 'Hello' }] }] });
  });
});

describe('what the guardrail did, in words', () => {
  it('a denied topic in the question', () => {
    const trace = asked({ topicPolicy: { topics: [{ name: 'Investment advice', type: 'DENY', action: 'BLOCKED', detected: true }] } });
    expect(describeIntervention(trace, 'guardrail_intervened')).toEqual({
      action: 'blocked',
      message: "Your organization's guardrail blocked your question: it touches a denied topic (Investment advice).",
    });
  });

  it('a denied topic in the answer', () => {
    const trace = answered({ topicPolicy: { topics: [{ name: 'Investment advice', type: 'DENY', action: 'BLOCKED' }, { name: 'Salaries', type: 'DENY', action: 'BLOCKED' }] } });
    expect(describeIntervention(trace, 'guardrail_intervened')?.message).toBe(
      "Your organization's guardrail stopped this answer: it touches denied topics (Investment advice, Salaries).",
    );
  });

  it('content filters, and a prompt attack', () => {
    const trace = asked({
      contentPolicy: {
        filters: [
          { type: 'HATE', confidence: 'HIGH', action: 'BLOCKED', detected: true },
          { type: 'VIOLENCE', confidence: 'MEDIUM', action: 'BLOCKED', detected: true },
          { type: 'INSULTS', confidence: 'LOW', action: 'NONE', detected: false },
        ],
      },
    });
    expect(describeIntervention(trace)?.message).toBe("Your organization's guardrail blocked your question: it contains content your organization filters (hate and violence).");
    const attack = asked({ contentPolicy: { filters: [{ type: 'PROMPT_ATTACK', confidence: 'HIGH', action: 'BLOCKED' }] } });
    expect(describeIntervention(attack)?.message).toBe("Your organization's guardrail blocked your question: it looks like an attempt to get round the model's instructions.");
  });

  it('blocked words and profanity', () => {
    const trace = answered({
      wordPolicy: { customWords: [{ match: 'Project Falcon', action: 'BLOCKED' }], managedWordLists: [{ match: 'darn', type: 'PROFANITY', action: 'BLOCKED' }] },
    });
    expect(describeIntervention(trace)?.message).toBe(
      "Your organization's guardrail stopped this answer: it uses a word your organization blocks (“Project Falcon”) and uses profanity.",
    );
  });

  it('personal information blocked, or hidden in the answer, named as people know it', () => {
    const blocked = asked({ sensitiveInformationPolicy: { piiEntities: [{ match: '4111…', type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'BLOCKED' }], regexes: [] } });
    expect(describeIntervention(blocked)?.message).toBe("Your organization's guardrail blocked your question: it contains personal information (card numbers).");
    const masked = answered({
      sensitiveInformationPolicy: {
        piiEntities: [
          { match: 'ada@example.com', type: 'EMAIL', action: 'ANONYMIZED' },
          { match: 'grace@example.com', type: 'EMAIL', action: 'ANONYMIZED' },
          { match: '+1 555 0100', type: 'PHONE', action: 'ANONYMIZED' },
        ],
        regexes: [{ name: 'employee IDs', match: 'E-1234', regex: 'E-\\d+', action: 'ANONYMIZED' }],
      },
    });
    expect(describeIntervention(masked, 'guardrail_intervened')).toEqual({
      action: 'masked',
      message: 'Some personal information was hidden (email addresses, phone numbers and employee IDs).',
    });
    const question = asked({ sensitiveInformationPolicy: { piiEntities: [{ match: 'ada@example.com', type: 'EMAIL', action: 'ANONYMIZED' }], regexes: [] } });
    expect(describeIntervention(question)?.message).toBe('Some personal information in your question was hidden from the model (email addresses).');
  });

  it('an answer not grounded in its sources, or off the question', () => {
    const trace = answered({
      contextualGroundingPolicy: {
        filters: [
          { type: 'GROUNDING', threshold: 0.75, score: 0.2, action: 'BLOCKED', detected: true },
          { type: 'RELEVANCE', threshold: 0.5, score: 0.1, action: 'BLOCKED', detected: true },
        ],
      },
    });
    expect(describeIntervention(trace)?.message).toBe(
      "Your organization's guardrail stopped this answer: it isn't supported by the sources it was given and doesn't answer the question asked.",
    );
  });

  it('nothing when the guardrail let everything through; a plain sentence when Bedrock says it stepped in without a trace', () => {
    const quiet = { ...asked({ invocationMetrics: { guardrailProcessingLatency: 12 } }), ...answered({ topicPolicy: { topics: [{ name: 'Investment advice', type: 'DENY', action: 'NONE', detected: false }] } }) };
    expect(describeIntervention(quiet, 'end_turn')).toBeUndefined();
    expect(describeIntervention(undefined, 'end_turn')).toBeUndefined();
    expect(describeIntervention(undefined, 'guardrail_intervened')).toEqual({ action: 'blocked', message: "Your organization's guardrail stepped in on this answer." });
  });

  it('is kept with the answer in an export', () => {
    const conversation: Conversation = {
      id: 'c1',
      title: 'Stocks',
      createdAt: 0,
      updatedAt: 0,
      settings: SETTINGS,
      messages: [
        ...HISTORY,
        {
          id: 'm2',
          role: 'assistant',
          text: 'Sorry, the model cannot answer this question.',
          createdAt: 2,
          status: 'complete',
          stopReason: 'guardrail_intervened',
          guardrail: { action: 'blocked', message: "Your organization's guardrail blocked your question: it touches a denied topic (Investment advice)." },
        },
      ],
    } as Conversation;
    expect(conversationToMarkdown(conversation, { exportedAt: 0 })).toContain(
      "Sorry, the model cannot answer this question.\n\n> **Guardrail:** Your organization's guardrail blocked your question: it touches a denied topic (Investment advice).",
    );
  });
});

describe('Bedrock refusing the required guardrail', () => {
  const context = { modelId: SETTINGS.modelId, modelName: 'Claude 3.5 Haiku', region: 'eu-west-1', guardrail: GUARDRAIL };
  const aws = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, requestId: 'r-1' } });

  it('an id or version not in the Region: what to tell IT', () => {
    for (const err of [
      aws('ValidationException', 'The guardrail identifier or version provided in the request does not exist.'),
      aws('ResourceNotFoundException', 'Guardrail abc123def456 was not found.'),
    ]) {
      const error = bedrockError(err, context);
      expect(error.code).toBe('guardrail-unavailable');
      expect(error.message).toBe("Strata can't answer: the guardrail your organization requires isn't available in eu-west-1.");
      expect(error.action).toBe("Tell IT: the guardrail abc123def456 version 3 required by your organization's policy isn't in eu-west-1.");
    }
  });

  it('bedrock:ApplyGuardrail denied: names the permission, and is not taken for the model being refused', () => {
    const error = bedrockError(
      aws(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/Strata/ada is not authorized to perform: bedrock:ApplyGuardrail on resource: arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123def456 because no identity-based policy allows the bedrock:ApplyGuardrail action',
      ),
      context,
    );
    expect(error.code).toBe('guardrail-unavailable');
    expect(error.action).toBe('Tell IT: your role needs bedrock:ApplyGuardrail on the guardrail abc123def456 version 3.');
  });

  it('leaves other errors, and requests without a guardrail, to the model words', () => {
    expect(guardrailError(aws('ValidationException', 'Malformed input request'), GUARDRAIL, 'eu-west-1')).toBeUndefined();
    expect(guardrailError(aws('ValidationException', GUARDRAIL_WORDS), undefined, 'eu-west-1')).toBeUndefined();
    expect(bedrockError(aws('AccessDeniedException', "You don't have access to the model with the specified model ID."), context).code).toBe('model-access-denied');
  });
});

const GUARDRAIL_WORDS = 'The guardrail identifier or version provided in the request does not exist.';
