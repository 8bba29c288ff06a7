import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../../preload/api';
import {
  contract,
  EVENT_CHANNELS,
  requests,
  type ChatMessage,
  type Conversation,
  type EventChannel,
  type EventPayload,
  type RequestChannel,
  type RequestInput,
  type SettingsView,
  type Transport,
} from '../../preload/contract';
import { decode, encode } from '../harness/wire';

const company = { kind: 'company' } as const;
const message: ChatMessage = { id: 'a1', role: 'assistant', text: 'Hi', createdAt: 1, status: 'streaming', modelId: 'm' };
const conversation: Conversation = {
  id: 'c1',
  title: 'Chat',
  createdAt: 1,
  updatedAt: 2,
  modelId: 'm',
  messageCount: 1,
  preview: 'Hi',
  settings: { modelId: 'm', systemPrompt: '' },
  messages: [message],
};
const settingsView = {
  values: { companyName: 'Acme', issuer: '', clientId: '', scopes: 'openid', redirectPort: 0, identityPoolId: '', region: 'us-east-1', loginsKey: '' },
  sources: { companyName: 'policy' },
  locked: { issuer: 'Managed by IT', region: undefined },
  notices: [],
  tokenStorage: { persistent: false, reason: undefined },
  proxySignIn: null,
} as unknown as SettingsView;

/**
 * Sample inputs of every request channel, including the awkward ones: an
 * explicit undefined, null for "back to the default", odd numbers. The type
 * makes a new channel without samples fail to compile.
 */
const REQUEST_SAMPLES: { [C in RequestChannel]: RequestInput<C>[] } = {
  'auth:get-status': [undefined],
  'auth:sign-in': [undefined],
  'auth:sign-in-with-code': [undefined],
  'auth:cancel-sign-in': [undefined],
  'auth:sign-out': [undefined],
  'auth:reopen-sign-in-page': [undefined],
  'auth:network-back': [undefined],
  'auth:test-connection': [undefined],
  'auth:submit-mfa-code': [{ code: '123456' }, { code: ' 012345 ' }],
  'accounts:get': [undefined],
  'accounts:choose': [
    { source: { kind: 'profile', profile: 'dev' } },
    { source: { kind: 'company' } },
    { source: { kind: 'environment' } },
    { source: { kind: 'api-key' } },
  ],
  'accounts:save-api-key': [{ key: `ABSK${'QmVkcm9ja0FQSUtleS1hYjEyLWF0LTEyMzQ1Njc4OTAxMjpzZWNyZXQ='}` }, { key: '  bedrock-api-key-YmVkcm9jaw==\n' }],
  'accounts:forget-api-key': [undefined],
  'settings:get': [undefined],
  'settings:update': [{ region: 'eu-west-1' }, { issuer: '', redirectPort: 0, companyName: undefined }],
  'settings:set-proxy-sign-in': [{ username: 'ada', password: 'p@ss word:;' }],
  'settings:clear-proxy-sign-in': [undefined],
  'settings:dismiss-notice': [{ id: 'settings-reset' }],
  'preferences:get': [undefined],
  'preferences:update': [{ theme: 'dark' }, { defaultModelId: '', enterToSend: false, textSize: undefined }],
  'app:open-external': [{ url: 'https://docs.aws.amazon.com/bedrock/' }],
  'app:show-in-folder': [{ path: '/home/ada/Documents/Chat.md' }],
  'app:check-connection': [undefined],
  'app:save-diagnostics': [undefined],
  'models:list': [{}, { refresh: true }, { refresh: undefined }],
  'models:choose': [{ modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' }],
  'agents:list': [undefined],
  'conversations:list': [{}, { query: 'budget' }, { query: undefined }, { query: 'budget', cursor: '100' }],
  'conversations:get': [{ id: 'c1' }],
  'conversations:rename': [{ id: 'c1', title: 'Budget 2027' }],
  'conversations:update-settings': [
    { id: 'c1', settings: { temperature: null, maxTokens: null } },
    { id: 'c1', settings: { temperature: 0, maxTokens: 1, systemPrompt: '' } },
    { id: 'c1', settings: { temperature: undefined, modelId: 'm' } },
    { id: 'c1', settings: { agent: { agentId: 'ORDERDESK1', aliasId: 'TSTALIASID', name: 'Order desk', sessionId: 'a1b2-c3' } } },
    { id: 'c1', settings: { agent: null } },
  ],
  'conversations:delete': [{ id: 'c1' }],
  'conversations:export': [{ id: 'c1' }],
  'chat:send': [
    { conversationId: 'c1', text: 'Hello' },
    { conversationId: null, text: 'Hello', settings: { modelId: 'm', temperature: null } },
    { conversationId: null, text: '  spaced  ', settings: undefined },
  ],
  'chat:regenerate': [{ conversationId: 'c1' }],
  'chat:answer-action': [
    { conversationId: 'c1', messageId: 'a1', answer: { kind: 'confirm', confirmed: false } },
    { conversationId: 'c1', messageId: 'a1', answer: { kind: 'result', text: '14:05 in Lisbon' } },
  ],
  'chat:stop': [{ requestId: 'r1' }],
  'chat:running': [undefined],
  'updates:get-status': [undefined],
  'updates:check': [undefined],
  'updates:restart': [undefined],
};

/** Sample payloads of every event channel. */
const EVENT_SAMPLES: { [E in EventChannel]: EventPayload<E>[] } = {
  'auth:status': [
    { state: 'signed-out', configured: false, missing: ['issuer'], source: company },
    { state: 'signing-in', startedAt: 1, interactive: true, source: company },
    { state: 'error', error: { code: 'idp-unreachable', message: 'Down.', details: undefined }, source: company },
  ],
  'accounts:changed': [
    {
      active: company,
      company: { configured: true },
      profiles: [],
      apiKey: null,
      files: { config: '/home/ada/.aws/config', credentials: '/home/ada/.aws/credentials' },
    },
    {
      active: { kind: 'profile', profile: 'dev' },
      locked: undefined,
      company: { configured: false },
      apiKey: { kind: 'short-term', ending: 'x7Qz', region: 'us-west-2', expiresAt: 1_800_000_000_000, reason: 'No keychain.' },
      profiles: [
        {
          name: 'dev',
          kind: 'assume-role',
          region: 'eu-west-1',
          roleArn: 'arn:aws:iam::123456789012:role/Dev',
          sourceProfile: 'base',
          mfa: true,
          fromEnvironment: false,
        },
        {
          name: 'sso-dev',
          kind: 'sso',
          mfa: false,
          sso: { startUrl: 'https://acme.awsapps.com/start', accountId: undefined, session: { state: 'signed-out' } },
          fromEnvironment: true,
          problem: undefined,
        },
      ],
      files: { config: 'C:\\Users\\ada\\.aws\\config', credentials: 'C:\\Users\\ada\\.aws\\credentials' },
    },
  ],
  'settings:changed': [settingsView],
  'preferences:changed': [{ theme: 'system', textSize: 'normal', defaultModelId: '', defaultInstructions: '', enterToSend: true }],
  'conversations:changed': [
    { changed: [], removed: ['c1'] },
    { changed: [{ ...conversation, preview: '', match: { text: 'the budget', marks: [[4, 10]] } }], removed: [] },
  ],
  'chat:event': [
    { type: 'started', requestId: 'r1', conversationId: 'c1', message },
    { type: 'text', requestId: 'r1', conversationId: 'c1', messageId: 'a1', delta: 'line\nbreak "quoted" \u2028', offset: 0 },
    { type: 'reasoning', requestId: 'r1', conversationId: 'c1', messageId: 'a1', delta: '', offset: 12 },
    {
      type: 'agent',
      requestId: 'r1',
      conversationId: 'c1',
      messageId: 'a1',
      agent: {
        name: 'Order desk',
        steps: [{ id: 't1', kind: 'action', title: 'Called getOrder', usage: { inputTokens: 1, outputTokens: 2 }, ms: 3, raw: [{ deep: { list: [1, null] } }] }],
        sources: [{ number: 1, kind: 's3', location: 's3://b/k', passage: 'p' }],
        citations: [{ start: 0, end: 4, sources: [1] }],
        action: { invocationId: 'i1', kind: 'confirm', actionGroup: 'orders', operation: 'cancelOrder', parameters: [{ name: 'orderId', value: '1' }] },
        decision: { kind: 'denied', because: 'signed-out' },
      },
    },
    { type: 'done', requestId: 'r1', conversationId: 'c1', message: { ...message, status: 'complete', usage: undefined, latencyMs: -0 } },
    {
      type: 'failed',
      requestId: 'r1',
      conversationId: 'c1',
      message: { ...message, status: 'interrupted' },
      error: { code: 'throttled', message: 'Busy.', fix: undefined },
    },
  ],
  'updates:status': [
    { state: 'off', reason: 'Your organization has turned off updates in Strata.' },
    { state: 'ready', version: '1.4.0', restartWhenIdle: true },
    { state: 'error', version: '1.4.0', reason: "The update isn't signed.", restartWhenIdle: undefined },
  ],
};

/** What the end-to-end bridge delivers: written on the wire and read back. */
const overBridge = (value: unknown) => decode(encode(value));

describe('the IPC contract', () => {
  it('declares every channel once, and the API has a function for each', () => {
    const channels = Object.values(contract).flatMap((feature) => Object.values(feature).map((spec) => spec.channel));
    expect(new Set(channels).size).toBe(channels.length);
    expect(Object.keys(requests).sort()).toEqual(Object.keys(REQUEST_SAMPLES).sort());
    expect([...EVENT_CHANNELS].sort()).toEqual(Object.keys(EVENT_SAMPLES).sort());

    const transport = { invoke: vi.fn(async () => ({ ok: true, value: null })), subscribe: vi.fn(() => () => {}) };
    const api = createApi(transport as unknown as Transport) as unknown as Record<string, Record<string, (arg?: unknown) => unknown>>;
    for (const [feature, specs] of Object.entries(contract)) {
      for (const [name, spec] of Object.entries(specs)) {
        const listener = () => {};
        void api[feature]![name]!(spec.kind === 'event' ? listener : { probe: name });
        if (spec.kind === 'request') expect(transport.invoke).toHaveBeenLastCalledWith(spec.channel, { probe: name });
        else expect(transport.subscribe).toHaveBeenLastCalledWith(spec.channel, listener);
      }
    }
    expect(Object.isFrozen(api)).toBe(true);
  });

  it.each(Object.entries(REQUEST_SAMPLES).flatMap(([channel, samples]) => samples.map((sample, i) => [channel, i, sample] as const)))(
    '%s sample %i reaches main the same over Electron IPC and over the test bridge, and passes its schema',
    (channel, _i, sample) => {
      const viaIpc = structuredClone(sample);
      const viaBridge = overBridge(sample);
      expect(viaBridge).toStrictEqual(viaIpc);
      const schema = requests[channel as RequestChannel].input;
      const parsedIpc = schema.safeParse(viaIpc);
      expect(parsedIpc.success).toBe(true);
      expect(schema.safeParse(viaBridge)).toStrictEqual(parsedIpc);
    },
  );

  it.each(Object.entries(EVENT_SAMPLES).flatMap(([channel, samples]) => samples.map((sample, i) => [channel, i, sample] as const)))(
    '%s payload %i reaches the window the same over Electron IPC and over the test bridge',
    (_channel, _i, sample) => {
      expect(overBridge(sample)).toStrictEqual(structuredClone(sample));
    },
  );

  it('answers, too, arrive the same both ways', () => {
    const answers = [
      { ok: true, value: { requestId: 'r1', conversation } },
      { ok: true, value: [{ requestId: 'r1', conversationId: 'c1', message }] },
      { ok: true, value: null },
      { ok: false, error: { code: 'invalid-input', message: 'Check the values.', fields: { region: 'Enter an AWS Region.' } } },
    ];
    for (const answer of answers) expect(overBridge(answer)).toStrictEqual(structuredClone(answer));
  });

  it('the bridge keeps what JSON would lose, and refuses what structured clone refuses', () => {
    const tricky = { gone: undefined, nan: Number.NaN, inf: -Infinity, zero: -0, when: new Date(5), list: [undefined, 1] };
    expect(overBridge(tricky)).toStrictEqual(structuredClone(tricky));
    // The old JSON bridge turned "Use the model's default" into "leave it as it is".
    expect(JSON.parse(JSON.stringify(tricky))).not.toStrictEqual(structuredClone(tricky));
    expect(() => structuredClone({ f: () => 1 })).toThrow();
    expect(() => encode({ f: () => 1 })).toThrow();
  });

  it('an MFA code is six digits, and a chosen profile is a name the config files could hold', () => {
    const mfa = requests['auth:submit-mfa-code'].input;
    for (const bad of [{ code: '12ab' }, { code: '12345' }, { code: '1234567' }, {}, { code: 123456 }]) {
      expect(mfa.safeParse(bad).success).toBe(false);
    }
    const choose = requests['accounts:choose'].input;
    for (const bad of [
      { source: { kind: 'profile', profile: 'has space' } },
      { source: { kind: 'profile', profile: '' } },
      { source: { kind: 'profile' } },
      { source: { kind: 'company', profile: 'dev' } },
      { source: { kind: 'environment', profile: 'dev' } },
      { source: { kind: 'keys' } },
      { source: { kind: 'api-key', key: 'ABSKxyz' } },
      {},
    ]) {
      expect(choose.safeParse(bad).success).toBe(false);
    }
  });

  it('an API key is one Bedrock key: its prefix, base64 and nothing else, trimmed, within the limit', () => {
    const save = requests['accounts:save-api-key'].input;
    expect(save.parse({ key: '  ABSKQmVk==\n' })).toEqual({ key: 'ABSKQmVk==' });
    for (const bad of [
      { key: '' },
      { key: 'AKIAIOSFODNN7EXAMPLE' },
      { key: 'sk-abc' },
      { key: 'ABSK abc' },
      { key: 'ABSKabc\nABSKdef' },
      { key: 'Bearer ABSKabc' },
      { key: `ABSK${'A'.repeat(10_000)}` },
      { key: 'ABSKabc', extra: 1 },
      {},
    ]) {
      expect(save.safeParse(bad).success).toBe(false);
    }
    expect(save.safeParse({ key: 'ABSK abc' }).error?.issues[0]?.message).toBe(
      'Paste the whole key: Bedrock API keys begin with ABSK or bedrock-api-key-.',
    );
  });

  it("an agent is named by the ids AWS gives it, and an action's answer is a decision or words", () => {
    const settings = requests['conversations:update-settings'].input;
    const agent = { agentId: 'ORDERDESK1', aliasId: 'ORDLIVE001', name: 'Order desk', sessionId: 's-1' };
    expect(settings.parse({ id: 'c1', settings: { agent } })).toEqual({ id: 'c1', settings: { agent } });
    for (const bad of [
      { ...agent, agentId: 'ORDER' },
      { ...agent, agentId: 'ORDER-DSK1' },
      { ...agent, aliasId: 'live' },
      { ...agent, name: '  ' },
      { ...agent, sessionId: 'has space' },
      { ...agent, sessionId: 'x' },
      { ...agent, extra: 1 },
    ]) {
      expect(settings.safeParse({ id: 'c1', settings: { agent: bad } }).success).toBe(false);
    }
    expect(settings.safeParse({ id: 'c1', settings: { agent: { ...agent, agentId: 'short' } } }).error?.issues[0]?.message).toMatch(/ten-letter ID/);
    const answer = requests['chat:answer-action'].input;
    for (const bad of [
      { conversationId: 'c1', messageId: 'a1', answer: { kind: 'confirm' } },
      { conversationId: 'c1', messageId: 'a1', answer: { kind: 'confirm', confirmed: 'yes' } },
      { conversationId: 'c1', messageId: 'a1', answer: { kind: 'result', text: '   ' } },
      { conversationId: 'c1', messageId: 'a1', answer: { kind: 'run', text: 'x' } },
      { conversationId: 'c1', answer: { kind: 'confirm', confirmed: true } },
    ]) {
      expect(answer.safeParse(bad).success).toBe(false);
    }
  });

  it('"back to the default" is an explicit null that main accepts, and a value it checks', () => {
    const schema = requests['conversations:update-settings'].input;
    expect(schema.parse({ id: 'c1', settings: { temperature: null } })).toEqual({ id: 'c1', settings: { temperature: null } });
    expect(schema.safeParse({ id: 'c1', settings: { temperature: 2 } }).success).toBe(false);
    expect(schema.safeParse({ id: 'c1', settings: { colour: 'red' } }).success).toBe(false);
  });
});
