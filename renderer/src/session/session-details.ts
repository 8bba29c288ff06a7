/**
 * Pure decisions for the session header and its details: when to warn with a
 * countdown, and how to say when the session renews or ends. No React, no
 * `window`, so unit tests reach it directly.
 */
import type { AwsIdentity, SessionSource } from '../../../preload/contract';
import { SSO_SESSION_WARNING_MS } from '../../../preload/limits';
import { describeArn, formatAccountId, principalKindLabel } from './session-format';
import type { WorkspaceSession } from './session-screen';

/** Less time left than this, with renewal failing, and the header starts counting down. */
export const COUNTDOWN_THRESHOLD_MS = 5 * 60_000;

type SessionTiming = Pick<WorkspaceSession, 'expiresAt' | 'renewalError'> & Partial<Pick<WorkspaceSession, 'source'>>;

/** A Bedrock API key's session ends with the key: nothing renews it. */
const endsWithKey = (session: SessionTiming) => session.source?.kind === 'api-key';

/**
 * Whether the header shows a countdown: only when the session cannot be
 * renewed (renewing has failed, or it ends with its API key) and less than
 * five minutes remain. Otherwise the session renews on its own and a ticking
 * clock would only worry people.
 */
export function shouldShowCountdown(session: SessionTiming, now: number, ended = false): boolean {
  if (ended || session.expiresAt === null || !(session.renewalError || endsWithKey(session))) return false;
  return session.expiresAt - now < COUNTDOWN_THRESHOLD_MS;
}

/** A sentence about the session's end, around a clock time: `${before} <time> ${after}`. */
export interface ExpiryWording {
  before: string;
  /** The time to show (epoch ms); null when there is none to show. */
  at: number | null;
  after: string;
}

/** How the details say when the session renews or ends. */
export function describeExpiry(session: SessionTiming, ended: boolean): ExpiryWording {
  if (ended) return { before: 'Ended', at: null, after: '' };
  if (endsWithKey(session)) {
    return session.expiresAt === null
      ? { before: 'Lasts as long as your API key', at: null, after: '' }
      : { before: 'Ends at', at: session.expiresAt, after: 'with your short-term API key' };
  }
  // An IAM user's access keys: nothing to renew, they last until someone deletes them.
  if (session.expiresAt === null) return { before: "Doesn't expire (long-term access keys)", at: null, after: '' };
  if (session.renewalError) return { before: 'Ends at', at: session.expiresAt, after: 'unless Strata can renew it' };
  return { before: 'Renews automatically before', at: session.expiresAt, after: '' };
}

/** One line of the details: a label and its value, with the full technical form for a tooltip. */
export interface IdentityFact {
  label: string;
  value: string;
  title?: string;
  testId: string;
}

/**
 * The AWS account and role behind the session, in readable form ("1234-5678-9012", "Role: Strata-Users");
 * for a Bedrock API key, the key (never the key itself) and the IAM user and account it says it belongs to.
 */
export function identityFacts(identity: AwsIdentity, source?: SessionSource): IdentityFact[] {
  if (source?.kind === 'api-key') {
    const key = source.key;
    const facts: IdentityFact[] = [];
    if (identity.account) facts.push({ label: 'AWS account', value: formatAccountId(identity.account), testId: 'session-aws-account' });
    if (key?.kind === 'long-term' && key.user) facts.push({ label: 'IAM user', value: key.user, testId: 'session-aws-role' });
    if (key) {
      const value = key.kind === 'long-term' ? `Long-term, ending ${key.ending}` : `Short-term, for ${key.region}`;
      facts.push({ label: 'Bedrock API key', value, testId: 'session-api-key' });
    }
    return facts;
  }
  const arn = describeArn(identity.arn);
  const account = identity.account || arn.account;
  return [
    ...(account ? [{ label: 'AWS account', value: formatAccountId(account), testId: 'session-aws-account' }] : []),
    { label: principalKindLabel(arn.kind), value: arn.name, title: arn.arn, testId: 'session-aws-role' },
  ];
}

/**
 * The warning an IAM Identity Center session gets as it nears its end: only one Strata cannot renew
 * (no refresh token), from SSO_SESSION_WARNING_MS before the end; `ended` once the time has passed
 * (the role's credentials may still run a while). null when there is nothing to warn about.
 */
export function ssoWarning(session: Pick<WorkspaceSession, 'sso'>, now: number): { endsAt: number; ended: boolean } | null {
  const sso = session.sso;
  if (!sso || sso.renewable || sso.expiresAt - now > SSO_SESSION_WARNING_MS) return null;
  return { endsAt: sso.expiresAt, ended: sso.expiresAt <= now };
}
