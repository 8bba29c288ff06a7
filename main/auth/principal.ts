/** Who AWS credentials belong to, from the caller ARN STS GetCallerIdentity names, in words. */
import type { UserProfile } from '../../preload/contract';

/** "role Strata-Users" for a role session, "user ada" for an IAM user, else the ARN itself. */
export function describePrincipal(arn: string): string {
  const role = /:assumed-role\/([^/]+)\//.exec(arn)?.[1];
  const user = /:user\/(.+)$/.exec(arn)?.[1];
  return role ? `role ${role}` : user ? `user ${user}` : arn;
}

/**
 * The person behind AWS credentials, named as AWS names them: the user, or the role; for IAM
 * Identity Center's roles (AWSReservedSSO_<permission set>_<id>), the person it signed in.
 */
export function principalUser(arn: string): UserProfile {
  const ssoUser = /:assumed-role\/AWSReservedSSO_[^/]+\/(.+)$/.exec(arn)?.[1];
  if (ssoUser) return { subject: arn, name: ssoUser };
  return { subject: arn, name: describePrincipal(arn).replace(/^(role|user) /, '') };
}
