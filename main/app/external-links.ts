/** Hosts whose pages Strata may open in the browser: AWS documentation and the company's sign-in provider. */
const ALLOWED_HOSTS = ['docs.aws.amazon.com', 'aws.amazon.com'];

/**
 * The address to hand to the system browser for `url`, as the URL parser
 * normalized it, or undefined when Strata doesn't open it: https only, no user
 * name or password, and only AWS documentation or the company's sign-in
 * provider. The browser gets the normalized form, never the page's own text,
 * so the operating system cannot read a different host out of it.
 */
export function allowedExternalUrl(url: string, issuer: string): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  if (target.protocol !== 'https:' || target.username || target.password) return undefined;
  const hosts = [...ALLOWED_HOSTS];
  try {
    if (issuer) hosts.push(new URL(issuer).host);
  } catch {
    // An invalid issuer adds nothing to the allow-list.
  }
  return hosts.includes(target.host) ? target.href : undefined;
}

/** True if `url` is an https address Strata may open in the system browser. */
export function isAllowedExternalUrl(url: string, issuer: string): boolean {
  return allowedExternalUrl(url, issuer) !== undefined;
}
