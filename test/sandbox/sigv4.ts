/**
 * Server-side AWS Signature Version 4 verification, for every sandbox AWS
 * emulator (STS now, the Bedrock emulators later, over HTTP/1.1 or HTTP/2).
 *
 * The canonical request is rebuilt by @smithy/signature-v4 itself, the signer
 * the AWS SDK uses, from what actually arrived on the wire.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** What verifySigV4 needs from a request: node's IncomingMessage and Http2ServerRequest both fit. */
export interface SigV4Request {
  method?: string;
  /** Path and query exactly as received (still percent-encoded). */
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The secret side of an access key, as the emulator knows it. */
export interface SigV4Secret {
  secretAccessKey: string;
  /** Required in x-amz-security-token when set (temporary credentials). */
  sessionToken?: string;
  /** The emulator considers these credentials expired. */
  expired?: boolean;
}

export type CredentialLookup<T extends SigV4Secret> = (accessKeyId: string) => T | undefined | Promise<T | undefined>;

export interface SigV4Options {
  /** Required credential-scope region; any region is accepted when unset. */
  region?: string;
  /** Allowed clock difference, seconds (AWS: 300). */
  maxSkewSeconds?: number;
  /** For tests of the verifier itself. */
  now?: () => number;
}

/**
 * Why a request was refused. `code`/`status`/`message` are what STS (awsQuery)
 * says; other protocols map `reason` to their own error names, e.g. restJson
 * services say UnrecognizedClientException / ExpiredTokenException / InvalidSignatureException.
 */
export type SigV4Failure = {
  ok: false;
  reason:
    | 'missing-authentication'
    | 'incomplete-signature'
    | 'unknown-access-key'
    | 'invalid-token'
    | 'expired-token'
    | 'wrong-scope'
    | 'clock-skew'
    | 'payload-hash-mismatch'
    | 'signature-mismatch';
  status: number;
  code: string;
  message: string;
};

export type SigV4Success<T> = {
  ok: true;
  accessKeyId: string;
  credentials: T;
  region: string;
  service: string;
  signedHeaders: string[];
  /** The request's x-amz-date. */
  signingDate: Date;
  /** The request's signature (hex): the seed of event-stream chunk signatures. */
  signature: string;
};

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function fail(reason: SigV4Failure['reason'], status: number, code: string, message: string): SigV4Failure {
  return { ok: false, reason, status, code, message };
}

/** node:crypto behind the hash interface @smithy/signature-v4 expects. */
export class Sha256 {
  #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    throw new Error('not supported');
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

function header(headers: SigV4Request['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(value: string):
  | { accessKeyId: string; date: string; region: string; service: string; terminator: string; signedHeaders: string[]; signature: string }
  | { error: string } {
  const prefix = 'AWS4-HMAC-SHA256 ';
  if (!value.startsWith(prefix)) return { error: `Unsupported AWS 'algorithm': '${value.split(' ')[0] ?? ''}'` };
  const params = new Map<string, string>();
  for (const part of value.slice(prefix.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!params.get(name)) return { error: `Authorization header requires '${name}' parameter. Authorization=${value}` };
  }
  const scope = (params.get('Credential') ?? '').split('/');
  if (scope.length !== 5) return { error: `Credential should be scoped to a valid region. Authorization=${value}` };
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = scope;
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: (params.get('SignedHeaders') ?? '').split(';').filter(Boolean),
    signature: params.get('Signature') ?? '',
  };
}

/** '20240101T000000Z' -> Date, or undefined when it is not in that form. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Splits the raw query without turning '+' into spaces (SigV4 encodes spaces as %20). */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (!raw) return query;
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    // A malformed escape cannot have been produced by a signer; let the signature check fail on it.
    return component;
  }
}

type SignableRequest = Parameters<SignatureV4['sign']>[0];

/**
 * Verifies the request's SigV4 Authorization header against credentials the
 * sandbox issued: key known, session token matches, not expired, scope right,
 * date within 5 minutes, payload hash and signature right.
 */
export async function verifySigV4<T extends SigV4Secret>(
  request: SigV4Request,
  body: Uint8Array,
  lookupCredentials: CredentialLookup<T>,
  service: string,
  options: SigV4Options = {},
): Promise<SigV4Success<T> | SigV4Failure> {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) return fail('missing-authentication', 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const parsed = parseAuthorization(authorization);
  if ('error' in parsed) return fail('incomplete-signature', 400, 'IncompleteSignature', parsed.error);

  // Token problems come before signature problems, as in AWS: an expired
  // session says ExpiredToken even if the client also signed it wrong.
  const credentials = await lookupCredentials(parsed.accessKeyId);
  if (!credentials) return fail('unknown-access-key', 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const token = header(request.headers, 'x-amz-security-token');
  if (credentials.sessionToken !== undefined && !safeEqual(token ?? '', credentials.sessionToken)) {
    return fail('invalid-token', 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  if (credentials.expired) return fail('expired-token', 400, 'ExpiredToken', 'The security token included in the request is expired');

  if (parsed.terminator !== 'aws4_request') {
    return fail('wrong-scope', 403, 'SignatureDoesNotMatch', `Credential should be scoped with a valid terminator: 'aws4_request', not '${parsed.terminator}'. `);
  }
  if (parsed.service !== service) {
    return fail('wrong-scope', 403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'. `);
  }
  if (options.region !== undefined && parsed.region !== options.region) {
    return fail('wrong-scope', 403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${parsed.region}'. `);
  }

  const rawDate = header(request.headers, 'x-amz-date');
  const signingDate = rawDate === undefined ? undefined : parseAmzDate(rawDate);
  if (!rawDate || !signingDate) {
    return fail('incomplete-signature', 400, 'IncompleteSignature', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (!parsed.signedHeaders.includes('x-amz-date')) {
    return fail('incomplete-signature', 400, 'IncompleteSignature', "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // Over HTTP/2 the SDK signs the :authority pseudo-header in place of host.
  if (!parsed.signedHeaders.includes('host') && !parsed.signedHeaders.includes(':authority')) {
    return fail('incomplete-signature', 400, 'IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (parsed.date !== rawDate.slice(0, 8)) {
    return fail(
      'wrong-scope',
      403,
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${rawDate.slice(0, 8)}', from '${rawDate}'.`,
    );
  }

  const now = new Date(options.now?.() ?? Date.now());
  const skewMs = (options.maxSkewSeconds ?? 300) * 1000;
  const minutes = `${(options.maxSkewSeconds ?? 300) / 60} min.`;
  if (signingDate.getTime() < now.getTime() - skewMs) {
    return fail(
      'clock-skew',
      403,
      'SignatureDoesNotMatch',
      `Signature expired: ${rawDate} is now earlier than ${amzDate(new Date(now.getTime() - skewMs))} (${amzDate(now)} - ${minutes})`,
    );
  }
  if (signingDate.getTime() > now.getTime() + skewMs) {
    return fail(
      'clock-skew',
      403,
      'SignatureDoesNotMatch',
      `Signature not yet current: ${rawDate} is still later than ${amzDate(new Date(now.getTime() + skewMs))} (${amzDate(now)} + ${minutes})`,
    );
  }

  const contentSha = header(request.headers, 'x-amz-content-sha256');
  if (contentSha !== undefined && contentSha !== 'UNSIGNED-PAYLOAD' && !contentSha.startsWith('STREAMING-')) {
    const actual = createHash('sha256').update(body).digest('hex');
    if (contentSha !== actual) {
      return fail('payload-hash-mismatch', 400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }

  // Only the headers the client signed take part, with their received values.
  const signed: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    // HTTP/2 carries the host as the :authority pseudo-header.
    const value = header(request.headers, name) ?? (name === 'host' ? header(request.headers, ':authority') : undefined);
    if (value === undefined) {
      return fail('signature-mismatch', 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);
    }
    signed[name] = value;
  }

  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const hostHeader = signed.host ?? '';
  const signable: SignableRequest = {
    method: (request.method ?? 'GET').toUpperCase(),
    protocol: 'http:',
    hostname: hostHeader.replace(/:\d+$/, ''),
    // The raw, still-encoded path: the SDK signs its encoded path, so does this (double encoding included).
    path: queryStart === -1 ? url : url.slice(0, queryStart),
    query: parseQuery(queryStart === -1 ? '' : url.slice(queryStart + 1)),
    headers: signed,
    body,
  };
  const signer = new SignatureV4({
    // The session token and content hash are taken from the signed headers, if signed, never added.
    credentials: { accessKeyId: parsed.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region: parsed.region,
    service: parsed.service,
    sha256: Sha256,
    applyChecksum: false,
    uriEscapePath: service !== 's3',
  });
  const resigned = await signer.sign(signable, {
    signingDate,
    signingRegion: parsed.region,
    signingService: parsed.service,
    signableHeaders: new Set(parsed.signedHeaders),
  });
  const expected = /Signature=([0-9a-f]+)/.exec(String(resigned.headers.authorization ?? ''))?.[1] ?? '';
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(String(resigned.headers.authorization ?? ''))?.[1] ?? '';
  if (expectedHeaders !== [...parsed.signedHeaders].sort().join(';') || !safeEqual(expected, parsed.signature)) {
    return fail('signature-mismatch', 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);
  }

  return {
    ok: true,
    accessKeyId: parsed.accessKeyId,
    credentials,
    region: parsed.region,
    service: parsed.service,
    signedHeaders: parsed.signedHeaders,
    signingDate,
    signature: parsed.signature,
  };
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
