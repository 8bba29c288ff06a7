/**
 * The Bedrock emulators on the wire, through the unmodified SDK clients.
 */
import { BedrockClient, ListFoundationModelsCommand, paginateListInferenceProfiles } from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityPoolCredentials, signIn, type AwsCredentials } from '../sandbox/clients.js';
import { SANDBOX_MODELS, startSandbox, type Sandbox } from '../sandbox/index.js';

let sandbox: Sandbox;
let credentials: AwsCredentials;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  sandbox = await startSandbox({ bedrock: { tokensPerSecond: 0, answerWords: 120 } });
  credentials = await identityPoolCredentials(sandbox, (await signIn(sandbox)).idToken);
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await sandbox.close();
});

function runtime(options: { http1?: boolean; credentials?: AwsCredentials } = {}) {
  const client = new BedrockRuntimeClient({
    region: sandbox.region,
    endpoint: sandbox.endpoints.bedrockRuntime,
    credentials: options.credentials ?? credentials,
    maxAttempts: 1,
    ...(options.http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
  clients.push(client);
  return client;
}

const ask = (text: string, modelId: string = SANDBOX_MODELS.writer): ConverseStreamCommandInput => ({
  modelId,
  messages: [{ role: 'user', content: [{ text }] }],
});

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined) {
  const out = { text: '', reasoning: '', events: [] as string[], stopReason: undefined as string | undefined, outputTokens: 0 };
  for await (const event of stream ?? []) {
    out.events.push(Object.keys(event).find((key) => key !== '$unknown') ?? '?');
    out.text += event.contentBlockDelta?.delta?.text ?? '';
    out.reasoning += event.contentBlockDelta?.delta?.reasoningContent?.text ?? '';
    if (event.messageStop) out.stopReason = event.messageStop.stopReason;
    if (event.metadata) out.outputTokens = event.metadata.usage?.outputTokens ?? 0;
  }
  return out;
}

describe('Bedrock Runtime emulator', () => {
  it.each([
    ['HTTP/2 (the SDK default)', false],
    ['HTTP/1.1', true],
  ])('streams a Markdown answer over %s', async (_label, http1) => {
    const output = await runtime({ http1 }).send(new ConverseStreamCommand(ask('Explain queues')));
    const answer = await collect(output.stream);
    expect(answer.events[0]).toBe('messageStart');
    expect(answer.events.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    expect(answer.text).toContain('Explain queues');
    expect(answer.text).toMatch(/\| Option \| Latency \| Cost \|/);
    expect(answer.text).toContain('```python');
    expect(answer.stopReason).toBe('end_turn');
    expect(answer.outputTokens).toBeGreaterThan(50);
  });

  it('thinks before answering through an inference profile, and Converse gives the same in one piece', async () => {
    const streamed = await collect((await runtime().send(new ConverseStreamCommand(ask('Plan', SANDBOX_MODELS.thinkerProfile)))).stream);
    expect(streamed.reasoning.length).toBeGreaterThan(20);
    expect(streamed.text).toContain('Plan');
    const whole = await runtime().send(new ConverseCommand(ask('Plan', SANDBOX_MODELS.thinkerApplicationProfile)));
    expect(whole.output?.message?.content?.[0]?.reasoningContent?.reasoningText?.text).toBe(streamed.reasoning);
    expect(whole.output?.message?.content?.[1]?.text).toBe(streamed.text);
  });

  it('answers errors as AWS does', async () => {
    const failure = (input: ConverseStreamCommandInput, client = runtime()) =>
      client.send(new ConverseStreamCommand(input)).then(
        () => expect.fail('expected an error'),
        (e: { name: string; message: string; $metadata: { httpStatusCode?: number; requestId?: string } }) => e,
      );
    const denied = await failure(ask('hi', SANDBOX_MODELS.denied));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(denied.$metadata.requestId).toBeTruthy();
    expect(await failure(ask('hi', SANDBOX_MODELS.thinker))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('inference profile'),
    });
    expect(await failure(ask('hi', 'example.nothing-v1:0'))).toMatchObject({ message: 'The provided model identifier is invalid.' });
    expect(await failure(ask('hi', SANDBOX_MODELS.nonStreaming))).toMatchObject({ name: 'ValidationException' });
    expect(await failure({ modelId: SANDBOX_MODELS.writer, messages: [{ role: 'assistant', content: [{ text: 'x' }] }] })).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('start with a user message'),
    });
    sandbox.faults.bedrock.throttleNext(1);
    expect(await failure(ask('hi'))).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
  });

  it('refuses unknown keys, bad signatures and expired credentials', async () => {
    const fail = (creds: AwsCredentials) =>
      runtime({ credentials: creds })
        .send(new ConverseStreamCommand(ask('hi')))
        .then(() => 'ok', (e: { name: string }) => e.name);
    expect(await fail({ ...credentials, accessKeyId: 'ASIAUNKNOWN000000000' })).toBe('UnrecognizedClientException');
    expect(await fail({ ...credentials, secretAccessKey: 'wrong' })).toBe('InvalidSignatureException');
    const fresh = await identityPoolCredentials(sandbox, (await signIn(sandbox)).idToken);
    sandbox.faults.expireIssuedCredentials();
    expect(await fail(fresh)).toBe('ExpiredTokenException');
    credentials = await identityPoolCredentials(sandbox, (await signIn(sandbox)).idToken);
  });

  it('breaks streams on demand: an exception frame, or a cut connection', async () => {
    sandbox.faults.bedrock.streamErrorAfter(2);
    const broken = await runtime().send(new ConverseStreamCommand(ask('hi')));
    await expect(collect(broken.stream)).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    sandbox.faults.bedrock.cutAfter(2);
    const cut = await runtime().send(new ConverseStreamCommand(ask('hi')));
    let text = '';
    await expect(
      (async () => {
        for await (const event of cut.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
        if (!text.includes('```')) throw new Error('stream ended early');
      })(),
    ).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
  });

  it('stops at maxTokens and records what the client sent', async () => {
    const input = { ...ask('Long please'), system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 10 } };
    const answer = await collect((await runtime().send(new ConverseStreamCommand(input))).stream);
    expect(answer.stopReason).toBe('max_tokens');
    expect(answer.text.split(/\s+/).filter(Boolean)).toHaveLength(10);
    expect(sandbox.bedrock.requests().at(-1)).toMatchObject({ modelId: SANDBOX_MODELS.writer, system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 10 } });
  });

  it('streams a script exactly, a fixed number of characters per delta, at a steady rate', async () => {
    const script = '# Plan\n\n' + Array.from({ length: 40 }, (_, i) => `- step ${i} — ünïcode ✓`).join('\n');
    sandbox.bedrock.setPace({ script, chunkChars: 16, intervalMs: 10 });
    try {
      const started = performance.now();
      const output = await runtime().send(new ConverseStreamCommand({ ...ask('anything'), inferenceConfig: { maxTokens: 5 } }));
      const deltas: string[] = [];
      let stopReason: string | undefined;
      for await (const event of output.stream ?? []) {
        if (event.contentBlockDelta?.delta?.text !== undefined) deltas.push(event.contentBlockDelta.delta.text);
        if (event.messageStop) stopReason = event.messageStop.stopReason;
      }
      const elapsed = performance.now() - started;
      expect(deltas.join('')).toBe(script);
      expect(deltas.slice(0, -1).every((d) => d.length === 16)).toBe(true);
      expect(deltas).toHaveLength(Math.ceil(script.length / 16));
      expect(stopReason).toBe('end_turn');
      // One delta every 10 ms: the whole script takes about (deltas - 1) × 10 ms, late timers caught up.
      const expected = (deltas.length - 1) * 10;
      expect(elapsed).toBeGreaterThanOrEqual(expected * 0.9);
      expect(elapsed).toBeLessThan(expected + 1_000);
    } finally {
      sandbox.bedrock.setPace({ script: undefined });
    }
  });
});

describe('Bedrock control-plane emulator', () => {
  const bedrock = () => {
    const client = new BedrockClient({ region: sandbox.region, endpoint: sandbox.endpoints.bedrock, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  it('lists foundation models, filtered by output modality', async () => {
    const all = await bedrock().send(new ListFoundationModelsCommand({}));
    expect(all.modelSummaries?.map((m) => m.modelId)).toContain(SANDBOX_MODELS.embedding);
    const text = await bedrock().send(new ListFoundationModelsCommand({ byOutputModality: 'TEXT' }));
    expect(text.modelSummaries?.map((m) => m.modelId)).not.toContain(SANDBOX_MODELS.embedding);
    expect(text.modelSummaries?.find((m) => m.modelId === SANDBOX_MODELS.legacy)?.modelLifecycle?.status).toBe('LEGACY');
  });

  it('pages inference profiles; the SDK paginator follows nextToken', async () => {
    const before = sandbox.stats()['bedrock:ListInferenceProfiles'] ?? 0;
    const ids: string[] = [];
    for await (const page of paginateListInferenceProfiles({ client: bedrock() }, {})) {
      ids.push(...(page.inferenceProfileSummaries ?? []).map((p) => p.inferenceProfileId ?? ''));
    }
    expect(ids).toContain(SANDBOX_MODELS.thinkerProfile);
    expect(ids).toHaveLength(5);
    expect((sandbox.stats()['bedrock:ListInferenceProfiles'] ?? 0) - before).toBe(2);
  });
});
