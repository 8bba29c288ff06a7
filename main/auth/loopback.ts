/**
 * Receives the OIDC redirect in the system browser on a loopback address (RFC 8252 §7.3).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StrataError } from '../errors';
import { pages, sendPage, type LoopbackPage } from './loopback-pages';

export interface LoopbackOptions {
  /** 33333 by default in config (providers such as Cognito need the exact registered port); 0 = ephemeral */
  port: number;
  /** the state value sent in the authorization request */
  expectedState: string;
  /** how long to wait for the browser, ms */
  timeoutMs: number;
  /** user cancel */
  signal?: AbortSignal;
  /** shown on the pages: "Sign in with <companyName>" context */
  companyName: string;
  /** where the answer is expected (default /callback; IAM Identity Center's clients use /oauth/callback) */
  path?: string;
  /** told (without secrets) about each request that did not carry this attempt's state and was turned away */
  onIgnored?: (reason: string) => void;
}

export interface LoopbackReceiver {
  /** http://127.0.0.1:<actual port><path> */
  redirectUri: string;
  /** resolves with the full callback URL once a valid callback arrived (state matched, code present); rejects with StrataError otherwise */
  callback: Promise<URL>;
  /** stops listening; idempotent */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const CALLBACK_PATH = '/callback';
/** Grace for sockets that were mid-request when the attempt ended; a stalled client must not hold the port. */
const LINGER_MS = 1000;
const MAX_DETAIL_LENGTH = 300;

const TRY_AGAIN = 'Try signing in again.';

const cancelled = (): StrataError =>
  new StrataError('sign-in-cancelled', 'Sign-in was cancelled.', { action: "Sign in again when you're ready." });

/** Starts listening on 127.0.0.1 only. Rejects with StrataError('redirect-port-in-use', …) if the port is taken. */
export async function startLoopbackReceiver(options: LoopbackOptions): Promise<LoopbackReceiver> {
  const { expectedState, timeoutMs, signal, companyName } = options;
  if (signal?.aborted) throw cancelled();

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback literal only: 'localhost' may resolve to ::1 or be remapped, and 0.0.0.0 would expose the code to the network.
    server.listen({ host: HOST, port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw listenFailed(error, options.port);
  });

  const { port } = server.address() as AddressInfo;
  const callbackPath = options.path ?? CALLBACK_PATH;
  const redirectUri = `http://${HOST}:${port}${callbackPath}`;
  // Anything else could be a web page reaching us through DNS rebinding.
  const allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  let settled = false;
  let resolveCallback: (url: URL) => void = () => {};
  let rejectCallback: (error: StrataError) => void = () => {};
  const callback = new Promise<URL>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  // The caller may not be awaiting yet (it is still opening the browser); it still sees the rejection.
  callback.catch(() => {});

  const onAbort = (): void => settle(cancelled());
  const timer = setTimeout(
    () => settle(new StrataError('sign-in-timeout', 'The sign-in took too long to finish.', { action: TRY_AGAIN })),
    timeoutMs,
  );

  function settle(outcome: URL | StrataError): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (outcome instanceof URL) resolveCallback(outcome);
    else rejectCallback(outcome);

    // Stops accepting at once and drops idle keep-alive sockets; responses still being written
    // finish, and carry Connection: close so their sockets end right after.
    server.close();
    const linger = setTimeout(() => server.closeAllConnections(), LINGER_MS).unref();
    server.once('close', () => clearTimeout(linger));
  }

  const reply = (res: ServerResponse, status: number, page: LoopbackPage, headers: Record<string, string> = {}): void =>
    sendPage(res, status, page, companyName, settled ? { ...headers, Connection: 'close' } : headers);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts.has(req.headers.host?.toLowerCase() ?? '')) return reply(res, 400, pages.badHost);
    const url = URL.parse(req.url ?? '', redirectUri);
    if (!url) return reply(res, 400, pages.badRequest);
    const misdirected = url.pathname !== callbackPath;
    // Browsers ask for /favicon.ico and the like; such strays must not end the attempt.
    if (misdirected && !isAuthorizationResponse(url.searchParams)) return reply(res, 404, pages.notFound);
    if (req.method !== 'GET') return reply(res, 405, pages.methodNotAllowed, { Allow: 'GET' });
    if (settled) return reply(res, 409, pages.alreadyFinished);

    // Without this attempt's state it is not the answer to this sign-in: any local web page can send
    // such a request (an <img> is enough), so it is turned away and the attempt goes on.
    if (!sameSecret(single(url.searchParams, 'state'), expectedState)) {
      options.onIgnored?.(`a request to ${url.pathname} without this sign-in's state was turned away`);
      return reply(res, 400, pages.notThisSignIn);
    }
    // A sign-in answer at another address ends the attempt too: it never carries a code Strata will use.
    const verdict = misdirected ? misdirectedVerdict(callbackPath) : readCallback(url.searchParams);
    const callbackUrl = new URL(redirectUri);
    callbackUrl.search = url.search;
    // Settle before replying: the reply then carries Connection: close, and closing the server
    // does not take this socket for idle while its response is still unwritten.
    settle(verdict.error ?? callbackUrl);
    reply(res, verdict.status, verdict.page);
  });
  server.on('error', (error) =>
    settle(new StrataError('internal', 'Strata stopped listening for the sign-in.', { action: TRY_AGAIN, cause: error })),
  );

  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  return {
    redirectUri,
    callback,
    close: () => {
      settle(cancelled());
      return closed;
    },
  };
}

interface Verdict {
  status: number;
  page: LoopbackPage;
  error?: StrataError;
}

/** True when a request carries the parameters of an authorization response (RFC 6749 §4.1.2). */
function isAuthorizationResponse(params: URLSearchParams): boolean {
  return params.has('code') || params.has('state') || params.has('error');
}

function misdirectedVerdict(callbackPath: string): Verdict {
  return {
    status: 404,
    page: pages.wrongAddress,
    error: new StrataError('sign-in-callback-invalid', 'The sign-in came back to the wrong address.', {
      action: 'Try again. If it keeps happening, ask IT to check the redirect address registered for Strata.',
      details: `Expected the answer at ${callbackPath}.`,
    }),
  };
}

/** Reads a callback that carries this attempt's state. */
function readCallback(params: URLSearchParams): Verdict {
  const error = params.get('error');
  if (error === 'access_denied') {
    return {
      status: 200,
      page: pages.denied,
      error: new StrataError(
        'sign-in-denied',
        "You declined the sign-in, or your company account isn't allowed to use Strata.",
        { action: 'Sign in again, or ask IT for access.' },
      ),
    };
  }
  if (error !== null) {
    const description = params.get('error_description');
    return {
      status: 200,
      page: pages.rejected,
      error: new StrataError('idp-rejected', "Your company's sign-in service turned the sign-in down.", {
        action: 'Try again. If it keeps happening, ask IT and show them the details.',
        details: clip(`Identity provider error: ${error}${description ? ` (${description})` : ''}`),
      }),
    };
  }
  if (!single(params, 'code')) {
    return {
      status: 400,
      page: pages.incomplete,
      error: new StrataError('sign-in-callback-invalid', 'The sign-in page sent back an incomplete answer.', {
        action: 'Try again. If it keeps happening, ask IT.',
      }),
    };
  }
  return { status: 200, page: pages.signedIn };
}

/** OAuth parameters must not repeat (RFC 6749 §3.1); a repeated one counts as absent. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

function sameSecret(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Provider text is untrusted: keep it short and on one line.
const clip = (text: string): string => {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return line.length > MAX_DETAIL_LENGTH ? `${line.slice(0, MAX_DETAIL_LENGTH - 1)}…` : line;
};

function listenFailed(error: unknown, port: number): StrataError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new StrataError('redirect-port-in-use', `Strata can't finish sign-in because another program is using port ${port}.`, {
      action: `Close the other program using port ${port} and try again, or ask IT for help.`,
      details: code,
      cause: error,
    });
  }
  return new StrataError('internal', `Strata couldn't listen for the sign-in on port ${port}.`, {
    action: 'Try again. If it keeps happening, ask IT to check the sign-in port setting.',
    ...(code ? { details: code } : {}),
    cause: error,
  });
}
