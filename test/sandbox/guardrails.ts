/**
 * The sandbox's Bedrock guardrails, applied as Bedrock applies a request's
 * guardrailConfig: an unknown id or version is refused with Bedrock's own
 * ValidationException, a question on a denied topic is answered with the
 * guardrail's blocked message and never reaches the model, and email
 * addresses in an answer are masked as {EMAIL}. With the trace on, what the
 * guardrail assessed goes into the trace as Bedrock's GuardrailAssessment.
 */
import { ACCOUNT_ID, REGION } from './constants.js';

export interface SandboxGuardrail {
  id: string;
  name: string;
  /** The versions that exist: published numbers and DRAFT. */
  versions: readonly string[];
  /** Every caller is refused bedrock:ApplyGuardrail on it (an IAM policy that leaves it out). */
  forbidden?: boolean;
  deniedTopics: ReadonlyArray<{ name: string; pattern: RegExp }>;
  /** Personal information masked in answers (the question is left alone). */
  maskedInAnswers: ReadonlyArray<{ type: 'EMAIL'; pattern: RegExp }>;
  blockedInputMessaging: string;
  blockedOutputsMessaging: string;
}

const GUARDRAILS: readonly SandboxGuardrail[] = [
  {
    id: 'sbx0guardrail',
    name: 'Strata sandbox guardrail',
    versions: ['1', 'DRAFT'],
    deniedTopics: [{ name: 'Investment advice', pattern: /\b(invest\w*|stocks?|crypto\w*)\b/i }],
    maskedInAnswers: [{ type: 'EMAIL', pattern: /[\w.+-]+@[\w-]+(\.[\w-]+)+/g }],
    blockedInputMessaging: 'Sorry, the model cannot answer this question.',
    blockedOutputsMessaging: 'Sorry, the model cannot answer this question.',
  },
  {
    id: 'sbx0forbidden',
    name: 'Guardrail nobody may apply',
    versions: ['1'],
    forbidden: true,
    deniedTopics: [],
    maskedInAnswers: [],
    blockedInputMessaging: 'Blocked.',
    blockedOutputsMessaging: 'Blocked.',
  },
];

/** The sandbox's guardrails by role, for tests and the policy they write. */
export const SANDBOX_GUARDRAILS = {
  /** Denies investment advice, masks email addresses in answers; versions 1 and DRAFT. */
  guarded: { id: 'sbx0guardrail', version: '1' },
  /** Exists, but no caller may apply it: AccessDeniedException for bedrock:ApplyGuardrail. */
  forbidden: { id: 'sbx0forbidden', version: '1' },
} as const;

const ID_PATTERN = /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/;
const VERSION_PATTERN = /^(([1-9][0-9]{0,7})|(DRAFT))$/;

export const guardrailArn = (id: string) => `arn:aws:bedrock:${REGION}:${ACCOUNT_ID}:guardrail/${id}`;

const constraint = (value: unknown, at: string, rule: string) =>
  `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${at}' failed to satisfy constraint: ${rule}`;

/** Bedrock's words when the guardrail or its version isn't in the Region. */
export const GUARDRAIL_NOT_FOUND = 'The guardrail identifier or version provided in the request does not exist.';

export type GuardrailLookup =
  | { ok: true; guardrail: SandboxGuardrail; trace: boolean }
  | { ok: false; status: number; name: 'ValidationException' | 'AccessDeniedException'; message: string; forbidden?: string };

/**
 * The guardrail a request's guardrailConfig names (at `at`, as Bedrock names the field in its
 * errors), or Bedrock's refusal. `guardrailConfig` undefined: no guardrail asked, nothing to find.
 */
export function findGuardrail(guardrailConfig: unknown, at = 'guardrailConfig'): GuardrailLookup | undefined {
  if (guardrailConfig === undefined) return undefined;
  const config = (guardrailConfig ?? {}) as { guardrailIdentifier?: unknown; guardrailVersion?: unknown; trace?: unknown; streamProcessingMode?: unknown };
  const refuse = (message: string): GuardrailLookup => ({ ok: false, status: 400, name: 'ValidationException', message });
  const { guardrailIdentifier: identifier, guardrailVersion: version, trace } = config;
  if (typeof identifier !== 'string' || !ID_PATTERN.test(identifier)) {
    return refuse(constraint(identifier, `${at}.guardrailIdentifier`, `Member must satisfy regular expression pattern: ${ID_PATTERN.source}`));
  }
  if (typeof version !== 'string' || !VERSION_PATTERN.test(version)) {
    return refuse(constraint(version, `${at}.guardrailVersion`, `Member must satisfy regular expression pattern: ${VERSION_PATTERN.source}`));
  }
  if (trace !== undefined && !['enabled', 'disabled', 'enabled_full'].includes(String(trace))) {
    return refuse(constraint(trace, `${at}.trace`, 'Member must satisfy enum value set: [enabled, disabled, enabled_full]'));
  }
  if (config.streamProcessingMode !== undefined && !['sync', 'async'].includes(String(config.streamProcessingMode))) {
    return refuse(constraint(config.streamProcessingMode, `${at}.streamProcessingMode`, 'Member must satisfy enum value set: [sync, async]'));
  }
  const id = identifier.startsWith('arn:') ? (identifier.startsWith(guardrailArn('')) ? identifier.slice(guardrailArn('').length) : '') : identifier;
  const guardrail = GUARDRAILS.find((candidate) => candidate.id === id);
  if (!guardrail || !guardrail.versions.includes(version)) return refuse(GUARDRAIL_NOT_FOUND);
  if (guardrail.forbidden) return { ok: false, status: 403, name: 'AccessDeniedException', message: '', forbidden: guardrailArn(guardrail.id) };
  return { ok: true, guardrail, trace: trace === 'enabled' || trace === 'enabled_full' };
}

/** Bedrock's GuardrailAssessment: only the policies that found something, and what the check cost. */
function assessment(text: string, policies: Record<string, unknown>, started: number) {
  const units = Math.max(1, Math.ceil(text.length / 1000));
  return {
    ...policies,
    invocationMetrics: {
      guardrailProcessingLatency: Date.now() - started,
      usage: {
        topicPolicyUnits: units,
        contentPolicyUnits: 0,
        wordPolicyUnits: 0,
        sensitiveInformationPolicyUnits: units,
        sensitiveInformationPolicyFreeUnits: 0,
        contextualGroundingPolicyUnits: 0,
      },
      guardrailCoverage: { textCharacters: { guarded: text.length, total: text.length } },
    },
  };
}

const deniedTopics = (guardrail: SandboxGuardrail, text: string) =>
  guardrail.deniedTopics.filter((topic) => topic.pattern.test(text)).map((topic) => ({ name: topic.name, type: 'DENY', action: 'BLOCKED', detected: true }));

/** The question as the guardrail sees it: blocked when it touches a denied topic. */
export function assessQuestion(guardrail: SandboxGuardrail, text: string) {
  const started = Date.now();
  const topics = deniedTopics(guardrail, text);
  return { blocked: topics.length > 0, assessment: assessment(text, topics.length ? { topicPolicy: { topics } } : {}, started) };
}

/** The answer as the guardrail lets it out: blocked on a denied topic, else with personal information masked. */
export function assessAnswer(guardrail: SandboxGuardrail, text: string) {
  const started = Date.now();
  const topics = deniedTopics(guardrail, text);
  if (topics.length) return { blocked: true, text: guardrail.blockedOutputsMessaging, assessment: assessment(text, { topicPolicy: { topics } }, started) };
  const piiEntities: Array<{ match: string; type: string; action: string; detected: boolean }> = [];
  let masked = text;
  for (const filter of guardrail.maskedInAnswers) {
    masked = masked.replace(filter.pattern, (match) => {
      piiEntities.push({ match, type: filter.type, action: 'ANONYMIZED', detected: true });
      return `{${filter.type}}`;
    });
  }
  const policies = piiEntities.length ? { sensitiveInformationPolicy: { piiEntities, regexes: [] } } : {};
  return { blocked: false, masked: piiEntities.length > 0, text: masked, assessment: assessment(text, policies, started) };
}
