import type { ConverseCommandInput, ConverseStreamCommandInput, Message } from '@aws-sdk/client-bedrock-runtime';
import type { ChatMessage, ConversationSettings } from '../../preload/contract';
import type { RequiredGuardrail } from '../settings/policy-rules';
import { converseGuardrail, converseStreamGuardrail } from './guardrail';

/**
 * The conversation as Bedrock's Converse API accepts it: user and assistant
 * turns alternating, starting and ending with the person. Answers that were
 * cut off before any text are left out, and turns of the same role that
 * follow each other (a question asked again after a failure) are joined.
 */
export function toBedrockMessages(history: readonly ChatMessage[]): Message[] {
  const turns: Array<{ role: 'user' | 'assistant'; texts: string[] }> = [];
  for (const message of history) {
    if (!message.text.trim()) continue;
    const last = turns.at(-1);
    if (last?.role === message.role) last.texts.push(message.text);
    else turns.push({ role: message.role, texts: [message.text] });
  }
  while (turns[0]?.role === 'assistant') turns.shift();
  while (turns.at(-1)?.role === 'assistant') turns.pop();
  return turns.map((turn) => ({ role: turn.role, content: [{ text: turn.texts.join('\n\n') }] }));
}

type RequestSettings = Pick<ConversationSettings, 'modelId' | 'systemPrompt' | 'temperature' | 'maxTokens'>;

/** One Converse request for the conversation, with the guardrail the organization requires, if any. */
export function converseRequest(settings: RequestSettings, history: readonly ChatMessage[], guardrail?: RequiredGuardrail): ConverseCommandInput {
  return {
    modelId: settings.modelId,
    messages: toBedrockMessages(history),
    ...(settings.systemPrompt.trim() ? { system: [{ text: settings.systemPrompt }] } : {}),
    ...(settings.temperature !== undefined || settings.maxTokens !== undefined
      ? { inferenceConfig: { temperature: settings.temperature, maxTokens: settings.maxTokens } }
      : {}),
    ...(guardrail ? { guardrailConfig: converseGuardrail(guardrail) } : {}),
  };
}

/** The same as a ConverseStream request. */
export function converseStreamRequest(settings: RequestSettings, history: readonly ChatMessage[], guardrail?: RequiredGuardrail): ConverseStreamCommandInput {
  return { ...converseRequest(settings, history), ...(guardrail ? { guardrailConfig: converseStreamGuardrail(guardrail) } : {}) };
}
