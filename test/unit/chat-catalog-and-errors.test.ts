import type { FoundationModelSummary, InferenceProfileSummary } from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import { bedrockError, isThrottling, streamCutError } from '../../main/chat/bedrock-errors';
import { toBedrockMessages } from '../../main/chat/bedrock-messages';
import { buildCatalog, catalogModels, profileFor, profileGeography } from '../../main/chat/model-catalog';
import type { ChatMessage } from '../../preload/contract';

const fm = (id: string, overrides: Partial<FoundationModelSummary> = {}): FoundationModelSummary => ({
  modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${id}`,
  modelId: id,
  modelName: id,
  providerName: 'Anthropic',
  inputModalities: ['TEXT'],
  outputModalities: ['TEXT'],
  responseStreamingSupported: true,
  inferenceTypesSupported: ['ON_DEMAND'],
  modelLifecycle: { status: 'ACTIVE' },
  ...overrides,
});

const profile = (id: string, base: string, overrides: Partial<InferenceProfileSummary> = {}): InferenceProfileSummary => ({
  inferenceProfileId: id,
  inferenceProfileName: `Profile ${id}`,
  inferenceProfileArn: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${id}`,
  status: 'ACTIVE',
  type: 'SYSTEM_DEFINED',
  models: [{ modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${base}` }],
  ...overrides,
});

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const SONNET = 'anthropic.claude-3-7-sonnet-20250219-v1:0';

const models = [
  fm(HAIKU, { modelName: 'Claude 3.5 Haiku' }),
  fm(SONNET, { modelName: 'Claude 3.7 Sonnet', inferenceTypesSupported: ['INFERENCE_PROFILE' as 'ON_DEMAND'] }),
  fm('amazon.titan-embed-text-v2:0', { providerName: 'Amazon', outputModalities: ['EMBEDDING'] }),
  fm('stability.sd3-large-v1:0', { providerName: 'Stability AI', outputModalities: ['IMAGE'] }),
  fm('amazon.titan-text-express-v1', { providerName: 'Amazon', modelLifecycle: { status: 'LEGACY' } }),
  fm('cohere.command-r-v1:0', { providerName: 'Cohere', modelName: 'Command R', responseStreamingSupported: false }),
];
const profiles = [
  profile(`us.${SONNET}`, SONNET, { inferenceProfileName: 'US Claude 3.7 Sonnet' }),
  profile(`eu.${SONNET}`, SONNET, { inferenceProfileName: 'EU Claude 3.7 Sonnet' }),
  profile(`global.${SONNET}`, SONNET, { inferenceProfileName: 'Global Claude 3.7 Sonnet' }),
  profile('abc123', SONNET, {
    type: 'APPLICATION',
    inferenceProfileName: 'Team Sonnet',
    inferenceProfileArn: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
  }),
  profile('us.amazon.titan-embed-text-v2:0', 'amazon.titan-embed-text-v2:0'),
  profile('us.retired', HAIKU, { status: 'INACTIVE' as InferenceProfileSummary['status'] }),
];

describe('model catalog', () => {
  const catalog = buildCatalog('us-east-1', models, profiles, 1);
  const ids = catalogModels(catalog).map((m) => m.id);

  it('keeps text-chat models only, grouped by provider', () => {
    expect(catalog.groups.map((g) => g.provider)).toEqual(['Anthropic', 'Cohere']);
    expect(ids).toContain(HAIKU);
    expect(ids).toContain('cohere.command-r-v1:0');
    for (const gone of ['amazon.titan-embed-text-v2:0', 'stability.sd3-large-v1:0', 'amazon.titan-text-express-v1']) {
      expect(ids).not.toContain(gone);
    }
    expect(ids).not.toContain('us.amazon.titan-embed-text-v2:0');
    expect(ids).not.toContain('us.retired');
  });

  it('shows a model that needs a profile as its profiles of this geography, global and the company', () => {
    expect(ids).not.toContain(SONNET);
    expect(ids).toContain(`us.${SONNET}`);
    expect(ids).toContain(`global.${SONNET}`);
    expect(ids).not.toContain(`eu.${SONNET}`);
    const app = catalogModels(catalog).find((m) => m.via === 'application-profile');
    expect(app).toMatchObject({ id: expect.stringContaining('application-inference-profile/abc123'), baseModelId: SONNET });
  });

  it('marks models that do not stream', () => {
    expect(catalogModels(catalog).find((m) => m.id === 'cohere.command-r-v1:0')?.streaming).toBe(false);
  });

  it("prefers the Region's own profile when a model needs one", () => {
    expect(profileFor(catalog, SONNET)?.id).toBe(`us.${SONNET}`);
    expect(profileFor(buildCatalog('eu-west-1', models, profiles), SONNET)?.id).toBe(`eu.${SONNET}`);
    expect(profileFor(buildCatalog('sa-east-1', models, profiles), SONNET)?.id).toBe(`global.${SONNET}`);
    expect(profileFor(catalog, HAIKU)).toBeUndefined();
  });

  it('knows the geography of a Region', () => {
    expect(['us-west-2', 'ca-central-1', 'eu-central-1', 'ap-northeast-1', 'us-gov-west-1'].map(profileGeography)).toEqual([
      'us',
      'us',
      'eu',
      'apac',
      'us-gov',
    ]);
  });
});

const awsError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'req-123' } });

describe('Bedrock errors', () => {
  const context = {
    modelId: SONNET,
    modelName: 'Claude 3.7 Sonnet',
    region: 'us-east-1',
    profileFor: () => ({
      id: `us.${SONNET}`,
      name: 'US Claude 3.7 Sonnet',
      provider: 'Anthropic',
      via: 'system-profile' as const,
      baseModelId: SONNET,
      streaming: true,
    }),
  };

  it('no access: ask IT, with the AWS code and request id under Details', () => {
    const error = bedrockError(awsError('AccessDeniedException', "You don't have access to the model", 403), context);
    expect(error.code).toBe('model-access-denied');
    expect(error.action).toMatch(/ask IT/);
    expect(error.action).toContain('bedrock:InvokeModel');
    expect(error.details).toContain('AccessDeniedException');
    expect(error.details).toContain('req-123');
  });

  it('needs an inference profile: offers the matching profile', () => {
    const message =
      "Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.";
    const error = bedrockError(awsError('ValidationException', message), context);
    expect(error).toMatchObject({
      code: 'model-needs-profile',
      fix: { kind: 'use-model', modelId: `us.${SONNET}`, label: 'Use US Claude 3.7 Sonnet' },
    });
    expect(bedrockError(awsError('ValidationException', message), { ...context, profileFor: () => undefined }).fix).toBeUndefined();
  });

  it('not in this Region, busy, cut off, other validation, network', () => {
    expect(bedrockError(awsError('ValidationException', 'The provided model identifier is invalid.'), context)).toMatchObject({
      code: 'model-not-available',
      message: expect.stringContaining('us-east-1'),
    });
    expect(bedrockError(awsError('ThrottlingException', 'Too many requests', 429), context).code).toBe('throttled');
    expect(bedrockError(awsError('ModelStreamErrorException', 'boom'), context).code).toBe('stream-interrupted');
    expect(bedrockError(awsError('ValidationException', 'Input is too long'), context).code).toBe('model-rejected-input');
    const timeout = Object.assign(new Error('connect'), { code: 'ETIMEDOUT' });
    const network = bedrockError(timeout, context);
    expect(network.code).toBe('aws-unreachable');
    expect(network.action).toMatch(/VPN/);
    expect(network.action).toMatch(/VPC/);
    expect(bedrockError(awsError('ExpiredTokenException', 'expired', 403), context).code).toBe('session-expired');
    expect(streamCutError('Claude').code).toBe('stream-interrupted');
  });

  it('knows throttling when it sees it', () => {
    expect(isThrottling(awsError('ThrottlingException', 'x'))).toBe(true);
    expect(isThrottling(awsError('throttlingException', 'x'))).toBe(true);
    expect(isThrottling(awsError('ValidationException', 'x'))).toBe(false);
  });
});

describe('the conversation as Bedrock takes it', () => {
  const msg = (role: ChatMessage['role'], text: string): ChatMessage => ({
    id: `${role}-${text}`,
    role,
    text,
    createdAt: 0,
    status: 'complete',
  });

  it('alternates, starts and ends with the person, and skips empty cut-off answers', () => {
    const history = [msg('user', 'first'), msg('assistant', ''), msg('user', 'again'), msg('assistant', 'answer'), msg('user', 'next')];
    expect(toBedrockMessages(history)).toEqual([
      { role: 'user', content: [{ text: 'first\n\nagain' }] },
      { role: 'assistant', content: [{ text: 'answer' }] },
      { role: 'user', content: [{ text: 'next' }] },
    ]);
    expect(toBedrockMessages([msg('assistant', 'hello'), msg('user', 'hi'), msg('assistant', 'partial')])).toEqual([
      { role: 'user', content: [{ text: 'hi' }] },
    ]);
  });
});
