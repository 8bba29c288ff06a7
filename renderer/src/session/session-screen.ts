/**
 * Which screen the session calls for, and what it keeps on screen when a
 * session ends. Pure: the store and the screens share it, tests call it directly.
 */
import type { AppError, AwsIdentity, SessionSource, SessionStatus, SettingKey, UserProfile } from '../../../preload/contract';

export type ReadyStatus = Extract<SessionStatus, { state: 'ready' }>;

/** The signed-in session the workspace shows; identity and expiry are unknown after a cold-start expiry. */
export interface WorkspaceSession {
  /** Where the credentials come from: the company sign-in or an AWS profile. */
  source: SessionSource;
  user: UserProfile;
  identity: AwsIdentity | null;
  /** The AWS Region requests go to; null when the session is not known in full (expired before this window saw it). */
  region: string | null;
  expiresAt: number | null;
  renewedAt: number | null;
  /** Why renewing the session failed last, while Strata keeps trying. */
  renewalError?: AppError;
  /** An IAM Identity Center profile's session: when it ends, and whether Strata renews it on its own. */
  sso?: { expiresAt: number; renewable: boolean };
}

/** What a sign-in under way asks of the person, beyond waiting. */
export interface SignInAsk {
  /** The code from an MFA device (an assume-role profile). */
  mfa?: { serial: string };
  /** A code to confirm on IAM Identity Center's page (its device code sign-in). */
  device?: { userCode: string; verificationUri: string };
}

/** Why the workspace is showing a "sign in again" banner, if it is. */
export type SessionInterruption =
  | { kind: 'expired'; error: AppError }
  /** interactive: the browser is open for the person (or a code is asked for); otherwise a saved sign-in is being resumed. */
  | ({ kind: 'signing-in'; source: SessionSource; interactive: boolean } & SignInAsk)
  /** Signed out or a new sign-in failed after the session ended: sign in again. */
  | { kind: 'ended' };

export type Screen =
  | { kind: 'loading' }
  | { kind: 'not-configured'; missing: SettingKey[] }
  | { kind: 'signed-out'; source: SessionSource }
  | ({ kind: 'signing-in'; source: SessionSource; startedAt: number; interactive: boolean } & SignInAsk)
  | { kind: 'workspace'; session: WorkspaceSession; interruption: SessionInterruption | null };

function fromReady(status: ReadyStatus): WorkspaceSession {
  return {
    source: status.source,
    user: status.user,
    identity: status.identity,
    region: status.region,
    expiresAt: status.expiresAt,
    renewedAt: status.renewedAt,
    ...(status.renewalError ? { renewalError: status.renewalError } : {}),
    ...(status.sso ? { sso: status.sso } : {}),
  };
}

/** True for a source whose interactive sign-in happens in the browser: the company's, or IAM Identity Center's. */
export function signsInInBrowser(source: SessionSource): boolean {
  return source.kind === 'company' || (source.kind === 'profile' && (source.profileKind === 'sso' || source.ssoSource !== undefined));
}

/**
 * Decides what to keep on screen after a status change: the last signed-in
 * session stays (so the workspace is not unmounted and nothing is lost) until
 * the person signs out, someone signs out elsewhere, or Strata stops being set up.
 */
export function retainSession(
  previous: SessionStatus | null,
  retained: ReadyStatus | null,
  next: SessionStatus,
  endingSession = false,
): ReadyStatus | null {
  if (next.state === 'ready') return next;
  if (endingSession) return null;
  if (next.state === 'signed-out' && (!next.configured || previous?.state === 'ready')) return null;
  return retained;
}

/** Maps the latest status (and the session kept from before) to the screen to show. */
export function deriveScreen(status: SessionStatus | null, retained: ReadyStatus | null): Screen {
  if (status === null) return { kind: 'loading' };
  const kept = retained ? fromReady(retained) : null;
  switch (status.state) {
    case 'ready':
      return { kind: 'workspace', session: fromReady(status), interruption: null };
    case 'expired':
      return {
        kind: 'workspace',
        session: kept ?? { source: status.source, user: status.user, identity: null, region: null, expiresAt: null, renewedAt: null },
        interruption: { kind: 'expired', error: status.error },
      };
    case 'signing-in': {
      const mfa: SignInAsk = { ...(status.mfa ? { mfa: status.mfa } : {}), ...(status.device ? { device: status.device } : {}) };
      return kept
        ? { kind: 'workspace', session: kept, interruption: { kind: 'signing-in', source: status.source, interactive: status.interactive, ...mfa } }
        : { kind: 'signing-in', source: status.source, startedAt: status.startedAt, interactive: status.interactive, ...mfa };
    }
    case 'error':
      return kept
        ? { kind: 'workspace', session: kept, interruption: { kind: 'ended' } }
        : { kind: 'signed-out', source: status.source };
    case 'signed-out':
      if (!status.configured) return { kind: 'not-configured', missing: status.missing };
      return kept
        ? { kind: 'workspace', session: kept, interruption: { kind: 'ended' } }
        : { kind: 'signed-out', source: status.source };
  }
}

/** The sentence a screen reader hears when the screen changes; '' says nothing. */
export function announceScreen(screen: Screen, name: (user: UserProfile) => string): string {
  switch (screen.kind) {
    case 'loading':
      return '';
    case 'not-configured':
      return "Strata isn't set up yet.";
    case 'signed-out':
      return 'Signed out.';
    case 'signing-in':
      if (screen.mfa) return 'Enter the code from your MFA device.';
      if (screen.device) return `Confirm the code ${screen.device.userCode} in your browser.`;
      return screen.interactive && signsInInBrowser(screen.source) ? 'Continue in your browser to sign in.' : 'Signing you in…';
    case 'workspace':
      if (screen.interruption === null) return `Signed in as ${name(screen.session.user)}.`;
      if (screen.interruption.kind === 'signing-in') {
        if (screen.interruption.mfa) return 'Enter the code from your MFA device.';
        if (screen.interruption.device) return `Confirm the code ${screen.interruption.device.userCode} in your browser.`;
        return screen.interruption.interactive && signsInInBrowser(screen.interruption.source)
          ? 'Continue in your browser to sign in again.'
          : 'Signing you in again…';
      }
      return 'Your session ended. Sign in again to continue.';
  }
}

/** The sign-in page of an interactive sign-in under way, to open again or copy; null when there is none. */
export function signInLink(status: SessionStatus | null): string | null {
  return status?.state === 'signing-in' && status.interactive ? (status.authorizationUrl ?? null) : null;
}
