/**
 * Masks secrets in text before it is written anywhere a person or IT can
 * read it (the log file, the diagnostics zip): tokens, keys, AWS credentials,
 * sign-in codes and passwords. Pure, so every shape is unit-tested; what is
 * not a secret (model IDs, ARNs, addresses, titles) stays readable.
 */

/** What a masked secret reads as. */
export const REDACTED = '[redacted]';

/** Query parameters that carry a sign-in code, a token or a signature in a URL (`?code=…&state=…`). */
const SECRET_PARAMS = [
  'code',
  'state',
  'nonce',
  'code_verifier',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'client_secret',
  'password',
  'api_key',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-credential',
];

/** Names whose value is a secret wherever they appear: JSON, `name=value`, `name: value`, the AWS files. */
const SECRET_KEYS = [
  'access_token',
  'id_token',
  'refresh_token',
  'accessToken',
  'idToken',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'code_verifier',
  'codeVerifier',
  'authorization_code',
  'authorizationCode',
  'password',
  'passwd',
  'secretAccessKey',
  'secret_access_key',
  'aws_secret_access_key',
  'SecretKey',
  'sessionToken',
  'session_token',
  'aws_session_token',
  'x-amz-security-token',
  'apiKey',
  'api_key',
];

const alternatives = (names: string[]) => names.map((name) => name.replace(/[-_]/g, '[-_]')).join('|');

/** `?code=…`, `&state=…`: the value up to the next separator. */
const QUERY_SECRET = new RegExp(`([?&#;](?:${alternatives(SECRET_PARAMS)})=)[^&#\\s"'<>]+`, 'gi');
/** `"refresh_token": "…"`, `refreshToken=…`, `aws_secret_access_key = …`. */
const KEYED_SECRET = new RegExp(`((["']?)\\b(?:${alternatives(SECRET_KEYS)})\\2\\s*[:=]\\s*(["']?))[^\\s"',;&}\\]]+`, 'gi');
/** An Authorization header's whole value (Bearer, Basic, a SigV4 signature), to the end of the line or the closing quote. */
const AUTHORIZATION_HEADER = /(\b(?:proxy-)?authorization(["']?)\s*[:=]\s*(["']?))[^"'\r\n]+/gi;
const BEARER = /\b(Bearer\s+)[\w.~+/=-]+/g;
/** A password in a URL: `http://user:password@proxy`; the user name stays. */
const URL_PASSWORD = /\b([a-z][a-z\d+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi;
/** A JSON Web Token (header.payload.signature, base64url, the header always `{"…`). */
const JWT = /\beyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*/g;
/** Bedrock API keys: long-term `ABSK…`, short-term `bedrock-api-key-…`. */
const BEDROCK_API_KEY = /\b(?:ABSK|bedrock-api-key-)[A-Za-z\d+/]{8,}={0,2}/g;
/** AWS access key IDs: long-term (AKIA), temporary (ASIA) and the rarer ABIA/ACCA. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z\d]{16}\b/g;
/** A long run of token characters, such as an opaque token, a secret access key or a session token. */
const TOKEN_LIKE = /(?<![\w+/-])[\w+/-]{32,}={0,2}(?![\w+/=-])/g;

/**
 * True for what reads as random key material rather than words, IDs or paths: upper and lower
 * case with digits, or upper and lower case about equally (CamelCase names are mostly lower
 * case), or both cases with base64's plus sign or a slash in a secret access key's 40 characters. With
 * slashes but no plus sign, it is a path unless it has a secret access key's 40 characters or a
 * piece between slashes that reads as random itself.
 */
function looksRandom(run: string): boolean {
  if (run.includes('/') && !run.includes('+') && run.length !== 40) {
    return run.split('/').some((piece) => piece.length >= 24 && looksRandom(piece));
  }
  const lower = run.replace(/[^a-z]/g, '').length;
  const upper = run.replace(/[^A-Z]/g, '').length;
  if (lower && upper && /\d/.test(run)) return true;
  // Base64's plus sign, or a slash in a secret access key's 40 characters, with both cases: key material even without a digit.
  if (lower && upper && (run.includes('+') || (run.length === 40 && run.includes('/')))) return true;
  const letters = lower + upper;
  // A secret access key's 40 characters are random: only a name with few capitals reads as words.
  const spread = run.length === 40 ? 0.2 : 0.3;
  return letters >= 24 && upper / letters >= spread && upper / letters <= 1 - spread;
}

/** The text with every secret it holds masked. */
export function redact(text: string): string {
  return text
    .replace(AUTHORIZATION_HEADER, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(KEYED_SECRET, `$1${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(BEDROCK_API_KEY, REDACTED)
    .replace(ACCESS_KEY_ID, REDACTED)
    .replace(TOKEN_LIKE, (run) => (looksRandom(run) ? REDACTED : run));
}
