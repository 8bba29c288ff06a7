/**
 * The key under which Cognito expects the id_token in `Logins`: the user
 * pool's provider name for Cognito user pools, otherwise the issuer without
 * its scheme (which is how IAM names an OIDC provider). An explicit key from
 * settings wins.
 */
export function loginsKeyFor(issuer: string, override = ''): string {
  if (override.trim()) return override.trim();
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.host}${path}`;
}
