/**
 * A conversation as the list shows it, read from the database: shared by the
 * store and the search thread (search-worker.ts), so both describe a
 * conversation the same way.
 */
import type { ConversationSummary } from '../../preload/contract';

export interface ConversationRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  model_id: string;
  message_count: number;
  last_text: string | null;
}

/** The columns of a ConversationRow, selected from `conversations c`. */
export const SUMMARY_COLUMNS = `c.id, c.title, c.created_at, c.updated_at, c.model_id,
  (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count,
  (SELECT substr(m.text, 1, 2000) FROM messages m WHERE m.conversation_id = c.id ORDER BY m.position DESC LIMIT 1) AS last_text`;

export function summaryOf(row: ConversationRow): ConversationSummary {
  // Plain words for the list: no Markdown marks.
  const preview = (row.last_text ?? '')
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/[#*_`>|~[\]]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return {
    id: row.id,
    title: row.title,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    modelId: row.model_id,
    messageCount: Number(row.message_count),
    preview,
  };
}
