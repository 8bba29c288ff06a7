import type { AppError, ErrorCode } from '../preload/contract';

/** An error Strata raises on purpose, already in words a person can act on. */
export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly action?: string;
  readonly details?: string;
  readonly fix?: AppError['fix'];
  readonly fields?: AppError['fields'];

  constructor(
    code: ErrorCode,
    message: string,
    options: { action?: string; details?: string; fix?: AppError['fix']; fields?: AppError['fields']; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.action = options.action;
    this.details = options.details;
    this.fix = options.fix;
    this.fields = options.fields;
  }

  /** Builds one from an AppError (e.g. one mapped from an AWS error), keeping the original as the cause. */
  static from(error: AppError, cause?: unknown): StrataError {
    return new StrataError(error.code, error.message, { ...error, cause });
  }

  toAppError(): AppError {
    return {
      code: this.code,
      message: this.message,
      ...(this.action ? { action: this.action } : {}),
      ...(this.details ? { details: this.details } : {}),
      ...(this.fix ? { fix: this.fix } : {}),
      ...(this.fields && Object.keys(this.fields).length ? { fields: this.fields } : {}),
    };
  }
}

/** Where a failure happened, so a network error can name what could not be reached. */
export type Stage = 'idp' | 'aws';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  error?: unknown;
  error_description?: unknown;
  cause?: unknown;
  $metadata?: { requestId?: string; httpStatusCode?: number };
}

const asErrorLike = (err: unknown): ErrorLike => (typeof err === 'object' && err !== null ? (err as ErrorLike) : {});

/** The network error code of `err` or of one of its causes, if it is a connection failure. */
export function networkErrorCode(err: unknown, depth = 0): string | undefined {
  const e = asErrorLike(err);
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (e.name === 'TimeoutError' || e.name === 'ConnectTimeoutError') return 'ETIMEDOUT';
  if (depth < 4 && e.cause) return networkErrorCode(e.cause, depth + 1);
  if (e.name === 'TypeError' && e.message === 'fetch failed') return 'fetch failed';
  return undefined;
}

/** An AWS error's name, message and request id, for "Details". */
export function awsDetails(err: unknown): string {
  const e = asErrorLike(err);
  const parts = [`${String(e.name)}: ${String(e.message)}`];
  if (e.$metadata?.requestId) parts.push(`Request ID: ${e.$metadata.requestId}`);
  return parts.join('\n');
}

/**
 * Turns any failure into an AppError a person can act on. Known provider and
 * AWS errors get specific guidance; the technical text goes under details.
 */
export function toAppError(err: unknown, stage: Stage = 'aws'): AppError {
  const own = strataCause(err);
  if (own) return own.toAppError();
  const e = asErrorLike(err);

  const network = networkErrorCode(err);
  if (network) {
    const timedOut = network === 'ETIMEDOUT';
    const details = timedOut ? `No answer in time (${network}): ${String(e.message)}` : `Connection failed (${network})`;
    return stage === 'idp'
      ? {
          code: 'idp-unreachable',
          message: timedOut
            ? "Your company's sign-in service didn't answer in time."
            : "Strata couldn't reach your company's sign-in service.",
          action: 'Check your internet or VPN connection, then try again.',
          details,
        }
      : {
          code: 'aws-unreachable',
          message: timedOut ? "AWS didn't answer in time." : "Strata couldn't reach AWS.",
          action: 'Check your internet or VPN connection (and the proxy, if your company uses one), then try again.',
          details,
        };
  }

  // openid-client: the provider answered with an OAuth error.
  if (e.code === 'OAUTH_RESPONSE_BODY_ERROR' && typeof e.error === 'string') {
    const details = [e.error, e.error_description].filter(Boolean).join(': ');
    if (e.error === 'invalid_grant') {
      return {
        code: 'session-expired',
        message: 'Your company sign-in has ended.',
        action: 'Sign in again to continue.',
        details,
      };
    }
    return {
      code: 'idp-rejected',
      message: "Your company's sign-in service turned down Strata's request.",
      action: 'Try again. If it keeps happening, tell IT, and include the details below.',
      details,
    };
  }
  // openid-client: an answer that failed validation (issuer, nonce, signature, shape).
  if (typeof e.code === 'string' && e.code.startsWith('OAUTH_')) {
    return {
      code: 'idp-rejected',
      message: "Your company's sign-in service gave an answer Strata couldn't accept.",
      action: 'Try again. If it keeps happening, tell IT, and include the details below.',
      details: `${e.code}: ${String(e.message)}`,
    };
  }

  if (e.$metadata || typeof e.name === 'string') {
    switch (e.name) {
      case 'NotAuthorizedException':
        return {
          code: 'cognito-rejected',
          message: "AWS didn't accept your company sign-in.",
          action: "Sign in again. If it keeps happening, ask IT to check that Strata's identity pool trusts your company's sign-in provider.",
          details: awsDetails(e),
        };
      case 'ResourceNotFoundException':
        return {
          code: 'cognito-not-found',
          message: "The identity pool in Strata's settings wasn't found.",
          action: 'Ask IT to check the identity pool ID and AWS Region in Settings.',
          details: awsDetails(e),
        };
      case 'ExpiredToken':
      case 'ExpiredTokenException':
        return {
          code: 'session-expired',
          message: 'Your AWS session has expired.',
          action: 'Sign in again to continue.',
          details: awsDetails(e),
        };
    }
    if (e.$metadata) {
      return {
        code: 'aws-rejected',
        message: 'AWS turned down the request.',
        action: 'Try again. If it keeps happening, tell IT, and include the details below.',
        details: awsDetails(e),
      };
    }
  }

  return {
    code: 'internal',
    message: 'Something went wrong in Strata.',
    action: 'Try again. If it keeps happening, restart Strata.',
    details: err instanceof Error ? err.message : String(err),
  };
}

/** Converts a failure into a StrataError once, at the point where its stage is known. */
export function asStrataError(err: unknown, stage: Stage): StrataError {
  return strataCause(err) ?? StrataError.from(toAppError(err, stage), err);
}

/** `err` if it is Strata's own, or the cause of a library's error around it (openid-client wraps what its fetch threw). */
function strataCause(err: unknown): StrataError | undefined {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as Error).cause, depth++) {
    if (e instanceof StrataError) return e;
  }
  return undefined;
}
