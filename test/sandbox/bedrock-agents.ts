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

/**
 * For the benchmark (test/bench): an agent that works through many steps — its orchestration's
 * model calls with usage, rationale, an action group and a knowledge base in turn — while its
 * answer (a few KB of Markdown with a code block) streams in between. Reachable by its ids only:
 * ListAgents and ListAgentAliases do not list it, so what the other agents' tests count stays.
 */
export const BENCH_TRACE_AGENT = { agentId: 'TRACEDESK1', aliasId: 'TRCLIVE001', name: 'Trace desk' } as const;

/** The trace events in each of its answers, unless the question asks for another number ("… with 50 trace events"); at least 8. */
export const BENCH_TRACE_EVENTS = 200;

/** How many trace events a question asks the trace agent for. */
export function benchTraceEvents(question: string): number {
  const asked = /\b(\d{1,4}) trace events\b/.exec(question)?.[1];
  return Math.max(8, asked ? Number(asked) : BENCH_TRACE_EVENTS);
}

/** The trace agent's answer: the same few KB of Markdown every time, plain ASCII, ending with a closed code block. */
export function benchTraceAnswer(): string {
  const services = ['orders', 'inventory', 'billing', 'shipping', 'returns', 'accounts', 'search', 'payments', 'notifications', 'reports'];
  const prose = services
    .map(
      (service, i) =>
        `## Step ${i + 1}: ${service}\n\n` +
        `I looked up the **${service}** records through the action group and checked them against the runbook in the ` +
        `knowledge base. The ${service} queue had ${120 + i * 37} messages waiting, ${i + 2} consumers and a lag of ` +
        `${(1.5 + i * 0.7).toFixed(1)} seconds, which is within the runbook's limit of \`${10 + i} s\`.\n\n` +
        `- Retries: ${i * 3} in the last hour, all succeeded on the second attempt.\n` +
        `- Dead letters: ${i % 3}, kept for review.\n` +
        `- Next check: in ${15 + i * 5} minutes.\n`,
    )
    .join('\n');
  const code = [
    '```typescript',
    'export function withinLimits(queues: Array<{ name: string; lagSeconds: number; limitSeconds: number }>): string[] {',
    '  const late: string[] = [];',
    ...services.map((service, i) => `  // ${service}: limit ${10 + i} s`),
    '  for (const queue of queues) {',
    '    if (queue.lagSeconds > queue.limitSeconds) late.push(`${queue.name} is ${queue.lagSeconds - queue.limitSeconds} s late`);',
    '  }',
    '  return late;',
    '}',
    '```',
  ].join('\n');
  return `Here is what I found, service by service.\n\n${prose}\nThe check I ran, if you want to run it yourself:\n\n${code}\n\nAll ${services.length} services are within their limits.\n`;
}
