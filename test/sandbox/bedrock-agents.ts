/**
 * The sandbox's Bedrock Agents and knowledge bases: what the control plane
 * lists, and how each scripted agent answers (the trace it writes, the
 * citations, the actions it returns to the caller). Deterministic, so tests
 * and the person trying Strata by hand see the same thing every time.
 */

/** Ten characters, as AWS makes agent, alias and knowledge base ids. */
export const SANDBOX_AGENTS = {
  /** Searches the handbook knowledge base and cites it. */
  librarian: { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Handbook librarian' },
  /** Looks up orders through its action group (a Lambda the service runs). */
  orders: { agentId: 'ORDERDESK1', aliasId: 'ORDLIVE001', name: 'Order desk' },
  /** Cancels an order, but only after the person confirms (USER_CONFIRMATION). */
  cancel: { agentId: 'CANCELDSK1', aliasId: 'CNCLIVE001', name: 'Cancellations' },
  /** Returns control: the app itself answers what time it is where the person is. */
  clock: { agentId: 'CLOCKDESK1', aliasId: 'CLKLIVE001', name: 'Local time' },
  /** Its action group fails (the Lambda errors). */
  broken: { agentId: 'BROKENDSK1', aliasId: 'BRKLIVE001', name: 'Broken tools' },
  /** Blocked by its guardrail: asked anything about investments, it declines. */
  guarded: { agentId: 'GUARDDESK1', aliasId: 'GRDLIVE001', name: 'Guarded assistant' },
} as const;

/** An alias that exists but points at no deployed version. */
export const UNDEPLOYED_ALIAS = { agentId: SANDBOX_AGENTS.librarian.agentId, aliasId: 'LIBDRAFT01' } as const;

export type SandboxAgent = keyof typeof SANDBOX_AGENTS;

export const SANDBOX_KNOWLEDGE_BASES = {
  handbook: { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook', description: 'Policies, leave and travel.' },
  engineering: { knowledgeBaseId: 'KBENGWIKI1', name: 'Engineering wiki', description: 'Runbooks and architecture notes.' },
} as const;

export const AGENT_VERSION = '3';
const UPDATED_AT = '2026-11-02T09:30:00Z';

export function agentSummaries() {
  return Object.values(SANDBOX_AGENTS).map((agent) => ({
    agentId: agent.agentId,
    agentName: agent.name,
    agentStatus: 'PREPARED',
    latestAgentVersion: AGENT_VERSION,
    updatedAt: UPDATED_AT,
    description: `Sandbox agent: ${agent.name}.`,
  }));
}

export function aliasSummaries(agentId: string) {
  const agent = Object.values(SANDBOX_AGENTS).find((candidate) => candidate.agentId === agentId);
  if (!agent) return undefined;
  const live = {
    agentAliasId: agent.aliasId,
    agentAliasName: 'live',
    agentAliasStatus: 'PREPARED',
    routingConfiguration: [{ agentVersion: AGENT_VERSION }],
    createdAt: UPDATED_AT,
    updatedAt: UPDATED_AT,
  };
  const draft =
    agentId === UNDEPLOYED_ALIAS.agentId
      ? [{ agentAliasId: UNDEPLOYED_ALIAS.aliasId, agentAliasName: 'draft', agentAliasStatus: 'FAILED', routingConfiguration: [], createdAt: UPDATED_AT, updatedAt: UPDATED_AT }]
      : [];
  return [live, ...draft];
}

export function knowledgeBaseSummaries() {
  return Object.values(SANDBOX_KNOWLEDGE_BASES).map((kb) => ({ ...kb, status: 'ACTIVE', updatedAt: UPDATED_AT }));
}

/** One retrieved passage, as a knowledge base lookup and a citation name it. */
export function handbookPassages(question: string) {
  return [
    {
      content: { text: 'Employees may carry over up to five days of unused annual leave into the next year.', type: 'TEXT' },
      location: { type: 'S3', s3Location: { uri: 's3://sandbox-handbook/leave-policy.pdf' } },
      metadata: { 'x-amz-bedrock-kb-source-uri': 's3://sandbox-handbook/leave-policy.pdf', page: 4 },
    },
    {
      content: { text: `Carry-over requests are approved by your manager in the HR portal (asked: ${question.slice(0, 60)}).`, type: 'TEXT' },
      location: { type: 'WEB', webLocation: { url: 'https://intranet.example.com/hr/leave' } },
      metadata: { 'x-amz-bedrock-kb-source-uri': 'https://intranet.example.com/hr/leave' },
    },
  ];
}
