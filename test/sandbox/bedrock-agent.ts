/**
 * Bedrock Agent control-plane emulator: ListAgents, ListAgentAliases and
 * ListKnowledgeBases (restJson1, POST with maxResults/nextToken in the JSON
 * body, SigV4 with service `bedrock`), paged small so that clients must
 * follow nextToken.
 */
import { checkSignature, readBody, sendAwsError, sendJson, startDualServer, type AnyRequest, type AnyResponse } from './aws-rest.js';
import { agentSummaries, aliasSummaries, knowledgeBaseSummaries } from './bedrock-agents.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import type { Stats } from './http-util.js';

export interface BedrockAgentOptions {
  port: number;
  region: string;
  registry: CredentialsRegistry;
  stats: Stats;
  log: boolean;
}

const PAGE = 4;

/** One page of `items` from the body's nextToken, and the token of the next. */
function page<T>(items: T[], body: { maxResults?: unknown; nextToken?: unknown }): { items: T[]; nextToken?: string } | undefined {
  const size = typeof body.maxResults === 'number' && body.maxResults >= 1 && body.maxResults <= 1000 ? body.maxResults : PAGE;
  const start = typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > items.length) return undefined;
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { items: items.slice(start, start + size), ...(next ? { nextToken: next } : {}) };
}

export async function startBedrockAgent(options: BedrockAgentOptions): Promise<{ endpoint: string; close(): Promise<void> }> {
  const handle = async (req: AnyRequest, res: AnyResponse): Promise<void> => {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const aliases = /^\/agents\/([^/]+)\/agentaliases\/?$/.exec(path);
    const operation = /^\/agents\/?$/.test(path) ? 'ListAgents' : aliases ? 'ListAgentAliases' : /^\/knowledgebases\/?$/.test(path) ? 'ListKnowledgeBases' : 'Unknown';
    const signature = await checkSignature(req, res, raw, options.registry, 'bedrock', options.region);
    if (!signature.ok) return options.stats.inc(`bedrock-agent:${operation}:${signature.name}`);
    const refuse = (status: number, name: string, message: string) => {
      options.stats.inc(`bedrock-agent:${operation}:${name}`);
      sendAwsError(res, status, name, message);
    };
    if (req.method !== 'POST' || operation === 'Unknown') return refuse(404, 'UnknownOperationException', 'The requested operation is not recognized by the service.');
    let body: { maxResults?: unknown; nextToken?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as typeof body;
    } catch {
      return refuse(400, 'SerializationException', 'Unable to parse the request body.');
    }
    const all =
      operation === 'ListAgents' ? agentSummaries() : operation === 'ListKnowledgeBases' ? knowledgeBaseSummaries() : aliasSummaries(decodeURIComponent(aliases![1]!));
    if (!all) return refuse(404, 'ResourceNotFoundException', `Agent ${aliases![1]} not found.`);
    const one = page<unknown>(all, body);
    if (!one) return refuse(400, 'ValidationException', 'The pagination token is invalid.');
    options.stats.inc(`bedrock-agent:${operation}`);
    const field = operation === 'ListAgents' ? 'agentSummaries' : operation === 'ListKnowledgeBases' ? 'knowledgeBaseSummaries' : 'agentAliasSummaries';
    sendJson(res, { [field]: one.items, ...(one.nextToken ? { nextToken: one.nextToken } : {}) });
  };
  const server = await startDualServer('bedrock-agent', options.port, handle, options.log);
  return { endpoint: server.endpoint, close: () => server.close() };
}
