import { describe, expect, it } from 'vitest';
import type { AppError, SessionStatus } from '../../preload/contract';
import { COUNTDOWN_THRESHOLD_MS, describeExpiry, identityFacts, shouldShowCountdown } from '../../renderer/src/session/session-details';
import { deriveScreen, signInLink } from '../../renderer/src/session/session-screen';

const company = { kind: 'company' } as const;
const now = 10_000_000;
const renewalError: AppError = { code: 'idp-unreachable', message: "Strata couldn't reach your company's sign-in service." };
const user = { subject: 'u-1', name: 'Jane Doe' };
const identity = { arn: 'arn:aws:sts::123456789012:assumed-role/Strata-Users/CognitoIdentityCredentials', account: '123456789012' };

describe('shouldShowCountdown', () => {
  it('stays hidden while the session renews on its own, however little time is left', () => {
    expect(shouldShowCountdown({ expiresAt: now + 60_000 }, now)).toBe(false);
    expect(shouldShowCountdown({ expiresAt: now + 1_000 }, now)).toBe(false);
  });

  it('stays hidden while renewal fails but more than five minutes remain', () => {
    expect(shouldShowCountdown({ expiresAt: now + COUNTDOWN_THRESHOLD_MS, renewalError }, now)).toBe(false);
    expect(shouldShowCountdown({ expiresAt: now + 30 * 60_000, renewalError }, now)).toBe(false);
  });

  it('appears when renewal has failed and less than five minutes remain', () => {
    expect(shouldShowCountdown({ expiresAt: now + COUNTDOWN_THRESHOLD_MS - 1_000, renewalError }, now)).toBe(true);
    expect(shouldShowCountdown({ expiresAt: now + 10_000, renewalError }, now)).toBe(true);
    // Out of time but not yet told it ended: keep warning rather than go quiet.
    expect(shouldShowCountdown({ expiresAt: now - 1_000, renewalError }, now)).toBe(true);
  });

  it('gives way to "Session ended" once the session has ended', () => {
    expect(shouldShowCountdown({ expiresAt: now + 10_000, renewalError }, now, true)).toBe(false);
    expect(shouldShowCountdown({ expiresAt: null, renewalError }, now)).toBe(false);
  });
});

describe('describeExpiry', () => {
  it('says the session renews by itself, before its expiry time', () => {
    expect(describeExpiry({ expiresAt: now }, false)).toEqual({ before: 'Renews automatically before', at: now, after: '' });
  });

  it('says when it ends while renewal is failing', () => {
    expect(describeExpiry({ expiresAt: now, renewalError }, false)).toEqual({ before: 'Ends at', at: now, after: 'unless Strata can renew it' });
  });

  it('says it ended, without a time, once it has', () => {
    expect(describeExpiry({ expiresAt: now, renewalError }, true)).toEqual({ before: 'Ended', at: null, after: '' });
    expect(describeExpiry({ expiresAt: null }, true)).toMatchObject({ before: 'Ended', at: null });
  });

  it("says an IAM user's keys do not expire, without a time", () => {
    expect(describeExpiry({ expiresAt: null }, false)).toEqual({ before: "Doesn't expire (long-term access keys)", at: null, after: '' });
  });
});

describe('identityFacts', () => {
  it('names the account as the AWS console writes it, and the role by its short name', () => {
    expect(identityFacts(identity)).toEqual([
      { label: 'AWS account', value: '1234-5678-9012', testId: 'session-aws-account' },
      { label: 'Role', value: 'Strata-Users', title: identity.arn, testId: 'session-aws-role' },
    ]);
  });

  it('falls back to the account in the ARN, and shows an unreadable ARN as it is', () => {
    expect(identityFacts({ ...identity, account: '' })[0]).toMatchObject({ value: '1234-5678-9012' });
    expect(identityFacts({ arn: 'not-an-arn', account: '' })).toEqual([
      { label: 'Identity', value: 'not-an-arn', title: 'not-an-arn', testId: 'session-aws-role' },
    ]);
  });
});

describe('a Bedrock API key session', () => {
  const longTerm = { kind: 'api-key', key: { kind: 'long-term', ending: 'x7Qz', user: 'BedrockAPIKey-ab12', account: '123456789012' } } as const;
  const shortTerm = { kind: 'api-key', key: { kind: 'short-term', ending: 'beef', region: 'us-west-2', expiresAt: now + 60_000 } } as const;

  it('ends with its key: no "renews automatically", and a countdown in its last minutes though nothing failed', () => {
    expect(describeExpiry({ expiresAt: now + 60_000, source: shortTerm }, false)).toEqual({
      before: 'Ends at',
      at: now + 60_000,
      after: 'with your short-term API key',
    });
    expect(describeExpiry({ expiresAt: null, source: longTerm }, false)).toEqual({ before: 'Lasts as long as your API key', at: null, after: '' });
    expect(shouldShowCountdown({ expiresAt: now + 60_000, source: shortTerm }, now)).toBe(true);
    expect(shouldShowCountdown({ expiresAt: now + COUNTDOWN_THRESHOLD_MS + 1_000, source: shortTerm }, now)).toBe(false);
    expect(shouldShowCountdown({ expiresAt: null, source: longTerm }, now)).toBe(false);
    // Other sources renew on their own: no countdown until renewing fails.
    expect(shouldShowCountdown({ expiresAt: now + 60_000, source: company }, now)).toBe(false);
  });

  it('names the key (never the key) and whom it belongs to, instead of a caller ARN there is none of', () => {
    expect(identityFacts({ arn: '', account: '123456789012' }, longTerm)).toEqual([
      { label: 'AWS account', value: '1234-5678-9012', testId: 'session-aws-account' },
      { label: 'IAM user', value: 'BedrockAPIKey-ab12', testId: 'session-aws-role' },
      { label: 'Bedrock API key', value: 'Long-term, ending x7Qz', testId: 'session-api-key' },
    ]);
    expect(identityFacts({ arn: '', account: '' }, shortTerm)).toEqual([
      { label: 'Bedrock API key', value: 'Short-term, for us-west-2', testId: 'session-api-key' },
    ]);
  });
});

describe('the ready status carries renewal trouble to the header', () => {
  it('passes renewalError on to the workspace session, and leaves it out when renewal is fine', () => {
    const ready: SessionStatus = { state: 'ready', user, identity, region: 'us-east-1', expiresAt: now, renewedAt: now - 1, source: company };
    const failing: SessionStatus = { ...ready, renewalError };
    expect(deriveScreen(failing, failing)).toMatchObject({ kind: 'workspace', session: { renewalError } });
    const screen = deriveScreen(ready, ready);
    expect(screen.kind === 'workspace' && 'renewalError' in screen.session).toBe(false);
  });
});

describe('signInLink', () => {
  const url = 'http://127.0.0.1:4000/auth?client_id=strata&state=abc';

  it('is the page the browser was sent to, while an interactive sign-in waits', () => {
    expect(signInLink({ state: 'signing-in', startedAt: 1, interactive: true, authorizationUrl: url, source: company })).toBe(url);
  });

  it('is absent before the page is known, for a saved sign-in, and after signing in', () => {
    expect(signInLink({ state: 'signing-in', startedAt: 1, interactive: true, source: company })).toBeNull();
    expect(signInLink({ state: 'signing-in', startedAt: 1, interactive: false, authorizationUrl: url, source: company })).toBeNull();
    expect(signInLink({ state: 'signed-out', configured: true, missing: [], source: company })).toBeNull();
    expect(signInLink(null)).toBeNull();
  });
});
