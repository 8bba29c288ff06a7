import { describe, expect, it } from 'vitest';
import { describeIdentity, modelToAsk, testConnection, type ConnectionTestDeps } from '../../main/app/connection-test';
import { StrataError } from '../../main/errors';
import type { ModelCatalog } from '../../preload/contract';

const model = (id: string, name: string) => ({ id, name, provider: 'Anthropic', via: 'model' as const, baseModelId: id, streaming: true });
const catalog: ModelCatalog = {
  region: 'eu-west-1',
  groups: [
    { provider: 'Anthropic', models: [model('haiku', 'Claude Haiku'), model('sonnet', 'Claude Sonnet')] },
    { provider: 'Meta', models: [model('llama', 'Llama')] },
  ],
  unavailable: ['haiku'],
  fetchedAt: 0,
};

function deps(overrides: Partial<ConnectionTestDeps> = {}): ConnectionTestDeps & { asked: string[] } {
  const asked: string[] = [];
  let clock = 0;
  return {
    asked,
    identity: async () => ({
      kind: 'aws' as const,
      identity: { arn: 'arn:aws:sts::123456789012:assumed-role/Strata-Users/CognitoIdentityCredentials', account: '123456789012' },
    }),
    listModels: async () => catalog,
    ask: async (id) => {
      asked.push(id);
      clock += 1200;
    },
    preferredModel: () => 'llama',
    now: () => clock,
    ...overrides,
  };
}

describe('Test connection', () => {
  it('all three steps in words: who, how many models where, which model answered how fast', async () => {
    const d = deps();
    const { steps } = await testConnection(d);
    expect(steps.map((s) => [s.id, s.state, s.message])).toEqual([
      ['identity', 'passed', 'AWS knows you as role Strata-Users in account 1234-5678-9012.'],
      ['models', 'passed', '3 models in eu-west-1.'],
      ['request', 'passed', 'Llama answered in 1.2 s.'],
    ]);
    expect(d.asked).toEqual(['llama']);
    // Under a second, in milliseconds.
    let clock = 0;
    const quick = await testConnection(deps({ now: () => clock, ask: async () => void (clock += 45) }));
    expect(quick.steps[2]?.message).toBe('Llama answered in 45 ms.');
  });

  it('asks the preferred model only if this person may use it; otherwise the first they may', () => {
    expect(modelToAsk(catalog, 'llama')?.id).toBe('llama');
    expect(modelToAsk(catalog, 'haiku')?.id).toBe('sonnet');
    expect(modelToAsk(catalog, undefined)?.id).toBe('sonnet');
    expect(modelToAsk({ ...catalog, unavailable: ['haiku', 'sonnet', 'llama'] }, 'llama')).toBeUndefined();
  });

  it('stops at the first step that fails, with its error and what to do; later steps say they were not tried', async () => {
    const refused = new StrataError('model-access-denied', "The AWS identity you're signed in as isn't allowed to list Bedrock's models.", {
      action: 'Ask IT to grant your role bedrock:ListFoundationModels.',
    });
    const d = deps({
      listModels: async () => {
        throw refused;
      },
    });
    const { steps } = await testConnection(d);
    expect(steps.map((s) => s.state)).toEqual(['passed', 'failed', 'skipped']);
    expect(steps[1]).toMatchObject({ message: refused.message, error: { code: 'model-access-denied', action: refused.action } });
    expect(steps[2]?.message).toBe('Not tried, because the step before did not work.');
    expect(d.asked).toEqual([]);
  });

  it('an empty catalog, or every model refused, is a failed step with a way forward', async () => {
    const empty = await testConnection(deps({ listModels: async () => ({ ...catalog, groups: [] }) }));
    expect(empty.steps[1]).toMatchObject({ state: 'failed', message: 'Bedrock lists no chat models in eu-west-1.' });
    const refusedAll = await testConnection(deps({ listModels: async () => ({ ...catalog, unavailable: ['haiku', 'sonnet', 'llama'] }) }));
    expect(refusedAll.steps[2]).toMatchObject({ state: 'failed', error: { code: 'model-access-denied' } });
  });

  it('names a user or any other principal by what AWS calls it', () => {
    expect(describeIdentity({ arn: 'arn:aws:iam::123456789012:user/ada', account: '123456789012' })).toBe('user ada in account 1234-5678-9012');
    expect(describeIdentity({ arn: 'arn:aws:iam::123456789012:root', account: '123456789012' })).toBe(
      'arn:aws:iam::123456789012:root in account 1234-5678-9012',
    );
  });
});
