/**
 * Strata's SQLite database (node:sqlite): opening it safely, its schema and
 * the migrations between schema versions. Nothing here may stop Strata from
 * starting: a damaged file is set aside and a new one started, a file from a
 * newer Strata is refused without being touched.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * Each entry brings the schema from version i to i + 1 (PRAGMA user_version).
 * Append only: a released entry never changes.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    model_id TEXT NOT NULL,
    settings TEXT NOT NULL CHECK (json_valid(settings)),
    search_key INTEGER NOT NULL UNIQUE
  );
  CREATE INDEX conversations_newest_first ON conversations (updated_at DESC, id DESC);
  CREATE TABLE messages (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    text TEXT NOT NULL,
    reasoning TEXT,
    status TEXT NOT NULL CHECK (status IN ('complete', 'streaming', 'interrupted')),
    created_at INTEGER NOT NULL,
    -- The optional fields (error, modelId, answeredAs, stopReason, usage, latencyMs) as one JSON object.
    extra TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    UNIQUE (conversation_id, id),
    UNIQUE (conversation_id, position)
  );
  CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';
  -- One row per message (rowid = messages.key) and one per title (rowid = -conversations.search_key).
  CREATE VIRTUAL TABLE search USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
  CREATE TRIGGER conversations_indexed AFTER INSERT ON conversations BEGIN
    INSERT INTO search (rowid, title, body) VALUES (-new.search_key, new.title, '');
  END;
  CREATE TRIGGER conversations_renamed AFTER UPDATE OF title ON conversations BEGIN
    DELETE FROM search WHERE rowid = -old.search_key;
    INSERT INTO search (rowid, title, body) VALUES (-new.search_key, new.title, '');
  END;
  CREATE TRIGGER conversations_deleted AFTER DELETE ON conversations BEGIN
    DELETE FROM search WHERE rowid = -old.search_key;
  END;
  CREATE TRIGGER messages_indexed AFTER INSERT ON messages BEGIN
    INSERT INTO search (rowid, title, body) VALUES (new.key, '', new.text);
  END;
  -- Streaming checkpoints leave the index alone; the answer is indexed once it ends.
  CREATE TRIGGER messages_reindexed AFTER UPDATE OF text, status ON messages WHEN new.status <> 'streaming' BEGIN
    DELETE FROM search WHERE rowid = old.key;
    INSERT INTO search (rowid, title, body) VALUES (new.key, '', new.text);
  END;
  CREATE TRIGGER messages_deleted AFTER DELETE ON messages BEGIN
    DELETE FROM search WHERE rowid = old.key;
  END;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Why the database could not be used, in words for people. */
export type OpenProblem =
  | { kind: 'newer'; version: number }
  | { kind: 'failed'; error: unknown };

export type OpenResult =
  | { ok: true; db: DatabaseSync; setAside?: string }
  | { ok: false; problem: OpenProblem; setAside?: string };

/** Opens (or creates) the database at `file`, migrated to SCHEMA_VERSION; a damaged one is set aside first. */
export function openDatabase(file: string, stamp: () => string): OpenResult {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch {
    // Opening below says what is wrong.
  }
  const first = tryOpen(file);
  if (first.ok || first.problem.kind === 'newer' || !isDamaged(file, first.problem.error)) return first;
  const aside = setAside(file, stamp());
  if (!aside) return first;
  const second = tryOpen(file);
  return { ...second, setAside: aside };
}

function tryOpen(file: string): OpenResult {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file);
    // Reading the version first: a newer Strata's database is left exactly as it is.
    const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    if (version > SCHEMA_VERSION) {
      db.close();
      return { ok: false, problem: { kind: 'newer', version } };
    }
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 2000;');
    // Touches every table, so a file that is not (or no longer) a database fails here, not later.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    migrate(db, version);
    return { ok: true, db };
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Already unusable.
    }
    return { ok: false, problem: { kind: 'failed', error } };
  }
}

/** Runs the missing migrations, each in its own transaction with its version bump. */
function migrate(db: DatabaseSync, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

/** SQLite says the file is not a database or is malformed, or something that is not a file sits where it should be. */
function isDamaged(file: string, error: unknown): boolean {
  try {
    if (!fs.statSync(file).isFile()) return true;
  } catch {
    return false;
  }
  const code = (error as { errcode?: number } | null)?.errcode;
  // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), including their extended codes.
  return code !== undefined && [11, 26].includes(code & 0xff);
}

/** Renames the damaged database (and its WAL files) aside; returns the new name, or undefined if it could not move. */
function setAside(file: string, stamp: string): string | undefined {
  const aside = `${file}.damaged-${stamp}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return undefined;
  }
  for (const suffix of ['-wal', '-shm']) {
    try {
      fs.renameSync(file + suffix, aside + suffix);
    } catch {
      // Not there: nothing to keep.
    }
  }
  return aside;
}
