import {
  BedrockClient,
  ListFoundationModelsCommand,
  paginateListInferenceProfiles,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { CatalogModel, CompanySettings, ModelCatalog } from '../../preload/contract';
import { StrataError } from '../errors';
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
  credentials: () => AwsCredentialIdentityProvider;
  preferences: ModelPreferences;
  now?: () => number;
}

/** The model catalog of the active Region, fetched once and on request, and the person's last choice. */
export class ModelService {
  private cached?: { key: string; catalog: ModelCatalog };
  private inflight?: { key: string; promise: Promise<ModelCatalog> };
  private readonly refused = new Set<string>();

  constructor(private readonly options: ModelServiceOptions) {}

  async list(refresh = false): Promise<ModelCatalog> {
    const settings = this.options.settings();
    const key = `${settings.region}|${settings.bedrockEndpoint}`;
    if (!refresh && this.cached?.key === key) return this.withChoice(this.cached.catalog);
    if (this.inflight?.key !== key) {
      const promise = this.fetch(settings).finally(() => {
        if (this.inflight?.promise === promise) this.inflight = undefined;
      });
      this.inflight = { key, promise };
    }
    const catalog = await this.inflight.promise;
    this.cached = { key, catalog };
    return this.withChoice(catalog);
  }

  choose(modelId: string): void {
    this.options.preferences.setLastModelId(modelId);
  }

  /** The model a new conversation starts with: the person's chosen default, else the last choice, else the first in the catalog. */
  defaultModelId(): string {
    const preferred = this.options.preferences.defaultModelId() ?? this.options.preferences.lastModelId();
    if (preferred) return preferred;
    return this.cached ? (catalogModels(this.cached.catalog)[0]?.id ?? '') : '';
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

  forget(): void {
    this.cached = undefined;
    this.refused.clear();
  }

  private withChoice(catalog: ModelCatalog): ModelCatalog {
    // New conversations start with the person's chosen default, else their last choice: whichever the catalog still has.
    const listed = (id: string | undefined) => id !== undefined && catalogModels(catalog).some((model) => model.id === id);
    const choice = [this.options.preferences.defaultModelId(), this.options.preferences.lastModelId()].find(listed);
    const unavailable = this.refused.size ? { unavailable: [...this.refused] } : {};
    return { ...catalog, lastChoice: choice, ...unavailable };
  }

  private async fetch(settings: CompanySettings): Promise<ModelCatalog> {
    const client = new BedrockClient({
      region: settings.region,
      credentials: this.options.credentials(),
      ...(settings.bedrockEndpoint ? { endpoint: settings.bedrockEndpoint } : {}),
    });
    try {
      const [models, profiles] = await Promise.all([
        client.send(new ListFoundationModelsCommand({ byOutputModality: 'TEXT' })),
        (async () => {
          const all: InferenceProfileSummary[] = [];
          for await (const page of paginateListInferenceProfiles({ client }, {})) {
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
        throw new StrataError('model-access-denied', "Your company account isn't allowed to list Bedrock's models.", {
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
