/**
 * The person's conversations: one JSON file each, written atomically (temp
 * file, fsync, rename), so a crash at any moment leaves every conversation
 * as it was either before or after the last change, never half-written.
 */
import { randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  conversationSettingsSchema,
  type ChatMessage,
  type Conversation,
  type ConversationSettings,
  type ConversationSettingsPatch,
  type ConversationSummary,
} from '../../preload/contract';
import { StrataError } from '../errors';

export const SCHEMA_VERSION = 1;
export const DEFAULT_TITLE = 'New conversation';
const ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
const TEMP_SUFFIX = '.tmp';

/** The parts of node:fs the store uses; tests pass one that fails part-way. */
export type StoreFs = Pick<
  typeof nodeFs,
  | 'mkdirSync'
  | 'readdirSync'
  | 'readFileSync'
  | 'openSync'
  | 'writeSync'
  | 'fsyncSync'
  | 'closeSync'
  | 'renameSync'
  | 'rmSync'
>;

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
const storedSettingsSchema = conversationSettingsSchema.extend({ modelId: z.string().max(2048) });

const conversationSchema = z.object({
  id: z.string().regex(ID_PATTERN),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  settings: storedSettingsSchema,
  messages: z.array(messageSchema),
});
type StoredConversation = z.infer<typeof conversationSchema>;

/** Upgrades a file's contents from each older schema version to the next. Empty until version 2 exists. */
const MIGRATIONS: Record<number, (raw: unknown) => unknown> = {};

export interface ConversationStoreOptions {
  directory: string;
  now?: () => number;
  newId?: () => string;
  log?: (message: string) => void;
  fs?: StoreFs;
}

export class ConversationStore {
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly listeners = new Set<(list: ConversationSummary[]) => void>();
  private readonly fs: StoreFs;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly log: (message: string) => void;
  private readonly directory: string;

  constructor(options: ConversationStoreOptions) {
    this.directory = options.directory;
    this.fs = options.fs ?? nodeFs;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.log = options.log ?? (() => {});
    this.load();
  }

  list(query?: string): ConversationSummary[] {
    const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (c: StoredConversation) => {
      if (!words.length) return true;
      const text = [c.title, ...c.messages.map((m) => m.text)].join('\n').toLowerCase();
      return words.every((word) => text.includes(word));
    };
    return [...this.conversations.values()]
      .filter(matches)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map(summarize);
  }

  get(id: string): Conversation {
    return withSummary(this.find(id));
  }

  create(settings: ConversationSettings): Conversation {
    const now = this.now();
    const conversation: StoredConversation = {
      id: this.newId(),
      title: DEFAULT_TITLE,
      createdAt: now,
      updatedAt: now,
      settings: storedSettingsSchema.parse(settings),
      messages: [],
    };
    return withSummary(this.commit(conversation));
  }

  rename(id: string, title: string): ConversationSummary {
    return summarize(this.change(id, (c) => ({ ...c, title: title.trim() || DEFAULT_TITLE })));
  }

  updateSettings(id: string, patch: ConversationSettingsPatch): Conversation {
    return withSummary(this.change(id, (c) => ({ ...c, settings: storedSettingsSchema.parse(applySettingsPatch(c.settings, patch)) })));
  }

  delete(id: string): void {
    this.find(id);
    try {
      this.fs.rmSync(this.fileOf(id), { force: true });
    } catch (err) {
      throw storageFailed(err);
    }
    this.conversations.delete(id);
    this.notify();
  }

  appendMessage(id: string, message: ChatMessage): Conversation {
    return withSummary(
      this.change(id, (c) => ({
        ...c,
        title: c.title === DEFAULT_TITLE && message.role === 'user' ? titleFrom(message.text) : c.title,
        messages: [...c.messages, message],
      })),
    );
  }

  updateMessage(id: string, messageId: string, patch: Partial<Omit<ChatMessage, 'id' | 'role'>>): Conversation {
    return withSummary(
      this.change(id, (c) => {
        if (!c.messages.some((m) => m.id === messageId)) throw notFound();
        return { ...c, messages: c.messages.map((m) => (m.id === messageId ? dropUndefined({ ...m, ...patch }) : m)) };
      }),
    );
  }

  removeMessage(id: string, messageId: string): Conversation {
    return withSummary(this.change(id, (c) => ({ ...c, messages: c.messages.filter((m) => m.id !== messageId) })));
  }

  onChange(listener: (list: ConversationSummary[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private find(id: string): StoredConversation {
    const conversation = ID_PATTERN.test(id) ? this.conversations.get(id) : undefined;
    if (!conversation) throw notFound();
    return conversation;
  }

  private change(id: string, update: (c: StoredConversation) => StoredConversation): StoredConversation {
    const next = update(this.find(id));
    return this.commit({ ...next, updatedAt: Math.max(this.now(), next.updatedAt) });
  }

  /** Writes first; memory changes only once the file is safely in place. */
  private commit(conversation: StoredConversation): StoredConversation {
    this.write(conversation);
    this.conversations.set(conversation.id, conversation);
    this.notify();
    return conversation;
  }

  private write(conversation: StoredConversation): void {
    const target = this.fileOf(conversation.id);
    const temp = `${target}.${process.pid}.${randomUUID().slice(0, 8)}${TEMP_SUFFIX}`;
    const data = JSON.stringify({ schemaVersion: SCHEMA_VERSION, conversation });
    try {
      this.fs.mkdirSync(this.directory, { recursive: true });
      const fd = this.fs.openSync(temp, 'w', 0o600);
      try {
        this.fs.writeSync(fd, data);
        this.fs.fsyncSync(fd);
      } finally {
        this.fs.closeSync(fd);
      }
      this.fs.renameSync(temp, target);
    } catch (err) {
      try {
        this.fs.rmSync(temp, { force: true });
      } catch {
        // The leftover temp file is ignored and cleaned at the next start.
      }
      throw storageFailed(err);
    }
    this.syncDirectory();
  }

  /** Makes the rename itself durable; some platforms (Windows) cannot open a directory, which is fine. */
  private syncDirectory(): void {
    try {
      const fd = this.fs.openSync(this.directory, 'r');
      try {
        this.fs.fsyncSync(fd);
      } finally {
        this.fs.closeSync(fd);
      }
    } catch {
      // Best effort.
    }
  }

  private fileOf(id: string): string {
    return path.join(this.directory, `${id}.json`);
  }

  private load(): void {
    let names: string[];
    try {
      names = this.fs.readdirSync(this.directory);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(this.directory, name);
      if (name.endsWith(TEMP_SUFFIX)) {
        this.fs.rmSync(file, { force: true });
        continue;
      }
      if (!name.endsWith('.json') || name.includes('.corrupt-')) continue;
      const conversation = this.read(file);
      if (conversation) this.conversations.set(conversation.id, conversation);
    }
  }

  private read(file: string): StoredConversation | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(this.fs.readFileSync(file, 'utf8'));
    } catch (err) {
      this.setAside(file, err);
      return undefined;
    }
    let version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (typeof version === 'number' && version > SCHEMA_VERSION) {
      this.log(`${path.basename(file)} was written by a newer Strata (schema ${version}); left as it is`);
      return undefined;
    }
    while (typeof version === 'number' && version < SCHEMA_VERSION && MIGRATIONS[version]) {
      raw = MIGRATIONS[version]!(raw);
      version = (raw as { schemaVersion?: unknown }).schemaVersion;
    }
    const parsed = z.object({ schemaVersion: z.literal(SCHEMA_VERSION), conversation: conversationSchema }).safeParse(raw);
    if (!parsed.success || `${parsed.data.conversation.id}.json` !== path.basename(file)) {
      this.setAside(file, parsed.error ?? new Error('the id does not match the file name'));
      return undefined;
    }
    const conversation = parsed.data.conversation;
    // Strata closed while these answers were arriving: keep what arrived, say why it stops there.
    return {
      ...conversation,
      messages: conversation.messages.map((m) =>
        m.status === 'streaming'
          ? {
              ...m,
              status: 'interrupted' as const,
              error: {
                code: 'stream-interrupted',
                message: 'Strata closed before this answer finished.',
                action: 'Regenerate the answer to get it again.',
              },
            }
          : m,
      ),
    };
  }

  private setAside(file: string, err: unknown): void {
    const aside = file.replace(/\.json$/, `.corrupt-${this.now()}.json`);
    this.log(`${path.basename(file)} is damaged and was set aside as ${path.basename(aside)}: ${String(err).slice(0, 200)}`);
    try {
      this.fs.renameSync(file, aside);
    } catch {
      // Unreadable and immovable: skip it this time.
    }
  }

  private notify(): void {
    if (!this.listeners.size) return;
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }
}

const notFound = () =>
  new StrataError('conversation-not-found', "That conversation doesn't exist any more.", {
    action: 'Pick another conversation from the list.',
  });

const storageFailed = (err: unknown) =>
  new StrataError('storage-failed', "Strata couldn't save your conversation.", {
    action: 'Check that your disk has free space, then try again.',
    details: err instanceof Error ? err.message : String(err),
    cause: err,
  });

/** Applies a settings change: absent keys stay, null removes a setting (the model's default applies again). */
export function applySettingsPatch(settings: ConversationSettings, patch: ConversationSettingsPatch): ConversationSettings {
  const next: Record<string, unknown> = { ...settings };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
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

function summarize(c: StoredConversation): ConversationSummary {
  const last = c.messages.at(-1);
  // Plain words for the list: no Markdown marks.
  const preview = (last?.text ?? '')
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/[#*_`>|~[\]]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return {
    id: c.id,
    title: c.title,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    modelId: c.settings.modelId,
    messageCount: c.messages.length,
    preview,
  };
}

function withSummary(c: StoredConversation): Conversation {
  return { ...summarize(c), settings: c.settings, messages: c.messages as ChatMessage[] };
}
