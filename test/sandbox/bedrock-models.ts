/**
 * The sandbox's Bedrock catalog and its scripted, deterministic models.
 */
import { ACCOUNT_ID, REGION } from './constants.js';

const WRITER = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const THINKER = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const APP_PROFILE_ARN = `arn:aws:bedrock:${REGION}:${ACCOUNT_ID}:application-inference-profile/t3amsonn3t01`;

/** Model ids tests refer to, by what they do. */
export const SANDBOX_MODELS = {
  /** Answers in rich Markdown; on demand; streams. */
  writer: WRITER,
  /** Thinks (reasoning deltas) before answering; only through an inference profile. */
  thinker: THINKER,
  /** The US system profile in front of the thinker. */
  thinkerProfile: `us.${THINKER}`,
  /** The company's application profile in front of the thinker. */
  thinkerApplicationProfile: APP_PROFILE_ARN,
  /** The identity may not use it: AccessDeniedException. */
  denied: 'meta.llama3-70b-instruct-v1:0',
  /** A text model that does not stream: Converse only. */
  nonStreaming: 'cohere.command-r-v1:0',
  /** Not for chat: filtered out of a chat catalog. */
  embedding: 'amazon.titan-embed-text-v2:0',
  image: 'stability.sd3-large-v1:0',
  legacy: 'amazon.titan-text-express-v1',
} as const;

export type ScriptedBehaviour = 'writer' | 'thinker' | 'denied' | 'plain';

interface ModelEntry {
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: string[];
  responseStreamingSupported: boolean;
  inferenceTypesSupported: string[];
  lifecycle: 'ACTIVE' | 'LEGACY';
  behaviour: ScriptedBehaviour;
}

const text = { inputModalities: ['TEXT'], outputModalities: ['TEXT'] };

export const FOUNDATION_MODELS: ModelEntry[] = [
  { modelId: WRITER, modelName: 'Claude 3.5 Haiku', providerName: 'Anthropic', ...text, responseStreamingSupported: true, inferenceTypesSupported: ['ON_DEMAND', 'INFERENCE_PROFILE'], lifecycle: 'ACTIVE', behaviour: 'writer' },
  { modelId: THINKER, modelName: 'Claude 3.7 Sonnet', providerName: 'Anthropic', inputModalities: ['TEXT', 'IMAGE'], outputModalities: ['TEXT'], responseStreamingSupported: true, inferenceTypesSupported: ['INFERENCE_PROFILE'], lifecycle: 'ACTIVE', behaviour: 'thinker' },
  { modelId: SANDBOX_MODELS.denied, modelName: 'Llama 3 70B Instruct', providerName: 'Meta', ...text, responseStreamingSupported: true, inferenceTypesSupported: ['ON_DEMAND'], lifecycle: 'ACTIVE', behaviour: 'denied' },
  { modelId: SANDBOX_MODELS.nonStreaming, modelName: 'Command R', providerName: 'Cohere', ...text, responseStreamingSupported: false, inferenceTypesSupported: ['ON_DEMAND'], lifecycle: 'ACTIVE', behaviour: 'plain' },
  { modelId: SANDBOX_MODELS.embedding, modelName: 'Titan Text Embeddings V2', providerName: 'Amazon', inputModalities: ['TEXT'], outputModalities: ['EMBEDDING'], responseStreamingSupported: false, inferenceTypesSupported: ['ON_DEMAND'], lifecycle: 'ACTIVE', behaviour: 'plain' },
  { modelId: SANDBOX_MODELS.image, modelName: 'Stable Diffusion 3 Large', providerName: 'Stability AI', inputModalities: ['TEXT'], outputModalities: ['IMAGE'], responseStreamingSupported: false, inferenceTypesSupported: ['ON_DEMAND'], lifecycle: 'ACTIVE', behaviour: 'plain' },
  { modelId: SANDBOX_MODELS.legacy, modelName: 'Titan Text G1 - Express', providerName: 'Amazon', ...text, responseStreamingSupported: true, inferenceTypesSupported: ['ON_DEMAND'], lifecycle: 'LEGACY', behaviour: 'plain' },
];

const modelArn = (modelId: string, region = REGION) => `arn:aws:bedrock:${region}::foundation-model/${modelId}`;

export function foundationModelSummary(model: ModelEntry) {
  return {
    modelArn: modelArn(model.modelId),
    modelId: model.modelId,
    modelName: model.modelName,
    providerName: model.providerName,
    inputModalities: model.inputModalities,
    outputModalities: model.outputModalities,
    responseStreamingSupported: model.responseStreamingSupported,
    customizationsSupported: [],
    inferenceTypesSupported: model.inferenceTypesSupported,
    modelLifecycle: { status: model.lifecycle },
  };
}

interface ProfileEntry {
  id: string;
  arn: string;
  name: string;
  type: 'SYSTEM_DEFINED' | 'APPLICATION';
  base: string;
  regions: string[];
}

const systemProfile = (prefix: string, base: string, name: string, regions: string[]): ProfileEntry => ({
  id: `${prefix}.${base}`,
  arn: `arn:aws:bedrock:${REGION}:${ACCOUNT_ID}:inference-profile/${prefix}.${base}`,
  name,
  type: 'SYSTEM_DEFINED',
  base,
  regions,
});

export const INFERENCE_PROFILES: ProfileEntry[] = [
  systemProfile('us', THINKER, 'US Anthropic Claude 3.7 Sonnet', ['us-east-1', 'us-east-2', 'us-west-2']),
  systemProfile('eu', THINKER, 'EU Anthropic Claude 3.7 Sonnet', ['eu-central-1', 'eu-west-1', 'eu-west-3']),
  systemProfile('global', THINKER, 'Global Anthropic Claude 3.7 Sonnet', ['us-east-1', 'eu-west-1', 'ap-northeast-1']),
  systemProfile('us', WRITER, 'US Anthropic Claude 3.5 Haiku', ['us-east-1', 'us-east-2', 'us-west-2']),
  {
    id: 't3amsonn3t01',
    arn: APP_PROFILE_ARN,
    name: 'Team Sonnet',
    type: 'APPLICATION',
    base: THINKER,
    regions: ['us-east-1', 'us-east-2', 'us-west-2'],
  },
];

export function inferenceProfileSummary(profile: ProfileEntry) {
  const created = new Date(Date.UTC(2025, 1, 24));
  return {
    inferenceProfileName: profile.name,
    description: profile.type === 'APPLICATION' ? 'Shared by the data team' : `Routes requests to ${profile.name} across Regions.`,
    createdAt: created.toISOString(),
    updatedAt: created.toISOString(),
    inferenceProfileArn: profile.arn,
    models: profile.regions.map((region) => ({ modelArn: modelArn(profile.base, region) })),
    inferenceProfileId: profile.id,
    status: 'ACTIVE',
    type: profile.type,
  };
}

/** What a runtime request's model id resolves to. */
export type Resolved =
  | { kind: 'model'; model: ModelEntry; viaProfile: boolean }
  | { kind: 'needs-profile'; model: ModelEntry }
  | { kind: 'unknown' };

export function resolveModel(requested: string): Resolved {
  const profile = INFERENCE_PROFILES.find((p) => p.id === requested || p.arn === requested);
  const model = FOUNDATION_MODELS.find((m) => m.modelId === (profile?.base ?? requested) || modelArn(m.modelId) === requested);
  if (!model) return { kind: 'unknown' };
  if (!profile && !model.inferenceTypesSupported.includes('ON_DEMAND')) return { kind: 'needs-profile', model };
  return { kind: 'model', model, viaProfile: Boolean(profile) };
}

/** Bedrock's ValidationException message for a model it cannot invoke as asked: unknown, or on demand without a profile. */
export function unusableModelMessage(resolved: Exclude<Resolved, { kind: 'model' }>): string {
  return resolved.kind === 'unknown'
    ? 'The provided model identifier is invalid.'
    : `Invocation of model ID ${resolved.model.modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`;
}

const LOREM = [
  'Amazon Bedrock keeps every request inside your AWS account.',
  'Each model answers in its own style, and the Converse API hides the differences.',
  'Tokens stream back as soon as the model produces them, so the first words arrive quickly.',
  'Inference profiles spread requests across Regions when one Region is busy.',
  'Quotas are per model and per Region, and can be raised through Service Quotas.',
];

/** The writer's answer: a Markdown document that starts by quoting the question. */
export function writerAnswer(question: string, words: number): string {
  const quote = question.replace(/\s+/g, ' ').trim().slice(0, 60);
  const parts = [
    `## About "${quote}"`,
    '',
    'Here is a short overview, with the **key points** first and `code` where it helps.',
    '',
    '### Key points',
    '',
    '- Storage is *durable* and priced per GB-month',
    '- Requests are billed separately',
    '  - reads cost less than writes',
    '- See the [Bedrock documentation](https://docs.aws.amazon.com/bedrock/) for details',
    '',
    '1. Pick a model',
    '2. Send a message',
    '3. Read the streamed answer',
    '',
    '| Option | Latency | Cost |',
    '| --- | --- | --- |',
    '| Standard | Low | $$ |',
    '| Infrequent Access | Low | $ |',
    '| Glacier | Hours | ¢ |',
    '',
    '```typescript',
    "import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';",
    "const client = new BedrockRuntimeClient({ region: 'us-east-1' });",
    '```',
    '',
    '```python',
    'import boto3',
    "client = boto3.client('bedrock-runtime')",
    '```',
    '',
    '```bash',
    'aws bedrock list-foundation-models --region us-east-1',
    '```',
    '',
    '> Tip: keep prompts short and specific.',
  ];
  let answer = parts.join('\n');
  let count = answer.split(/\s+/).length;
  for (let i = 0; count < words; i++) {
    const sentence = LOREM[i % LOREM.length]!;
    answer += `${i % 3 === 0 ? '\n\n' : ' '}${sentence}`;
    count += sentence.split(/\s+/).length;
  }
  return answer;
}

export function thinkerReasoning(question: string): string {
  return `The person asks about "${question.slice(0, 40)}". I should list the steps, check the trade-offs, then answer briefly.`;
}

export function thinkerAnswer(question: string): string {
  return `**Plan for ${question.slice(0, 40)}**\n\n1. Assess what you have\n2. Move it in small steps\n3. Check each step\n\nThat keeps the risk low.`;
}

export function plainAnswer(question: string): string {
  return `You asked: ${question.slice(0, 80)}. Here is a plain answer without streaming.`;
}
