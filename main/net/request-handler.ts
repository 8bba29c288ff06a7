/**
 * The HTTP handler every AWS SDK client in main is given: per request it
 * asks the network how to travel (direct or through which proxy), and hands
 * the request to a pooled NodeHttpHandler or NodeHttp2Handler built for that
 * route with the trusted certificates and the timeouts. Failures of the
 * connection itself come back in words.
 */
import https from 'node:https';
import type { ClientRequest } from 'node:http';
import net, { isIP, type Socket } from 'node:net';
import tls, { type SecureContext } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import type { HttpHandlerOptions } from '@smithy/types';
import type { AgentConnectOpts } from 'agent-base';
import { StrataError } from '../errors';
import { explainConnectionError } from './connection-errors';
import type { Network, Route } from './network';

type Inner = NodeHttpHandler | NodeHttp2Handler;

/** What SDK clients are given: the smithy request-handler shape, with the pools behind it. */
export interface SharedHandler {
  metadata: { handlerProtocol: string };
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
  destroy(): void;
}

/**
 * 'h2' for Bedrock Runtime reached directly (HTTP/2, a longer quiet time for answers); 'streaming' for
 * it through a proxy (HTTP/1.1 in the tunnel, the same quiet time); 'plain' for the rest.
 */
export type HandlerKind = 'plain' | 'streaming' | 'h2';

/**
 * A CONNECT tunnel whose TLS to the far end trusts the same certificates as every other connection,
 * and that says what went wrong when the proxy refuses, instead of replaying the proxy's answer.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    private readonly secureContext: SecureContext,
  ) {
    // The context here is for an https:// proxy's own certificate.
    super(proxy.href, { secureContext, keepAlive: true });
  }

  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Socket> {
    let status = 200;
    req.once('proxyConnect', (answer: { statusCode: number }) => {
      status = answer.statusCode;
    });
    const socket = await super.connect(req, { ...opts, secureContext: this.secureContext } as AgentConnectOpts);
    if (status !== 200) {
      socket.destroy();
      throw Object.assign(new Error(`The proxy answered ${status} to CONNECT ${opts.host}:${opts.port}`), {
        code: 'ERR_PROXY_CONNECT',
        proxyStatus: status,
      });
    }
    return socket;
  }
}

interface Pooled {
  handler: Inner;
  revision: number;
  active: number;
}

/** The connection pools of main's AWS clients, one per route; clients share them. */
export class RequestHandlers {
  private readonly pools = new Map<string, Pooled>();
  /** Pools replaced by new settings while requests still used them; closed as the last one ends. */
  private readonly retired = new Set<Pooled>();

  constructor(private readonly network: Network) {}

  /**
   * A handler for one client; destroying it (SDK clients do) leaves the shared pools open. With
   * `signal`, every request of the client stops when it aborts (the session it belongs to ended).
   */
  handler(kind: HandlerKind, signal?: AbortSignal): SharedHandler {
    return {
      // The SDK reads this before signing: h2 puts the host in :authority, HTTP/1.1 in Host.
      metadata: { handlerProtocol: kind === 'h2' ? 'h2' : 'http/1.1' },
      handle: (request, options) => this.handle(kind, request, signal ? withSignal(options, signal) : options),
      destroy: () => {},
    };
  }

  /** Closes every pooled connection (at quit). */
  destroy(): void {
    for (const pooled of [...this.pools.values(), ...this.retired]) pooled.handler.destroy();
    this.pools.clear();
    this.retired.clear();
  }

  private async handle(
    kind: HandlerKind,
    request: HttpRequest,
    options?: HttpHandlerOptions,
  ): Promise<{ response: HttpResponse }> {
    const url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}`;
    let route: Route | undefined;
    let pooled: Pooled | undefined;
    try {
      route = await this.network.route(url);
      if (kind === 'h2' && route.proxy) {
        // The proxy setting changed since the client was made for a direct route: HTTP/2 does not cross a tunnel.
        throw new StrataError('proxy-failed', 'The proxy settings changed while Strata was connecting.', {
          action: 'Try again.',
        });
      }
      pooled = this.pooled(kind, route);
      pooled.active += 1;
      const output = await pooled.handler.handle(request, options);
      // A streamed answer holds its connection until its body closes.
      const body = output.response.body as { once?: (event: 'close', listener: () => void) => void } | undefined;
      const inUse = pooled;
      pooled = undefined;
      if (typeof body?.once === 'function') body.once('close', () => this.release(inUse));
      else this.release(inUse);
      return output;
    } catch (err) {
      throw explainConnectionError(err, new URL(url), route) ?? err;
    } finally {
      if (pooled) this.release(pooled);
    }
  }

  private pooled(kind: HandlerKind, route: Route): Pooled {
    const revision = this.network.revision;
    const key = `${kind}|${route.proxy?.href ?? 'direct'}`;
    const existing = this.pools.get(key);
    if (existing?.revision === revision) return existing;
    if (existing) {
      // Settings changed: new requests get new connections; the old ones close once their requests end.
      this.pools.delete(key);
      this.retire(existing);
    }
    const pooled: Pooled = { handler: this.build(kind, route), revision, active: 0 };
    this.pools.set(key, pooled);
    return pooled;
  }

  private build(kind: HandlerKind, route: Route): Inner {
    const secureContext = this.network.secureContext();
    const { connectMs, requestMs, streamIdleMs } = this.network.timeouts;
    const idleMs = kind === 'plain' ? requestMs : streamIdleMs;
    if (kind === 'h2') {
      const createConnection = (authority: URL) => connectWithin(authority, secureContext, connectMs);
      return new NodeHttp2Handler({ requestTimeout: idleMs, nodeHttp2ConnectOptions: { secureContext, createConnection } });
    }
    const httpsAgent = route.proxy
      ? new TunnelAgent(route.proxy, secureContext)
      : new https.Agent({ secureContext, keepAlive: true });
    return new NodeHttpHandler({ httpsAgent, connectionTimeout: connectMs, socketTimeout: idleMs });
  }

  private retire(pooled: Pooled): void {
    if (pooled.active === 0) pooled.handler.destroy();
    else this.retired.add(pooled);
  }

  private release(pooled: Pooled): void {
    pooled.active -= 1;
    if (pooled.active === 0 && this.retired.delete(pooled)) pooled.handler.destroy();
  }
}

/** The request's options with `signal` added to any abort signal it has. */
function withSignal(options: HttpHandlerOptions | undefined, signal: AbortSignal): HttpHandlerOptions {
  const own = options?.abortSignal as AbortSignal | undefined;
  return { ...options, abortSignal: own ? AbortSignal.any([own, signal]) : signal };
}

/**
 * The socket of an HTTP/2 session, given up when it is not connected (TLS included) within `ms`:
 * smithy's HTTP/2 handler has only the quiet-time limit, which would leave a black-holed
 * connection waiting for two minutes.
 */
function connectWithin(authority: URL, secureContext: SecureContext, ms: number): Socket {
  const host = authority.hostname.replace(/^\[(.*)\]$/, '$1');
  const secure = authority.protocol === 'https:';
  const port = Number(authority.port) || (secure ? 443 : 80);
  const socket = secure
    ? tls.connect({ host, port, secureContext, ALPNProtocols: ['h2'], ...(isIP(host) ? {} : { servername: host }) })
    : net.connect({ host, port });
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT' }));
  }, ms);
  timer.unref();
  socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  return socket;
}
