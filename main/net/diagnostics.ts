/**
 * "Check connection": for every address Strata talks to, how it is reached
 * (direct or through which proxy), what the name resolves to and whether
 * that is a private address (a VPC interface endpoint) or a public one,
 * whether a connection opens, and whose certificate answers, in words, with
 * a plain-text report for IT. Nothing secret is sent or shown: no request is
 * made beyond opening the connection and the TLS handshake.
 */
import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import tls, { type PeerCertificate, type SecureContext } from 'node:tls';
import type { CompanySettings, ConnectionCheck, ConnectionReport } from '../../preload/contract';
import { isLoopbackHost } from '../../preload/contract';
import { StrataError } from '../errors';
import { endpointOf } from './aws-clients';
import type { Network, Route } from './network';

/** The addresses Strata uses with these settings: each service's endpoint, or AWS's public one for the Region. */
export function endpointsToCheck(settings: CompanySettings): Array<{ name: string; url: string }> {
  const aws = [
    { name: 'Cognito Identity', url: endpointOf('cognitoIdentity', settings) },
    { name: 'STS', url: endpointOf('sts', settings) },
    { name: 'Bedrock (model list)', url: endpointOf('bedrock', settings) },
    { name: 'Bedrock Runtime (chat)', url: endpointOf('bedrockRuntime', settings) },
    ...(settings.bedrockAgentEndpoint ? [{ name: 'Bedrock Agent (agent list)', url: settings.bedrockAgentEndpoint }] : []),
    ...(settings.bedrockAgentRuntimeEndpoint ? [{ name: 'Bedrock Agent Runtime (agents)', url: settings.bedrockAgentRuntimeEndpoint }] : []),
    // IAM Identity Center's public endpoints are in each profile's own SSO Region: checked here when set.
    ...(settings.ssoOidcEndpoint ? [{ name: 'IAM Identity Center sign-in', url: settings.ssoOidcEndpoint }] : []),
    ...(settings.ssoEndpoint ? [{ name: 'IAM Identity Center portal', url: settings.ssoEndpoint }] : []),
  ];
  return settings.issuer ? [{ name: 'Company sign-in', url: settings.issuer }, ...aws] : aws;
}

/** True for addresses that never leave a private network: RFC 1918, carrier-grade NAT, link-local, unique local, loopback. */
export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(address) === 6) {
    const lower = address.toLowerCase();
    if (lower === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return isPrivateAddress(mapped[1]!);
    return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
  }
  return false;
}

/** Runs `work` for at most `ms`; a late answer is said as a timeout. */
function within<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what} did not answer within ${Math.round(ms / 100) / 10} s`));
    }, ms);
  });
  return Promise.race([work(controller.signal), timeout]).finally(() => clearTimeout(timer));
}

/** Opens a TCP connection to host:port, through the proxy's tunnel (Node's own CONNECT) when there is one. */
function openTcp(host: string, port: number, route: Route, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const proxy = route.proxy;
    if (!proxy) {
      const socket = tcpConnect({ host, port, signal });
      socket.once('error', reject).once('connect', () => resolve(socket));
      return;
    }
    const target = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
    const auth = proxy.username
      ? { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` }
      : {};
    const tunnel = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...auth },
      agent: false,
      signal,
    });
    tunnel.once('error', reject);
    tunnel.once('connect', (answer: IncomingMessage, socket: Socket) => {
      if (answer.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(Object.assign(new Error(`The proxy answered ${answer.statusCode} to CONNECT ${target}`), { proxyStatus: answer.statusCode }));
    });
    tunnel.end();
  });
}

/** The TLS handshake over `socket`, with the trust Strata uses; the certificate that answered, and whether it checks out. */
function handshake(socket: Socket, host: string, secureContext: SecureContext, signal: AbortSignal) {
  return new Promise<{ authorized: boolean; error?: string; certificate: PeerCertificate }>((resolve, reject) => {
    const secure = tls.connect({ socket, servername: isIP(host) ? undefined : host, secureContext, rejectUnauthorized: false });
    signal.addEventListener('abort', () => secure.destroy(), { once: true });
    secure.once('error', reject);
    secure.once('secureConnect', () => {
      const certificate = secure.getPeerCertificate();
      const hostError = secure.authorized ? tls.checkServerIdentity(host, certificate) : undefined;
      const authorizationError = secure.authorizationError as Error | string | null;
      resolve({
        authorized: secure.authorized && !hostError,
        error: hostError?.message ?? (authorizationError ? String(authorizationError) : undefined),
        certificate,
      });
      secure.end();
    });
  });
}

function describeRoute(route: Route): string {
  if (!route.proxy) return route.chosenBy === 'system' ? "Direct (this computer's proxy settings say so)" : 'Direct';
  const by = route.chosenBy === 'system' ? "from this computer's proxy settings" : 'from Settings';
  return `Through the proxy ${route.proxy.host} (${by})`;
}

const issuerName = (certificate: PeerCertificate) =>
  [certificate.issuer?.CN, certificate.issuer?.O].filter((part) => typeof part === 'string' && part).join(', ') || 'unknown';

/** Checks one address: route, name, connection and certificate. Never throws: a failure is part of the answer. */
export async function checkEndpoint(name: string, url: string, network: Network): Promise<ConnectionCheck> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const check: ConnectionCheck = { name, url: target.origin, ok: false, route: '', summary: '' };
  const { connectMs } = network.timeouts;
  let route: Route;
  try {
    route = await network.route(url);
    check.route = describeRoute(route);
  } catch (err) {
    check.route = 'Unknown';
    check.summary = err instanceof StrataError ? err.message : String(err);
    return check;
  }

  if (route.proxy) {
    check.addresses = 'Looked up by the proxy';
  } else if (isLoopbackHost(host)) {
    check.addresses = 'This computer';
  } else {
    try {
      const found = await within(connectMs, 'The name lookup', () => lookup(host, { all: true }));
      const addresses = found.map((entry) => entry.address);
      check.addresses = addresses.join(', ');
      check.private = addresses.every(isPrivateAddress);
    } catch (err) {
      check.summary = `The name ${host} could not be found (${(err as NodeJS.ErrnoException).code ?? String(err)}).`;
      return check;
    }
  }

  const opened = Date.now();
  let socket: Socket;
  try {
    socket = await within(connectMs, 'The connection', (signal) => openTcp(host, port, route, signal));
    check.connectMs = Date.now() - opened;
  } catch (err) {
    const status = (err as { proxyStatus?: number }).proxyStatus;
    check.summary = status
      ? status === 407
        ? `The proxy ${route.proxy?.host} asks for a sign-in${route.proxy?.username ? ' and did not accept the one in Settings' : ''}.`
        : `The proxy ${route.proxy?.host} refused the connection to ${host} (it answered ${status}).`
      : route.proxy
        ? `No connection through the proxy ${route.proxy.host}: ${(err as Error).message}.`
        : `No connection to ${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`;
    return check;
  }

  if (target.protocol !== 'https:') {
    socket.destroy();
    check.ok = true;
    check.summary = 'Reachable (plain HTTP, on this computer only).';
    return check;
  }
  try {
    const secureContext = network.secureContext();
    const answer = await within(connectMs, 'The secure connection', (signal) => handshake(socket, host, secureContext, signal));
    check.certificateIssuer = issuerName(answer.certificate);
    if (!answer.authorized) {
      check.summary = `The certificate of ${host}, from ${check.certificateIssuer}, is not trusted here: ${answer.error ?? 'unknown reason'}.`;
      return check;
    }
  } catch (err) {
    socket.destroy();
    check.summary = err instanceof StrataError ? err.message : `The secure connection to ${host} failed: ${(err as Error).message}.`;
    return check;
  }
  check.ok = true;
  check.summary =
    check.private === true
      ? 'Reachable at a private address (a private endpoint), certificate trusted.'
      : 'Reachable, certificate trusted.';
  return check;
}

/** Checks every address at once, and writes the report IT asks for. */
export async function diagnose(
  settings: CompanySettings,
  network: Network,
  about: { version: string; platform: string; now?: () => number },
): Promise<ConnectionReport> {
  const checks = await Promise.all(endpointsToCheck(settings).map(({ name, url }) => checkEndpoint(name, url, network)));
  const checkedAt = (about.now ?? Date.now)();
  const lines = [
    `Strata ${about.version} on ${about.platform}, checked ${new Date(checkedAt).toISOString()}`,
    `Region: ${settings.region}`,
    `Proxy setting: ${settings.proxy}${settings.noProxy ? `; not for: ${settings.noProxy}` : ''}`,
    `Company certificates: ${settings.caBundle || 'none'}`,
    '',
    ...checks.flatMap((check) => [
      `${check.ok ? 'OK ' : 'FAIL'} ${check.name}: ${check.url}`,
      `     route: ${check.route}`,
      ...(check.addresses ? [`     address: ${check.addresses}${check.private === undefined ? '' : check.private ? ' (private)' : ' (public)'}`] : []),
      ...(check.connectMs !== undefined ? [`     connected in ${check.connectMs} ms`] : []),
      ...(check.certificateIssuer ? [`     certificate issued by: ${check.certificateIssuer}`] : []),
      `     ${check.summary}`,
    ]),
  ];
  return { checkedAt, checks, text: lines.join('\n') };
}
