/**
 * Bedrock Agent control-plane emulator (restJson1, SigV4 with service
 * `bedrock`): ListAgents, ListAgentAliases and ListKnowledgeBases (POST with
 * maxResults/nextToken in the JSON body, paged small so that clients must
 * follow nextToken), and GetAgent (GET /agents/{agentId}/), GetAgentAlias
 * (GET /agents/{agentId}/agentaliases/{agentAliasId}/) and GetKnowledgeBase
 * (GET /knowledgebases/{knowledgeBaseId}), as botocore's bedrock-agent model
 * has them. faults.agents applies: denied IAM actions, throttling.
 */
import { refuseByFaults, type AgentFaultState } from './agent-faults.js';
import { checkSignature, readBody, sendAwsError, sendJson, startDualServer, type AnyRequest, type AnyResponse } from './aws-rest.js';
import { agentSummaries, aliasSummaries, knowledgeBaseSummaries } from './bedrock-agents.js';
import { ACCOUNT_ID } from './constants.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import type { Stats } from './http-util.js';

export interface BedrockAgentOptions {
  port: number;
  region: string;
  registry: CredentialsRegistry;
  stats: Stats;
  log: boolean;
  faults?: AgentFaultState;
}

const PAGE = 4;
const CREATED_AT = '2026-10-01T08:00:00Z';
const NOT_FOUND = "Failed to retrieve resource because it doesn't exist. Retry the request with a different resource identifier.";

/** One page of `items` from the body's nextToken, and the token of the next. */
function page<T>(items: T[], body: { maxResults?: unknown; nextToken?: unknown }): { items: T[]; nextToken?: string } | undefined {
  const size = typeof body.maxResults === 'number' && body.maxResults >= 1 && body.maxResults <= 1000 ? body.maxResults : PAGE;
  const start = typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > items.length) return undefined;
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { items: items.slice(start, start + size), ...(next ? { nextToken: next } : {}) };
}

type Operation = 'ListAgents' | 'ListAgentAliases' | 'ListKnowledgeBases' | 'GetAgent' | 'GetAgentAlias' | 'GetKnowledgeBase' | 'Unknown';

/** Which operation a method and path are, with the ids in the path. */
function route(method: string, path: string): { operation: Operation; ids: string[] } {
  const ids = (pattern: RegExp) => pattern.exec(path)?.slice(1).map((id) => decodeURIComponent(id ?? ''));
  const table: Array<[string, RegExp, Operation]> = [
    ['POST', /^\/agents\/?$/, 'ListAgents'],
    ['POST', /^\/agents\/([^/]+)\/agentaliases\/?$/, 'ListAgentAliases'],
    ['POST', /^\/knowledgebases\/?$/, 'ListKnowledgeBases'],
    ['GET', /^\/agents\/([^/]+)\/?$/, 'GetAgent'],
    ['GET', /^\/agents\/([^/]+)\/agentaliases\/([^/]+)\/?$/, 'GetAgentAlias'],
    ['GET', /^\/knowledgebases\/([^/]+)\/?$/, 'GetKnowledgeBase'],
  ];
  for (const [verb, pattern, operation] of table) {
    const found = ids(pattern);
    if (found && verb === method) return { operation, ids: found };
  }
  return { operation: 'Unknown', ids: [] };
}

/** GetAgent's agent: the summary ListAgents gives, with what only GetAgent tells. */
function agentDetail(agentId: string, region: string) {
  const summary = agentSummaries().find((agent) => agent.agentId === agentId);
  if (!summary) return undefined;
  const { latestAgentVersion: _latest, ...rest } = summary;
  return {
    ...rest,
    agentArn: `arn:aws:bedrock:${region}:${ACCOUNT_ID}:agent/${agentId}`,
    agentVersion: 'DRAFT',
    instruction: `You are the ${summary.agentName}. Answer the person's questions with your action groups and knowledge bases, briefly and accurately.`,
    foundationModel: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    orchestrationType: 'DEFAULT',
    idleSessionTTLInSeconds: 600,
    agentResourceRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/service-role/AmazonBedrockExecutionRoleForAgents_${agentId}`,
    createdAt: CREATED_AT,
    preparedAt: summary.updatedAt,
  };
}

/** GetAgentAlias's alias: as ListAgentAliases lists it (the undeployed one FAILED, routing to nothing), with its ARN and history. */
function aliasDetail(agentId: string, agentAliasId: string, region: string) {
  const alias = aliasSummaries(agentId)?.find((candidate) => candidate.agentAliasId === agentAliasId);
  if (!alias) return undefined;
  const deployed = alias.agentAliasStatus === 'PREPARED';
  return {
    agentId,
    ...alias,
    agentAliasArn: `arn:aws:bedrock:${region}:${ACCOUNT_ID}:agent-alias/${agentId}/${agentAliasId}`,
    agentAliasHistoryEvents: deployed ? [{ routingConfiguration: alias.routingConfiguration, startDate: alias.createdAt }] : [],
    ...(deployed ? { aliasInvocationState: 'ACCEPT_INVOCATIONS' } : { failureReasons: ['The alias does not point at a prepared version of the agent.'] }),
  };
}

function knowledgeBaseDetail(knowledgeBaseId: string, region: string) {
  const summary = knowledgeBaseSummaries().find((kb) => kb.knowledgeBaseId === knowledgeBaseId);
  if (!summary) return undefined;
  const short = knowledgeBaseId.toLowerCase();
  return {
    ...summary,
    knowledgeBaseArn: `arn:aws:bedrock:${region}:${ACCOUNT_ID}:knowledge-base/${knowledgeBaseId}`,
    roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/service-role/AmazonBedrockExecutionRoleForKnowledgeBase_${short}`,
    knowledgeBaseConfiguration: {
      type: 'VECTOR',
      vectorKnowledgeBaseConfiguration: { embeddingModelArn: `arn:aws:bedrock:${region}::foundation-model/amazon.titan-embed-text-v2:0` },
    },
    storageConfiguration: {
      type: 'OPENSEARCH_SERVERLESS',
      opensearchServerlessConfiguration: {
        collectionArn: `arn:aws:aoss:${region}:${ACCOUNT_ID}:collection/kb-${short}`,
        vectorIndexName: 'bedrock-knowledge-base-default-index',
        fieldMapping: { vectorField: 'bedrock-knowledge-base-default-vector', textField: 'AMAZON_BEDROCK_TEXT_CHUNK', metadataField: 'AMAZON_BEDROCK_METADATA' },
      },
    },
    createdAt: CREATED_AT,
  };
}

export async function startBedrockAgent(options: BedrockAgentOptions): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { region } = options;
  const arn = {
    agent: (agentId: string) => `arn:aws:bedrock:${region}:${ACCOUNT_ID}:agent/${agentId}`,
    alias: (agentId: string, aliasId: string) => `arn:aws:bedrock:${region}:${ACCOUNT_ID}:agent-alias/${agentId}/${aliasId}`,
    kb: (id: string) => `arn:aws:bedrock:${region}:${ACCOUNT_ID}:knowledge-base/${id}`,
  };
  const handle = async (req: AnyRequest, res: AnyResponse): Promise<void> => {
    const raw = await readBody(req);
    const { operation, ids } = route(req.method ?? '', (req.url ?? '/').split('?')[0] ?? '/');
    const signature = await checkSignature(req, res, raw, options.registry, 'bedrock', region);
    if (!signature.ok) return options.stats.inc(`bedrock-agent:${operation}:${signature.name}`);
    const refuse = (status: number, name: string, message: string) => {
      options.stats.inc(`bedrock-agent:${operation}:${name}`);
      sendAwsError(res, status, name, message);
    };
    if (operation === 'Unknown') return refuse(404, 'UnknownOperationException', 'The requested operation is not recognized by the service.');
    const [first = '', second = ''] = ids;
    // The resource IAM checks each action on (none for the lists of a whole account).
    const resource =
      operation === 'GetAgent' || operation === 'ListAgentAliases'
        ? arn.agent(first)
        : operation === 'GetAgentAlias'
          ? arn.alias(first, second)
          : operation === 'GetKnowledgeBase'
            ? arn.kb(first)
            : undefined;
    const refused = refuseByFaults(options.faults, req, res, options.registry, [[`bedrock:${operation}`, resource]]);
    if (refused) return options.stats.inc(`bedrock-agent:${operation}:${refused}`);

    if (operation === 'GetAgent' || operation === 'GetAgentAlias' || operation === 'GetKnowledgeBase') {
      const idField = operation === 'GetKnowledgeBase' ? 'knowledgeBaseId' : 'agentId';
      if (!/^[0-9a-zA-Z]{10}$/.test(first)) {
        return refuse(400, 'ValidationException', `1 validation error detected: Value '${first}' at '${idField}' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z]{10}`);
      }
      if (operation === 'GetAgentAlias' && !/^(TSTALIASID|[0-9a-zA-Z]{10})$/.test(second)) {
        return refuse(400, 'ValidationException', `1 validation error detected: Value '${second}' at 'agentAliasId' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\bTSTALIASID\\b|[0-9a-zA-Z]+)`);
      }
      const found =
        operation === 'GetAgent'
          ? { agent: agentDetail(first, region) }
          : operation === 'GetAgentAlias'
            ? { agentAlias: aliasDetail(first, second, region) }
            : { knowledgeBase: knowledgeBaseDetail(first, region) };
      if (Object.values(found)[0] === undefined) return refuse(404, 'ResourceNotFoundException', NOT_FOUND);
      options.stats.inc(`bedrock-agent:${operation}`);
      return sendJson(res, found);
    }

    let body: { maxResults?: unknown; nextToken?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as typeof body;
    } catch {
      return refuse(400, 'SerializationException', 'Unable to parse the request body.');
    }
    const all = operation === 'ListAgents' ? agentSummaries() : operation === 'ListKnowledgeBases' ? knowledgeBaseSummaries() : aliasSummaries(first);
    if (!all) return refuse(404, 'ResourceNotFoundException', `Agent ${first} not found.`);
    const one = page<unknown>(all, body);
    if (!one) return refuse(400, 'ValidationException', 'The pagination token is invalid.');
    options.stats.inc(`bedrock-agent:${operation}`);
    const field = operation === 'ListAgents' ? 'agentSummaries' : operation === 'ListKnowledgeBases' ? 'knowledgeBaseSummaries' : 'agentAliasSummaries';
    sendJson(res, { [field]: one.items, ...(one.nextToken ? { nextToken: one.nextToken } : {}) });
  };
  const server = await startDualServer('bedrock-agent', options.port, handle, options.log);
  return { endpoint: server.endpoint, close: () => server.close() };
}
