/** Hosts whose pages Strata may open in the browser: AWS documentation and the company's sign-in provider. */
const ALLOWED_HOSTS = ['docs.aws.amazon.com', 'aws.amazon.com'];

/** True if `url` is an https address Strata may open in the system browser. */
export function isAllowedExternalUrl(url: string, issuer: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' || target.username || target.password) return false;
  const hosts = [...ALLOWED_HOSTS];
  try {
    if (issuer) hosts.push(new URL(issuer).host);
  } catch {
    // An invalid issuer adds nothing to the allow-list.
  }
  return hosts.includes(target.host);
}
