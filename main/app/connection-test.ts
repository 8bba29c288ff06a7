/**
 * "Test connection" for the person signed in: who AWS says they are, which
 * models they may use, and one tiny question to one of them, each step in
 * words, stopping at the first that fails (with what to do about it).
 */
import type { ApiKeyInfo, AppError, AwsIdentity, ConnectionTest, ConnectionTestStep, ModelCatalog } from '../../preload/contract';
import { describePrincipal } from '../auth/principal';
import { StrataError, toAppError } from '../errors';

export interface ConnectionTestDeps {
  /** Who the session is: STS GetCallerIdentity with its credentials, or the Bedrock API key it uses. */
  identity(): Promise<{ kind: 'aws'; identity: AwsIdentity } | { kind: 'api-key'; key: ApiKeyInfo }>;
  /** The model catalog, fetched afresh. */
  listModels(): Promise<ModelCatalog>;
  /** One tiny Converse request, saved nowhere. */
  ask(modelId: string): Promise<void>;
  /** The model the person would chat with first. */
  preferredModel(): string | undefined;
  now?: () => number;
}

const TITLES: Record<ConnectionTestStep['id'], string> = {
  identity: 'Who AWS says you are',
  models: 'The models you can use',
  request: 'A short question to a model',
};

/** "role Strata-Users in account 1234-5678-9012". */
export function describeIdentity(identity: AwsIdentity): string {
  const account = identity.account.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1-$2-$3');
  return `${describePrincipal(identity.arn)} in account ${account}`;
}

/** "a long-term Bedrock API key of BedrockAPIKey-ab12 in account 1234-5678-9012, ending x7Qz"; never the key. */
export function describeApiKey(key: ApiKeyInfo): string {
  if (key.kind === 'short-term') {
    return `a short-term Bedrock API key for ${key.region}`;
  }
  const owner = key.user ? ` of ${key.user}${key.account ? ` in account ${key.account.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1-$2-$3')}` : ''}` : '';
  return `a long-term Bedrock API key${owner}, ending ${key.ending}`;
}

/** The model to ask: the preferred one if this person may use it, else the first the catalog lists that they may. */
export function modelToAsk(catalog: ModelCatalog, preferred: string | undefined): { id: string; name: string } | undefined {
  const refused = new Set(catalog.unavailable ?? []);
  const usable = catalog.groups.flatMap((group) => group.models).filter((model) => !refused.has(model.id));
  return usable.find((model) => model.id === preferred) ?? usable[0];
}

export async function testConnection(deps: ConnectionTestDeps): Promise<ConnectionTest> {
  const now = deps.now ?? Date.now;
  const steps: ConnectionTestStep[] = [];
  const run = async (id: ConnectionTestStep['id'], work: () => Promise<string>): Promise<boolean> => {
    if (steps.some((step) => step.state !== 'passed')) {
      steps.push({ id, title: TITLES[id], state: 'skipped', message: 'Not tried, because the step before did not work.' });
      return false;
    }
    const started = now();
    try {
      const message = await work();
      steps.push({ id, title: TITLES[id], state: 'passed', message, ms: now() - started });
      return true;
    } catch (err) {
      const error: AppError = toAppError(err);
      steps.push({ id, title: TITLES[id], state: 'failed', message: error.message, error, ms: now() - started });
      return false;
    }
  };

  let catalog: ModelCatalog | undefined;
  await run('identity', async () => {
    const who = await deps.identity();
    return who.kind === 'aws' ? `AWS knows you as ${describeIdentity(who.identity)}.` : `Strata uses ${describeApiKey(who.key)}.`;
  });
  await run('models', async () => {
    catalog = await deps.listModels();
    const count = catalog.groups.reduce((sum, group) => sum + group.models.length, 0);
    if (count === 0) {
      throw new StrataError('model-not-available', `Bedrock lists no chat models in ${catalog.region}.`, {
        action: 'Ask IT which AWS Region has the models your company uses, and set it in Settings.',
      });
    }
    return `${count} ${count === 1 ? 'model' : 'models'} in ${catalog.region}.`;
  });
  await run('request', async () => {
    const model = catalog && modelToAsk(catalog, deps.preferredModel());
    if (!model) {
      throw new StrataError('model-access-denied', 'Bedrock refused you every model it lists, earlier in this session.', {
        action: 'Ask IT to grant your role access to the models your company uses.',
      });
    }
    const started = now();
    await deps.ask(model.id);
    const ms = now() - started;
    return `${model.name} answered in ${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`}.`;
  });
  return { steps };
}
