/**
 * The person's conversations, in one SQLite database (see database.ts).
 * Every change is one transaction, so a crash at any moment leaves each
 * conversation as it was before or after it. A streaming checkpoint writes
 * only the growing message's row; listeners hear which conversations changed,
 * never the whole list.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import {
  type ChatMessage,
  type Conversation,
  type ConversationPage,
  type ConversationSettings,
  type ConversationSettingsPatch,
  type ConversationsChange,
  type ConversationSummary,
  type Notice,
} from '../../preload/contract';
import { StrataError } from '../errors';
import { openDatabase } from './database';
import { importLegacyConversations, storedSettingsSchema } from './legacy-import';
import { SearchThread } from './search-thread';
import { SUMMARY_COLUMNS, summaryOf, type ConversationRow } from './summaries';

export const DEFAULT_TITLE = 'New conversation';
export const PAGE_SIZE = 100;
const ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

export interface ConversationStoreOptions {
  /** The database file, e.g. <userData>/strata.db. */
  file: string;
  /** The folder where older Strata kept one JSON file per conversation; imported once, then renamed aside. */
  legacyDirectory?: string;
  now?: () => number;
  newId?: () => string;
  log?: (message: string) => void;
  /** Tells the person something about their conversations (shown in Settings). */
  notice?: (notice: Notice) => void;
  /** Tests only: runs after each batch of imported files is saved. */
  afterImport?: (files: string[]) => void;
  /** How many files are imported per transaction (25: a batch holds the main process about a tenth of a second). */
  importBatchSize?: number;
  /** Tests only: hears how many index rows a search stepped through before it stopped. */
  afterSearchStopped?: (rows: number) => void;
}

type MessagePatch = Partial<Omit<ChatMessage, 'id' | 'role'>>;

interface MessageRow {
  id: string;
  role: ChatMessage['role'];
  text: string;
  reasoning: string | null;
  status: ChatMessage['status'];
  created_at: number;
  extra: string;
}

/** The optional message fields kept as JSON in messages.extra (a new one needs no migration: older rows just lack it). */
const EXTRA_KEYS = ['error', 'modelId', 'answeredAs', 'stopReason', 'usage', 'latencyMs', 'agent', 'guardrail'] as const;

export class ConversationStore {
  private readonly listeners = new Set<(change: ConversationsChange) => void>();
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly log: (message: string) => void;
  private readonly db: DatabaseSync | undefined;
  /** Searches run here, on their own connection, off the main thread. */
  private readonly searching: SearchThread | undefined;
  /** Why conversations are unavailable, when the database could not be opened. */
  private readonly unavailable: StrataError | undefined;

  constructor(options: ConversationStoreOptions) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.log = options.log ?? (() => {});
    const notice = options.notice ?? (() => {});
    const opened = openDatabase(options.file, () => stampOf(this.now()));
    if (opened.setAside) {
      this.log(`the conversations database was damaged and was set aside as ${opened.setAside}`);
      notice({
        id: 'conversations-database-damaged',
        level: 'warning',
        message: `Strata's conversation file was damaged, so Strata started a new one. The damaged file is kept as ${opened.setAside}.`,
      });
    }
    if (!opened.ok) {
      this.unavailable =
        opened.problem.kind === 'newer'
          ? new StrataError('storage-failed', 'Your conversations were saved by a newer version of Strata, so this version can’t open them.', {
              action: 'Update Strata to see your conversations. They have not been changed.',
            })
          : new StrataError('storage-failed', 'Strata couldn’t open your conversations.', {
              action: 'Check that the disk is available and has free space, then restart Strata.',
              details: messageOf(opened.problem.error),
            });
      this.log(`conversations unavailable: ${this.unavailable.message} ${this.unavailable.details ?? ''}`);
      notice({ id: 'conversations-unavailable', level: 'warning', message: `${this.unavailable.message} ${this.unavailable.action}` });
      return;
    }
    this.db = opened.db;
    this.searching = new SearchThread({ file: options.file, log: this.log, afterStopped: options.afterSearchStopped });
    this.interruptLeftoverAnswers();
    if (options.legacyDirectory) {
      this.imported = importLegacyConversations(options.legacyDirectory, {
        stamp: stampOf(this.now()),
        log: this.log,
        notice,
        afterImport: options.afterImport,
        batchSize: options.importBatchSize,
        stopped: () => !this.db?.isOpen,
        insert: (batch) => {
          const outcomes = this.insertImported(batch);
          this.changed(batch.filter((_, i) => outcomes[i]!.kind === 'imported').map((c) => c.id));
          return outcomes;
        },
      });
    }
  }

  /** Resolves once the conversation files of an older Strata are imported (at once when there are none). */
  readonly imported: Promise<void> = Promise.resolve();

  /** One page of summaries, newest first. */
  list(options: { cursor?: string; limit?: number } = {}): ConversationPage {
    const db = this.database();
    const limit = pageSize(options.limit);
    const after = parseListCursor(options.cursor);
    const rows = this.all<ConversationRow>(
      db,
      `SELECT ${SUMMARY_COLUMNS} FROM conversations c
       ${after ? 'WHERE (c.updated_at, c.id) < (?, ?)' : ''}
       ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`,
      ...(after ? [after.updatedAt, after.id] : []),
      limit + 1,
    );
    const items = rows.slice(0, limit).map(summaryOf);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? `${last.updatedAt}:${last.id}` : null };
  }

  /**
   * One page of the conversations matching `query`, best first, each with
   * its snippet (see conversation-search.ts). It runs off the main thread
   * and sees every change saved before it was asked; once `signal` aborts,
   * it stops and fails with 'superseded'.
   */
  async search(query: string, options: { cursor?: string; limit?: number; signal?: AbortSignal } = {}): Promise<ConversationPage> {
    this.database();
    const { cursor, signal } = options;
    try {
      return await this.searching!.search(query, { cursor, limit: pageSize(options.limit) }, signal);
    } catch (err) {
      if (signal?.aborted) throw new StrataError('superseded', 'A newer search replaced this one.');
      throw storageFailed(err, "Strata couldn't read your conversations.");
    }
  }

  get(id: string): Conversation {
    const db = this.database();
    const summary = this.summary(db, id);
    const messages = this.all<MessageRow>(db, 'SELECT * FROM messages WHERE conversation_id = ? ORDER BY position', id).map(fromRow);
    return { ...summary, settings: this.settings(id), messages };
  }

  /** A conversation's settings alone, without reading its messages. */
  settings(id: string): ConversationSettings {
    const row = ID_PATTERN.test(id) ? this.one<{ settings: string }>(this.database(), 'SELECT settings FROM conversations WHERE id = ?', id) : undefined;
    if (!row) throw notFound();
    return JSON.parse(row.settings) as ConversationSettings;
  }

  create(settings: ConversationSettings): Conversation {
    const db = this.database();
    const stored = storedSettingsSchema.parse(settings);
    const now = this.now();
    const id = this.newId();
    this.write(() => {
      db.prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, model_id, settings, search_key)
         VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(search_key), 0) + 1 FROM conversations))`,
      ).run(id, DEFAULT_TITLE, now, now, stored.modelId, JSON.stringify(stored));
    });
    this.changed([id]);
    return this.get(id);
  }

  rename(id: string, title: string): ConversationSummary {
    const db = this.database();
    this.touch(db, id, () => {
      db.prepare('UPDATE conversations SET title = ? WHERE id = ?').run(title.trim() || DEFAULT_TITLE, id);
    });
    this.changed([id]);
    return this.summary(db, id);
  }

  /** Changes settings: absent keys stay, null clears one (see applySettingsPatch). */
  updateSettings(id: string, patch: ConversationSettingsPatch): Conversation {
    const db = this.database();
    const next = storedSettingsSchema.parse(applySettingsPatch(this.settings(id), patch));
    this.touch(db, id, () => {
      db.prepare('UPDATE conversations SET settings = ?, model_id = ? WHERE id = ?').run(JSON.stringify(next), next.modelId, id);
    });
    this.changed([id]);
    return this.get(id);
  }

  delete(id: string): void {
    const db = this.database();
    this.summary(db, id);
    // Messages and their search entries go with it (ON DELETE CASCADE, triggers).
    this.write(() => db.prepare('DELETE FROM conversations WHERE id = ?').run(id));
    this.notify({ changed: [], removed: [id] });
  }

  appendMessage(id: string, message: ChatMessage): Conversation {
    const db = this.database();
    this.touch(db, id, () => {
      db.prepare(
        `INSERT INTO messages (id, conversation_id, position, role, text, reasoning, status, created_at, extra)
         VALUES (?, ?, (SELECT coalesce(max(position), -1) + 1 FROM messages WHERE conversation_id = ?), ?, ?, ?, ?, ?, ?)`,
      ).run(message.id, id, id, message.role, message.text, message.reasoning ?? null, message.status, message.createdAt, extraOf(message));
      if (message.role === 'user') {
        db.prepare('UPDATE conversations SET title = ? WHERE id = ? AND title = ?').run(titleFrom(message.text), id, DEFAULT_TITLE);
      }
    });
    this.changed([id]);
    return this.get(id);
  }

  /**
   * Changes one message and returns it as saved. While an answer streams
   * (it stays 'streaming'), this is one UPDATE of the message's row: the
   * conversation, the search index and the listeners hear of it when it ends.
   */
  updateMessage(id: string, messageId: string, patch: MessagePatch): ChatMessage {
    const db = this.database();
    const row = this.one<MessageRow>(db, 'SELECT * FROM messages WHERE conversation_id = ? AND id = ?', id, messageId);
    if (!row) throw notFound();
    const before = fromRow(row);
    const next = dropUndefined({ ...before, ...patch });
    const checkpoint = before.status === 'streaming' && next.status === 'streaming';
    const save = () => {
      db.prepare('UPDATE messages SET text = ?, reasoning = ?, status = ?, extra = ? WHERE conversation_id = ? AND id = ?').run(
        next.text,
        next.reasoning ?? null,
        next.status,
        extraOf(next),
        id,
        messageId,
      );
    };
    if (checkpoint) {
      this.write(save);
      return next;
    }
    this.touch(db, id, save);
    this.changed([id]);
    return next;
  }

  /** Answers whose agent handed back an action nobody has answered yet, in every conversation (or in one). */
  pendingActions(conversationId?: string): Array<{ conversationId: string; message: ChatMessage }> {
    const db = this.database();
    const pending = `role = 'assistant' AND json_extract(extra, '$.agent.action') IS NOT NULL AND json_extract(extra, '$.agent.decision') IS NULL`;
    const rows =
      conversationId === undefined
        ? this.all<MessageRow & { conversation_id: string }>(db, `SELECT * FROM messages WHERE ${pending}`)
        : this.all<MessageRow & { conversation_id: string }>(db, `SELECT * FROM messages WHERE conversation_id = ? AND ${pending}`, conversationId);
    return rows.map((row) => ({ conversationId: row.conversation_id, message: fromRow(row) }));
  }

  removeMessage(id: string, messageId: string): Conversation {
    const db = this.database();
    this.touch(db, id, () => {
      db.prepare('DELETE FROM messages WHERE conversation_id = ? AND id = ?').run(id, messageId);
    });
    this.changed([id]);
    return this.get(id);
  }

  /** Starts the search thread ahead of the first search (nothing when conversations are unavailable). */
  prepareSearch(): void {
    this.searching?.start();
  }

  /** Calls `listener` with the conversations that changed or went; returns the unsubscribe. */
  onChange(listener: (change: ConversationsChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Closes the database (tests and shutdown), and the search thread's connection with it. */
  close(): void {
    this.searching?.close();
    if (this.db?.isOpen) this.db.close();
  }

  private database(): DatabaseSync {
    if (!this.db) throw this.unavailable!;
    return this.db;
  }

  private summary(db: DatabaseSync, id: string): ConversationSummary {
    const row = ID_PATTERN.test(id) ? this.one<ConversationRow>(db, `SELECT ${SUMMARY_COLUMNS} FROM conversations c WHERE c.id = ?`, id) : undefined;
    if (!row) throw notFound();
    return summaryOf(row);
  }

  /** Runs `change` and moves the conversation to the top of the list, in one transaction. */
  private touch(db: DatabaseSync, id: string, change: () => void): void {
    this.summary(db, id);
    this.write(() => {
      change();
      db.prepare('UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?').run(this.now(), id);
    });
  }

  /** One transaction; a failure rolls back and becomes the plain-words storage error. */
  private write(change: () => void): void {
    const db = this.database();
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        change();
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    } catch (err) {
      if (err instanceof StrataError) throw err;
      throw storageFailed(err);
    }
  }

  /**
   * Saves conversations from an older Strata's JSON files: one transaction
   * for the batch (many small FTS5 transactions are slow), one savepoint per
   * conversation, so each is saved whole or not at all. One already here (an
   * import that stopped part-way) is left as it is.
   */
  private insertImported(batch: ImportedConversation[]): ImportOutcome[] {
    const db = this.database();
    const outcomes: ImportOutcome[] = [];
    this.write(() => {
      const exists = db.prepare('SELECT 1 AS found FROM conversations WHERE id = ?');
      const conversation = db.prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, model_id, settings, search_key)
         VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(search_key), 0) + 1 FROM conversations))`,
      );
      const insert = db.prepare(
        `INSERT INTO messages (id, conversation_id, position, role, text, reasoning, status, created_at, extra)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const c of batch) {
        if (exists.get(c.id)) {
          outcomes.push({ kind: 'present' });
          continue;
        }
        db.exec('SAVEPOINT imported');
        try {
          conversation.run(c.id, c.title, c.createdAt, c.updatedAt, c.settings.modelId, JSON.stringify(c.settings));
          c.messages.forEach((m, position) => {
            const message = m.status === 'streaming' ? interrupted(m) : m;
            insert.run(m.id, c.id, position, m.role, m.text, m.reasoning ?? null, message.status, m.createdAt, extraOf(message));
          });
          db.exec('RELEASE imported');
          outcomes.push({ kind: 'imported' });
        } catch (err) {
          db.exec('ROLLBACK TO imported');
          db.exec('RELEASE imported');
          // The file's own contents were refused (e.g. two messages with one id): that file is damaged, the rest go on.
          if (((err as { errcode?: number }).errcode ?? 0) % 256 !== SQLITE_CONSTRAINT) throw err;
          outcomes.push({ kind: 'rejected', reason: messageOf(err) });
        }
      }
    });
    return outcomes;
  }

  /** Strata closed while these answers were arriving: keep what arrived, say why it stops there. */
  private interruptLeftoverAnswers(): void {
    const db = this.database();
    const rows = this.all<MessageRow & { conversation_id: string }>(db, "SELECT * FROM messages WHERE status = 'streaming'");
    if (!rows.length) return;
    try {
      this.write(() => {
        const update = db.prepare('UPDATE messages SET status = ?, extra = ? WHERE conversation_id = ? AND id = ?');
        for (const row of rows) {
          const message = interrupted(fromRow(row));
          update.run(message.status, extraOf(message), row.conversation_id, row.id);
        }
      });
    } catch (err) {
      this.log(`could not mark unfinished answers as interrupted: ${messageOf(err)}`);
    }
  }

  private changed(ids: string[]): void {
    if (!this.listeners.size || !ids.length) return;
    const db = this.database();
    const changed = ids.flatMap((id) => {
      const row = this.one<ConversationRow>(db, `SELECT ${SUMMARY_COLUMNS} FROM conversations c WHERE c.id = ?`, id);
      return row ? [summaryOf(row)] : [];
    });
    this.notify({ changed, removed: [] });
  }

  private notify(change: ConversationsChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  private one<T>(db: DatabaseSync, sql: string, ...params: Array<string | number>): T | undefined {
    try {
      return db.prepare(sql).get(...params) as T | undefined;
    } catch (err) {
      throw storageFailed(err, "Strata couldn't read your conversations.");
    }
  }

  private all<T>(db: DatabaseSync, sql: string, ...params: Array<string | number>): T[] {
    try {
      return db.prepare(sql).all(...params) as T[];
    } catch (err) {
      throw storageFailed(err, "Strata couldn't read your conversations.");
    }
  }
}

/** What became of one imported conversation. */
export type ImportOutcome = { kind: 'imported' } | { kind: 'present' } | { kind: 'rejected'; reason: string };

const SQLITE_CONSTRAINT = 19;

/** A conversation as older Strata saved it in a JSON file (schema version 1). */
export interface ImportedConversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  settings: ConversationSettings & { modelId: string };
  messages: ChatMessage[];
}

const notFound = () =>
  new StrataError('conversation-not-found', "That conversation doesn't exist any more.", {
    action: 'Pick another conversation from the list.',
  });

const storageFailed = (err: unknown, message = "Strata couldn't save your conversation.") =>
  new StrataError('storage-failed', message, {
    action: 'Check that your disk has free space, then try again.',
    details: messageOf(err),
    cause: err,
  });

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A file-name-safe time stamp. */
const stampOf = (time: number) => new Date(time).toISOString().replace(/[:.]/g, '-');

function interrupted(message: ChatMessage): ChatMessage {
  return {
    ...message,
    status: 'interrupted',
    error: {
      code: 'stream-interrupted',
      message: 'Strata closed before this answer finished.',
      action: 'Regenerate the answer to get it again.',
    },
  };
}

/** The page size asked for, within reason. */
const pageSize = (limit: number | undefined) => Math.min(Math.max(limit ?? PAGE_SIZE, 1), 500);

function parseListCursor(cursor: string | undefined): { updatedAt: number; id: string } | undefined {
  const match = cursor ? /^(\d{1,16}):([A-Za-z0-9-]{1,64})$/.exec(cursor) : null;
  return match ? { updatedAt: Number(match[1]), id: match[2]! } : undefined;
}

/**
 * Applies a settings change: absent keys stay, null removes a setting (the model's default applies
 * again). A conversation talks to one agent or one knowledge base at most: setting one drops the other.
 */
export function applySettingsPatch(settings: ConversationSettings, patch: ConversationSettingsPatch): ConversationSettings {
  const next: Record<string, unknown> = { ...settings };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (patch.agent) delete next.knowledgeBase;
  else if (patch.knowledgeBase) delete next.agent;
  return next as unknown as ConversationSettings;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The first line of the first question, cut on a word boundary. */
export function titleFrom(text: string, max = 60): string {
  const line = text.trim().split('\n')[0]!.trim().replace(/\s+/g, ' ');
  if (!line) return DEFAULT_TITLE;
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function extraOf(message: Partial<ChatMessage>): string {
  const extra: Record<string, unknown> = {};
  for (const key of EXTRA_KEYS) if (message[key] !== undefined) extra[key] = message[key];
  return JSON.stringify(extra);
}

function fromRow(row: MessageRow): ChatMessage {
  return dropUndefined({
    id: row.id,
    role: row.role,
    text: row.text,
    createdAt: Number(row.created_at),
    status: row.status,
    reasoning: row.reasoning ?? undefined,
    ...(JSON.parse(row.extra) as Partial<ChatMessage>),
  });
}
