import type { Message } from '@aws-sdk/client-bedrock-runtime';
import type { ChatMessage } from '../../preload/contract';

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
