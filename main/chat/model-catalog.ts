/**
 * The models a person can chat with in the active Region: Bedrock's
 * foundation models and inference profiles, narrowed to text chat.
 */
import type { FoundationModelSummary, InferenceProfileSummary } from '@aws-sdk/client-bedrock';
import type { CatalogModel, ModelCatalog } from '../../preload/contract';

/** The geography prefix of the system inference profiles that serve a Region (us., eu., apac., …). */
export function profileGeography(region: string): string {
  if (region.startsWith('us-gov-')) return 'us-gov';
  if (region.startsWith('us-') || region.startsWith('ca-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return region.split('-')[0] ?? region;
}

const isTextChat = (model: FoundationModelSummary): boolean =>
  (model.inputModalities ?? []).includes('TEXT') &&
  (model.outputModalities ?? []).includes('TEXT') &&
  (model.modelLifecycle?.status ?? 'ACTIVE') === 'ACTIVE';

/** `arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude…` → `anthropic.claude…` */
const modelIdFromArn = (arn: string | undefined): string | undefined => /foundation-model\/(.+)$/.exec(arn ?? '')?.[1];

/** Where a profile routes: the prefix of a system profile's id (`us.anthropic…` → `us`). */
const profilePrefix = (profile: InferenceProfileSummary): string | undefined =>
  profile.type === 'SYSTEM_DEFINED' ? /^([a-z-]+)\./.exec(profile.inferenceProfileId ?? '')?.[1] : undefined;

/**
 * Builds the catalog: text-chat models that can be called on demand, and the
 * inference profiles in front of text-chat models (system profiles of this
 * Region's geography or global, and the company's application profiles).
 * A model that can only be reached through a profile appears as its profile.
 */
export function buildCatalog(
  region: string,
  models: readonly FoundationModelSummary[],
  profiles: readonly InferenceProfileSummary[],
  now = Date.now(),
): ModelCatalog {
  const textModels = new Map(models.filter(isTextChat).map((model) => [model.modelId!, model]));
  const entries: CatalogModel[] = [];

  for (const model of textModels.values()) {
    if (!(model.inferenceTypesSupported ?? []).includes('ON_DEMAND')) continue;
    entries.push({
      id: model.modelId!,
      name: model.modelName ?? model.modelId!,
      provider: model.providerName ?? 'Other',
      via: 'model',
      baseModelId: model.modelId!,
      streaming: model.responseStreamingSupported ?? true,
    });
  }

  const geography = profileGeography(region);
  for (const profile of profiles) {
    if (profile.status && profile.status !== 'ACTIVE') continue;
    const prefix = profilePrefix(profile);
    if (prefix !== undefined && prefix !== geography && prefix !== 'global') continue;
    const base = textModels.get(modelIdFromArn(profile.models?.[0]?.modelArn) ?? '');
    if (!base) continue;
    const application = profile.type === 'APPLICATION';
    entries.push({
      // Converse takes a system profile's id; an application profile is addressed by its ARN.
      id: (application ? profile.inferenceProfileArn : profile.inferenceProfileId) ?? '',
      name: profile.inferenceProfileName ?? base.modelName ?? base.modelId!,
      provider: base.providerName ?? 'Other',
      via: application ? 'application-profile' : 'system-profile',
      baseModelId: base.modelId!,
      streaming: base.responseStreamingSupported ?? true,
    });
  }

  const groups = new Map<string, CatalogModel[]>();
  for (const entry of entries.filter((e) => e.id)) {
    const group = groups.get(entry.provider) ?? [];
    group.push(entry);
    groups.set(entry.provider, group);
  }
  const order: Record<CatalogModel['via'], number> = { 'application-profile': 0, 'system-profile': 1, model: 2 };
  return {
    region,
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([provider, list]) => ({
        provider,
        models: list.sort((a, b) => a.name.localeCompare(b.name) || order[a.via] - order[b.via]),
      })),
    fetchedAt: now,
  };
}

/** Every model of a catalog, in display order. */
export const catalogModels = (catalog: ModelCatalog): CatalogModel[] => catalog.groups.flatMap((group) => group.models);

/**
 * The profile to use for a model that needs one: this geography's system
 * profile first, then global, then an application profile.
 */
export function profileFor(catalog: ModelCatalog, baseModelId: string): CatalogModel | undefined {
  const candidates = catalogModels(catalog).filter((model) => model.via !== 'model' && model.baseModelId === baseModelId);
  const geography = profileGeography(catalog.region);
  const rank = (model: CatalogModel) =>
    model.id.startsWith(`${geography}.`) ? 0 : model.id.startsWith('global.') ? 1 : model.via === 'application-profile' ? 2 : 3;
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}
