import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationStore } from '../../main/chat/conversation-store';

const TRIALS = 60;
let dir: string;
let writer: string;

const textAt = (n: number) => Array.from({ length: n }, (_, i) => `chunk${i}`).join(' ');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-crash-'));
  // Bundled once, so each child starts in milliseconds (node:sqlite stays the built-in).
  writer = path.join(dir, 'writer.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'fixtures/checkpoint-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: writer,
    logLevel: 'silent',
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Starts the writer, kills it with SIGKILL `delayMs` after it started streaming, and returns the last checkpoint it noted. */
function runAndKill(file: string, delayMs: number): Promise<{ conversationId: string; answer: number; n: number }> {
  const log = `${file}.log`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file, log], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', () => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`the writer stopped by itself: ${err}`));
      // Only whole lines count: the last one may have been cut by the kill.
      const complete = fs.readFileSync(log, 'utf8').split('\n').slice(0, -1);
      const conversationId = complete.find((l) => l.startsWith('conversation '))!.split(' ')[1]!;
      const last = complete.filter((l) => l.startsWith('checkpoint ')).at(-1)?.split(' ') ?? ['checkpoint', '1', '0'];
      resolve({ conversationId, answer: Number(last[1]), n: Number(last[2]) });
    });
  });
}

describe('a crash in the middle of streaming checkpoints', () => {
  it(`loses nothing up to the last completed checkpoint (${TRIALS} kills at random moments)`, async () => {
    const file = path.join(dir, 'strata.db');
    for (let trial = 0; trial < TRIALS; trial++) {
      const reported = await runAndKill(file, Math.floor(Math.random() * 60));
      const store = new ConversationStore({ file });
      try {
        const messages = store.get(reported.conversationId).messages;
        const answers = messages.filter((m) => m.role === 'assistant');
        // Every answer before the reported one ended and was saved whole.
        for (const finished of answers.slice(0, reported.answer - 1)) expect(finished).toMatchObject({ text: textAt(50), status: 'complete' });
        const current = answers[reported.answer - 1]!;
        // The kill may fall between a checkpoint being saved and it being reported: one more is allowed, never fewer.
        const saved = [reported.n, reported.n + 1].map(textAt);
        if (reported.n === 50) expect(current).toMatchObject({ text: textAt(50), status: 'complete' });
        else expect(saved, `trial ${trial}: reported ${reported.n}, saved ${current.text.split(' ').length}`).toContain(current.text);
        expect(store.list().items.length).toBe(trial + 1);
      } finally {
        store.close();
      }
    }
  }, 90_000);
});
