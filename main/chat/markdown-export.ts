/** A conversation as a Markdown document a person can keep, share or print. */
import type { AgentAnswer, AnsweredAs, ChatMessage, Conversation } from '../../preload/contract';
import { decisionWords } from '../agents/agent-answer';
import { describePrincipal } from '../auth/principal';

export interface ExportOptions {
  modelName?: (modelId: string) => string;
  exportedAt?: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function conversationToMarkdown(conversation: Conversation, options: ExportOptions = {}): string {
  const name = (id: string) => options.modelName?.(id) ?? id;
  const lines: string[] = [`# ${conversation.title}`, ''];
  const { agent, knowledgeBase } = conversation.settings;
  const meta = [
    agent ? `Agent: ${agent.name} (${agent.agentId}, alias ${agent.aliasId})` : undefined,
    knowledgeBase ? `Knowledge base: ${knowledgeBase.name} (${knowledgeBase.knowledgeBaseId})` : undefined,
    !agent && conversation.settings.modelId ? `Model: ${name(conversation.settings.modelId)}` : undefined,
    `Started ${day(conversation.createdAt)}`,
    `Exported ${day(options.exportedAt ?? Date.now())} from Strata`,
  ].filter(Boolean);
  lines.push(`_${meta.join(' · ')}_`, '');
  if (conversation.settings.systemPrompt.trim()) {
    lines.push('## Instructions', '', ...conversation.settings.systemPrompt.trim().split('\n').map((l) => `> ${l}`), '');
  }
  for (const message of conversation.messages) lines.push(...messageLines(message, name), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function messageLines(message: ChatMessage, name: (id: string) => string): string[] {
  if (message.role === 'user') return ['## You', '', message.text];
  const lines = [`## ${message.agent?.name ?? 'Assistant'}`, ''];
  if (message.reasoning?.trim()) {
    lines.push('<details><summary>Thinking</summary>', '', message.reasoning.trim(), '', '</details>', '');
  }
  if (message.agent) {
    // An agent's turn may carry no text (it only handed back an action): then no empty paragraph.
    const extra = agentLines(message.agent);
    if (message.text) lines.push(withCitationMarks(message.text, message.agent));
    else if (extra[0] === '') extra.shift();
    lines.push(...extra);
  } else {
    lines.push(message.text);
  }
  if (message.guardrail) lines.push('', `> **Guardrail:** ${message.guardrail.message}`);
  if (message.status !== 'complete') {
    lines.push('', `*(interrupted${message.error ? `: ${message.error.message}` : ''})*`);
  }
  const facts = [
    message.modelId ? name(message.modelId) : undefined,
    message.answeredAs ? answeredAsText(message.answeredAs) : undefined,
    message.usage ? `${message.usage.inputTokens} tokens in, ${message.usage.outputTokens} out` : undefined,
    message.latencyMs !== undefined ? `${(message.latencyMs / 1000).toFixed(1)} s` : undefined,
  ].filter(Boolean);
  if (facts.length) lines.push('', `_${facts.join(' · ')}_`);
  return lines;
}

/** The answer with "[n]" after each sentence a source supports. */
function withCitationMarks(text: string, agent: AgentAnswer): string {
  let marked = text;
  for (const citation of [...agent.citations].sort((a, b) => b.end - a.end)) {
    const end = Math.min(citation.end, marked.length);
    marked = `${marked.slice(0, end)} ${citation.sources.map((n) => `[${n}]`).join('')}${marked.slice(end)}`;
  }
  return marked;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** An agent's sources, its action and what became of it, and its trace as a collapsed section. */
function agentLines(agent: AgentAnswer): string[] {
  const lines: string[] = [];
  if (agent.sources.length) {
    lines.push('', '**Sources**', '');
    for (const source of agent.sources) lines.push(`${source.number}. ${source.location}${source.passage ? ` — “${oneLine(source.passage)}”` : ''}`);
  }
  if (agent.action) {
    const { action } = agent;
    const parameters = action.parameters.map((p) => `${p.name} = ${JSON.stringify(p.value)}`).join(', ');
    const asked = action.kind === 'confirm' ? 'Asked to run' : 'Asked you for';
    const outcome = agent.decision ? decisionWords(agent.decision) : 'Waiting for your answer.';
    lines.push('', `**Action:** ${asked} \`${action.operation}\` (${action.actionGroup})${parameters ? ` with ${parameters}` : ''}. ${outcome}`);
  }
  if (agent.steps.length) {
    lines.push('', `<details><summary>What the agent did (${agent.steps.length} ${agent.steps.length === 1 ? 'step' : 'steps'})</summary>`, '');
    agent.steps.forEach((step, index) => {
      const measured = [
        step.usage ? `${step.usage.inputTokens} tokens in, ${step.usage.outputTokens} out` : undefined,
        step.ms !== undefined ? `${step.ms} ms` : undefined,
      ].filter(Boolean);
      lines.push(`${index + 1}. ${oneLine(step.title)}${step.result ? ` → ${oneLine(step.result)}` : ''}${measured.length ? ` _(${measured.join(', ')})_` : ''}`);
    });
    lines.push('', '</details>');
  }
  return lines;
}

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** A file name that is safe on Windows, macOS and Linux, from the title. */
export function exportFileName(conversation: Pick<Conversation, 'title'>): string {
  let base = conversation.title
    // eslint-disable-next-line no-control-regex -- control characters are not allowed in file names
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 80)
    .trim();
  if (!base || RESERVED.test(base)) base = base ? `${base} conversation` : 'Conversation';
  return `${base}.md`;
}

/** "company account, role StrataAuthenticated, us-east-1": whom the answer was asked as. */
export function answeredAsText(answeredAs: AnsweredAs): string {
  if (answeredAs.source === 'api-key') return `Bedrock API key${answeredAs.key ? ` ending ${answeredAs.key}` : ''}, ${answeredAs.region}`;
  const source =
    answeredAs.source === 'profile' ? `AWS profile ${answeredAs.profile ?? ''}` : answeredAs.source === 'environment' ? "this computer's AWS credentials" : 'company account';
  return `${source}, ${describePrincipal(answeredAs.arn)}, ${answeredAs.region}`;
}
