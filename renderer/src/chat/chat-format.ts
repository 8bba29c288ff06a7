/** Words and numbers for the chat, kept pure so they can be tested. */
import type { CatalogModel, ChatMessage, ModelCatalog } from '../../../preload/contract';
import { describeArn } from '../session/session-format';

export function formatRelativeTime(at: number, now = Date.now()): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

const STOP_REASONS: Record<string, string> = {
  max_tokens: 'Stopped: reached the max tokens limit',
  stop_sequence: 'Stopped at a stop sequence',
  guardrail_intervened: 'Stopped by a guardrail',
  content_filtered: 'Stopped by the content filter',
};

/** Why an answer ended, when it is worth saying. */
export function stopReasonText(message: ChatMessage): string | null {
  // A stop by the person is said above the footer, in the answer itself.
  if (!message.stopReason || message.stopReason === 'end_turn' || message.stopReason === 'stopped') return null;
  // The guardrail's own notice under the answer says what it did.
  if (message.stopReason === 'guardrail_intervened' && message.guardrail) return null;
  return STOP_REASONS[message.stopReason] ?? `Stopped: ${message.stopReason.replace(/_/g, ' ')}`;
}

/** "123 in · 456 out · 2.1 s" */
export function usageText(message: ChatMessage): string | null {
  const parts: string[] = [];
  if (message.usage) parts.push(`${message.usage.inputTokens.toLocaleString()} in · ${message.usage.outputTokens.toLocaleString()} out tokens`);
  if (message.latencyMs !== undefined) parts.push(`${(message.latencyMs / 1000).toFixed(1)} s`);
  return parts.length ? parts.join(' · ') : null;
}

/** "Asked with your company account as Strata-Users, in us-east-1": whom an answer was asked as, if kept. */
export function answeredAsText(message: ChatMessage): string | null {
  if (!message.answeredAs) return null;
  const { arn, region, source, profile, key } = message.answeredAs;
  if (source === 'api-key') return `Asked with your Bedrock API key${key ? ` ending ${key}` : ''}, in ${region}`;
  const via = source === 'profile' ? `the AWS profile “${profile ?? ''}”` : source === 'environment' ? "this computer's AWS credentials" : 'your company account';
  return `Asked with ${via} as ${describeArn(arn).name}, in ${region}`;
}

/** A catalog entry as the picker shows it. */
export function modelLabel(model: CatalogModel): string {
  if (model.via === 'application-profile') return `${model.name} (company profile)`;
  if (model.via === 'system-profile') return `${model.name} (inference profile)`;
  return model.name;
}

export function findModel(catalog: ModelCatalog | null, id: string): CatalogModel | undefined {
  return catalog?.groups.flatMap((g) => g.models).find((m) => m.id === id);
}
