/**
 * Bedrock API keys: bearer tokens Bedrock and Bedrock Runtime accept in
 * place of signed requests. A short-term key ("bedrock-api-key-…") is a
 * presigned URL for bedrock:CallWithBearerToken, so it says its Region and
 * when it ends; a long-term key ("ABSK…") is an IAM user's service-specific
 * credential, which says the user and account. What is read here is shown
 * to the person and decides the Region; Bedrock alone decides whether a key
 * is good. Nothing here logs, and no error carries the key.
 */
import { createHash } from 'node:crypto';
import type { ApiKeyInfo } from '../../preload/contract';
import { StrataError } from '../errors';

const SHORT_TERM_PREFIX = 'bedrock-api-key-';
const LONG_TERM_PREFIX = 'ABSK';
/** The Action a short-term key is presigned for. */
const BEARER_ACTION = 'CallWithBearerToken';

const notAKey = (why: string) =>
  new StrataError('invalid-input', `That isn't a Bedrock API key Strata can use: ${why}.`, {
    action: 'Copy the whole key again from the Amazon Bedrock console (API keys), or ask IT for one.',
  });

/** The key's last four characters, to tell keys apart without showing them. */
function ending(key: string): string {
  return key.replace(/=+$/, '').slice(-4);
}

function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

/** "20251124T101500Z" as epoch ms; NaN when it is not such a time. */
function amzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * What a key says of itself; throws a StrataError in words when it is not a Bedrock API key
 * (a short-term key that does not decode to a presigned CallWithBearerToken URL, say).
 */
export function describeApiKey(key: string): ApiKeyInfo {
  if (key.startsWith(SHORT_TERM_PREFIX)) {
    const decoded = decodeBase64(key.slice(SHORT_TERM_PREFIX.length));
    let url: URL;
    try {
      url = new URL(`https://${decoded}`);
    } catch {
      throw notAKey('the short-term key is damaged');
    }
    const query = url.searchParams;
    const credential = query.get('X-Amz-Credential')?.split('/') ?? [];
    const signedAt = amzDate(query.get('X-Amz-Date') ?? '');
    const lifetime = Number(query.get('X-Amz-Expires'));
    const region = credential[2] ?? '';
    if (
      query.get('Action') !== BEARER_ACTION ||
      !query.get('X-Amz-Signature') ||
      credential.length !== 5 ||
      !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ||
      !Number.isFinite(signedAt) ||
      !Number.isInteger(lifetime) ||
      lifetime <= 0
    ) {
      throw notAKey('the short-term key is damaged');
    }
    // Every short-term key ends alike ("&Version=1"): its signature is what tells two apart.
    return { kind: 'short-term', ending: query.get('X-Amz-Signature')!.slice(-4), region, expiresAt: signedAt + lifetime * 1000 };
  }
  if (key.startsWith(LONG_TERM_PREFIX)) {
    // "<user>-at-<account>:<secret>", as IAM's service-specific credentials are named.
    const decoded = decodeBase64(key.slice(LONG_TERM_PREFIX.length));
    const name = /^(.+)-at-(\d{12}):./s.exec(decoded);
    return {
      kind: 'long-term',
      ending: ending(key),
      ...(name ? { user: name[1]!, account: name[2]! } : {}),
    };
  }
  throw notAKey('Bedrock API keys begin with ABSK or bedrock-api-key-');
}

/** A name for the key that changes with it and says nothing of it: the person the status is about. */
export function apiKeySubject(key: string): string {
  return `api-key:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
