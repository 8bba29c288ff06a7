import { randomBytes, randomInt } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { redact, REDACTED } from '../../main/app/redact';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const accessKeyId = (prefix: 'AKIA' | 'ASIA') => prefix + Array.from({ length: 16 }, () => UPPER_ALNUM[randomInt(36)]).join('');
/** What AWS and identity providers issue: a secret access key (40 base64 characters), a session token, an opaque token. */
const secretAccessKey = () => randomBytes(30).toString('base64');
const sessionToken = () => randomBytes(256).toString('base64');
const opaqueToken = () => randomBytes(32).toString('base64url');

/** Asserts `secret` is gone from the redacted text, which says where it was. */
function expectMasked(text: string, secret: string): string {
  const out = redact(text);
  expect(out).not.toContain(secret);
  expect(out).toContain(REDACTED);
  return out;
}

describe('the log redactor', () => {
  it('masks JSON Web Tokens wherever they appear', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const jwt = await new SignJWT({ sub: 'ada', email: 'ada@example.com' }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect(expectMasked(`id token rejected: ${jwt} (expired)`, jwt)).toBe(`id token rejected: ${REDACTED} (expired)`);
    expectMasked(`Logins: {"login.example.com":"${jwt}"}`, jwt);
  });

  it('masks OAuth tokens in token responses, form bodies and query strings, opaque or not', () => {
    const [access, refresh, id] = [opaqueToken(), opaqueToken(), opaqueToken()];
    const json = JSON.stringify({ access_token: access, refresh_token: refresh, id_token: id, token_type: 'Bearer', expires_in: 300 });
    const out = redact(json);
    for (const secret of [access, refresh, id]) expect(out).not.toContain(secret);
    // What is not secret stays: the kind of token and its lifetime.
    expect(out).toContain('"token_type":"Bearer"');
    expect(out).toContain('"expires_in":300');
    expectMasked(`grant_type=refresh_token&refresh_token=${refresh}&client_id=strata-desktop`, refresh);
    expectMasked(`{ refreshToken: '${refresh}' }`, refresh);
    expectMasked(`https://api.example.com/?access_token=${access}`, access);
  });

  it('masks Bearer tokens and every kind of Authorization header', () => {
    const token = opaqueToken();
    expect(expectMasked(`sent with Bearer ${token}`, token)).toBe(`sent with Bearer ${REDACTED}`);
    const key = accessKeyId('ASIA');
    const sigv4 = `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${randomBytes(32).toString('hex')}`;
    const out = expectMasked(`authorization: ${sigv4}`, key);
    expect(out).not.toContain('Signature=');
    const basic = Buffer.from('ada:hunter2-proxy').toString('base64');
    expectMasked(`{"Proxy-Authorization":"Basic ${basic}"}`, basic);
  });

  it('masks Bedrock API keys, long-term and short-term', () => {
    const longTerm = `ABSK${Buffer.from(`BedrockAPIKey-ab12-at-123456789012:${randomBytes(30).toString('base64')}`).toString('base64')}`;
    const presigned = `bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${accessKeyId('ASIA')}&X-Amz-Security-Token=${encodeURIComponent(sessionToken())}&Version=1`;
    const shortTerm = `bedrock-api-key-${Buffer.from(presigned).toString('base64')}`;
    expectMasked(`checking key ${longTerm}`, longTerm);
    expectMasked(`checking key ${shortTerm}.`, shortTerm);
  });

  it('masks AWS access key ids, secret access keys and session tokens, labelled or not', () => {
    for (let i = 0; i < 300; i += 1) {
      const [id, secret, token] = [accessKeyId(i % 2 ? 'AKIA' : 'ASIA'), secretAccessKey(), sessionToken()];
      const out = redact(`credentials ${id} ${secret} ${token}`);
      for (const value of [id, secret, token]) expect(out).not.toContain(value);
    }
    const secret = secretAccessKey();
    expectMasked(`aws_secret_access_key = ${secret}`, secret);
    expectMasked(`{"AccessKeyId":"${accessKeyId('ASIA')}","SecretKey":"${secret}"}`, secret);
    // AWS's documented example key, slashes and all.
    expectMasked('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const token = sessionToken();
    expectMasked(`{"sessionToken":"${token}"}`, token);
    expectMasked(`https://bedrock.amazonaws.com/?X-Amz-Security-Token=${encodeURIComponent(token)}&X-Amz-Date=20260101T000000Z`, encodeURIComponent(token));
  });

  it('masks the authorization code, the PKCE verifier and the state in sign-in addresses', () => {
    const [code, state, verifier] = [opaqueToken(), opaqueToken().slice(0, 20), opaqueToken()];
    const out = redact(`callback http://127.0.0.1:33333/callback?code=${code}&state=${state}&iss=https%3A%2F%2Flogin.example.com`);
    expect(out).toBe(`callback http://127.0.0.1:33333/callback?code=${REDACTED}&state=${REDACTED}&iss=https%3A%2F%2Flogin.example.com`);
    expectMasked(`grant_type=authorization_code&code=${code}&code_verifier=${verifier}`, verifier);
    expectMasked(`grant_type=authorization_code&code=${code}&code_verifier=${verifier}`, code);
  });

  it('masks a password in a proxy address and keeps the rest of it', () => {
    expect(redact('proxy http://ada:p%40ss@proxy.example.com:8080 refused')).toBe(`proxy http://ada:${REDACTED}@proxy.example.com:8080 refused`);
    expectMasked('{"password":"correct horse"}', 'correct');
  });

  it('leaves ordinary text readable', () => {
    const ordinary = [
      'session: ready with company as arn:aws:sts::123456789012:assumed-role/StrataAuthenticated/CognitoIdentityCredentials in us-east-1',
      'chat: answer 3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b started with us.anthropic.claude-3-5-sonnet-20241022-v2:0',
      'anthropic.claude-3-5-haiku-20241022-v1:0 and arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'agent LIBRARIAN1 alias LIBLIVE001, knowledge base KBHANDBOOK, identity us-east-1:6f1c0e2a-1b2c-4d5e-8f90-123456789abc',
      'network: https://bedrock-runtime.us-east-1.amazonaws.com through http://proxy.example.com:8080 (from Settings)',
      'opening https://login.example.com/oauth2/default/.well-known/openid-configuration',
      'Conversation "Quarterly plan: draft for Grace — v2 (final)" renamed',
      'the log is /Users/ada/Library/Logs/Strata/main.log, settings in C:\\Users\\Ada\\AppData\\Roaming\\Strata\\config.json',
      'diagnostics saved to /tmp/strata-logs-bDvXLe/exports/strata-diagnostics-2026-12-06-2113.zip',
      'imported 12 conversations from /Users/AdaLovelace2/Library/Application Support/Strata/conversations',
      'BedrockAgentRuntimeEndpointConfiguration STRATA_BEDROCK_AGENT_RUNTIME_ENDPOINT commit 0071fdf3ff4a367049bf7d4c0438c91fa12abcde',
      'credential renewal failed (idp-unreachable); Bedrock is busy; trying again in 400 ms',
      'error code 403: AccessDeniedException (request 8f0e2b7a-22c1-4b0e-9d57-0c2f1a9b3e44)',
      'token_type Bearer, expires in 300 s; the refresh token was used',
    ];
    for (const line of ordinary) expect(redact(line)).toBe(line);
  });

  it('masks what is already masked no further', () => {
    const once = redact(`Bearer ${opaqueToken()} code=${opaqueToken()}`);
    expect(redact(once)).toBe(once);
  });
});
