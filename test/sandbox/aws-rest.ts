/**
 * What the restJson1 emulators (Bedrock, Bedrock Runtime) share: one port
 * serving cleartext HTTP/2 (what the SDK's default handler for streaming
 * services speaks) and HTTP/1.1, SigV4 checks, and errors as AWS sends them.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import net, { type AddressInfo, type Socket } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { BedrockApiKeys } from './bedrock-api-keys.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import { verifySigV4, type SigV4Failure } from './sigv4.js';

export type AnyRequest = IncomingMessage | Http2ServerRequest;
/** The part of a response both HTTP versions share, as the handlers use it. */
export interface AnyResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): unknown;
  end(body?: string | Uint8Array): unknown;
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
  /** The HTTP/2 stream, when the request came over HTTP/2. */
  readonly stream?: http2.ServerHttp2Stream;
  /** The connection, when the request came over HTTP/1.1. */
  readonly socket?: { destroy(): void } | null;
}
export type Handler = (req: AnyRequest, res: AnyResponse) => Promise<void>;

export interface DualServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

const PREFACE = 'PRI * HTTP/2.0';

/** Serves `handler` on 127.0.0.1 over h2c (prior knowledge) and HTTP/1.1 on the same port. */
export async function startDualServer(name: string, port: number, handler: Handler, log: boolean): Promise<DualServer> {
  const wrapped = (req: AnyRequest, raw: ServerResponse | Http2ServerResponse) => {
    const res = raw as AnyResponse;
    if (log) console.log(`[sandbox:${name}] HTTP/${req.httpVersion} ${req.method} ${req.url}`);
    handler(req, res).catch((error: unknown) => {
      console.error(`[sandbox:${name}] internal error`, error);
      if (!res.headersSent) sendAwsError(res, 500, 'InternalServerException', 'The server encountered an internal error.');
      else res.destroy();
    });
  };
  const h1 = http.createServer(wrapped);
  const h2 = http2.createServer(wrapped);
  const sockets = new Set<Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const head = socket.read() as Buffer | null;
      if (!head) return socket.destroy();
      socket.unshift(head);
      (head.toString('latin1').startsWith(PREFACE) ? h2 : h1).emit('connection', socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(req: AnyRequest, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** An error the way restJson1 services answer: x-amzn-errortype names it, the JSON body says why. */
export function sendAwsError(res: AnyResponse, status: number, name: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': name,
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

export function sendJson(res: AnyResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** How a restJson1 service names a refused signature. */
function restJsonSigV4Error(failure: SigV4Failure): { status: number; name: string; message: string } {
  switch (failure.reason) {
    case 'missing-authentication':
      return { status: 403, name: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
    case 'unknown-access-key':
    case 'invalid-token':
      return { status: 403, name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    case 'expired-token':
      return { status: 403, name: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
    case 'incomplete-signature':
      return { status: 403, name: 'IncompleteSignatureException', message: failure.message };
    default:
      return { status: 403, name: 'InvalidSignatureException', message: failure.message };
  }
}

/**
 * Verifies the request's SigV4 signature, or its Bedrock API key where the service takes one
 * (`apiKeys`); answers the refusal itself and returns false when it fails. `auth` says which it was.
 */
export async function checkSignature(
  req: AnyRequest,
  res: AnyResponse,
  body: Buffer,
  registry: CredentialsRegistry,
  service: string,
  region: string,
  apiKeys?: BedrockApiKeys,
): Promise<{ ok: true; auth: 'sigv4' | 'bearer' } | { ok: false; name: string }> {
  const authorization = req.headers.authorization;
  if (apiKeys && typeof authorization === 'string' && /^Bearer\s/i.test(authorization)) {
    const checked = await apiKeys.check(authorization, region);
    if (checked.ok) return { ok: true, auth: 'bearer' };
    sendAwsError(res, checked.status, checked.name, checked.message);
    return { ok: false, name: checked.name };
  }
  const verified = await verifySigV4(req, body, registry.lookup, service, { region });
  if (verified.ok) return { ok: true, auth: 'sigv4' };
  const error = restJsonSigV4Error(verified);
  sendAwsError(res, error.status, error.name, error.message);
  return { ok: false, name: error.name };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * One binary event-stream frame with a JSON payload: an event (`:event-type` names the stream's
 * member) or, with `exception`, an exception (`:exception-type`).
 */
export function streamFrame(type: string, payload: unknown, exception = false): Uint8Array {
  return codec.encode({
    headers: {
      [exception ? ':exception-type' : ':event-type']: { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: exception ? 'exception' : 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}
