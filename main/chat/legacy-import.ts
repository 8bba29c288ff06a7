/**
 * The one-time move from older Strata's conversation files (one JSON file
 * each, schema version 1, in <userData>/conversations) into the database.
 * Each file is imported whole or not at all (a savepoint of its own, in
 * transactions of up to 25 files, between which the app runs); the folder stays where it is
 * until every file has been dealt with, then is renamed aside as a backup.
 * Damaged files and files from a newer Strata are kept untouched, and the
 * person is told.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { conversationSettingsSchema, type Notice } from '../../preload/contract';
import type { ImportedConversation, ImportOutcome } from './conversation-store';

/** The version of the JSON files this Strata can read. */
export const LEGACY_SCHEMA_VERSION = 1;

const appErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  action: z.string().optional(),
  details: z.string().optional(),
  fix: z.object({ kind: z.literal('use-model'), modelId: z.string(), label: z.string() }).optional(),
});

const messageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  createdAt: z.number(),
  reasoning: z.string().optional(),
  status: z.enum(['complete', 'streaming', 'interrupted']),
  error: appErrorSchema.optional(),
  modelId: z.string().optional(),
  stopReason: z.string().optional(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), totalTokens: z.number() }).optional(),
  latencyMs: z.number().optional(),
});

/** Settings as stored: a conversation may exist before any model is chosen. */
export const storedSettingsSchema = conversationSettingsSchema.extend({ modelId: z.string().max(2048) });

const fileSchema = z.object({
  schemaVersion: z.literal(LEGACY_SCHEMA_VERSION),
  conversation: z.object({
    id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    title: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
    settings: storedSettingsSchema,
    messages: z.array(messageSchema),
  }),
});

export interface ImportOptions {
  stamp: string;
  log: (message: string) => void;
  notice: (notice: Notice) => void;
  /** Saves a batch of conversations, each whole or not at all. */
  insert: (batch: ImportedConversation[]) => ImportOutcome[];
  afterImport?: (files: string[]) => void;
  batchSize?: number;
  /** True once the store is closed: the import stops where it is and carries on next time. */
  stopped: () => boolean;
}

/**
 * Imports every conversation file in `directory`, then renames the folder
 * aside; does nothing if there is no folder. Between batches it lets the app
 * run, so a long history doesn't hold up the window.
 */
export async function importLegacyConversations(directory: string, options: ImportOptions): Promise<void> {
  let entries: fs.Dirent[];
  try {
    if (!fs.statSync(directory).isDirectory()) return;
    entries = fs.readdirSync(directory, { withFileTypes: true });
  } catch {
    return;
  }
  const damaged: string[] = [];
  const newer: string[] = [];
  let imported = 0;
  let batch: Array<{ name: string; conversation: ImportedConversation }> = [];
  const save = () => {
    if (!batch.length) return;
    const outcomes = options.insert(batch.map((b) => b.conversation));
    outcomes.forEach((outcome, i) => {
      if (outcome.kind === 'imported') imported++;
      if (outcome.kind !== 'rejected') return;
      damaged.push(batch[i]!.name);
      options.log(`${batch[i]!.name} could not be imported: ${outcome.reason}`);
    });
    const files = batch.map((b) => path.join(directory, b.name));
    batch = [];
    options.afterImport?.(files);
  };
  try {
    for (const entry of entries) {
      // Temp files, folders and anything else are not conversations (an older Strata set damaged ones aside as *.corrupt-*.json).
      if (!entry.isFile() || !entry.name.endsWith('.json') || entry.name.includes('.corrupt-')) continue;
      const read = readFile(path.join(directory, entry.name));
      if (read.kind === 'damaged') {
        damaged.push(entry.name);
        options.log(`${entry.name} could not be imported: ${read.reason}`);
      } else if (read.kind === 'newer') {
        newer.push(entry.name);
        options.log(`${entry.name} was written by a newer Strata (schema ${read.version}); left as it is`);
      } else {
        batch.push({ name: entry.name, conversation: read.conversation });
        if (batch.length < (options.batchSize ?? 25)) continue;
        save();
        await new Promise((resolve) => setImmediate(resolve));
        if (options.stopped()) return;
      }
    }
    save();
  } catch (err) {
    // The folder stays where it is, so the next start carries on from here.
    options.log(`importing conversations stopped: ${err instanceof Error ? err.message : String(err)}`);
    options.notice({
      id: 'conversations-import-stopped',
      level: 'warning',
      message: `Strata couldn't finish bringing your saved conversations over; it will try again next time it starts. Your files are untouched in ${directory}.`,
    });
    return;
  }

  const backup = `${directory}.imported-${options.stamp}`;
  let kept = directory;
  try {
    fs.renameSync(directory, backup);
    kept = backup;
  } catch (err) {
    options.log(`could not rename ${directory} after importing: ${err instanceof Error ? err.message : String(err)}`);
  }
  options.log(`imported ${imported} conversations from ${directory}; the files are kept in ${kept}`);
  if (damaged.length || newer.length) {
    const parts = [
      damaged.length ? `${damaged.length} damaged (${damaged.slice(0, 5).join(', ')}${damaged.length > 5 ? ', …' : ''})` : '',
      newer.length ? `${newer.length} from a newer version of Strata (${newer.slice(0, 5).join(', ')}${newer.length > 5 ? ', …' : ''})` : '',
    ].filter(Boolean);
    options.notice({
      id: 'conversations-import-skipped',
      level: 'warning',
      message: `Some saved conversations couldn't be brought over: ${parts.join('; ')}. They are kept, unchanged, in ${kept}.`,
    });
  }
}

type ReadResult =
  | { kind: 'ok'; conversation: ImportedConversation }
  | { kind: 'damaged'; reason: string }
  | { kind: 'newer'; version: number };

function readFile(file: string): ReadResult {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { kind: 'damaged', reason: String(err).slice(0, 200) };
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > LEGACY_SCHEMA_VERSION) return { kind: 'newer', version };
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'damaged', reason: parsed.error.message.slice(0, 200) };
  if (`${parsed.data.conversation.id}.json` !== path.basename(file)) return { kind: 'damaged', reason: 'the id does not match the file name' };
  return { kind: 'ok', conversation: parsed.data.conversation as ImportedConversation };
}
