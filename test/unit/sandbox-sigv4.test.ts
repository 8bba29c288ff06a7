/**
 * The sandbox's SigV4 verifier against requests signed by @smithy/signature-v4,
 * the signer inside the AWS SDK, including what the Bedrock emulators will
 * need: encoded model ids in the path, query strings, HTTP/2 :authority.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { verifySigV4, type SigV4Secret } from '../sandbox/sigv4.js';

class Sha256 {
  #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret as string));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {}
}

const KEY = { accessKeyId: 'ASIATESTTESTTEST0001', secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', sessionToken: 'dG9rZW4=' };
const lookup = (id: string): SigV4Secret | undefined => (id === KEY.accessKeyId ? { secretAccessKey: KEY.secretAccessKey, sessionToken: KEY.sessionToken } : undefined);

interface Signed {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

async function sign(options: { path?: string; query?: Record<string, string>; body?: string; service?: string; region?: string; date?: Date; credentials?: typeof KEY; applyChecksum?: boolean } = {}): Promise<Signed> {
  const body = Buffer.from(options.body ?? '{"messages":[]}');
  const path = options.path ?? '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream';
  const signer = new SignatureV4({
    credentials: options.credentials ?? KEY,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'bedrock',
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? false,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4567,
      path,
      query: options.query ?? {},
      headers: { host: '127.0.0.1:4567', 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    },
    { signingDate: options.date ?? new Date() },
  );
  const query = new URLSearchParams(options.query ?? {}).toString().replace(/\+/g, '%20');
  return { method: 'POST', url: query ? `${path}?${query}` : path, headers: signed.headers as Record<string, string>, body };
}

describe('verifySigV4', () => {
  it('accepts what the SDK signer produces, with an encoded path and a query', async () => {
    const request = await sign({ query: { 'next token': 'a/b c' } });
    const result = await verifySigV4(request, request.body, lookup, 'bedrock', { region: 'us-east-1' });
    expect(result).toMatchObject({ ok: true, accessKeyId: KEY.accessKeyId, region: 'us-east-1', service: 'bedrock' });
  });

  it('accepts HTTP/2 requests, where the host arrives as :authority', async () => {
    const { host, ...rest } = (await sign()).headers;
    const request = await sign();
    const result = await verifySigV4({ ...request, headers: { ...rest, ':authority': host!, authorization: request.headers.authorization! } }, request.body, lookup, 'bedrock');
    expect(result.ok).toBe(true);
  });

  it('refuses a changed body, path or header', async () => {
    const request = await sign();
    const body = await verifySigV4(request, Buffer.from('{"messages":[1]}'), lookup, 'bedrock');
    expect(body).toMatchObject({ ok: false, reason: 'signature-mismatch', code: 'SignatureDoesNotMatch', status: 403 });
    const hashed = await sign({ applyChecksum: true });
    expect(hashed.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifySigV4(hashed, hashed.body, lookup, 'bedrock')).ok).toBe(true);
    const hashedBody = await verifySigV4(hashed, Buffer.from('{"messages":[1]}'), lookup, 'bedrock');
    expect(hashedBody).toMatchObject({ ok: false, reason: 'payload-hash-mismatch', code: 'XAmzContentSHA256Mismatch', status: 400 });
    const path = await verifySigV4({ ...request, url: '/model/other/converse-stream' }, request.body, lookup, 'bedrock');
    expect(path).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    const header = await verifySigV4({ ...request, headers: { ...request.headers, 'content-type': 'text/plain' } }, request.body, lookup, 'bedrock');
    expect(header).toMatchObject({ ok: false, reason: 'signature-mismatch' });
  });

  it('refuses unknown keys, missing or wrong session tokens, and expired credentials', async () => {
    const unknown = await sign({ credentials: { ...KEY, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' } });
    expect(await verifySigV4(unknown, unknown.body, lookup, 'bedrock')).toMatchObject({ reason: 'unknown-access-key', code: 'InvalidClientTokenId', status: 403 });

    const request = await sign();
    const { 'x-amz-security-token': _token, ...withoutToken } = request.headers;
    expect(await verifySigV4({ ...request, headers: withoutToken }, request.body, lookup, 'bedrock')).toMatchObject({ reason: 'invalid-token' });

    const expired = await verifySigV4(request, request.body, (id) => ({ ...lookup(id)!, expired: true }), 'bedrock');
    expect(expired).toMatchObject({ reason: 'expired-token', code: 'ExpiredToken', status: 400 });
  });

  it('refuses a request signed more than five minutes away from now', async () => {
    const old = await sign({ date: new Date(Date.now() - 6 * 60_000) });
    const result = await verifySigV4(old, old.body, lookup, 'bedrock');
    expect(result).toMatchObject({ ok: false, reason: 'clock-skew', code: 'SignatureDoesNotMatch' });
    expect(result.ok === false && result.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);

    const future = await sign({ date: new Date(Date.now() + 6 * 60_000) });
    expect(await verifySigV4(future, future.body, lookup, 'bedrock')).toMatchObject({ reason: 'clock-skew' });

    const slightlyOff = await sign({ date: new Date(Date.now() - 4 * 60_000) });
    expect((await verifySigV4(slightlyOff, slightlyOff.body, lookup, 'bedrock')).ok).toBe(true);
  });

  it('refuses the wrong service or region in the credential scope', async () => {
    const sts = await sign({ service: 'sts' });
    expect(await verifySigV4(sts, sts.body, lookup, 'bedrock')).toMatchObject({ reason: 'wrong-scope' });
    const west = await sign({ region: 'eu-west-1' });
    expect(await verifySigV4(west, west.body, lookup, 'bedrock', { region: 'us-east-1' })).toMatchObject({ reason: 'wrong-scope' });
  });

  it('says what is missing when there is no or a broken Authorization header', async () => {
    const request = await sign();
    const { authorization, ...unsigned } = request.headers;
    expect(await verifySigV4({ ...request, headers: unsigned }, request.body, lookup, 'bedrock')).toMatchObject({ reason: 'missing-authentication', status: 403 });
    const broken = { ...request.headers, authorization: authorization!.replace(/, Signature=[0-9a-f]+/, '') };
    expect(await verifySigV4({ ...request, headers: broken }, request.body, lookup, 'bedrock')).toMatchObject({ reason: 'incomplete-signature', code: 'IncompleteSignature' });
  });
});
