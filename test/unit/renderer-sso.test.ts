/**
 * IAM Identity Center in the window: which screens a sign-in under way calls
 * for (the browser page, or a code to confirm), the warning before a session
 * Strata cannot renew ends, and the session in words in Settings → Account.
 */
import { describe, expect, it } from 'vitest';
import type { AwsProfileView, SessionSource, SessionStatus } from '../../preload/contract';
import { SSO_SESSION_WARNING_MS } from '../../preload/limits';
import { signInWhere, ssoSessionText } from '../../renderer/src/accounts/source-words';
import { ssoWarning } from '../../renderer/src/session/session-details';
import { announceScreen, deriveScreen, signsInInBrowser, type ReadyStatus } from '../../renderer/src/session/session-screen';

const sso: SessionSource = { kind: 'profile', profile: 'sso-dev', profileKind: 'sso' };
const staticKeys: SessionSource = { kind: 'profile', profile: 'dev', profileKind: 'static' };
const user = { subject: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUser_1/ada', name: 'AWSReservedSSO_PowerUser_1/ada' };
const now = Date.UTC(2026, 10, 23, 12, 0, 0);

const ready = (extra: Partial<ReadyStatus> = {}): ReadyStatus => ({
  state: 'ready',
  user,
  identity: { arn: user.subject, account: '123456789012' },
  region: 'us-east-1',
  expiresAt: now + 3600_000,
  renewedAt: now,
  source: sso,
  ...extra,
});

describe('signing in with IAM Identity Center', () => {
  it('happens in the browser, like the company sign-in; other profiles do not', () => {
    expect(signsInInBrowser(sso)).toBe(true);
    expect(signsInInBrowser({ kind: 'company' })).toBe(true);
    expect(signsInInBrowser(staticKeys)).toBe(false);
    // A role taken with an IAM Identity Center profile's credentials signs in where that profile does.
    const viaSso: SessionSource = { kind: 'profile', profile: 'sso-admin', profileKind: 'assume-role', ssoSource: 'sso-dev' };
    expect(signsInInBrowser(viaSso)).toBe(true);
    expect(signInWhere(viaSso, 'Example Corp')).toBe('sign in with IAM Identity Center');
    expect(signsInInBrowser({ kind: 'profile', profile: 'admin', profileKind: 'assume-role' })).toBe(false);
    expect(signInWhere(sso, 'Example Corp')).toBe('sign in with IAM Identity Center');
    expect(signInWhere({ kind: 'company' }, 'Example Corp')).toBe('sign in with Example Corp');
  });

  it('shows the code to confirm, from scratch and over a kept conversation', () => {
    const device = { userCode: 'ABCD-EFGH', verificationUri: 'https://oidc.us-east-1.amazonaws.com/device' };
    const status: SessionStatus = { state: 'signing-in', startedAt: 1, interactive: true, device, source: sso };
    const screen = deriveScreen(status, null);
    expect(screen).toEqual({ kind: 'signing-in', source: sso, startedAt: 1, interactive: true, device });
    expect(announceScreen(screen, () => 'Ada')).toBe('Confirm the code ABCD-EFGH in your browser.');
    const over = deriveScreen(status, ready());
    expect(over).toMatchObject({ kind: 'workspace', interruption: { kind: 'signing-in', device } });
    expect(announceScreen(over, () => 'Ada')).toBe('Confirm the code ABCD-EFGH in your browser.');
  });

  it('says "continue in your browser" for its browser sign-in', () => {
    const status: SessionStatus = { state: 'signing-in', startedAt: 1, interactive: true, source: sso };
    expect(announceScreen(deriveScreen(status, null), () => 'Ada')).toBe('Continue in your browser to sign in.');
  });

  it('keeps the session end in the workspace', () => {
    const screen = deriveScreen(ready({ sso: { expiresAt: now + 600_000, renewable: false } }), null);
    expect(screen).toMatchObject({ kind: 'workspace', session: { sso: { expiresAt: now + 600_000, renewable: false } } });
  });
});

describe('the warning before an IAM Identity Center session ends', () => {
  it('appears only for a session Strata cannot renew, from the warning time before its end', () => {
    expect(ssoWarning({}, now)).toBeNull();
    expect(ssoWarning({ sso: { expiresAt: now + SSO_SESSION_WARNING_MS - 1000, renewable: true } }, now)).toBeNull();
    expect(ssoWarning({ sso: { expiresAt: now + SSO_SESSION_WARNING_MS + 1000, renewable: false } }, now)).toBeNull();
    expect(ssoWarning({ sso: { expiresAt: now + 60_000, renewable: false } }, now)).toEqual({ endsAt: now + 60_000, ended: false });
    expect(ssoWarning({ sso: { expiresAt: now - 1000, renewable: false } }, now)).toEqual({ endsAt: now - 1000, ended: true });
  });
});

describe('an IAM Identity Center session in Settings → Account', () => {
  const profile = (session: NonNullable<AwsProfileView['sso']>['session']): AwsProfileView => ({
    name: 'sso-dev',
    kind: 'sso',
    mfa: false,
    fromEnvironment: false,
    sso: { startUrl: 'https://corp.awsapps.com/start', accountId: '123456789012', roleName: 'PowerUser', session },
  });

  it('says whether the person is signed in, until when, and what Use will do', () => {
    expect(ssoSessionText({ name: 'dev', kind: 'static', mfa: false, fromEnvironment: false })).toBeNull();
    expect(ssoSessionText(profile({ state: 'signed-out' }))).toBe('Not signed in to IAM Identity Center: Use signs you in in your browser.');
    expect(ssoSessionText(profile({ state: 'signed-in', expiresAt: now + 3600_000, renewable: false }))).toMatch(
      /^Signed in to IAM Identity Center until .+\.$/,
    );
    expect(ssoSessionText(profile({ state: 'signed-in', expiresAt: now + 3600_000, renewable: true }))).toMatch(/Strata renews the session/);
    expect(ssoSessionText(profile({ state: 'expired', expiresAt: now - 1, renewable: true }))).toBe(
      'IAM Identity Center session expired: Strata renews it when you use this profile.',
    );
    expect(ssoSessionText(profile({ state: 'expired', expiresAt: now - 1, renewable: false }))).toBe(
      'IAM Identity Center session expired: Use signs you in again in your browser.',
    );
  });
});
