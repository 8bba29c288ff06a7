/**
 * IAM Identity Center emulator on two loopback ports: the SSO OIDC service
 * (RegisterClient, StartDeviceAuthorization, CreateToken, and the pages a
 * browser sees at /authorize and /device) and the AWS access portal
 * (GetRoleCredentials, Logout). Both are restJson1 without signatures, as in
 * AWS, so @aws-sdk/client-sso-oidc, @aws-sdk/client-sso and botocore work
 * unmodified. Role credentials go into the shared CredentialsRegistry, so STS
 * and Bedrock accept them and STS names the AWSReservedSSO role and the user.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACCOUNT_ID, REGION, SSO_ROLES, SSO_START_URL, ssoRoleArn, type SandboxUser } from './constants.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import { readBody, send, startLoopbackServer, type Stats } from './http-util.js';
import { errorPage, ssoDevicePage, ssoDonePage, ssoSignInPage } from './login-page.js';

export interface IdentityCenterOptions {
  oidcPort: number;
  portalPort: number;
  users: SandboxUser[];
  registry: CredentialsRegistry;
  stats: Stats;
  log: boolean;
  /** Access token lifetime, seconds; setTokenTtl changes it for tokens issued later. */
  tokenTtlSeconds: number;
  /** Lifetime of the role credentials the portal hands out, seconds. */
  credentialsTtlSeconds: number;
  /** Role names the portal refuses (ForbiddenException), read at each request. */
  deniedRoles: () => ReadonlySet<string>;
  /** Read at each token answer: whether clients registered for refresh_token get refresh tokens. */
  issuesRefreshTokens: () => boolean;
}

/** What the AWS CLI writes to ~/.aws/sso/cache/<sha1>.json after signing in, in its field order. */
export interface SsoCacheEntry {
  startUrl: string;
  region: string;
  accessToken: string;
  /** UTC to the second, as the CLI writes it: 2026-11-23T18:00:00Z */
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
}

/** The running IAM Identity Center emulator. */
export interface IdentityCenterServer {
  /** SSO OIDC, e.g. http://127.0.0.1:PORT (the sign-in pages live here too). */
  oidcEndpoint: string;
  /** The AWS access portal (GetRoleCredentials, Logout). */
  portalEndpoint: string;
  /** Access tokens issued from now on live `seconds`. */
  setTokenTtl(seconds: number): void;
  /**
   * What the AWS CLI caches after `aws sso login` as `username`: a real registered client and
   * real tokens. `ttlSeconds` (default the token lifetime; 0 or less: already expired) sets the
   * access token's life; `refreshable` (default: whether refresh tokens are issued) adds the
   * refresh token and the client registration. Not counted in stats: nobody called anything.
   */
  cliSession(username: string, options?: { ttlSeconds?: number; refreshable?: boolean }): SsoCacheEntry;
  /** Every access token issued so far is expired from now (the portal answers 401); refresh tokens keep working. */
  expireTokens(): void;
  close(): Promise<void>;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** The grants a client may register, and the short name stats use for each. */
const GRANT_NAMES = new Map([
  ['authorization_code', 'authorization_code'],
  ['refresh_token', 'refresh_token'],
  [DEVICE_GRANT, 'device_code'],
]);
/** Client secrets are valid 90 days, as in AWS. */
const CLIENT_SECRET_TTL_SECONDS = 90 * 24 * 60 * 60;
/** Authorization codes are single-use and live 5 minutes. */
const CODE_TTL_MS = 5 * 60_000;
const DEVICE_CODE_TTL_SECONDS = 600;
/** How often a device may poll CreateToken; faster polls are told to slow down. */
const POLL_INTERVAL_SECONDS = 1;
/** RFC 8628 §6.1: consonants only, so a user code never spells a word. */
const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ';
const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' };

/** SSO OIDC's errors: the exception name, the OAuth error code in the body, the status. */
const OIDC_ERRORS = {
  InvalidRequestException: ['invalid_request', 400],
  InvalidClientException: ['invalid_client', 401],
  InvalidGrantException: ['invalid_grant', 400],
  UnauthorizedClientException: ['unauthorized_client', 400],
  UnsupportedGrantTypeException: ['unsupported_grant_type', 400],
  AuthorizationPendingException: ['authorization_pending', 400],
  SlowDownException: ['slow_down', 400],
  AccessDeniedException: ['access_denied', 400],
  ExpiredTokenException: ['expired_token', 400],
  InvalidRedirectUriException: ['invalid_redirect_uri', 400],
  InvalidClientMetadataException: ['invalid_client_metadata', 400],
} as const;
type OidcErrorName = keyof typeof OIDC_ERRORS;

class OidcError extends Error {
  constructor(
    readonly type: OidcErrorName,
    message: string,
  ) {
    super(message);
  }
}

/** The portal's errors carry only a message. ForbiddenException is not in the model, but it is what AWS answers for a role one lacks. */
class PortalError extends Error {
  constructor(
    readonly type: 'UnauthorizedException' | 'ForbiddenException' | 'InvalidRequestException' | 'UnknownOperationException',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sessionInvalid = () => new PortalError('UnauthorizedException', 401, 'Session token not found or invalid');

interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  clientName: string;
  grantTypes: ReadonlySet<string>;
  redirectUris: URL[];
  /** Epoch milliseconds. */
  secretExpiresAt: number;
}

/** One sign-in of one person through one client; Logout ends it, and every token it issued with it. */
interface SignInSession {
  username: string;
  clientId: string;
  ended: boolean;
}

interface AccessTokenRecord {
  session: SignInSession;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Set by expireTokens(). */
  forcedExpired: boolean;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  username: string;
  expiresAt: number;
}

interface DeviceAuthorization {
  clientId: string;
  userCode: string;
  expiresAt: number;
  lastPolledAt?: number;
  state: 'pending' | 'approved' | 'denied';
  username?: string;
}

/** What /authorize was asked, once it checks out. */
interface AuthorizeRequest {
  client: RegisteredClient;
  redirectUri: string;
  state: string | null;
  codeChallenge: string;
  /** Every parameter, carried through the sign-in form. */
  params: URLSearchParams;
}

type Input = Record<string, unknown>;

const token = (prefix: string, bytes: number) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

/** A time as the CLI writes it in its cache: UTC to the second, with a Z. */
function cliTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `seconds` after `now`, on a whole second as AWS counts. */
const wholeSecondsAfter = (now: number, seconds: number) => (Math.floor(now / 1000) + seconds) * 1000;

/** The start URL as people write it: with or without a trailing slash or '#/'. */
const sameStartUrl = (url: string) => url.replace(/[#/]+$/, '') === SSO_START_URL;

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  send(res, status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...extra }, JSON.stringify(body));
}

function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new OidcError('InvalidRequestException', `${name} must be a string`);
  return value;
}

function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (!value) throw new OidcError('InvalidRequestException', `${name} is required`);
  return value;
}

function optionalList(input: Input, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new OidcError('InvalidRequestException', `${name} must be a list of strings`);
  }
  return value;
}

function parseInput(body: Buffer): Input {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new OidcError('InvalidRequestException', 'The request body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OidcError('InvalidRequestException', 'The request body must be a JSON object');
  }
  return input as Input;
}

/** A redirect URI a native client may register: plain HTTP to the loopback interface (RFC 8252 §7.3). */
function loopbackRedirect(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost') ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A registered loopback URI matches whatever port the client listens on: scheme, host and path must agree. */
function redirectMatches(registered: readonly URL[], value: string): boolean {
  const asked = loopbackRedirect(value);
  return (
    asked !== undefined &&
    registered.some((uri) => uri.protocol === asked.protocol && uri.hostname === asked.hostname && uri.pathname === asked.pathname)
  );
}

function randomUserCode(): string {
  let letters = '';
  for (let i = 0; i < 8; i += 1) letters += USER_CODE_LETTERS[randomInt(USER_CODE_LETTERS.length)];
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}

/** A user code as typed: any case, with or without the dash. */
function normalizeUserCode(value: string): string {
  const letters = value.toUpperCase().replace(/[^A-Z]/g, '');
  return letters.length === 8 ? `${letters.slice(0, 4)}-${letters.slice(4)}` : letters;
}

/** Starts SSO OIDC and the access portal on 127.0.0.1. */
export async function startIdentityCenter(options: IdentityCenterOptions): Promise<IdentityCenterServer> {
  const { stats } = options;
  let tokenTtlSeconds = options.tokenTtlSeconds;
  const clients = new Map<string, RegisteredClient>();
  const codes = new Map<string, AuthorizationCode>();
  const devices = new Map<string, DeviceAuthorization>();
  const deviceCodeByUserCode = new Map<string, string>();
  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, SignInSession>();
  const usersByName = new Map(options.users.map((user) => [user.username, user]));

  const checkPassword = (username: string, password: string) => {
    const user = usersByName.get(username.trim());
    return user && user.password === password ? user : undefined;
  };

  function register(input: Input): RegisteredClient {
    const clientName = requiredString(input, 'clientName');
    const clientType = requiredString(input, 'clientType');
    if (clientType !== 'public') throw new OidcError('InvalidClientMetadataException', `Invalid client type: ${clientType}`);
    const grantTypes = optionalList(input, 'grantTypes') ?? [DEVICE_GRANT, 'refresh_token'];
    const unsupported = grantTypes.find((grant) => !GRANT_NAMES.has(grant));
    if (unsupported !== undefined) throw new OidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${unsupported}`);
    const redirectUris = (optionalList(input, 'redirectUris') ?? []).map((uri) => {
      const url = loopbackRedirect(uri);
      if (!url) throw new OidcError('InvalidRedirectUriException', `Invalid redirect URI: ${uri}`);
      return url;
    });
    if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
      throw new OidcError('InvalidRequestException', 'redirectUris is required for the authorization_code grant');
    }
    optionalList(input, 'scopes');
    optionalString(input, 'issuerUrl');
    const client: RegisteredClient = {
      clientId: token('', 16),
      clientSecret: token('', 96),
      clientName,
      grantTypes: new Set(grantTypes),
      redirectUris,
      secretExpiresAt: wholeSecondsAfter(Date.now(), CLIENT_SECRET_TTL_SECONDS),
    };
    clients.set(client.clientId, client);
    return client;
  }

  /** The client named by clientId and proven by its secret, still valid. */
  function authenticate(input: Input): RegisteredClient {
    const clientId = requiredString(input, 'clientId');
    const clientSecret = requiredString(input, 'clientSecret');
    const client = clients.get(clientId);
    if (!client || client.clientSecret !== clientSecret) throw new OidcError('InvalidClientException', 'Invalid client credentials');
    if (Date.now() >= client.secretExpiresAt) throw new OidcError('InvalidClientException', 'The client secret has expired');
    return client;
  }

  function issueAccessToken(session: SignInSession, ttlSeconds: number): { accessToken: string; expiresAt: number } {
    const accessToken = token('aoa', 96);
    const expiresAt = wholeSecondsAfter(Date.now(), ttlSeconds);
    accessTokens.set(accessToken, { session, expiresAt, forcedExpired: false });
    return { accessToken, expiresAt };
  }

  function issueRefreshToken(session: SignInSession): string {
    const refreshToken = token('aor', 96);
    refreshTokens.set(refreshToken, session);
    return refreshToken;
  }

  /** CreateToken's answer; a refresh token only for clients registered for the grant, while they are issued. */
  function tokenAnswer(client: RegisteredClient, session: SignInSession): Record<string, unknown> {
    const { accessToken } = issueAccessToken(session, tokenTtlSeconds);
    const refresh = client.grantTypes.has('refresh_token') && options.issuesRefreshTokens();
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: tokenTtlSeconds,
      ...(refresh ? { refreshToken: issueRefreshToken(session) } : {}),
    };
  }

  const operations = {
    RegisterClient(input: Input) {
      const client = register(input);
      return {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientIdIssuedAt: Math.floor(Date.now() / 1000),
        clientSecretExpiresAt: client.secretExpiresAt / 1000,
      };
    },

    StartDeviceAuthorization(input: Input) {
      const client = authenticate(input);
      if (!client.grantTypes.has(DEVICE_GRANT)) {
        throw new OidcError('UnauthorizedClientException', 'The client is not registered for the device_code grant');
      }
      const startUrl = requiredString(input, 'startUrl');
      if (!sameStartUrl(startUrl)) throw new OidcError('InvalidRequestException', `Invalid start URL: ${startUrl}`);
      const deviceCode = token('', 64);
      let userCode = randomUserCode();
      while (deviceCodeByUserCode.has(userCode)) userCode = randomUserCode();
      devices.set(deviceCode, {
        clientId: client.clientId,
        userCode,
        expiresAt: Date.now() + DEVICE_CODE_TTL_SECONDS * 1000,
        state: 'pending',
      });
      deviceCodeByUserCode.set(userCode, deviceCode);
      const verificationUri = `${oidcEndpoint}/device`;
      return {
        deviceCode,
        userCode,
        verificationUri,
        verificationUriComplete: `${verificationUri}?user_code=${userCode}`,
        expiresIn: DEVICE_CODE_TTL_SECONDS,
        interval: POLL_INTERVAL_SECONDS,
      };
    },

    CreateToken(input: Input) {
      const client = authenticate(input);
      const grantType = requiredString(input, 'grantType');
      if (!GRANT_NAMES.has(grantType)) throw new OidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`);
      if (!client.grantTypes.has(grantType)) {
        throw new OidcError('UnauthorizedClientException', `The client is not registered for the ${grantType} grant`);
      }
      const now = Date.now();

      if (grantType === 'authorization_code') {
        const code = requiredString(input, 'code');
        const issued = codes.get(code);
        // Single use: a code is gone once presented, whether or not the rest checks out.
        codes.delete(code);
        const verifier = optionalString(input, 'codeVerifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (
          !issued ||
          now >= issued.expiresAt ||
          issued.clientId !== client.clientId ||
          issued.redirectUri !== optionalString(input, 'redirectUri') ||
          challenge !== issued.codeChallenge
        ) {
          throw new OidcError('InvalidGrantException', 'Invalid authorization code');
        }
        return tokenAnswer(client, { username: issued.username, clientId: client.clientId, ended: false });
      }

      if (grantType === 'refresh_token') {
        const refreshToken = requiredString(input, 'refreshToken');
        const session = refreshTokens.get(refreshToken);
        if (!session || session.ended || session.clientId !== client.clientId) throw new OidcError('InvalidGrantException', 'Invalid refresh token');
        const answer = tokenAnswer(client, session);
        // Rotation: the old refresh token stops working once a new one is issued (RFC 6749 §6).
        if (answer.refreshToken) refreshTokens.delete(refreshToken);
        return answer;
      }

      const deviceCode = requiredString(input, 'deviceCode');
      const device = devices.get(deviceCode);
      if (!device || device.clientId !== client.clientId) throw new OidcError('InvalidGrantException', 'Invalid device code');
      if (now >= device.expiresAt) throw new OidcError('ExpiredTokenException', 'The device code has expired');
      if (device.state === 'denied') throw new OidcError('AccessDeniedException', 'The request was denied');
      const tooSoon = device.lastPolledAt !== undefined && now - device.lastPolledAt < POLL_INTERVAL_SECONDS * 1000;
      device.lastPolledAt = now;
      if (tooSoon) throw new OidcError('SlowDownException', 'Client is polling too fast');
      if (device.state === 'pending' || !device.username) throw new OidcError('AuthorizationPendingException', 'Authorization is still pending');
      devices.delete(deviceCode);
      deviceCodeByUserCode.delete(device.userCode);
      return tokenAnswer(client, { username: device.username, clientId: client.clientId, ended: false });
    },
  };

  /** Runs one JSON operation, counts it under `name` (its success) or `name:<error>`, and answers as AWS does. */
  function runOperation(res: ServerResponse, body: Buffer, name: (input: Input | undefined) => string, run: (input: Input) => unknown): void {
    let input: Input | undefined;
    try {
      input = parseInput(body);
      const output = run(input);
      stats.inc(`sso-oidc:${name(input)}`);
      sendJson(res, 200, output);
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      stats.inc(`sso-oidc:${name(input)}:${error.type}`);
      const [code, status] = OIDC_ERRORS[error.type];
      sendJson(res, status, { error: code, error_description: error.message }, { 'x-amzn-errortype': error.type });
    }
  }

  /** The /authorize request in `params`, or why it cannot go on (shown as a page, never redirected: the redirect URI is not trusted yet). */
  function authorizeRequest(params: URLSearchParams): AuthorizeRequest | { error: string; description: string } {
    const client = clients.get(params.get('client_id') ?? '');
    if (!client) return { error: 'invalid_client', description: 'Unknown client_id' };
    if (!client.grantTypes.has('authorization_code')) return { error: 'unauthorized_client', description: 'The client is not registered for the authorization_code grant' };
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!redirectMatches(client.redirectUris, redirectUri)) return { error: 'invalid_redirect_uri', description: 'redirect_uri is not one the client registered' };
    if (params.get('response_type') !== 'code') return { error: 'unsupported_response_type', description: 'response_type must be code' };
    const codeChallenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
      return { error: 'invalid_request', description: 'A code_challenge with code_challenge_method S256 is required' };
    }
    return { client, redirectUri, state: params.get('state'), codeChallenge, params };
  }

  function redirect(res: ServerResponse, to: URL): void {
    send(res, 302, { location: to.href, 'cache-control': 'no-store' }, '');
  }

  /** The sign-in page for `request`; the query stays on the action too, so a client that posts only the credentials (http-login.ts) signs in as well. */
  function signInPage(request: AuthorizeRequest, extra: { username?: string; error?: string }): string {
    const action = `/authorize?${request.params.toString()}`;
    return ssoSignInPage({ action, clientName: request.client.clientName, fields: request.params, ...extra });
  }

  /** GET shows the sign-in page; POST signs in (302 to the redirect URI with a code) or denies (302 with error=access_denied). */
  function authorize(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const form = new URLSearchParams(body.toString('utf8'));
    const params = new URLSearchParams(url.search);
    const fields = new Set(['action', 'username', 'password']);
    for (const [name, value] of form) if (!fields.has(name)) params.set(name, value);
    const request = authorizeRequest(params);
    if ('error' in request) {
      stats.inc(`sso-oidc:authorize:${request.error}`);
      send(res, 400, HTML, errorPage({ error: request.error, error_description: request.description }));
      return;
    }
    if (req.method === 'GET') {
      send(res, 200, HTML, signInPage(request, {}));
      return;
    }
    const back = new URL(request.redirectUri);
    if (form.get('action') === 'deny') {
      stats.inc('sso-oidc:authorize:access_denied');
      back.searchParams.set('error', 'access_denied');
      if (request.state !== null) back.searchParams.set('state', request.state);
      redirect(res, back);
      return;
    }
    const username = (form.get('username') ?? '').trim();
    const user = checkPassword(username, form.get('password') ?? '');
    if (!user) {
      stats.inc('sso-oidc:authorize:failed');
      send(res, 200, HTML, signInPage(request, { username, error: 'Wrong username or password' }));
      return;
    }
    const code = token('', 32);
    codes.set(code, {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      username: user.username,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    stats.inc('sso-oidc:authorize');
    back.searchParams.set('code', code);
    if (request.state !== null) back.searchParams.set('state', request.state);
    redirect(res, back);
  }

  /** GET shows the code to confirm; POST allows (with the person's password) or denies the device's request. */
  function devicePageRoute(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    if (req.method === 'GET') {
      send(res, 200, HTML, ssoDevicePage({ action: '/device', userCode: url.searchParams.get('user_code') ?? '' }));
      return;
    }
    const form = new URLSearchParams(body.toString('utf8'));
    const userCode = normalizeUserCode(form.get('user_code') ?? '');
    const username = (form.get('username') ?? '').trim();
    const device = devices.get(deviceCodeByUserCode.get(userCode) ?? '');
    if (!device || device.state !== 'pending' || Date.now() >= device.expiresAt) {
      stats.inc('sso-oidc:device:invalid_request');
      send(res, 200, HTML, ssoDevicePage({ action: '/device', userCode, username, error: "That code isn't valid or has expired" }));
      return;
    }
    if (form.get('action') === 'deny') {
      device.state = 'denied';
      stats.inc('sso-oidc:device:access_denied');
      send(res, 200, HTML, ssoDonePage(false));
      return;
    }
    const user = checkPassword(username, form.get('password') ?? '');
    if (!user) {
      stats.inc('sso-oidc:device:failed');
      send(res, 200, HTML, ssoDevicePage({ action: '/device', userCode, username, error: 'Wrong username or password' }));
      return;
    }
    device.state = 'approved';
    device.username = user.username;
    stats.inc('sso-oidc:device');
    send(res, 200, HTML, ssoDonePage(true));
  }

  const handleOidc = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, 64 * 1024);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method ?? ''} ${url.pathname}`;
    switch (route) {
      case 'POST /client/register':
        return runOperation(res, body, () => 'RegisterClient', operations.RegisterClient);
      case 'POST /device_authorization':
        return runOperation(res, body, () => 'StartDeviceAuthorization', operations.StartDeviceAuthorization);
      case 'POST /token':
        return runOperation(
          res,
          body,
          (input) => {
            const grant = typeof input?.grantType === 'string' ? GRANT_NAMES.get(input.grantType) : undefined;
            return grant ? `CreateToken:${grant}` : 'CreateToken';
          },
          operations.CreateToken,
        );
      case 'GET /authorize':
      case 'POST /authorize':
        return authorize(req, url, body, res);
      case 'GET /device':
      case 'POST /device':
        return devicePageRoute(req, url, body, res);
      default:
        stats.inc('sso-oidc:UnknownOperationException');
        sendJson(res, 404, { message: `No operation at ${route}` }, { 'x-amzn-errortype': 'UnknownOperationException' });
    }
  };

  /** The live access token in the request's bearer header, or UnauthorizedException. */
  function bearer(req: IncomingMessage): AccessTokenRecord {
    const value = req.headers['x-amz-sso_bearer_token'];
    const record = typeof value === 'string' ? accessTokens.get(value) : undefined;
    const live = record && !record.session.ended && !record.forcedExpired && Date.now() < record.expiresAt;
    if (!live) throw sessionInvalid();
    return record;
  }

  const handlePortal = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await readBody(req, 64 * 1024);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method ?? ''} ${url.pathname}`;
    const operation = route === 'GET /federation/credentials' ? 'GetRoleCredentials' : route === 'POST /logout' ? 'Logout' : 'unknown';
    try {
      if (operation === 'GetRoleCredentials') {
        const record = bearer(req);
        const roleName = url.searchParams.get('role_name');
        const accountId = url.searchParams.get('account_id');
        if (!roleName || !accountId) throw new PortalError('InvalidRequestException', 400, 'role_name and account_id are required');
        const assigned = (SSO_ROLES as readonly string[]).includes(roleName);
        if (accountId !== ACCOUNT_ID || !assigned || options.deniedRoles().has(roleName)) throw new PortalError('ForbiddenException', 403, 'No access');
        const issued = options.registry.issue('', ssoRoleArn(roleName), options.credentialsTtlSeconds, Date.now(), record.session.username);
        stats.inc('sso:GetRoleCredentials');
        sendJson(res, 200, {
          roleCredentials: {
            accessKeyId: issued.accessKeyId,
            secretAccessKey: issued.secretAccessKey,
            sessionToken: issued.sessionToken,
            // ExpirationTimestampType is a long: epoch milliseconds.
            expiration: issued.expiration.getTime(),
          },
        });
        return;
      }
      if (operation === 'Logout') {
        // The whole sign-in ends: its access tokens and its refresh token. Role credentials already out keep working, as in AWS.
        bearer(req).session.ended = true;
        stats.inc('sso:Logout');
        send(res, 200, { 'x-amzn-requestid': randomUUID() }, '');
        return;
      }
      throw new PortalError('UnknownOperationException', 404, `No operation at ${route}`);
    } catch (error) {
      if (!(error instanceof PortalError)) throw error;
      stats.inc(operation === 'unknown' ? `sso:${error.type}` : `sso:${operation}:${error.type}`);
      sendJson(res, error.status, { message: error.message }, { 'x-amzn-errortype': error.type });
    }
  };

  const onError = (name: string, res: ServerResponse) => (error: unknown) => {
    console.error(`[sandbox:${name}] internal error`, error);
    if (!res.headersSent) sendJson(res, 500, { error: 'server_error', message: 'Internal error' }, { 'x-amzn-errortype': 'InternalServerException' });
    else res.destroy();
  };
  // allSettled, so a server that did start is closed when the other fails (e.g. a taken fixed port).
  const [oidcStarted, portalStarted] = await Promise.allSettled([
    startLoopbackServer('sso-oidc', options.oidcPort, (req, res) => void handleOidc(req, res).catch(onError('sso-oidc', res)), options.log),
    startLoopbackServer('sso', options.portalPort, (req, res) => void handlePortal(req, res).catch(onError('sso', res)), options.log),
  ]);
  if (oidcStarted.status === 'rejected' || portalStarted.status === 'rejected') {
    await Promise.all([oidcStarted, portalStarted].map((started) => (started.status === 'fulfilled' ? started.value.stop() : undefined)));
    throw oidcStarted.status === 'rejected' ? oidcStarted.reason : (portalStarted as PromiseRejectedResult).reason;
  }
  const oidcServer = oidcStarted.value;
  const portalServer = portalStarted.value;
  const oidcEndpoint = oidcServer.origin;
  const portalEndpoint = portalServer.origin;

  return {
    oidcEndpoint,
    portalEndpoint,
    setTokenTtl(seconds) {
      if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`Token lifetime must be a positive whole number of seconds, not ${seconds}`);
      tokenTtlSeconds = seconds;
    },
    cliSession(username, { ttlSeconds = tokenTtlSeconds, refreshable = options.issuesRefreshTokens() } = {}) {
      const user = usersByName.get(username);
      if (!user) throw new Error(`No sandbox user ${username}`);
      // What `aws sso login` registers: the authorization code flow on the CLI's loopback callback.
      const client = register({
        clientName: 'botocore-client-sandbox',
        clientType: 'public',
        scopes: ['sso:account:access'],
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: SSO_START_URL,
      });
      const session: SignInSession = { username: user.username, clientId: client.clientId, ended: false };
      const { accessToken, expiresAt } = issueAccessToken(session, ttlSeconds);
      const entry: SsoCacheEntry = { startUrl: SSO_START_URL, region: REGION, accessToken, expiresAt: cliTimestamp(expiresAt) };
      if (!refreshable) return entry;
      return {
        ...entry,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        registrationExpiresAt: cliTimestamp(client.secretExpiresAt),
        refreshToken: issueRefreshToken(session),
      };
    },
    expireTokens() {
      for (const record of accessTokens.values()) record.forcedExpired = true;
    },
    close: async () => {
      await Promise.all([oidcServer.stop(), portalServer.stop()]);
    },
  };
}
