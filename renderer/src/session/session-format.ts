/**
 * Pure wording for the session: who is signed in and which AWS identity the
 * credentials belong to. No React, no `window`, so unit tests
 * reach it directly.
 */
import type { UserProfile } from '../../../preload/contract';

/** What kind of AWS principal an ARN names, in words a person recognises. */
export type PrincipalKind = 'role' | 'user' | 'root' | 'other';

/** An AWS principal ARN taken apart for display. */
export interface ArnDescription {
  /** The short name to show: the role, the user, or the whole ARN when it cannot be read. */
  name: string;
  kind: PrincipalKind;
  /** The 12-digit account, when the ARN has one. */
  account?: string;
  /** For an assumed role: the session name (often "CognitoIdentityCredentials"). */
  sessionName?: string;
  /** The ARN as given, for "Details" and copying. */
  arn: string;
}

const KIND_LABELS: Record<PrincipalKind, string> = {
  role: 'Role',
  user: 'User',
  root: 'Account root',
  other: 'Identity',
};

/** Names the kind of principal for a label: "Role", "User", … */
export function principalKindLabel(kind: PrincipalKind): string {
  return KIND_LABELS[kind];
}

/**
 * Reads a caller ARN from STS GetCallerIdentity, e.g.
 * `arn:aws:sts::123456789012:assumed-role/Strata-Users/CognitoIdentityCredentials`
 * → role "Strata-Users" in account 123456789012. Anything unexpected is shown as is.
 */
export function describeArn(arn: string): ArnDescription {
  const parts = arn.trim().split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return { name: arn, kind: 'other', arn };
  const service = parts[2] ?? '';
  const account = parts[4] || undefined;
  const resource = parts.slice(5).join(':');
  const segments = resource.split('/');
  const type = segments[0] ?? '';
  const withAccount = account ? { account } : {};

  if (service === 'sts' && type === 'assumed-role' && segments[1]) {
    const sessionName = segments.slice(2).join('/');
    return { name: segments[1], kind: 'role', ...withAccount, ...(sessionName ? { sessionName } : {}), arn };
  }
  if (service === 'sts' && type === 'federated-user' && segments[1]) {
    return { name: segments[1], kind: 'user', ...withAccount, arn };
  }
  if (service === 'iam' && resource === 'root') {
    return { name: 'Root user', kind: 'root', ...withAccount, arn };
  }
  if (service === 'iam' && (type === 'role' || type === 'user') && segments.length > 1) {
    // IAM paths ("role/division/team/Name") end with the name people know.
    const name = segments[segments.length - 1] || resource;
    return { name, kind: type, ...withAccount, arn };
  }
  return { name: resource || arn, kind: 'other', ...withAccount, arn };
}

/** Writes a 12-digit AWS account id the way the AWS console does: 1234-5678-9012. */
export function formatAccountId(account: string): string {
  return /^\d{12}$/.test(account) ? `${account.slice(0, 4)}-${account.slice(4, 8)}-${account.slice(8)}` : account;
}

/** One readable line for an ARN: "Strata-Users · account 1234-5678-9012". */
export function readableArn(arn: string): string {
  const { name, account } = describeArn(arn);
  return account ? `${name} · account ${formatAccountId(account)}` : name;
}

/** The name to greet someone by: their name, else their email, else their subject id. */
export function displayName(user: UserProfile): string {
  return user.name?.trim() || user.email?.trim() || user.subject;
}

/** Up to two initials for the avatar: "Jane Doe" → "JD", "ops@example.com" → "O". */
export function initials(user: UserProfile): string {
  const source = user.name?.trim() || user.email?.trim() || '';
  const words = source.split(/[\s@._-]+/).filter(Boolean);
  const first = words[0]?.[0] ?? '';
  const last = user.name?.trim() && words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}
