/**
 * Strata's updates under plain Node: an update feed on 127.0.0.1 (latest.yml,
 * beta.yml and installers, as electron-builder publishes them) that records
 * what was asked of it, and electron-updater's own Windows updater pointed at
 * it. Only what needs Electron is stood in: the app (version, folders) and the
 * HTTP client (Node's instead of Electron's net, under electron-updater's own
 * HttpExecutor, which checks the sha512). Installing is recorded, not run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import electronUpdater from 'electron-updater';
import type { Log } from '../../main/app/logger';
import type { Updater } from '../../main/app/updates';
import { createElectronUpdater } from '../../main/platform/updates';

export interface UpdateFeed {
  /** The feed's address, ending in /. */
  url: string;
  /** The paths asked for, in order (without the cache-busting query). */
  requests: string[];
  /**
   * Publishes `version` on `channel` (latest, beta, alpha) with an installer; `listedContent` is what
   * the feed's sha512 describes (default: the installer itself).
   */
  publish(version: string, options?: { channel?: string; content?: string; listedContent?: string }): { file: string };
  close(): Promise<void>;
}

/** What electron-updater asks of the app: its version, folders and life cycle. */
type AppAdapter = NonNullable<ConstructorParameters<typeof electronUpdater.NsisUpdater>[1]>;

const sha512 = (data: string | Buffer) => createHash('sha512').update(data).digest('base64');

/** Starts an empty update feed on 127.0.0.1. */
export async function startUpdateFeed(): Promise<UpdateFeed> {
  const files = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(pathname);
    const body = files.get(pathname);
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    publish(version, { channel = 'latest', content = `Strata installer ${version}`, listedContent = content } = {}) {
      const file = `Strata-Setup-${version}.exe`;
      const data = Buffer.from(content);
      files.set(`/${file}`, data);
      const listed = sha512(listedContent);
      files.set(
        `/${channel}.yml`,
        Buffer.from(
          [
            `version: ${version}`,
            'files:',
            `  - url: ${file}`,
            `    sha512: ${listed}`,
            `    size: ${Buffer.byteLength(listedContent)}`,
            `path: ${file}`,
            `sha512: ${listed}`,
            "releaseDate: '2026-12-01T09:00:00.000Z'",
            '',
          ].join('\n'),
        ),
      );
      return { file };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Node's HTTP under electron-updater's executor: the same download path (redirects, sha512 check) as Electron's net. */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return http.request(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        { destination, options, onCancel, callback: (error) => (error ? reject(error) : resolve(destination)), responseHandler: null },
        0,
      );
    });
  }
}

export interface NodeUpdaterOptions {
  /** The version running. */
  version: string;
  log: Log;
  /** The installer's app-update.yml: its feed and, for a signed build, the publisher; null: the build has none. */
  updateConfig?: { url: string; publisherName?: string } | null;
  /** Where the download cache and staging id go (default: a new temporary folder). */
  directory?: string;
  /** Stands in for Windows' Authenticode check (PowerShell): null when signed by one of `publisherNames`, else why not. */
  verifySignature?: (publisherNames: string[], file: string) => Promise<string | null>;
}

export interface NodeUpdater {
  updater: Updater;
  /** electron-updater's updater itself, to look at how Strata set it up. */
  nsis: InstanceType<typeof electronUpdater.NsisUpdater>;
  /** Where downloaded updates wait to be installed. */
  cacheDir: string;
  /** How many times Strata asked to quit and install. */
  installs: number;
}

/** Strata's updater for Windows, as the app builds it, over electron-updater's NsisUpdater with the Node stand-ins. */
export function nodeUpdater(options: NodeUpdaterOptions): NodeUpdater {
  const directory = options.directory ?? mkdtempSync(path.join(os.tmpdir(), 'strata-updates-'));
  const updateConfigPath = path.join(directory, 'resources', 'app-update.yml');
  const { updateConfig = { url: 'https://updates.invalid/' } } = options;
  if (updateConfig) {
    mkdirSync(path.dirname(updateConfigPath), { recursive: true });
    const publisher = updateConfig.publisherName ? [`publisherName:`, `  - ${updateConfig.publisherName}`] : [];
    writeFileSync(updateConfigPath, ['provider: generic', `url: ${updateConfig.url}`, 'updaterCacheDirName: strata-updater', ...publisher, ''].join('\n'));
  }
  const app: AppAdapter = {
    version: options.version,
    name: 'Strata',
    isPackaged: true,
    appUpdateConfigPath: updateConfigPath,
    userDataPath: path.join(directory, 'userData'),
    baseCachePath: path.join(directory, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    onQuit: () => {},
  };
  const nsis = new electronUpdater.NsisUpdater(undefined, app);
  // What electron-updater's own tests set: Windows' file names (latest.yml), and the full download rather than the differential one.
  Object.assign(nsis, { httpExecutor: new NodeHttpExecutor(), _testOnlyOptions: { platform: 'win32', isUseDifferentialDownload: false } });
  if (options.verifySignature) nsis.verifyUpdateCodeSignature = options.verifySignature;
  const adapter = createElectronUpdater({ updater: nsis, updateConfigPath, platform: 'win32', log: options.log });
  const result: NodeUpdater = {
    nsis,
    cacheDir: path.join(app.baseCachePath, 'strata-updater'),
    installs: 0,
    updater: {
      ...adapter,
      // Running the installer is Windows' part; the test sees that Strata asked.
      quitAndInstall: () => {
        result.installs += 1;
      },
    },
  };
  return result;
}
