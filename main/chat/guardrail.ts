/**
 * The guardrail IT policy requires on every model request: how it goes into
 * Bedrock's requests, what Bedrock's trace says it did (in words the person
 * reads under the answer), and what to do when Bedrock can't apply it.
 */
import type { GuardrailAssessment, GuardrailConfiguration, GuardrailStreamConfiguration, GuardrailTraceAssessment } from '@aws-sdk/client-bedrock-runtime';
import type { GuardrailConfiguration as KnowledgeBaseGuardrailConfiguration } from '@aws-sdk/client-bedrock-agent-runtime';
import type { AppError, GuardrailNotice } from '../../preload/contract';
import { awsDetails } from '../errors';
import type { RequiredGuardrail } from '../settings/policy-rules';

/** Converse's guardrailConfig: the trace is on, so Strata can say what the guardrail did. */
export function converseGuardrail(guardrail: RequiredGuardrail): GuardrailConfiguration {
  return { guardrailIdentifier: guardrail.id, guardrailVersion: guardrail.version, trace: 'enabled' };
}

/**
 * ConverseStream's guardrailConfig. Synchronous: Bedrock checks each piece of the answer before
 * sending it, so nothing the guardrail would hide or block reaches the window first.
 */
export function converseStreamGuardrail(guardrail: RequiredGuardrail): GuardrailStreamConfiguration {
  return { ...converseGuardrail(guardrail), streamProcessingMode: 'sync' };
}

/** RetrieveAndGenerate's generationConfiguration.guardrailConfiguration. */
export function knowledgeBaseGuardrail(guardrail: RequiredGuardrail): KnowledgeBaseGuardrailConfiguration {
  return { guardrailId: guardrail.id, guardrailVersion: guardrail.version };
}

/** What a person calls each kind of personal information, in the plural. */
const PII_WORDS: Record<string, string> = {
  ADDRESS: 'postal addresses',
  AGE: 'ages',
  AWS_ACCESS_KEY: 'AWS access keys',
  AWS_SECRET_KEY: 'AWS secret keys',
  CREDIT_DEBIT_CARD_CVV: 'card security codes',
  CREDIT_DEBIT_CARD_EXPIRY: 'card expiry dates',
  CREDIT_DEBIT_CARD_NUMBER: 'card numbers',
  DRIVER_ID: "driver's licence numbers",
  EMAIL: 'email addresses',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: 'bank account numbers (IBAN)',
  IP_ADDRESS: 'IP addresses',
  LICENSE_PLATE: 'licence plates',
  MAC_ADDRESS: 'MAC addresses',
  NAME: 'names',
  PASSWORD: 'passwords',
  PHONE: 'phone numbers',
  PIN: 'PINs',
  SWIFT_CODE: 'SWIFT codes',
  URL: 'web addresses',
  USERNAME: 'user names',
  US_BANK_ACCOUNT_NUMBER: 'bank account numbers',
  US_BANK_ROUTING_NUMBER: 'bank routing numbers',
  US_PASSPORT_NUMBER: 'passport numbers',
  US_SOCIAL_SECURITY_NUMBER: 'social security numbers',
};

/** What each content filter catches. */
const CONTENT_WORDS: Record<string, string> = {
  HATE: 'hate',
  INSULTS: 'insults',
  SEXUAL: 'sexual content',
  VIOLENCE: 'violence',
  MISCONDUCT: 'misconduct',
};

const piiWords = (type: string | undefined) => (type && PII_WORDS[type]) ?? (type ?? 'personal information').toLowerCase().replace(/_/g, ' ');

/** "a, b and c" */
function joined(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const unique = (items: Array<string | undefined>) => [...new Set(items.filter((item): item is string => Boolean(item)))];

/** What one side of the exchange (the question or the answer) tripped: why it was blocked, and what was hidden. */
interface Findings {
  blocked: string[];
  hidden: string[];
}

/** The reasons, as clauses after "it", from what each policy of the assessments did. */
function findingsOf(assessments: readonly GuardrailAssessment[]): Findings {
  const topics: string[] = [];
  const filters: string[] = [];
  let promptAttack = false;
  const words: string[] = [];
  let profanity = false;
  const blockedPii: string[] = [];
  const hiddenPii: string[] = [];
  let grounding = false;
  let relevance = false;
  for (const assessment of assessments) {
    for (const topic of assessment.topicPolicy?.topics ?? []) if (topic.action === 'BLOCKED') topics.push(topic.name ?? 'unnamed');
    for (const filter of assessment.contentPolicy?.filters ?? []) {
      if (filter.action !== 'BLOCKED') continue;
      if (filter.type === 'PROMPT_ATTACK') promptAttack = true;
      else filters.push(CONTENT_WORDS[filter.type ?? ''] ?? String(filter.type ?? 'harmful content').toLowerCase());
    }
    for (const word of assessment.wordPolicy?.customWords ?? []) if (word.action === 'BLOCKED') words.push(`“${word.match ?? ''}”`);
    for (const word of assessment.wordPolicy?.managedWordLists ?? []) if (word.action === 'BLOCKED') profanity = true;
    const sensitive = assessment.sensitiveInformationPolicy;
    const entities = [
      ...(sensitive?.piiEntities ?? []).map((entity) => ({ action: entity.action, what: piiWords(entity.type) })),
      // A pattern IT added is named as IT named it.
      ...(sensitive?.regexes ?? []).map((regex) => ({ action: regex.action, what: regex.name ?? 'information your organization protects' })),
    ];
    for (const { action, what } of entities) {
      if (action === 'BLOCKED') blockedPii.push(what);
      else if (action === 'ANONYMIZED') hiddenPii.push(what);
    }
    for (const filter of assessment.contextualGroundingPolicy?.filters ?? []) {
      if (filter.action !== 'BLOCKED') continue;
      if (filter.type === 'GROUNDING') grounding = true;
      else relevance = true;
    }
  }
  const blocked: string[] = [];
  const topicNames = unique(topics);
  if (topicNames.length) blocked.push(`touches ${topicNames.length === 1 ? 'a denied topic' : 'denied topics'} (${topicNames.join(', ')})`);
  const filterNames = unique(filters);
  if (filterNames.length) blocked.push(`contains content your organization filters (${joined(filterNames)})`);
  if (promptAttack) blocked.push("looks like an attempt to get round the model's instructions");
  const wordNames = unique(words);
  if (wordNames.length) blocked.push(`uses ${wordNames.length === 1 ? 'a word' : 'words'} your organization blocks (${wordNames.join(', ')})`);
  if (profanity) blocked.push('uses profanity');
  const piiNames = unique(blockedPii);
  if (piiNames.length) blocked.push(`contains personal information (${joined(piiNames)})`);
  if (grounding) blocked.push("isn't supported by the sources it was given");
  if (relevance) blocked.push("doesn't answer the question asked");
  return { blocked, hidden: unique(hiddenPii) };
}

/** Every assessment of one side, whichever guardrail (the policy's, or one the account enforces) made it. */
const inputAssessments = (trace: GuardrailTraceAssessment | undefined) => Object.values(trace?.inputAssessment ?? {});
const outputAssessments = (trace: GuardrailTraceAssessment | undefined) => Object.values(trace?.outputAssessments ?? {}).flat();

/**
 * What the guardrail did to an answer, in words, from Bedrock's guardrail trace and the answer's stop
 * reason; undefined when it let the question and the answer through untouched.
 */
export function describeIntervention(trace: GuardrailTraceAssessment | undefined, stopReason?: string): GuardrailNotice | undefined {
  const input = findingsOf(inputAssessments(trace));
  const output = findingsOf(outputAssessments(trace));
  const sentences: string[] = [];
  if (input.blocked.length) sentences.push(`Your organization's guardrail blocked your question: it ${joined(input.blocked)}.`);
  else if (output.blocked.length) sentences.push(`Your organization's guardrail stopped this answer: it ${joined(output.blocked)}.`);
  if (input.hidden.length) sentences.push(`Some personal information in your question was hidden from the model (${joined(input.hidden)}).`);
  if (output.hidden.length && !input.blocked.length && !output.blocked.length) sentences.push(`Some personal information was hidden (${joined(output.hidden)}).`);
  const blocked = input.blocked.length > 0 || output.blocked.length > 0;
  if (!sentences.length) {
    // Bedrock says it stepped in but not how (no trace): say that much.
    if (stopReason !== 'guardrail_intervened') return undefined;
    return { action: 'blocked', message: "Your organization's guardrail stepped in on this answer." };
  }
  return { action: blocked ? 'blocked' : 'masked', message: sentences.join(' ') };
}

/** A knowledge base's answer says only that the guardrail stepped in, not why. */
export const KNOWLEDGE_BASE_INTERVENTION: GuardrailNotice = {
  action: 'blocked',
  message: "Your organization's guardrail stepped in on this answer.",
};

const errorName = (err: unknown): string => String((err as { name?: unknown } | null)?.name ?? '');
const errorMessage = (err: unknown): string => String((err as { message?: unknown } | null)?.message ?? '');

/**
 * Bedrock refusing the required guardrail itself, in words with the fix: it isn't in the Region (no
 * such id or version there), or the person's AWS identity may not apply it. Undefined for any other error.
 */
export function guardrailError(err: unknown, guardrail: RequiredGuardrail | undefined, region: string): AppError | undefined {
  if (!guardrail) return undefined;
  const name = errorName(err);
  const message = errorMessage(err);
  if (!/guardrail/i.test(message)) return undefined;
  const which = `the guardrail ${guardrail.id} version ${guardrail.version}`;
  if (name === 'ValidationException' || name === 'ResourceNotFoundException') {
    return {
      code: 'guardrail-unavailable',
      message: `Strata can't answer: the guardrail your organization requires isn't available in ${region}.`,
      action: `Tell IT: ${which} required by your organization's policy isn't in ${region}.`,
      details: awsDetails(err),
    };
  }
  if (name === 'AccessDeniedException') {
    return {
      code: 'guardrail-unavailable',
      message: "Strata can't answer: the AWS identity you're signed in as isn't allowed to use the guardrail your organization requires.",
      action: `Tell IT: your role needs bedrock:ApplyGuardrail on ${which}.`,
      details: awsDetails(err),
    };
  }
  return undefined;
}
