/**
 * How main's connections travel: which proxy (the computer's, none, or one
 * from settings), which hosts go direct, which certificates are trusted
 * (the system's plus a company bundle), and how long to wait. Every AWS
 * client and the sign-in provider's requests go through here.
 */
import { readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import tls, { type SecureContext } from 'node:tls';
import { isLoopbackHost, type CompanySettings } from '../../preload/contract';
import { StrataError } from '../errors';
import { withCredentials, type ProxyCredentials } from './proxy-sign-in';

/** How long main waits, in milliseconds. */
export interface Timeouts {
  /** To open a connection (TCP and TLS, or the proxy's tunnel). */
  connectMs: number;
  /** For an answer to go quiet: no byte for this long ends a request (identity, model list). */
  requestMs: number;
  /** The same for a streaming answer, which may pause while a model thinks. */
  streamIdleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, requestMs: 30_000, streamIdleMs: 120_000 };

/** Where one request goes: straight to its host, or through a proxy (and whose choice that was). */
export interface Route {
  proxy?: URL;
  /** 'settings' when Strata's own proxy setting chose it, 'system' when the computer's did. */
  chosenBy: 'settings' | 'system';
}

export type NetworkSettings = Pick<CompanySettings, 'proxy' | 'noProxy' | 'caBundle'>;

export interface NetworkOptions {
  settings: () => NetworkSettings;
  /** The user name and password for the proxy set in Settings; never given to a proxy the computer chose. */
  proxyCredentials?: () => ProxyCredentials | undefined;
  /** The computer's proxy for a URL, as a PAC result ("PROXY host:port; DIRECT"); Electron's session.resolveProxy. */
  resolveSystemProxy?: (url: string) => Promise<string>;
  timeouts?: Partial<Timeouts>;
  log?: (message: string) => void;
}

/**
 * True when `url` is reached without the proxy: always for this computer's own addresses, and for
 * hosts on the no-proxy list ('*', 'example.com' and its subdomains, '.example.com', '*.example.com',
 * 'host:port', an IP address), as curl and most tools read NO_PROXY.
 */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isLoopbackHost(host)) return true;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!match) continue;
    const [, name = '', entryPort] = match;
    if (entryPort && entryPort !== port) continue;
    const bare = name.replace(/^\[(.*)\]$/, '$1').replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/**
 * The first proxy a PAC result names that Strata can use (PROXY, HTTP or HTTPS), or undefined for
 * DIRECT. SOCKS proxies are not supported: a result that names only those is an error in words.
 */
export function proxyFromPac(result: string): URL | undefined {
  const entries = result
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [kind = '', address] = entry.split(/\s+/, 2);
    const type = kind.toUpperCase();
    if (type === 'DIRECT') return undefined;
    if ((type === 'PROXY' || type === 'HTTP') && address) return new URL(`http://${address}`);
    if (type === 'HTTPS' && address) return new URL(`https://${address}`);
  }
  if (entries.length === 0) return undefined;
  throw new StrataError('network-config', "This computer's proxy settings name a kind of proxy Strata can't use (SOCKS).", {
    action: 'Ask IT for an HTTP proxy address and enter it under Settings → Network → Proxy.',
    details: result,
  });
}

/** The certificates of a PEM file, checked: a clear message when the file is missing, unreadable or holds none. */
export function readCaBundle(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StrataError('network-config', "Strata couldn't open the company certificate file.", {
      action:
        code === 'ENOENT'
          ? 'Check the path under Settings → Network → Company certificates: there is no file there.'
          : 'Check that the file under Settings → Network → Company certificates can be read.',
      details: `${file}: ${code ?? String(err)}`,
      cause: err,
    });
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certificates = blocks.filter((block) => {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  });
  if (certificates.length === 0) {
    throw new StrataError('network-config', 'The company certificate file holds no certificates Strata can read.', {
      action: 'Ask IT for the company CA as a PEM file (text starting with -----BEGIN CERTIFICATE-----).',
      details: file,
    });
  }
  return certificates;
}

let systemRoots: readonly string[] | undefined;

/** The roots Node ships plus those of the operating system (where a company's managed CA usually sits). */
function baseRoots(): readonly string[] {
  if (!systemRoots) {
    let system: string[] = [];
    try {
      system = tls.getCACertificates('system');
    } catch {
      // A system store Node cannot read leaves the bundled roots.
    }
    systemRoots = [...new Set([...tls.getCACertificates('default'), ...system])];
  }
  return systemRoots;
}

/** What one state of the network settings resolves to; rebuilt when they change. */
interface Resolved {
  key: string;
  revision: number;
  secureContext: SecureContext;
  /** Why the certificate file could not be used, if it could not. */
  trustError?: StrataError;
}

/** The network as main's connections see it. */
export class Network {
  readonly timeouts: Timeouts;
  private resolved?: Resolved;
  private revisionCounter = 0;

  constructor(private readonly options: NetworkOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  /** Changes whenever the certificate setting or its file does; connections are pooled per revision (and per proxy). */
  get revision(): number {
    return this.current().revision;
  }

  /** TLS settings for every connection: the system's roots and the company's certificates. Throws the file's problem, if any. */
  secureContext(): SecureContext {
    const resolved = this.current();
    if (resolved.trustError) throw resolved.trustError;
    return resolved.secureContext;
  }

  /** How a request to `url` travels now. */
  async route(url: string): Promise<Route> {
    const { proxy, noProxy } = this.options.settings();
    const target = new URL(url);
    if (proxy === 'none') return { chosenBy: 'settings' };
    if (proxy !== 'system') {
      if (bypassesProxy(target, noProxy)) return { chosenBy: 'settings' };
      return { proxy: withCredentials(new URL(proxy), this.options.proxyCredentials?.()), chosenBy: 'settings' };
    }
    if (bypassesProxy(target, noProxy)) return { chosenBy: 'system' };
    const pac = this.options.resolveSystemProxy ? await this.options.resolveSystemProxy(url) : 'DIRECT';
    return { proxy: proxyFromPac(pac), chosenBy: 'system' };
  }

  private current(): Resolved {
    const { caBundle } = this.options.settings();
    const stamp = caBundle ? fileStamp(caBundle) : '';
    const key = `${caBundle}|${stamp}`;
    if (this.resolved?.key === key) return this.resolved;
    let extra: string[] = [];
    let trustError: StrataError | undefined;
    if (caBundle) {
      try {
        extra = readCaBundle(caBundle);
      } catch (err) {
        trustError = err as StrataError;
        this.options.log?.(`network: company certificates not used: ${trustError.message} (${caBundle})`);
      }
    }
    this.resolved = {
      key,
      revision: ++this.revisionCounter,
      secureContext: tls.createSecureContext({ ca: [...baseRoots(), ...extra] }),
      trustError,
    };
    return this.resolved;
  }
}

function fileStamp(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
