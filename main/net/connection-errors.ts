/** Failures of a connection itself (untrusted certificate, proxy trouble), said in words with the host they concern. */
import { StrataError } from '../errors';
import type { Route } from './network';

/** Node's codes for a certificate that does not check out. */
const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Codes of a connection that never opened: with a proxy in the way, it is the proxy that could not be reached. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface Failure {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  proxyStatus?: unknown;
}

/** The error and its causes, outermost first (fetch wraps the socket's error; the SDK sometimes wraps too). */
function chain(err: unknown): Failure[] {
  const out: Failure[] = [];
  let current: unknown = err;
  while (typeof current === 'object' && current !== null && out.length < 5) {
    out.push(current as Failure);
    current = (current as Failure).cause;
  }
  return out;
}

/** A proxy's refusal of a tunnel: the status it answered, from the SDK's agent or from fetch's. */
function proxyStatus(failures: Failure[]): number | undefined {
  for (const failure of failures) {
    if (typeof failure.proxyStatus === 'number') return failure.proxyStatus;
    const match = typeof failure.message === 'string' ? /Proxy response \((\d{3})\)/.exec(failure.message) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Words for a failed connection to `url`, or undefined when the failure is not the connection's (AWS answered). */
export function explainConnectionError(err: unknown, url: URL, route: Route | undefined): StrataError | undefined {
  if (err instanceof StrataError) return err;
  const failures = chain(err);
  const host = url.hostname;
  const certificate = failures.find((failure) => typeof failure.code === 'string' && CERTIFICATE_CODES.has(failure.code));
  if (certificate) {
    const code = String(certificate.code);
    const expired = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
    const wrongName = code === 'ERR_TLS_CERT_ALTNAME_INVALID';
    return new StrataError(
      'connection-not-trusted',
      expired
        ? `The secure connection to ${host} failed: its certificate has expired or is not valid yet.`
        : wrongName
          ? `The secure connection to ${host} failed: its certificate is for a different address.`
          : `Strata doesn't trust the secure connection to ${host}: its certificate isn't from an authority this computer trusts.`,
      {
        action: wrongName
          ? 'Check the endpoint address in Settings, or tell IT.'
          : 'If your company inspects secure traffic, ask IT for its certificate file and add it under Settings → Network → Company certificates.',
        details: `${code}: ${String(certificate.message)}${route?.proxy ? `\nThrough the proxy ${route.proxy.host}` : ''}`,
        cause: err,
      },
    );
  }
  if (!route?.proxy) return undefined;
  const proxy = route.proxy.host;
  const source = route.chosenBy === 'system' ? "this computer's proxy settings" : 'Settings → Network → Proxy';
  const status = proxyStatus(failures);
  if (status !== undefined) {
    const message =
      status === 407
        ? route.proxy.username
          ? `The proxy ${proxy} didn't accept the user name and password in Settings.`
          : `The proxy ${proxy} asks for a user name and password.`
        : status === 403
          ? `The proxy ${proxy} doesn't allow connections to ${host}.`
          : `The proxy ${proxy} couldn't connect to ${host} (it answered ${status}).`;
    return new StrataError('proxy-failed', message, {
      action:
        status === 407
          ? route.chosenBy === 'settings'
            ? 'Enter them under Settings → Network → Proxy sign-in.'
            : "Strata signs in only to a proxy named in Settings: choose “This proxy…” under Settings → Network, with the proxy's address and your sign-in."
          : status === 403
          ? 'Ask IT to allow Strata through the proxy, or to give you a proxy address that does.'
          : `Check the endpoint address, and that the proxy can reach AWS. The proxy comes from ${source}.`,
      details: `CONNECT ${host}:${url.port || 443} → ${status}`,
      cause: err,
    });
  }
  const unreachable = failures.find((failure) => typeof failure.code === 'string' && UNREACHABLE_CODES.has(failure.code));
  if (unreachable) {
    return new StrataError('proxy-failed', `Strata couldn't reach the proxy ${proxy}.`, {
      action: `Check your network connection, and the proxy in ${source}.`,
      details: `${String(unreachable.code)}: ${String(unreachable.message)}`,
      cause: err,
    });
  }
  return undefined;
}
