/**
 * Credential sources in words: what the header, the sign-in screens and
 * Settings → Account call them. Pure, so unit tests reach it directly.
 */
import type { AwsProfileView, ProfileKind, SessionSource } from '../../../preload/contract';

const KIND_TEXT: Record<ProfileKind, string> = {
  static: 'Access keys',
  'assume-role': 'Takes a role',
  process: 'Credential process',
  sso: 'IAM Identity Center',
  'web-identity': 'Web identity token',
  unknown: 'No credentials found',
};

/** How a profile gets its credentials, in two or three words. */
export function profileKindText(kind: ProfileKind): string {
  return KIND_TEXT[kind];
}

/** "Your company account" or "AWS profile “dev”". */
export function sourceLabel(source: SessionSource): string {
  return source.kind === 'company' ? 'Your company account' : `AWS profile “${source.profile}”`;
}

/** The role's name from its ARN (arn:aws:iam::123:role/path/Admin → Admin). */
function roleName(arn: string): string {
  return arn.split('/').pop() || arn;
}

/** One line under a profile's name: how it gets credentials, and what to expect. */
export function profileDetails(profile: AwsProfileView): string {
  const parts: string[] = [profileKindText(profile.kind)];
  if (profile.roleArn) parts[0] = `Takes the role ${roleName(profile.roleArn)}${profile.sourceProfile ? ` with ${profile.sourceProfile}` : ''}`;
  if (profile.mfa) parts.push('asks for an MFA code');
  if (profile.sso) {
    const where = [profile.sso.roleName, profile.sso.accountId].filter(Boolean).join(' in ');
    if (where) parts.push(where);
  }
  if (profile.region) parts.push(profile.region);
  return parts.join(' · ');
}
