/**
 * The end-to-end harness: the real main-process services under Node, the
 * built renderer served on 127.0.0.1, and a bridge that carries exactly the
 * preload contract between them. What the app would open in the system
 * browser is queued for the test to open in its own browser.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CONTENT_SECURITY_POLICY } from '../../main/app/app-files';
import { createServices, type Platform, type Services } from '../../main/app/services';
import { createDispatcher, isTrustedSender } from '../../main/ipc/dispatch';
import { nodePlatform } from './node-platform';
import { nodeUpdater, type NodeUpdaterOptions } from './update-feed';
import { decode, encode } from './wire';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rendererDir = path.join(root, 'out/renderer');

export interface HarnessOptions {
  /** Strata's environment configuration (e.g. `sandbox.env()`). */
  env: Record<string, string>;
  /** Reuse a profile folder to test what survives a restart. */
  userDataDir?: string;
  /** The key of the stand-in OS keychain; the same key across restarts, like a real keychain. Null: no keychain. */
  keychainKey?: Buffer | null;
  policyPaths?: string[];
  timing?: Platform['timing'];
  /** The person's home folder, where ~/.aws is (default: a folder in the profile folder). */
  home?: string;
  /** Port for the app page (default: any free port). */
  port?: number;
  /** Also called with each URL the app opens (the sandbox command uses it to open a real browser). */
  onOpenExternal?: (url: string) => void;
  /** Where "Save as" puts a file; null: the person cancels. Default: <userData>/exports/<suggested name>. */
  saveAs?: (suggestedName: string) => string | null;
  /** Holds a request's answer back this many ms (e.g. to make an earlier request answer last). */
  delayAnswer?: (channel: string, input: unknown) => number | undefined;
  /** Strata updates itself from a feed (see update-feed.ts), as an installed Windows app would; installing is only counted. */
  updates?: Omit<NodeUpdaterOptions, 'log'>;
}

export interface Harness {
  /** The app page. */
  url: string;
  services: Services;
  userDataDir: string;
  keychainKey: Buffer | null;
  /** The next URL the app asked to open in the system browser. */
  nextOpenedUrl(timeoutMs?: number): Promise<string>;
  /** Every message main logged. */
  logs: string[];
  /** The files the app asked the file manager to show. */
  shownInFolder: string[];
  /** How many times Strata asked to quit and install an update (with `updates`). */
  updateInstalls(): number;
  close(): Promise<void>;
}

let bridgeScript: Promise<string> | undefined;
/** The bridge client bundled for the browser, once per process. */
function bundleBridge(): Promise<string> {
  bridgeScript ??= build({
    entryPoints: [path.join(root, 'test/harness/bridge-client.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
  }).then((result) => result.outputFiles[0]!.text);
  return bridgeScript;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Starts the services and serves the renderer with the bridge. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const userDataDir = options.userDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-'));
  const keychainKey = options.keychainKey === undefined ? randomBytes(32) : options.keychainKey;
  let log: Platform['log'] = () => {};
  const updates = options.updates && nodeUpdater({ ...options.updates, log: (message, level) => log(message, level) });
  const platform = nodePlatform({ ...options, userDataDir, keychainKey, updater: updates?.updater });
  log = platform.log;
  const services = createServices(platform);
  const logs = platform.logs;

  const [indexHtml, bridge] = await Promise.all([readFile(path.join(rendererDir, 'index.html'), 'utf8'), bundleBridge()]);
  // The page talks to the bridge on its own origin; that is the only change to the built page.
  const page = indexHtml
    .replace("connect-src 'none'", "connect-src 'self'")
    .replace('<head>', '<head>\n    <script src="/__strata/bridge.js"></script>');

  // The packaged app's header policy, with the same one change.
  const headerPolicy = CONTENT_SECURITY_POLICY.replace("connect-src 'none'", "connect-src 'self'");

  let appUrl = '';
  const streams = new Set<http.ServerResponse>();
  const detach = services.events.attach((channel, payload) => {
    // devalue writes no raw line breaks, so one SSE data line holds the payload.
    for (const stream of streams) stream.write(`event: ${channel}\ndata: ${encode(payload)}\n\n`);
  });
  const dispatch = createDispatcher(services.handlers, (sender) => isTrustedSender(sender, appUrl), platform.log);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (req.method === 'POST' && url.pathname.startsWith('/__strata/invoke/')) {
        const channel = decodeURIComponent(url.pathname.slice('/__strata/invoke/'.length));
        const body = await readBody(req);
        const input = body ? (decode(body) as { input?: unknown }).input : undefined;
        // The page's origin stands in for the sender frame's URL.
        const origin = req.headers.origin;
        const result = await dispatch(channel, input, { url: origin ? `${origin}/` : undefined, isMainFrame: true });
        const delay = options.delayAnswer?.(channel, input);
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(encode(result));
        return;
      }
      if (url.pathname === '/__strata/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (url.pathname === '/__strata/bridge.js') {
        res.writeHead(200, { 'content-type': CONTENT_TYPES['.js'] }).end(bridge);
        return;
      }
      if (url.pathname === '/' || url.pathname === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': headerPolicy }).end(page);
        return;
      }
      const file = path.join(rendererDir, path.normalize(url.pathname));
      if (!file.startsWith(rendererDir + path.sep)) {
        res.writeHead(404).end();
        return;
      }
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(data);
    } catch {
      if (!res.headersSent) res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  await services.start();

  return {
    url: appUrl,
    services,
    userDataDir,
    keychainKey,
    logs,
    shownInFolder: platform.shownInFolder,
    nextOpenedUrl: platform.nextOpenedUrl,
    updateInstalls: () => updates?.installs ?? 0,
    async close() {
      detach();
      services.dispose();
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) req.destroy(new Error('request too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
