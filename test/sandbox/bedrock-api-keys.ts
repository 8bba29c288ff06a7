/**
 * Bedrock API keys as AWS makes and checks them, for the two Bedrock emulators:
 * - long-term: "ABSK" + base64("<IAM user>-at-<account>:<secret>"), an IAM
 *   service-specific credential, optionally with an end;
 * - short-term: "bedrock-api-key-" + base64 of a URL presigned with SigV4
 *   (query auth, service bedrock) for POST https://bedrock.amazonaws.com/?Action=CallWithBearerToken,
 *   then "&Version=1" — what AWS's token generators make. It is checked as
 *   AWS would: the signature against credentials the sandbox issued, the
 *   session token, the end (X-Amz-Date + X-Amz-Expires) and the Region.
 * Requests carry the key as "Authorization: Bearer <key>".
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialsRegistry, IssuedCredentials } from './credentials-registry.js';
import { Sha256 } from './sigv4.js';

const SHORT_TERM_PREFIX = 'bedrock-api-key-';
const LONG_TERM_PREFIX = 'ABSK';
const HOST = 'bedrock.amazonaws.com';
const VERSION = '&Version=1';

export type BearerCheck =
  | { ok: true; kind: 'long-term' | 'short-term'; principal: string }
  | { ok: false; status: number; name: string; message: string };

const INVALID: BearerCheck = {
  ok: false,
  status: 403,
  name: 'AccessDeniedException',
  message: 'Authentication failed: Please make sure your API Key is valid.',
};
const EXPIRED: BearerCheck = { ok: false, status: 403, name: 'AccessDeniedException', message: 'Bearer Token has expired' };

interface LongTermKey {
  secret: string;
  expiresAt: number | null;
  active: boolean;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** "20251124T101500Z" */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

async function presign(credentials: IssuedCredentials, region: string, expiresIn: number, signingDate: Date) {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    region,
    service: 'bedrock',
    sha256: Sha256,
  });
  return signer.presign(
    { method: 'POST', protocol: 'https:', hostname: HOST, path: '/', query: { Action: 'CallWithBearerToken' }, headers: { host: HOST } },
    { expiresIn, signingDate },
  );
}

export class BedrockApiKeys {
  readonly #longTerm = new Map<string, LongTermKey>();

  constructor(
    private readonly registry: CredentialsRegistry,
    private readonly accountId: string,
  ) {}

  /** A long-term key of the IAM user `userName` (the console names it BedrockAPIKey-xxxx); without `expiresInSeconds` it never ends. */
  longTerm(options: { userName?: string; expiresInSeconds?: number } = {}): string {
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const userName = options.userName ?? `BedrockAPIKey-${Array.from({ length: 4 }, () => letters[randomInt(letters.length)]).join('')}`;
    const secret = randomBytes(33).toString('base64');
    const serviceUser = `${userName}-at-${this.accountId}`;
    this.#longTerm.set(serviceUser, {
      secret,
      expiresAt: options.expiresInSeconds === undefined ? null : Date.now() + options.expiresInSeconds * 1000,
      active: true,
    });
    return `${LONG_TERM_PREFIX}${Buffer.from(`${serviceUser}:${secret}`).toString('base64')}`;
  }

  /** Deactivates a long-term key (as IAM's UpdateServiceSpecificCredential --status Inactive does). */
  deactivate(key: string): void {
    const [serviceUser] = Buffer.from(key.slice(LONG_TERM_PREFIX.length), 'base64').toString('utf8').split(':');
    const entry = this.#longTerm.get(serviceUser ?? '');
    if (entry) entry.active = false;
  }

  /**
   * A short-term key made with fresh temporary credentials of the IAM user `userName`, presigned
   * for `region` at `signedAt` (default now) to last `expiresInSeconds` (default 12 hours).
   */
  async shortTerm(options: { userName?: string; region: string; expiresInSeconds?: number; signedAt?: number }): Promise<string> {
    const now = options.signedAt ?? Date.now();
    const credentials = this.registry.issue('', `arn:aws:iam::${this.accountId}:user/${options.userName ?? 'ada'}`, 43_200, now, options.userName ?? 'ada');
    const signed = await presign(credentials, options.region, options.expiresInSeconds ?? 43_200, new Date(now));
    const query = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
      .join('&');
    return `${SHORT_TERM_PREFIX}${Buffer.from(`${HOST}/?${query}${VERSION}`).toString('base64')}`;
  }

  /** Checks an Authorization header's bearer token for a request to `region`. */
  async check(authorization: string, region: string, now = Date.now()): Promise<BearerCheck> {
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    if (token.startsWith(LONG_TERM_PREFIX)) return this.checkLongTerm(token, now);
    if (token.startsWith(SHORT_TERM_PREFIX)) return this.checkShortTerm(token, region, now);
    return INVALID;
  }

  private checkLongTerm(token: string, now: number): BearerCheck {
    const decoded = Buffer.from(token.slice(LONG_TERM_PREFIX.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return INVALID;
    const serviceUser = decoded.slice(0, colon);
    const entry = this.#longTerm.get(serviceUser);
    if (!entry || !entry.active || !safeEqual(entry.secret, decoded.slice(colon + 1))) return INVALID;
    if (entry.expiresAt !== null && now >= entry.expiresAt) return EXPIRED;
    return { ok: true, kind: 'long-term', principal: `arn:aws:iam::${this.accountId}:user/${serviceUser.replace(/-at-\d{12}$/, '')}` };
  }

  private async checkShortTerm(token: string, region: string, now: number): Promise<BearerCheck> {
    const decoded = Buffer.from(token.slice(SHORT_TERM_PREFIX.length), 'base64').toString('utf8');
    if (!decoded.startsWith(`${HOST}/?`) || !decoded.endsWith(VERSION)) return INVALID;
    const query = new URLSearchParams(decoded.slice(HOST.length + 2, -VERSION.length));
    const [accessKeyId, date, scopeRegion, service, terminator] = (query.get('X-Amz-Credential') ?? '').split('/');
    const signedAt = parseAmzDate(query.get('X-Amz-Date') ?? '');
    const expiresIn = Number(query.get('X-Amz-Expires'));
    const signature = query.get('X-Amz-Signature') ?? '';
    if (
      query.get('Action') !== 'CallWithBearerToken' ||
      query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
      query.get('X-Amz-SignedHeaders') !== 'host' ||
      service !== 'bedrock' ||
      terminator !== 'aws4_request' ||
      !signedAt ||
      date !== amzDate(signedAt).slice(0, 8) ||
      !Number.isInteger(expiresIn) ||
      expiresIn < 1 ||
      expiresIn > 43_200
    ) {
      return INVALID;
    }
    const credentials = this.registry.get(accessKeyId ?? '');
    if (!credentials || !safeEqual(query.get('X-Amz-Security-Token') ?? '', credentials.sessionToken ?? '')) return INVALID;
    const resigned = await presign(credentials, scopeRegion ?? '', expiresIn, signedAt);
    if (!safeEqual(String(resigned.query?.['X-Amz-Signature'] ?? ''), signature)) return INVALID;
    // A key lasts as long as the credentials that signed it, and no longer than it says.
    if (now >= signedAt.getTime() + expiresIn * 1000 || this.registry.isExpired(credentials, now)) return EXPIRED;
    // It works only in the Region it was made for.
    if (scopeRegion !== region) return INVALID;
    return { ok: true, kind: 'short-term', principal: credentials.roleArn };
  }
}
