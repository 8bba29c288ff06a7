/**
 * The rules only IT policy sets, beyond the settings: which sign-in sources,
 * models, agents and knowledge bases Strata may use, whether conversations may
 * be exported, the guardrail every request needs, and how updates arrive.
 * Main checks them itself, so a window can't get round them by sending an id.
 */
import { z } from 'zod';
import type { AgentDirectory, CredentialSource, PolicyCredentialSource } from '../../preload/contract';
import { POLICY_CREDENTIAL_SOURCES } from '../../preload/contract';
import { AGENT_ID_PATTERN, ALIAS_ID_PATTERN, KNOWLEDGE_BASE_ID_PATTERN } from '../../preload/limits';
import { StrataError } from '../errors';

/** Up to this many entries in one list: far more than any company needs, few enough to check quickly. */
const MAX_ENTRIES = 500;

const list = <T extends z.ZodType>(entry: T, what: string) =>
  z
    .array(entry, { error: `List ${what}.` })
    .max(MAX_ENTRIES, `List no more than ${MAX_ENTRIES} ${what}.`);

const SOURCES = `the sign-in sources allowed, each one of ${POLICY_CREDENTIAL_SOURCES.join(', ')}`;
const MODEL = 'a model id, an inference profile id or ARN, or an id ending in * (such as anthropic.claude-*)';
const AGENT = "an agent's ten-letter id, or the agent id and an alias id (such as LIBRARIAN1/LIBLIVE001)";
const KNOWLEDGE_BASE = "a knowledge base's ten-letter id (such as KBHANDBOOK)";
const GUARDRAIL_ID = "a guardrail's id (such as abc123def456) or its ARN";
const GUARDRAIL_VERSION = 'a version number (such as 1) or DRAFT';
const FEED = 'the update feed as a web address starting with https://';

const unanchored = (pattern: RegExp) => pattern.source.replace(/^\^|\$$/g, '');
/** An agent's id, or its id and an alias id: `LIBRARIAN1` or `LIBRARIAN1/LIBLIVE001`. */
const AGENT_ENTRY = new RegExp(`^${unanchored(AGENT_ID_PATTERN)}(/${unanchored(ALIAS_ID_PATTERN)})?$`);

/** Bedrock's own patterns for a guardrail's identifier and version. */
const GUARDRAIL_ID_PATTERN = /^([a-z0-9]+|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+)$/;
const GUARDRAIL_VERSION_PATTERN = /^([1-9][0-9]{0,7}|DRAFT)$/;

const isHttps = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password;
  } catch {
    return false;
  }
};

/** Each rule's schema; the messages say what IT should put there. */
export const policyRuleSchemas = {
  allowedCredentialSources: list(z.enum(POLICY_CREDENTIAL_SOURCES, { error: `List ${SOURCES}.` }), SOURCES).min(
    1,
    `List at least one sign-in source: ${POLICY_CREDENTIAL_SOURCES.join(', ')}.`,
  ),
  allowedModels: list(
    z.string({ error: `List ${MODEL}.` }).trim().max(2048).regex(/^[\w.:/-]+\*?$/, `Each entry must be ${MODEL}.`),
    'the models allowed',
  ),
  allowedAgents: list(
    z.string({ error: `List ${AGENT}.` }).trim().regex(AGENT_ENTRY, `Each entry must be ${AGENT}.`),
    'the agents allowed',
  ),
  allowedKnowledgeBases: list(
    z.string({ error: `List ${KNOWLEDGE_BASE}.` }).trim().regex(KNOWLEDGE_BASE_ID_PATTERN, `Each entry must be ${KNOWLEDGE_BASE}.`),
    'the knowledge bases allowed',
  ),
  requiredGuardrail: z
    .strictObject(
      {
        id: z.string({ error: `Give id: ${GUARDRAIL_ID}.` }).trim().max(2048).regex(GUARDRAIL_ID_PATTERN, `Give id: ${GUARDRAIL_ID}.`),
        version: z.string({ error: `Give version: ${GUARDRAIL_VERSION}.` }).trim().regex(GUARDRAIL_VERSION_PATTERN, `Give version: ${GUARDRAIL_VERSION}.`),
      },
      { error: 'Give the guardrail as id and version, and nothing else.' },
    ),
  updates: z.strictObject(
    {
      enabled: z.boolean({ error: 'Give enabled as true or false.' }),
      feedUrl: z.string({ error: `Give ${FEED}.` }).trim().max(2048).refine(isHttps, `Give ${FEED}.`).optional(),
      channel: z.enum(['latest', 'beta', 'alpha'], { error: 'Give channel as latest, beta or alpha.' }).optional(),
    },
    { error: 'Give updates as enabled, and optionally feedUrl and channel, and nothing else.' },
  ),
  allowExport: z.boolean({ error: 'Give true or false.' }),
} as const;

export type PolicyRuleKey = keyof typeof policyRuleSchemas;
export const POLICY_RULE_KEYS = Object.keys(policyRuleSchemas) as PolicyRuleKey[];

/** The rules as the policy set them; absent: no restriction (and export allowed). */
export type PolicyRulesDocument = { [K in PolicyRuleKey]?: z.infer<(typeof policyRuleSchemas)[K]> };
export type RequiredGuardrail = z.infer<typeof policyRuleSchemas.requiredGuardrail>;
export type UpdatePolicy = z.infer<typeof policyRuleSchemas.updates>;

/** A system inference profile's id is a geography and the model's id: `us.anthropic.claude…`. */
const SYSTEM_PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\./;

/** Whether `id` is listed: exactly, or by an entry ending in `*` that it starts with. */
function listed(entries: readonly string[], id: string): boolean {
  return entries.some((entry) => (entry.endsWith('*') ? id.startsWith(entry.slice(0, -1)) : entry === id));
}

const notAllowed = (message: string) =>
  new StrataError('not-allowed', message, { action: 'Ask IT if you need it.' });

/** The organization's rules, checked wherever Strata lists or uses what they govern. */
export class PolicyRules {
  constructor(private readonly document: PolicyRulesDocument = {}) {}

  /** The guardrail IT requires on every model request, if any. */
  get requiredGuardrail(): RequiredGuardrail | undefined {
    return this.document.requiredGuardrail;
  }

  /** How IT wants Strata to update, if it said. */
  get updates(): UpdatePolicy | undefined {
    return this.document.updates;
  }

  /** Whether conversations may be saved as files. */
  get allowExport(): boolean {
    return this.document.allowExport ?? true;
  }

  /** The sign-in sources Strata may offer. */
  get allowedSources(): PolicyCredentialSource[] {
    return [...(this.document.allowedCredentialSources ?? POLICY_CREDENTIAL_SOURCES)];
  }

  allowsSource(kind: PolicyCredentialSource): boolean {
    return this.allowedSources.includes(kind);
  }

  /**
   * Whether a model may be used: its id, or the foundation model behind it (an inference profile
   * of an allowed model is allowed), matches an entry.
   */
  allowsModel(modelId: string, baseModelId?: string): boolean {
    const entries = this.document.allowedModels;
    if (!entries) return true;
    const candidates = [modelId, modelId.replace(SYSTEM_PROFILE_PREFIX, ''), baseModelId].filter((id) => id !== undefined);
    return candidates.some((id) => listed(entries, id));
  }

  /** Whether an agent may be used: listed by its id (any alias), or by its id and this alias. */
  allowsAgent(agentId: string, aliasId?: string): boolean {
    const entries = this.document.allowedAgents;
    if (!entries) return true;
    return entries.some((entry) => {
      const [agent, alias] = entry.split('/');
      return agent === agentId && (alias === undefined || aliasId === undefined || alias === aliasId);
    });
  }

  allowsKnowledgeBase(knowledgeBaseId: string): boolean {
    const entries = this.document.allowedKnowledgeBases;
    return !entries || entries.includes(knowledgeBaseId);
  }

  /** The agents (and their aliases) and knowledge bases the organization allows. */
  filterDirectory(directory: AgentDirectory): AgentDirectory {
    return {
      ...directory,
      agents: directory.agents
        .filter((agent) => this.allowsAgent(agent.agentId))
        .map((agent) => ({ ...agent, aliases: agent.aliases.filter((alias) => this.allowsAgent(agent.agentId, alias.aliasId)) }))
        .filter((agent) => agent.aliases.length > 0),
      knowledgeBases: directory.knowledgeBases.filter((base) => this.allowsKnowledgeBase(base.knowledgeBaseId)),
    };
  }

  /** Refuses a model the organization doesn't allow, naming it as the person knows it. */
  ensureModel(modelId: string, baseModelId?: string, name = modelId): void {
    if (!this.allowsModel(modelId, baseModelId)) throw notAllowed(`Your organization doesn't allow the model ${name} in Strata.`);
  }

  /**
   * Refuses a conversation target the organization doesn't allow: its agent, or its knowledge base
   * and the model that writes the knowledge base's answers, or its model.
   */
  ensureTarget(
    target: { modelId?: string; agent?: { agentId: string; aliasId: string; name: string } | null; knowledgeBase?: { knowledgeBaseId: string; name: string } | null },
    describeModel: (modelId: string) => { baseModelId?: string; name?: string } = () => ({}),
  ): void {
    if (target.agent) {
      if (!this.allowsAgent(target.agent.agentId, target.agent.aliasId)) {
        throw notAllowed(`Your organization doesn't allow the agent ${target.agent.name} in Strata.`);
      }
      return;
    }
    if (target.knowledgeBase && !this.allowsKnowledgeBase(target.knowledgeBase.knowledgeBaseId)) {
      throw notAllowed(`Your organization doesn't allow the knowledge base ${target.knowledgeBase.name} in Strata.`);
    }
    if (target.modelId) {
      const model = describeModel(target.modelId);
      this.ensureModel(target.modelId, model.baseModelId, model.name);
    }
  }

  /** Refuses a sign-in source the organization doesn't allow. */
  ensureSource(kind: PolicyCredentialSource): void {
    if (!this.allowsSource(kind)) {
      throw new StrataError('not-allowed', `Your organization doesn't allow signing in with ${SOURCE_WORDS[kind]} in Strata.`, {
        action: `Use ${this.allowedSources.map((source) => SOURCE_WORDS[source]).join(' or ')} instead.`,
      });
    }
  }

  /** Refuses exporting when the organization turned it off. */
  ensureExport(): void {
    if (!this.allowExport) {
      throw new StrataError('not-allowed', 'Your organization has turned off exporting conversations.', {
        action: 'The conversation stays in Strata.',
      });
    }
  }
}

/** How each source is named to the person. */
const SOURCE_WORDS: Record<PolicyCredentialSource, string> = {
  company: 'your company account',
  profile: 'an AWS profile',
  'identity-center': 'IAM Identity Center',
  environment: "this computer's own AWS credentials",
  'api-key': 'a Bedrock API key',
};

/** Which policy source a credential source is: an AWS profile counts as IAM Identity Center when it signs in there. */
export function policySourceOf(source: CredentialSource, usesIdentityCenter: boolean): PolicyCredentialSource {
  if (source.kind !== 'profile') return source.kind;
  return usesIdentityCenter ? 'identity-center' : 'profile';
}
