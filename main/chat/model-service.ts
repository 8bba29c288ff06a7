import {
  ListFoundationModelsCommand,
  paginateListInferenceProfiles,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock';
import type { CatalogModel, CompanySettings, ModelCatalog } from '../../preload/contract';
import { StrataError } from '../errors';
import type { AwsClients, BedrockAuth } from '../net/aws-clients';
import { bedrockError } from './bedrock-errors';
import { buildCatalog, catalogModels, profileFor } from './model-catalog';

/** Where the person's last model choice and their defaults for new conversations are kept. */
export interface ModelPreferences {
  lastModelId(): string | undefined;
  setLastModelId(modelId: string): void;
  /** The model the person chose in Settings for new conversations; undefined for "the one used last". */
  defaultModelId(): string | undefined;
  /** The instructions new conversations start with; '' for none. */
  defaultInstructions(): string;
}

export interface ModelServiceOptions {
  settings: () => CompanySettings;
  /** How the signed-in person's requests are authorised; throws when nobody is signed in. */
  auth: () => BedrockAuth;
  clients: AwsClients;
  preferences: ModelPreferences;
  /** Whether the organization allows a model (its id, and the foundation model behind it); the others are not listed. */
  allows?: (modelId: string, baseModelId?: string) => boolean;
  now?: () => number;
}

/** The model catalog of the active Region, fetched once and on request, and the person's last choice. */
export class ModelService {
  private cached?: { key: string; catalog: ModelCatalog };
  private inflight?: { key: string; promise: Promise<ModelCatalog>; abort: AbortController };
  private readonly refused = new Set<string>();
  /** Bumped by forget(): a catalog fetched for the person before is neither cached nor returned. */
  private generation = 0;

  constructor(private readonly options: ModelServiceOptions) {}

  async list(refresh = false): Promise<ModelCatalog> {
    const settings = this.options.settings();
    const key = `${settings.region}|${settings.bedrockEndpoint}`;
    const generation = this.generation;
    if (!refresh && this.cached?.key === key) return this.withChoice(this.cached.catalog);
    if (this.inflight?.key !== key) {
      const abort = new AbortController();
      const promise = this.fetch(settings, abort.signal).finally(() => {
        if (this.inflight?.promise === promise) this.inflight = undefined;
      });
      this.inflight = { key, promise, abort };
    }
    const catalog = await this.inflight.promise.catch((err: unknown) => {
      throw generation === this.generation ? err : superseded();
    });
    if (generation !== this.generation) throw superseded();
    this.cached = { key, catalog };
    return this.withChoice(catalog);
  }

  choose(modelId: string): void {
    this.options.preferences.setLastModelId(modelId);
  }

  /** The model a new conversation starts with: the person's chosen default, else the last choice, else the first in the catalog. */
  defaultModelId(): string {
    const preferred = this.options.preferences.defaultModelId() ?? this.options.preferences.lastModelId();
    if (preferred && this.allowed(preferred, this.find(preferred)?.baseModelId)) return preferred;
    return this.cached ? (catalogModels(this.shown(this.cached.catalog))[0]?.id ?? '') : '';
  }

  /** The instructions (system prompt) a new conversation starts with: the person's default ones, '' for none. */
  defaultInstructions(): string {
    return this.options.preferences.defaultInstructions();
  }

  /** A model of the last catalog fetched, if it is there. */
  find(modelId: string): CatalogModel | undefined {
    return this.cached ? catalogModels(this.cached.catalog).find((model) => model.id === modelId) : undefined;
  }

  /** The name a person knows a model by; the id where the catalog has not been fetched. */
  nameOf(modelId: string): string {
    return this.find(modelId)?.name ?? modelId;
  }

  /** The inference profile to use for a model that needs one. */
  profileFor(modelId: string): CatalogModel | undefined {
    return this.cached ? profileFor(this.cached.catalog, modelId) : undefined;
  }

  /** Bedrock refused the signed-in identity this model: the catalog says so until the person changes. */
  markRefused(modelId: string): void {
    this.refused.add(modelId);
  }

  /** The person changed (or signed out): drop their catalog, and stop fetching it. */
  forget(): void {
    this.generation += 1;
    this.inflight?.abort.abort();
    this.inflight = undefined;
    this.cached = undefined;
    this.refused.clear();
  }

  private allowed(modelId: string, baseModelId?: string): boolean {
    return this.options.allows?.(modelId, baseModelId) ?? true;
  }

  /** The catalog without the models the organization doesn't allow. */
  private shown(catalog: ModelCatalog): ModelCatalog {
    if (!this.options.allows) return catalog;
    const groups = catalog.groups
      .map((group) => ({ ...group, models: group.models.filter((model) => this.allowed(model.id, model.baseModelId)) }))
      .filter((group) => group.models.length > 0);
    return { ...catalog, groups };
  }

  private withChoice(fetched: ModelCatalog): ModelCatalog {
    const catalog = this.shown(fetched);
    // New conversations start with the person's chosen default, else their last choice: whichever the catalog still has.
    const listed = (id: string | undefined) => id !== undefined && catalogModels(catalog).some((model) => model.id === id);
    const choice = [this.options.preferences.defaultModelId(), this.options.preferences.lastModelId()].find(listed);
    const unavailable = this.refused.size ? { unavailable: [...this.refused] } : {};
    return { ...catalog, lastChoice: choice, ...unavailable };
  }

  private async fetch(settings: CompanySettings, signal: AbortSignal): Promise<ModelCatalog> {
    const client = this.options.clients.bedrock(settings, this.options.auth());
    try {
      const [models, profiles] = await Promise.all([
        client.send(new ListFoundationModelsCommand({ byOutputModality: 'TEXT' }), { abortSignal: signal }),
        (async () => {
          const all: InferenceProfileSummary[] = [];
          for await (const page of paginateListInferenceProfiles({ client }, {})) {
            if (signal.aborted) throw superseded();
            all.push(...(page.inferenceProfileSummaries ?? []));
          }
          return all;
        })(),
      ]);
      return buildCatalog(settings.region, models.modelSummaries ?? [], profiles, (this.options.now ?? Date.now)());
    } catch (err) {
      if (err instanceof StrataError) throw err;
      const error = bedrockError(err, { modelId: '', modelName: 'the model list', region: settings.region });
      if (error.code === 'model-access-denied') {
        throw new StrataError('model-access-denied', "The AWS identity you're signed in as isn't allowed to list Bedrock's models.", {
          action: 'Ask IT to grant your role bedrock:ListFoundationModels and bedrock:ListInferenceProfiles.',
          details: error.details,
          cause: err,
        });
      }
      throw StrataError.from(error, err);
    } finally {
      client.destroy();
    }
  }
}

/** The catalog asked for belonged to a person no longer signed in. */
const superseded = () =>
  new StrataError('superseded', 'The model list was for an earlier sign-in.', { action: 'It is fetched again for you.' });
