/**
 * What Strata reads from a Bedrock API key: the kind, where a short-term key
 * works and until when (from its presigned URL, as AWS's token generators
 * make it), whom a long-term key belongs to; and what it says of anything
 * that is not a key. The words each source is named with in the window.
 */
import { describe, expect, it } from 'vitest';
import { apiKeyRefused } from '../../main/auth/api-key-session';
import { apiKeySubject, describeApiKey } from '../../main/auth/bedrock-api-key';
import { answeredAsText as exportedAnsweredAs } from '../../main/chat/markdown-export';
import { describeApiKey as connectionTestWords } from '../../main/app/connection-test';
import { apiKeyText, sourceLabel, sourceShort } from '../../renderer/src/accounts/source-words';
import { answeredAsText } from '../../renderer/src/chat/chat-format';
import { BedrockApiKeys } from '../sandbox/bedrock-api-keys';
import { CredentialsRegistry } from '../sandbox/credentials-registry';

const keys = () => new BedrockApiKeys(new CredentialsRegistry(), '123456789012');

describe('describeApiKey', () => {
  it('reads a long-term key: the IAM user and account, and its last four characters', () => {
    const key = keys().longTerm({ userName: 'BedrockAPIKey-ab12' });
    expect(describeApiKey(key)).toEqual({
      kind: 'long-term',
      ending: key.replace(/=+$/, '').slice(-4),
      user: 'BedrockAPIKey-ab12',
      account: '123456789012',
    });
    // A key whose owner cannot be read is still a key: Bedrock decides whether it works.
    expect(describeApiKey(`ABSK${Buffer.from('opaque').toString('base64')}`)).toEqual({ kind: 'long-term', ending: 'cXVl' });
  });

  it('reads a short-term key: the Region it was made for and when it ends; two keys tell apart', async () => {
    const signedAt = Date.UTC(2026, 10, 24, 9, 30, 0);
    const sandbox = keys();
    const key = await sandbox.shortTerm({ region: 'eu-central-1', expiresInSeconds: 3600, signedAt });
    const other = await sandbox.shortTerm({ region: 'eu-central-1', expiresInSeconds: 3600, signedAt });
    const info = describeApiKey(key);
    expect(info).toEqual({ kind: 'short-term', ending: expect.stringMatching(/^[0-9a-f]{4}$/), region: 'eu-central-1', expiresAt: signedAt + 3600_000 });
    expect(describeApiKey(other).ending).not.toBe(info.ending);
  });

  it('says what is wrong with anything else, and never repeats it', () => {
    const damaged = [
      `bedrock-api-key-${Buffer.from('bedrock.amazonaws.com/?Action=Other&X-Amz-Signature=ab').toString('base64')}`,
      `bedrock-api-key-${Buffer.from('bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Credential=AKID%2F20261124%2Fnowhere%2Fbedrock%2Faws4_request&X-Amz-Date=20261124T093000Z&X-Amz-Expires=60&X-Amz-Signature=ab').toString('base64')}`,
      `bedrock-api-key-${Buffer.from('bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Credential=AKID%2F20261124%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=yesterday&X-Amz-Expires=60&X-Amz-Signature=ab').toString('base64')}`,
      'bedrock-api-key-%%%',
    ];
    for (const key of damaged) {
      expect(() => describeApiKey(key)).toThrow("That isn't a Bedrock API key Strata can use: the short-term key is damaged.");
    }
    expect(() => describeApiKey('AKIAIOSFODNN7EXAMPLE')).toThrow(/begin with ABSK or bedrock-api-key-/);
    try {
      describeApiKey('sk-secret-value');
    } catch (err) {
      expect(JSON.stringify(err) + String(err)).not.toContain('secret-value');
    }
  });

  it('names the person by a digest that changes with the key and does not hold it', () => {
    const a = apiKeySubject('ABSKone');
    expect(a).toMatch(/^api-key:[0-9a-f]{16}$/);
    expect(apiKeySubject('ABSKtwo')).not.toBe(a);
    expect(apiKeySubject('ABSKone')).toBe(a);
  });
});

describe("Bedrock's refusals of a key, in words", () => {
  const refusal = (message: string) => Object.assign(new Error(message), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });

  it('tells an ended key from one Bedrock does not take, and leaves other refusals alone', () => {
    expect(apiKeyRefused(refusal('Bearer Token has expired'))).toMatchObject({ code: 'session-expired', message: 'Your Bedrock API key has expired.' });
    expect(apiKeyRefused(refusal('Authentication failed: Please make sure your API Key is valid.'))).toMatchObject({
      code: 'aws-rejected',
      message: "Amazon Bedrock didn't accept your API key.",
    });
    expect(apiKeyRefused(refusal("You don't have access to the model with the specified model ID."))).toBeUndefined();
    expect(apiKeyRefused(new Error('socket hang up'))).toBeUndefined();
  });
});

describe('the API key in words', () => {
  const longTerm = { kind: 'long-term', ending: 'x7Qz', user: 'BedrockAPIKey-ab12', account: '123456789012' } as const;
  const shortTerm = { kind: 'short-term', ending: 'beef', region: 'us-west-2', expiresAt: new Date(2026, 10, 24, 18, 5).getTime() } as const;

  it('Settings, the header and Test connection name the key by its kind, owner or Region, never by its text', () => {
    expect(apiKeyText(longTerm)).toBe('Long-term key ending x7Qz, of BedrockAPIKey-ab12 in account 123456789012');
    expect(apiKeyText({ kind: 'long-term', ending: 'x7Qz' })).toBe('Long-term key ending x7Qz');
    expect(apiKeyText(shortTerm, shortTerm.expiresAt - 1)).toMatch(/^Short-term key for us-west-2, until \d{1,2}:05/);
    expect(apiKeyText(shortTerm, shortTerm.expiresAt + 1)).toMatch(/^Short-term key for us-west-2, ended /);
    expect(sourceLabel({ kind: 'api-key', key: longTerm })).toBe('Your Bedrock API key');
    expect(sourceShort({ kind: 'api-key', key: null })).toBe('Bedrock API key');
    expect(connectionTestWords(longTerm)).toBe('a long-term Bedrock API key of BedrockAPIKey-ab12 in account 1234-5678-9012, ending x7Qz');
    expect(connectionTestWords(shortTerm)).toBe('a short-term Bedrock API key for us-west-2');
  });

  it('an answer asked with a key says so, in the window and in an export', () => {
    const answeredAs = { source: 'api-key' as const, key: 'x7Qz', arn: '', region: 'us-east-1' };
    expect(answeredAsText({ id: 'm', role: 'assistant', text: 'Hi', createdAt: 0, status: 'complete', answeredAs })).toBe(
      'Asked with your Bedrock API key ending x7Qz, in us-east-1',
    );
    expect(exportedAnsweredAs(answeredAs)).toBe('Bedrock API key ending x7Qz, us-east-1');
    expect(exportedAnsweredAs({ source: 'api-key', arn: '', region: 'us-west-2' })).toBe('Bedrock API key, us-west-2');
  });
});
