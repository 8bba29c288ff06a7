import { describe, expect, it } from 'vitest';
import type { AppError, SessionStatus } from '../../preload/contract';
import { displayName } from '../../renderer/src/session/session-format';
import { announceScreen, deriveScreen, retainSession, type ReadyStatus } from '../../renderer/src/session/session-screen';

const company = { kind: 'company' } as const;
const user = { subject: 'u-1', name: 'Jane Doe', email: 'jane@example.com' };
const ready: ReadyStatus = {
  state: 'ready',
  user,
  identity: { arn: 'arn:aws:sts::123456789012:assumed-role/Strata-Users/CognitoIdentityCredentials', account: '123456789012' },
  region: 'us-east-1',
  expiresAt: 2_000_000,
  renewedAt: 1_000_000,
  source: company,
};
const expiredError: AppError = { code: 'session-expired', message: 'Your session ended.' };
const expired: SessionStatus = { state: 'expired', user, error: expiredError, source: company };
const signedOut: SessionStatus = { state: 'signed-out', configured: true, missing: [], source: company };
const signingIn: SessionStatus = { state: 'signing-in', startedAt: 1, interactive: true, source: company };

describe('deriveScreen', () => {
  it('waits for the first status', () => {
    expect(deriveScreen(null, null)).toEqual({ kind: 'loading' });
  });

  it('asks for setup when settings are missing', () => {
    expect(deriveScreen({ state: 'signed-out', configured: false, missing: ['issuer', 'clientId'], source: company }, null)).toEqual({
      kind: 'not-configured',
      missing: ['issuer', 'clientId'],
    });
  });

  it('shows the sign-in screen when signed out or after a failed first sign-in', () => {
    expect(deriveScreen(signedOut, null)).toEqual({ kind: 'signed-out', source: company });
    expect(deriveScreen({ state: 'error', error: expiredError, source: company }, null)).toEqual({ kind: 'signed-out', source: company });
  });

  it('shows the browser step while signing in from scratch', () => {
    expect(deriveScreen(signingIn, null)).toEqual({ kind: 'signing-in', source: company, startedAt: 1, interactive: true });
  });

  it('shows the workspace when ready', () => {
    expect(deriveScreen(ready, ready)).toMatchObject({ kind: 'workspace', interruption: null, session: { user, expiresAt: 2_000_000 } });
  });

  it('keeps the last workspace on screen with a banner when the session expires', () => {
    expect(deriveScreen(expired, ready)).toEqual({
      kind: 'workspace',
      session: {
        source: company,
        user,
        identity: ready.identity,
        region: ready.region,
        expiresAt: ready.expiresAt,
        renewedAt: ready.renewedAt,
      },
      interruption: { kind: 'expired', error: expiredError },
    });
  });

  it('still shows who was signed in when the session expired before this window saw it', () => {
    expect(deriveScreen(expired, null)).toMatchObject({
      kind: 'workspace',
      session: { user, identity: null, expiresAt: null },
      interruption: { kind: 'expired' },
    });
  });

  it('keeps the workspace while signing in again, and after that sign-in fails or is cancelled', () => {
    expect(deriveScreen(signingIn, ready)).toMatchObject({ kind: 'workspace', interruption: { kind: 'signing-in', interactive: true } });
    expect(deriveScreen({ state: 'error', error: expiredError, source: company }, ready)).toMatchObject({ kind: 'workspace', interruption: { kind: 'ended' } });
    expect(deriveScreen(signedOut, ready)).toMatchObject({ kind: 'workspace', interruption: { kind: 'ended' } });
  });
});

describe('retainSession', () => {
  it('remembers the newest ready session', () => {
    expect(retainSession(null, null, ready)).toBe(ready);
  });

  it('keeps it through expiry and a new sign-in attempt', () => {
    expect(retainSession(ready, ready, expired)).toBe(ready);
    expect(retainSession(expired, ready, signingIn)).toBe(ready);
    expect(retainSession(signingIn, ready, signedOut)).toBe(ready);
  });

  it('forgets it when signed out from a working session, when the person signs out, or when setup is gone', () => {
    expect(retainSession(ready, ready, signedOut)).toBeNull();
    expect(retainSession(expired, ready, signedOut, true)).toBeNull();
    expect(retainSession(expired, ready, { state: 'signed-out', configured: false, missing: ['issuer'], source: company })).toBeNull();
  });
});

describe('announceScreen', () => {
  it('tells screen reader users what changed', () => {
    expect(announceScreen(deriveScreen(ready, ready), displayName)).toBe('Signed in as Jane Doe.');
    expect(announceScreen(deriveScreen(expired, ready), displayName)).toBe('Your session ended. Sign in again to continue.');
    expect(announceScreen(deriveScreen(signingIn, null), displayName)).toBe('Continue in your browser to sign in.');
    expect(announceScreen(deriveScreen(null, null), displayName)).toBe('');
  });
});
