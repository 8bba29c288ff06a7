/** Small HTTP plumbing shared by the sandbox servers: listening, closing, bodies, logging, counters. */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Counts handled operations; read by tests to see what the app actually called. */
export class Stats {
  readonly #counts = new Map<string, number>();

  /** Adds one to `key`. */
  inc(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** A plain copy, so callers can compare snapshots taken at different times. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** What a test holds: `arrived` settles when the held request came; `release` lets it go on. */
export interface RequestHold {
  arrived: Promise<void>;
  release(): void;
}

/** Holds the next request a server handles until the test releases it; later requests go on as usual. */
export class NextRequestHold {
  #pending: { released: Promise<void>; arrive: () => void } | undefined;

  /** Holds the next request from now. */
  arm(): RequestHold {
    let release = () => {};
    let arrive = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    this.#pending = { released, arrive };
    return { arrived, release: () => release() };
  }

  /** Called by the handler for each request: waits there if this one is held. */
  async pass(): Promise<void> {
    const held = this.#pending;
    this.#pending = undefined;
    if (held) {
      held.arrive();
      await held.released;
    }
  }
}

/** A loopback HTTP server that can stop and start again on the same port. */
export interface LoopbackServer {
  readonly port: number;
  readonly origin: string;
  readonly listening: boolean;
  /** Stops accepting connections and destroys open ones, so clients see ECONNREFUSED / ECONNRESET at once. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    // 127.0.0.1 only: the sandbox must never be reachable from another machine.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts `handler` on 127.0.0.1:`port` (0 = a free port), logging one line per request when `log` is set. */
export async function startLoopbackServer(name: string, port: number, handler: RequestListener, log: boolean): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    if (log) logRequest(name, req, res);
    handler(req, res);
  });
  // Keep-alive sockets would otherwise hold close() open until they time out.
  server.keepAliveTimeout = 1000;
  const boundPort = await listen(server, port);
  let listening = true;

  return {
    port: boundPort,
    origin: `http://127.0.0.1:${boundPort}`,
    get listening() {
      return listening;
    },
    async stop() {
      if (!listening) return;
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    async restart() {
      if (listening) return;
      await listen(server, boundPort);
      listening = true;
    },
  };
}

function logRequest(name: string, req: IncomingMessage, res: ServerResponse): void {
  const started = Date.now();
  const target = req.headers['x-amz-target'];
  res.once('finish', () => {
    const what = typeof target === 'string' ? ` ${target.split('.').pop()}` : '';
    console.log(`[sandbox:${name}] ${req.method} ${req.url}${what} -> ${res.statusCode} (${Date.now() - started} ms)`);
  });
}

/** Reads the whole request body, refusing bodies over `limit` bytes. */
export function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends a complete response with an explicit length (no chunking, so clients never wait for more). */
export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
  res.end(payload);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
