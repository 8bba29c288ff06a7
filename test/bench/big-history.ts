/**
 * A large, repeatable conversation history written straight into a Strata
 * database: many conversations with long, wordy messages, the common words
 * common (a one-letter or very common query matches most of it), as a long
 * year of use would leave it. Written through SQL in big transactions, so
 * 10,000 conversations take seconds rather than minutes.
 */
import { openDatabase } from '../../main/chat/database';

const COMMON = ['the', 'to', 'and', 'of', 'a', 'in', 'is', 'that', 'for', 'it', 'with', 'as', 'on', 'be', 'this', 'you', 'are', 'can', 'we', 'stream'];
const SYLLABLES = ['ka', 'lo', 'mi', 'tre', 'sun', 'vel', 'par', 'dor', 'est', 'qui', 'ran', 'bo', 'ne', 'tal', 'gri', 'fo'];

/** A seeded pseudo-random generator (mulberry32): the same history every time. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HistoryShape {
  conversations: number;
  /** Messages per conversation (questions and answers alternate). */
  messages: number;
  /** Words in each answer; questions have a tenth of that. */
  answerWords: number;
  seed?: number;
}

/** Fills the (new) database at `file` with the history; returns the number of messages written. */
export function writeHistory(file: string, shape: HistoryShape): number {
  const opened = openDatabase(file, () => 'bench');
  if (!opened.ok) throw new Error(`could not open ${file}`);
  const db = opened.db;
  const next = random(shape.seed ?? 1);
  const vocabulary = Array.from({ length: 3000 }, () => {
    let word = '';
    for (let n = 2 + Math.floor(next() * 3); n > 0; n--) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    return word;
  });
  const word = () => {
    const r = next();
    // Four words in ten are common ones; the rest spread over the vocabulary, the first words most often.
    if (r < 0.4) return COMMON[Math.floor((r / 0.4) ** 2 * COMMON.length)]!;
    return vocabulary[Math.floor(((r - 0.4) / 0.6) ** 3 * vocabulary.length)]!;
  };
  const sentence = (words: number) => Array.from({ length: words }, word).join(' ');
  const conversation = db.prepare(
    `INSERT INTO conversations (id, title, created_at, updated_at, model_id, settings, search_key) VALUES (?, ?, ?, ?, 'm', '{"modelId":"m","systemPrompt":""}', ?)`,
  );
  const message = db.prepare(
    `INSERT INTO messages (id, conversation_id, position, role, text, status, created_at) VALUES (?, ?, ?, ?, ?, 'complete', ?)`,
  );
  let written = 0;
  db.exec('BEGIN');
  for (let i = 0; i < shape.conversations; i++) {
    const id = `conv-${String(i).padStart(8, '0')}`;
    conversation.run(id, `Ticket k${i}: ${sentence(6)}`, i, 1_000_000 + i, i + 1);
    for (let position = 0; position < shape.messages; position++) {
      const user = position % 2 === 0;
      message.run(`${id}-m${position}`, id, position, user ? 'user' : 'assistant', sentence(user ? shape.answerWords / 10 : shape.answerWords), i);
      written++;
    }
    if (i % 500 === 499) {
      db.exec('COMMIT');
      db.exec('BEGIN');
    }
  }
  db.exec('COMMIT');
  db.close();
  return written;
}
