/**
 * Credential sources in words: what the header, the sign-in screens and
 * Settings → Account call them. Pure, so unit tests reach it directly.
 */
import type { ApiKeyInfo, AwsProfileView, EnvironmentCredentialsKind, ProfileKind, SessionSource, SessionStatus } from '../../../preload/contract';
import { describeArn, displayName, formatAccountId } from '../session/session-format';
import { formatClockTime } from '../shared/time-format';

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

/** "Your company account", "AWS profile “dev”", "This computer's AWS credentials" or "Your Bedrock API key". */
export function sourceLabel(source: SessionSource): string {
  if (source.kind === 'company') return 'Your company account';
  if (source.kind === 'api-key') return 'Your Bedrock API key';
  return source.kind === 'profile' ? `AWS profile “${source.profile}”` : "This computer's AWS credentials";
}

/** The source in two or three words under the person's name in the header. */
export function sourceShort(source: SessionSource): string {
  if (source.kind === 'company') return 'Signed in';
  if (source.kind === 'api-key') return 'Bedrock API key';
  return source.kind === 'profile' ? `AWS profile ${source.profile}` : "This computer's credentials";
}

/**
 * A saved Bedrock API key in one line, never the key: "Short-term key for us-west-2, until 18:05" or "Long-term key ending x7Qz, of BedrockAPIKey-ab12 in account 123456789012".
 */
export function apiKeyText(key: ApiKeyInfo, now: number = Date.now()): string {
  if (key.kind === 'short-term') {
    const ended = key.expiresAt <= now;
    return `Short-term key for ${key.region}, ${ended ? 'ended' : 'until'} ${formatClockTime(key.expiresAt)}`;
  }
  const owner = key.user ? `, of ${key.user}${key.account ? ` in account ${key.account}` : ''}` : '';
  return `Long-term key ending ${key.ending}${owner}`;
}

const ENVIRONMENT_TEXT: Record<EnvironmentCredentialsKind, string> = {
  variables: 'From environment variables (AWS_ACCESS_KEY_ID)',
  container: "From the container's task role",
  instance: "From this EC2 instance's role",
};

/** Where this computer's own credentials come from, in words. */
export function environmentText(from: EnvironmentCredentialsKind | null): string {
  return from ? ENVIRONMENT_TEXT[from] : 'As the AWS SDK finds them on this computer';
}

/** Where an interactive sign-in with `source` happens, for "… in your web browser": "sign in with Example Corp". */
export function signInWhere(source: SessionSource, companyName: string | null): string {
  if (source.kind === 'profile' && (source.profileKind === 'sso' || source.ssoSource)) return 'sign in with IAM Identity Center';
  return `sign in with ${companyName ?? 'your company account'}`;
}

/**
 * Who the source in use is signed in as, for its row in Settings → Account: "Signed in as ada
 * (role PowerUser in account 1234-5678-9012), in us-east-1"; null while it is not signed in.
 */
export function activeIdentityText(status: SessionStatus | null): string | null {
  if (status?.state !== 'ready') return null;
  const who = displayName(status.user);
  const arn = status.identity.arn ? describeArn(status.identity.arn) : null;
  const account = status.identity.account || arn?.account;
  const principal = arn && arn.name !== who ? `${arn.kind === 'other' ? 'identity' : arn.kind} ${arn.name}` : '';
  const where = [principal, account ? `in account ${formatAccountId(account)}` : ''].filter(Boolean).join(' ');
  return `Signed in as ${who}${where ? ` (${where})` : ''}, in ${status.region}`;
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

/** An IAM Identity Center profile's session (shared with the AWS CLI) in words; null for other profiles. */
export function ssoSessionText(profile: AwsProfileView): string | null {
  const session = profile.sso?.session;
  if (!session) return null;
  if (session.state === 'signed-out') return 'Not signed in to IAM Identity Center: Use signs you in in your browser.';
  if (session.state === 'signed-in') {
    const until = formatClockTime(session.expiresAt);
    return session.renewable ? `Signed in to IAM Identity Center; Strata renews the session (now until ${until}).` : `Signed in to IAM Identity Center until ${until}.`;
  }
  return session.renewable
    ? 'IAM Identity Center session expired: Strata renews it when you use this profile.'
    : 'IAM Identity Center session expired: Use signs you in again in your browser.';
}
