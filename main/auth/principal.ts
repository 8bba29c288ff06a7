/** A caller ARN from STS GetCallerIdentity, in words. */

/** "role Strata-Users" for a role session, "user ada" for an IAM user, else the ARN itself. */
export function describePrincipal(arn: string): string {
  const role = /:assumed-role\/([^/]+)\//.exec(arn)?.[1];
  const user = /:user\/(.+)$/.exec(arn)?.[1];
  return role ? `role ${role}` : user ? `user ${user}` : arn;
}
