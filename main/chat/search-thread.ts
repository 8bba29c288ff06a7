/**
 * Conversation searches on a thread of their own (search-worker.ts), one at
 * a time, so the main process goes on streaming answers and answering IPC
 * while one runs. A search whose signal aborts (the person typed another
 * letter) is answered at once and the thread stops it at its next index row;
 * one still waiting never reaches the thread.
 */
import { Worker } from 'node:worker_threads';
import type { ConversationPage } from '../../preload/contract';
import type { SearchOptions } from './conversation-search';

/** What the thread is asked: one page of one search. */
export interface SearchRequest extends SearchOptions {
  id: number;
  query: string;
}

/** What the thread answers: the page, that it stopped as asked (after so many index rows), or why it failed. */
export type SearchReply = { id: number; page: ConversationPage } | { id: number; stoppedAfter: number } | { id: number; error: string };

export interface SearchWorkerData {
  /** The database file, already opened (and migrated) by the store. */
  file: string;
  /** One Int32 cell: the id of the search to stop. */
  stop: SharedArrayBuffer;
}

export interface SearchThreadOptions {
  file: string;
  log?: (message: string) => void;
  /** Tests only: hears how many index rows a search stepped through before it stopped. */
  afterStopped?: (rows: number) => void;
}

interface Pending {
  request: SearchRequest;
  resolve: (page: ConversationPage) => void;
  reject: (error: unknown) => void;
}

/**
 * The worker's module. Bundled (the app), electron.vite.config.ts builds it
 * beside the main bundle; unbundled (tests, the end-to-end harness, tools),
 * this file is TypeScript and so is the worker, which Node runs as it is.
 */
const workerUrl = () => new URL(`./search-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

export class SearchThread {
  private readonly options: SearchThreadOptions;
  /** Shared with the thread: the id of the search it should stop. */
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private worker: Worker | undefined;
  private running: Pending | undefined;
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: SearchThreadOptions) {
    this.options = options;
  }

  /** One page of the conversations matching `query`; rejects with `signal.reason` once the signal aborts. */
  search(query: string, options: SearchOptions, signal?: AbortSignal): Promise<ConversationPage> {
    if (this.closed) return Promise.reject(new Error('the conversations database is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const pending: Pending = { request: { id: this.nextId++, query, ...options }, resolve, reject };
      signal?.addEventListener('abort', () => this.abandon(pending, signal.reason), { once: true });
      this.waiting.push(pending);
      this.next();
    });
  }

  /** Starts the thread ahead of the first search, so that search doesn't wait for it. Never throws: the first search says what is wrong. */
  start(): void {
    try {
      this.spawn();
    } catch (err) {
      this.options.log?.(`the search thread could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private spawn(): void {
    if (this.closed || this.worker) return;
    const worker = new Worker(workerUrl(), { workerData: { file: this.options.file, stop: this.stop.buffer as SharedArrayBuffer } satisfies SearchWorkerData });
    worker.on('message', (reply: SearchReply) => this.settle(reply));
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) => this.lost(worker, new Error(`the search thread stopped (exit code ${code})`)));
    // An idle thread doesn't keep the process alive; one with a search under way does (see next()).
    worker.unref();
    this.worker = worker;
  }

  /** Stops the thread; searches under way fail. Its connection closes as the thread ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('the conversations database is closed'));
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }

  /** Sends the next waiting search to the thread, once it is free. */
  private next(): void {
    if (this.running || this.closed) return;
    const pending = this.waiting.shift();
    if (!pending) {
      this.worker?.unref();
      return;
    }
    try {
      this.spawn();
    } catch (err) {
      pending.reject(err);
      return this.next();
    }
    this.running = pending;
    this.worker!.ref();
    this.worker!.postMessage(pending.request);
  }

  private abandon(pending: Pending, reason: unknown): void {
    pending.reject(reason);
    if (this.running === pending) {
      // The thread reads this before each row; it answers when it has stopped, and then the next search goes.
      Atomics.store(this.stop, 0, pending.request.id);
      return;
    }
    const index = this.waiting.indexOf(pending);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  private settle(reply: SearchReply): void {
    const pending = this.running;
    if (!pending || pending.request.id !== reply.id) return;
    this.running = undefined;
    if ('page' in reply) pending.resolve(reply.page);
    else if ('error' in reply) pending.reject(new Error(reply.error));
    // Stopped: its caller heard when its signal aborted.
    else this.options.afterStopped?.(reply.stoppedAfter);
    this.next();
  }

  /** The thread failed to start or died: what it was doing fails; the next search starts a new one. */
  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.options.log?.(`the search thread failed: ${err.message}`);
    this.failAll(err);
  }

  private failAll(err: Error): void {
    const all = [...(this.running ? [this.running] : []), ...this.waiting.splice(0)];
    this.running = undefined;
    for (const pending of all) pending.reject(err);
  }
}
