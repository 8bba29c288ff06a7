/**
 * Bedrock control-plane emulator: ListFoundationModels and
 * ListInferenceProfiles (paged) over restJson1, SigV4-verified.
 */
import { checkSignature, readBody, sendAwsError, sendJson, startDualServer, type AnyRequest, type AnyResponse } from './aws-rest.js';
import { FOUNDATION_MODELS, INFERENCE_PROFILES, foundationModelSummary, inferenceProfileSummary } from './bedrock-models.js';
import type { BedrockApiKeys } from './bedrock-api-keys.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import { NextRequestHold, type RequestHold, type Stats } from './http-util.js';

export interface BedrockOptions {
  port: number;
  region: string;
  registry: CredentialsRegistry;
  /** The Bedrock API keys it takes as bearer tokens. */
  apiKeys: BedrockApiKeys;
  stats: Stats;
  log: boolean;
}

export interface BedrockServer {
  endpoint: string;
  /** Holds the next request's answer until `release()` (as a slow network would); `arrived` settles when it came. Later ones are answered as usual. */
  holdNext(): RequestHold;
  close(): Promise<void>;
}

/** Small, so that clients must follow nextToken. */
const DEFAULT_PAGE_SIZE = 3;

export async function startBedrock(options: BedrockOptions): Promise<BedrockServer> {
  const hold = new NextRequestHold();
  const handle = async (req: AnyRequest, res: AnyResponse): Promise<void> => {
    const body = await readBody(req);
    await hold.pass();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const operation =
      url.pathname === '/foundation-models' ? 'ListFoundationModels' : url.pathname === '/inference-profiles' ? 'ListInferenceProfiles' : 'Unknown';
    const signature = await checkSignature(req, res, body, options.registry, 'bedrock', options.region, options.apiKeys);
    if (!signature.ok) return options.stats.inc(`bedrock:${operation}:${signature.name}`);
    if (signature.auth === 'bearer') options.stats.inc(`bedrock:${operation}:bearer`);
    if (req.method !== 'GET' || operation === 'Unknown') {
      options.stats.inc('bedrock:UnknownOperation');
      return sendAwsError(res, 404, 'UnknownOperationException', 'The requested operation is not recognized by the service.');
    }
    options.stats.inc(`bedrock:${operation}`);

    if (operation === 'ListFoundationModels') {
      const output = url.searchParams.get('byOutputModality');
      const provider = url.searchParams.get('byProvider')?.toLowerCase();
      const models = FOUNDATION_MODELS.filter(
        (m) => (!output || m.outputModalities.includes(output)) && (!provider || m.providerName.toLowerCase() === provider),
      );
      return sendJson(res, { modelSummaries: models.map(foundationModelSummary) });
    }

    const type = url.searchParams.get('type');
    const profiles = INFERENCE_PROFILES.filter((p) => !type || p.type === type);
    const size = Math.max(1, Math.min(1000, Number(url.searchParams.get('maxResults')) || DEFAULT_PAGE_SIZE));
    const token = url.searchParams.get('nextToken');
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0 || start > profiles.length) {
      options.stats.inc('bedrock:ListInferenceProfiles:ValidationException');
      return sendAwsError(res, 400, 'ValidationException', 'The pagination token is invalid.');
    }
    const page = profiles.slice(start, start + size);
    const next = start + size < profiles.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    return sendJson(res, { inferenceProfileSummaries: page.map(inferenceProfileSummary), ...(next ? { nextToken: next } : {}) });
  };

  const server = await startDualServer('bedrock', options.port, handle, options.log);
  return {
    endpoint: server.endpoint,
    holdNext: () => hold.arm(),
    close: () => server.close(),
  };
}
