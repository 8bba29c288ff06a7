/**
 * Serves the naive page (naive-page.tsx, bundled with esbuild) and streams
 * the benchmark's script to it at the same pace the sandbox streams to Strata.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { scriptDeltas } from '../sandbox/bedrock-runtime';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface NaiveServer {
  url: string;
  /** What the next /stream sends. */
  setScript(script: string, chunkChars: number, intervalMs: number): void;
  close(): Promise<void>;
}

/** Bundles the naive page and serves it on 127.0.0.1. */
export async function startNaiveServer(): Promise<NaiveServer> {
  const bundle = await build({
    entryPoints: [path.join(here, 'naive-page.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    minify: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  let pace = { script: '', chunkChars: 32, intervalMs: 4 };
  const server = http.createServer(async (req, res) => {
    if (req.url === '/naive.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      let offset = 0;
      let closed = false;
      req.on('close', () => (closed = true));
      for await (const delta of scriptDeltas(pace.script, pace.chunkChars, pace.intervalMs)) {
        if (closed) return;
        res.write(`event: text\ndata: ${JSON.stringify({ offset, delta })}\n\n`);
        offset += delta.length;
      }
      res.end('event: done\ndata: {}\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><head><meta charset="utf-8"><title>naive</title></head><body><div id="root"></div><script src="/naive.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    setScript: (script, chunkChars, intervalMs) => void (pace = { script, chunkChars, intervalMs }),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
