/**
 * The sandbox's IAM Identity Center through the unmodified AWS SDK clients
 * (SSO OIDC, the SSO portal, STS) and plain HTTP for its pages: the
 * authorization code flow with PKCE and the device code flow, refresh token
 * rotation, the portal's role credentials that STS then knows, the CLI's
 * cache entry, sign-out, and the faults tests switch on.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GetRoleCredentialsCommand, LogoutCommand, SSOClient } from '@aws-sdk/client-sso';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
  type CreateTokenCommandInput,
  type RegisterClientCommandInput,
} from '@aws-sdk/client-sso-oidc';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loginOverHttp } from '../sandbox/http-login';
import { ssoRoleArn, startSandbox, type Sandbox } from '../sandbox/index';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Where the AWS CLI registers its loopback callback; the port is chosen at each sign-in. */
const CLI_REDIRECT = 'http://127.0.0.1/oauth/callback';

let sandbox: Sandbox;
let oidc: SSOOIDCClient;
let portal: SSOClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  // One attempt: every refusal is the emulator's answer, not a retry's.
  oidc = new SSOOIDCClient({ region: sandbox.identityCenter.region, endpoint: sandbox.identityCenter.oidcEndpoint, maxAttempts: 1 });
  portal = new SSOClient({ region: sandbox.identityCenter.region, endpoint: sandbox.identityCenter.portalEndpoint, maxAttempts: 1 });
});
afterAll(async () => {
  oidc?.destroy();
  portal?.destroy();
  await sandbox?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  sandbox.faults.deniedRoles.clear();
  sandbox.faults.ssoIssuesRefreshTokens = true;
  sandbox.identityCenter.setTokenTtl(28_800);
});

const ada = () => sandbox.users.find((user) => user.username === 'ada')!;
const grace = () => sandbox.users.find((user) => user.username === 'grace')!;
const delta = (before: Record<string, number>, key: string) => (sandbox.stats()[key] ?? 0) - (before[key] ?? 0);

/** A client registered the way the AWS CLI registers for the browser sign-in. */
async function registerClient(input: Partial<RegisterClientCommandInput> = {}) {
  const client = await oidc.send(
    new RegisterClientCommand({
      clientName: 'strata-test',
      clientType: 'public',
      scopes: ['sso:account:access'],
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [CLI_REDIRECT],
      issuerUrl: sandbox.identityCenter.startUrl,
      ...input,
    }),
  );
  return { clientId: client.clientId!, clientSecret: client.clientSecret!, answer: client };
}
type Client = Awaited<ReturnType<typeof registerClient>>;

/** The /authorize URL for `client` with a fresh PKCE verifier and state. */
function authorization(client: Client, redirectUri: string, extra: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomUUID();
  const url = new URL('/authorize', sandbox.identityCenter.oidcEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    scopes: 'sso:account:access',
    ...extra,
  }).toString();
  return { url, verifier, state, redirectUri };
}

const unescapeHtml = (value: string) =>
  value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The page's form as a browser submits it: its action, its hidden fields, and what the person typed. */
async function submitPage(pageUrl: URL, typed: Record<string, string>): Promise<Response> {
  const page = await fetch(pageUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = unescapeHtml(/<form[^>]*\saction="([^"]*)"/.exec(html)![1]!);
  const fields = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields.append(unescapeHtml(name!), unescapeHtml(value!));
  for (const [name, value] of Object.entries(typed)) fields.append(name, value);
  return fetch(new URL(action, pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields,
    redirect: 'manual',
  });
}

/** Signs in on the page as `username` and returns where it redirects (the app's loopback callback). */
async function approve(url: URL, username = 'ada', password = ada().password): Promise<URL> {
  const answer = await submitPage(url, { username, password, action: 'login' });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!);
}

const createToken = (client: Client, input: Omit<CreateTokenCommandInput, 'clientId' | 'clientSecret'>) =>
  oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, ...input }));

/** The whole browser sign-in: register, sign in on the page, exchange the code. */
async function browserSignIn(register: Partial<RegisterClientCommandInput> = {}) {
  const client = await registerClient(register);
  const request = authorization(client, 'http://127.0.0.1:43210/oauth/callback');
  const callback = await approve(request.url);
  const token = await createToken(client, {
    grantType: 'authorization_code',
    code: callback.searchParams.get('code')!,
    redirectUri: request.redirectUri,
    codeVerifier: request.verifier,
  });
  return { client, token };
}

const roleCredentials = (accessToken: string, roleName = 'PowerUser', accountId = sandbox.identityCenter.accountId) =>
  portal.send(new GetRoleCredentialsCommand({ accessToken, roleName, accountId }));

describe('IAM Identity Center on the sandbox', () => {
  it('describes itself, and Strata finds it through its environment', () => {
    expect(sandbox.identityCenter).toMatchObject({
      startUrl: 'https://sandbox-corp.awsapps.com/start',
      region: 'us-east-1',
      accountId: '123456789012',
      roles: ['PowerUser', 'ReadOnly'],
      oidcEndpoint: sandbox.endpoints.ssoOidc,
      portalEndpoint: sandbox.endpoints.sso,
    });
    expect(sandbox.env()).toMatchObject({ STRATA_SSO_ENDPOINT: sandbox.endpoints.sso, STRATA_SSO_OIDC_ENDPOINT: sandbox.endpoints.ssoOidc });
  });

  it('authorization code + PKCE: the sign-in page, tokens, role credentials, and STS names the AWSReservedSSO role and the person', async () => {
    const before = sandbox.stats();
    const client = await registerClient();
    expect(client.answer.clientSecretExpiresAt! - client.answer.clientIdIssuedAt!).toBe(90 * 24 * 3600);
    expect(Math.abs(client.answer.clientIdIssuedAt! - Date.now() / 1000)).toBeLessThan(5);

    // The state comes back untouched, however odd; on the page it is escaped.
    const request = authorization(client, 'http://127.0.0.1:43210/oauth/callback', { state: `"<a&b>'` });
    const page = await (await fetch(request.url)).text();
    expect(page).toContain('<title>AWS access portal – Example Corp</title>');
    expect(page).toContain('value="&quot;&lt;a&amp;b&gt;&#39;"');
    expect(page).toMatch(/<button[^>]*>Sign in<\/button>/);
    expect(page).toMatch(/<button[^>]*>Deny<\/button>/);

    const callback = await approve(request.url);
    expect(callback.origin + callback.pathname).toBe(request.redirectUri);
    expect(callback.searchParams.get('state')).toBe(`"<a&b>'`);
    const token = await createToken(client, {
      grantType: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirectUri: request.redirectUri,
      codeVerifier: request.verifier,
    });
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 28_800, accessToken: expect.any(String), refreshToken: expect.any(String) });

    const { roleCredentials: issued } = await roleCredentials(token.accessToken!);
    expect(issued).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/), secretAccessKey: expect.any(String), sessionToken: expect.any(String) });
    // Epoch milliseconds, the credentials' lifetime (3600 s) from now.
    expect(issued!.expiration! - Date.now()).toBeGreaterThan(3590_000);
    expect(issued!.expiration! - Date.now()).toBeLessThanOrEqual(3600_000);

    const sts = new STSClient({
      region: sandbox.region,
      endpoint: sandbox.endpoints.sts,
      credentials: { accessKeyId: issued!.accessKeyId!, secretAccessKey: issued!.secretAccessKey!, sessionToken: issued!.sessionToken! },
    });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(ssoRoleArn('PowerUser')).toBe('arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PowerUser_5f2c1a9e7b3d4c60');
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUser_5f2c1a9e7b3d4c60/ada');

    for (const key of ['sso-oidc:RegisterClient', 'sso-oidc:authorize', 'sso-oidc:CreateToken:authorization_code', 'sso:GetRoleCredentials']) {
      expect(delta(before, key), key).toBe(1);
    }
  });

  it('a wrong verifier, another redirect URI or a code past 5 minutes is refused (InvalidGrantException), and a code works once', async () => {
    const client = await registerClient();
    const redirectUri = 'http://127.0.0.1:43210/oauth/callback';
    /** Signs in on the page, then presents the code (`minutesLater` by the emulator's clock) with what `change` says. */
    const exchange = async (change: { redirectUri?: string; verifier?: string; minutesLater?: number } = {}) => {
      const request = authorization(client, redirectUri);
      const code = (await approve(request.url)).searchParams.get('code')!;
      const present = (verifier = change.verifier ?? request.verifier) =>
        createToken(client, { grantType: 'authorization_code', code, redirectUri: change.redirectUri ?? redirectUri, codeVerifier: verifier });
      if (change.minutesLater) vi.spyOn(Date, 'now').mockReturnValue(Date.now() + change.minutesLater * 60_000);
      try {
        return { request, present, answer: await present().catch((error: unknown) => error) };
      } finally {
        vi.restoreAllMocks();
      }
    };
    const refused = { name: 'InvalidGrantException', error: 'invalid_grant', $metadata: { httpStatusCode: 400 } };

    const wrongVerifier = await exchange({ verifier: randomBytes(32).toString('base64url') });
    expect(wrongVerifier.answer).toMatchObject(refused);
    // Presented once, the code is spent: the right verifier comes too late.
    await expect(wrongVerifier.present(wrongVerifier.request.verifier)).rejects.toMatchObject(refused);

    // The redirect URI must be the very one the code was issued for, port included.
    const before = sandbox.stats();
    expect((await exchange({ redirectUri: 'http://127.0.0.1:43211/oauth/callback' })).answer).toMatchObject(refused);
    expect(delta(before, 'sso-oidc:CreateToken:authorization_code:InvalidGrantException')).toBe(1);

    expect((await exchange({ minutesLater: 4.9 })).answer).toHaveProperty('accessToken');
    expect((await exchange({ minutesLater: 5 })).answer).toMatchObject(refused);
  });

  it('an unregistered redirect path or scheme, an unknown client, a device-only client, no S256 challenge: an error page, never a redirect', async () => {
    const client = await registerClient();
    const deviceOnly = await registerClient({ grantTypes: [DEVICE_GRANT], redirectUris: undefined });
    const cases: Array<[URL, string]> = [
      [authorization(client, 'http://127.0.0.1:43210/elsewhere').url, 'invalid_redirect_uri'],
      [authorization(client, 'https://127.0.0.1:43210/oauth/callback').url, 'invalid_redirect_uri'],
      [authorization(client, 'http://example.com/oauth/callback').url, 'invalid_redirect_uri'],
      [authorization({ ...client, clientId: 'nobody' }, CLI_REDIRECT).url, 'invalid_client'],
      [authorization(deviceOnly, CLI_REDIRECT).url, 'unauthorized_client'],
      [authorization(client, CLI_REDIRECT, { code_challenge_method: 'plain' }).url, 'invalid_request'],
    ];
    const withoutChallenge = authorization(client, CLI_REDIRECT).url;
    withoutChallenge.searchParams.delete('code_challenge');
    cases.push([withoutChallenge, 'invalid_request']);

    for (const [url, error] of cases) {
      for (const method of ['GET', 'POST']) {
        const answer = await fetch(url, { method, redirect: 'manual', ...(method === 'POST' ? { body: new URLSearchParams({ username: 'ada', password: ada().password, action: 'login' }) } : {}) });
        expect(answer.status, `${method} ${url.href}`).toBe(400);
        expect(answer.headers.get('location')).toBeNull();
        expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await answer.text()).toContain(error);
      }
    }
  });

  it('a loopback redirect may use any port (RFC 8252 §7.3), and a client posting only the credentials signs in too', async () => {
    for (const [registered, used] of [
      ['http://localhost/callback', 'http://localhost:49152/callback'],
      ['http://127.0.0.1:8080/oauth/callback', 'http://127.0.0.1:9090/oauth/callback'],
    ] as const) {
      const client = await registerClient({ redirectUris: [registered] });
      const request = authorization(client, used);
      // http-login.ts posts username and password only; the query on the form's action carries the rest.
      const callback = await loginOverHttp(request.url, 'grace', grace().password);
      expect(callback.origin + callback.pathname).toBe(used);
      const token = await createToken(client, { grantType: 'authorization_code', code: callback.searchParams.get('code')!, redirectUri: used, codeVerifier: request.verifier });
      expect(token.accessToken).toEqual(expect.any(String));
    }
  });

  it('a wrong password shows the page again with the error; Deny redirects with access_denied and the state', async () => {
    const before = sandbox.stats();
    const client = await registerClient();
    const request = authorization(client, 'http://127.0.0.1:43210/oauth/callback');

    const wrong = await submitPage(request.url, { username: 'ada', password: 'difference-engine', action: 'login' });
    expect(wrong.status).toBe(200);
    const html = await wrong.text();
    expect(html).toMatch(/role="alert">Wrong username or password</);
    expect(html).toContain('name="username" type="text" autocapitalize="none" spellcheck="false" required value="ada"');

    const denied = await submitPage(request.url, { action: 'deny' });
    expect(denied.status).toBe(302);
    const callback = new URL(denied.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(request.redirectUri);
    expect(Object.fromEntries(callback.searchParams)).toEqual({ error: 'access_denied', state: request.state });
    expect(delta(before, 'sso-oidc:authorize:failed')).toBe(1);
    expect(delta(before, 'sso-oidc:authorize:access_denied')).toBe(1);
    expect(delta(before, 'sso-oidc:authorize')).toBe(0);
  });

  it('device code flow: authorization_pending, slow_down when polled too fast, the token once allowed on the page', async () => {
    const before = sandbox.stats();
    // No grantTypes: the device code and refresh token grants, as the SDKs' default registration.
    const client = await registerClient({ grantTypes: undefined, redirectUris: undefined });
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: sandbox.identityCenter.startUrl }));
    expect(device).toMatchObject({
      deviceCode: expect.any(String),
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      verificationUri: `${sandbox.identityCenter.oidcEndpoint}/device`,
      verificationUriComplete: `${sandbox.identityCenter.oidcEndpoint}/device?user_code=${device.userCode}`,
      expiresIn: 600,
      interval: 1,
    });
    const poll = () => createToken(client, { grantType: DEVICE_GRANT, deviceCode: device.deviceCode });

    await expect(poll()).rejects.toMatchObject({ name: 'AuthorizationPendingException', error: 'authorization_pending', $metadata: { httpStatusCode: 400 } });
    await expect(poll()).rejects.toMatchObject({ name: 'SlowDownException', error: 'slow_down' });

    const page = await (await fetch(device.verificationUriComplete!)).text();
    expect(page).toContain(`name="user_code" type="text" autocapitalize="characters" spellcheck="false" required value="${device.userCode}"`);
    expect(page).toMatch(/<button[^>]*>Allow<\/button>/);
    // The code as a person might type it: lower case, no dash.
    const typed = device.userCode!.replace('-', '').toLowerCase();
    const allowed = await fetch(`${sandbox.identityCenter.oidcEndpoint}/device`, {
      method: 'POST',
      body: new URLSearchParams({ user_code: typed, username: 'grace', password: grace().password, action: 'allow' }),
    });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('You can close this window');

    await new Promise((resolve) => setTimeout(resolve, 1000));
    const token = await poll();
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 28_800, refreshToken: expect.any(String) });
    await expect(roleCredentials(token.accessToken!, 'ReadOnly')).resolves.toHaveProperty('roleCredentials.accessKeyId');
    // Used up once it gave its token.
    await expect(poll()).rejects.toMatchObject({ name: 'InvalidGrantException' });

    expect(delta(before, 'sso-oidc:StartDeviceAuthorization')).toBe(1);
    expect(delta(before, 'sso-oidc:device')).toBe(1);
    expect(delta(before, 'sso-oidc:CreateToken:device_code')).toBe(1);
    expect(delta(before, 'sso-oidc:CreateToken:device_code:AuthorizationPendingException')).toBe(1);
    expect(delta(before, 'sso-oidc:CreateToken:device_code:SlowDownException')).toBe(1);
  });

  it('device code flow: Deny on the page is AccessDeniedException; a code past its 600 s is ExpiredTokenException', async () => {
    const client = await registerClient({ grantTypes: [DEVICE_GRANT], redirectUris: undefined });
    const start = () => oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: `${sandbox.identityCenter.startUrl}/` }));

    const denied = await start();
    const page = await fetch(`${sandbox.identityCenter.oidcEndpoint}/device`, { method: 'POST', body: new URLSearchParams({ user_code: denied.userCode!, action: 'deny' }) });
    expect(await page.text()).toContain('Request denied. You can close this window.');
    await expect(createToken(client, { grantType: DEVICE_GRANT, deviceCode: denied.deviceCode })).rejects.toMatchObject({ name: 'AccessDeniedException', error: 'access_denied' });

    const late = await start();
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 601_000);
    await expect(createToken(client, { grantType: DEVICE_GRANT, deviceCode: late.deviceCode })).rejects.toMatchObject({ name: 'ExpiredTokenException', error: 'expired_token' });
    const expiredPage = await fetch(`${sandbox.identityCenter.oidcEndpoint}/device`, {
      method: 'POST',
      body: new URLSearchParams({ user_code: late.userCode!, username: 'ada', password: ada().password, action: 'allow' }),
    });
    expect(await expiredPage.text()).toContain("That code isn&#39;t valid or has expired");

    // Only clients registered for the device grant may start one, and only for this start URL.
    const browserOnly = await registerClient();
    await expect(oidc.send(new StartDeviceAuthorizationCommand({ ...browserOnly, startUrl: sandbox.identityCenter.startUrl }))).rejects.toMatchObject({ name: 'UnauthorizedClientException' });
    await expect(oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: 'https://other.awsapps.com/start' }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it('refresh rotates the refresh token: the new pair works, the old refresh token is refused', async () => {
    const { client, token } = await browserSignIn();
    const before = sandbox.stats();
    const renewed = await createToken(client, { grantType: 'refresh_token', refreshToken: token.refreshToken });
    expect(renewed).toMatchObject({ tokenType: 'Bearer', expiresIn: 28_800 });
    expect(renewed.accessToken).not.toBe(token.accessToken);
    expect(renewed.refreshToken).toEqual(expect.any(String));
    expect(renewed.refreshToken).not.toBe(token.refreshToken);
    await expect(roleCredentials(renewed.accessToken!)).resolves.toHaveProperty('roleCredentials.sessionToken');

    await expect(createToken(client, { grantType: 'refresh_token', refreshToken: token.refreshToken })).rejects.toMatchObject({
      name: 'InvalidGrantException',
      error: 'invalid_grant',
    });
    // Another client cannot use it either, and a wrong secret is the client's fault (401).
    const other = await registerClient();
    await expect(createToken(other, { grantType: 'refresh_token', refreshToken: renewed.refreshToken })).rejects.toMatchObject({ name: 'InvalidGrantException' });
    await expect(createToken({ ...client, clientSecret: 'not-the-secret' }, { grantType: 'refresh_token', refreshToken: renewed.refreshToken })).rejects.toMatchObject({
      name: 'InvalidClientException',
      error: 'invalid_client',
      $metadata: { httpStatusCode: 401 },
    });
    await expect(createToken(client, { grantType: 'refresh_token', refreshToken: renewed.refreshToken })).resolves.toHaveProperty('accessToken');

    expect(delta(before, 'sso-oidc:CreateToken:refresh_token')).toBe(2);
    expect(delta(before, 'sso-oidc:CreateToken:refresh_token:InvalidGrantException')).toBe(2);
    expect(delta(before, 'sso-oidc:CreateToken:refresh_token:InvalidClientException')).toBe(1);
  });

  it('expireSsoTokens: the portal answers 401 for every token so far, until a refresh brings a new one', async () => {
    const { client, token } = await browserSignIn();
    await roleCredentials(token.accessToken!);
    const before = sandbox.stats();
    sandbox.faults.expireSsoTokens();
    await expect(roleCredentials(token.accessToken!)).rejects.toMatchObject({
      name: 'UnauthorizedException',
      message: 'Session token not found or invalid',
      $metadata: { httpStatusCode: 401 },
    });
    const renewed = await createToken(client, { grantType: 'refresh_token', refreshToken: token.refreshToken });
    await expect(roleCredentials(renewed.accessToken!)).resolves.toHaveProperty('roleCredentials.accessKeyId');
    expect(delta(before, 'sso:GetRoleCredentials:UnauthorizedException')).toBe(1);
  });

  it('a role not assigned, another account, or a role in deniedRoles: ForbiddenException "No access"', async () => {
    const { token } = await browserSignIn();
    const forbidden = { name: 'ForbiddenException', message: 'No access', $metadata: { httpStatusCode: 403 } };
    await expect(roleCredentials(token.accessToken!, 'Admin')).rejects.toMatchObject(forbidden);
    await expect(roleCredentials(token.accessToken!, 'PowerUser', '210987654321')).rejects.toMatchObject(forbidden);
    sandbox.faults.deniedRoles.add('PowerUser');
    await expect(roleCredentials(token.accessToken!, 'PowerUser')).rejects.toMatchObject(forbidden);
    await expect(roleCredentials(token.accessToken!, 'ReadOnly')).resolves.toHaveProperty('roleCredentials.accessKeyId');
    sandbox.faults.deniedRoles.delete('PowerUser');
    await expect(roleCredentials(token.accessToken!, 'PowerUser')).resolves.toHaveProperty('roleCredentials.accessKeyId');
  });

  it('without refresh tokens (ssoIssuesRefreshTokens = false, or a client not registered for them) the answer has none', async () => {
    sandbox.faults.ssoIssuesRefreshTokens = false;
    expect(sandbox.faults.ssoIssuesRefreshTokens).toBe(false);
    const { token } = await browserSignIn();
    expect(token.accessToken).toEqual(expect.any(String));
    expect(token.refreshToken).toBeUndefined();

    sandbox.faults.ssoIssuesRefreshTokens = true;
    const { client, token: codeOnly } = await browserSignIn({ grantTypes: ['authorization_code'] });
    expect(codeOnly.refreshToken).toBeUndefined();
    await expect(createToken(client, { grantType: 'refresh_token', refreshToken: 'aor-anything' })).rejects.toMatchObject({ name: 'UnauthorizedClientException' });
  });

  it("cliSession: the AWS CLI's cache entry, with tokens the emulator accepts; setTokenTtl sets the lifetime", async () => {
    const before = sandbox.stats();
    const session = sandbox.identityCenter.cliSession('ada');
    expect(Object.keys(session)).toEqual(['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
    expect(session).toMatchObject({ startUrl: sandbox.identityCenter.startUrl, region: 'us-east-1' });
    expect(session.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(28_790_000);
    expect(Date.parse(session.registrationExpiresAt!) - Date.now()).toBeGreaterThan(89 * 24 * 3600_000);
    // Making it called nothing.
    expect(sandbox.stats()).toEqual(before);

    await expect(roleCredentials(session.accessToken)).resolves.toHaveProperty('roleCredentials.accessKeyId');
    const client = { clientId: session.clientId!, clientSecret: session.clientSecret! } as Client;
    await expect(createToken(client, { grantType: 'refresh_token', refreshToken: session.refreshToken })).resolves.toHaveProperty('refreshToken');

    expect(Object.keys(sandbox.identityCenter.cliSession('grace', { refreshable: false }))).toEqual(['startUrl', 'region', 'accessToken', 'expiresAt']);

    // Already expired: the portal refuses the token, its refresh token still renews it.
    const expired = sandbox.identityCenter.cliSession('grace', { ttlSeconds: 0 });
    expect(Date.parse(expired.expiresAt)).toBeLessThanOrEqual(Date.now());
    await expect(roleCredentials(expired.accessToken)).rejects.toMatchObject({ name: 'UnauthorizedException' });
    const renewed = await createToken({ clientId: expired.clientId!, clientSecret: expired.clientSecret! } as Client, { grantType: 'refresh_token', refreshToken: expired.refreshToken });
    const { roleCredentials: issued } = await roleCredentials(renewed.accessToken!, 'ReadOnly');
    expect(issued?.accessKeyId).toMatch(/^ASIA/);

    sandbox.identityCenter.setTokenTtl(600);
    expect(Date.parse(sandbox.identityCenter.cliSession('ada').expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
    expect((await browserSignIn()).token.expiresIn).toBe(600);
    expect(() => sandbox.identityCenter.cliSession('nobody')).toThrow(/nobody/);
  });

  it('Logout ends the sign-in: its access token and its refresh token stop working', async () => {
    const { client, token } = await browserSignIn();
    const before = sandbox.stats();
    await portal.send(new LogoutCommand({ accessToken: token.accessToken }));
    await expect(roleCredentials(token.accessToken!)).rejects.toMatchObject({ name: 'UnauthorizedException', $metadata: { httpStatusCode: 401 } });
    await expect(createToken(client, { grantType: 'refresh_token', refreshToken: token.refreshToken })).rejects.toMatchObject({ name: 'InvalidGrantException' });
    await expect(portal.send(new LogoutCommand({ accessToken: token.accessToken }))).rejects.toMatchObject({ name: 'UnauthorizedException' });
    expect(delta(before, 'sso:Logout')).toBe(1);
    expect(delta(before, 'sso:Logout:UnauthorizedException')).toBe(1);
  });

  it('answers errors as AWS does: JSON, x-amzn-errortype, OAuth error codes for SSO OIDC, a message for the portal', async () => {
    const token = await fetch(`${sandbox.identityCenter.oidcEndpoint}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'nobody', clientSecret: 'nothing', grantType: 'refresh_token', refreshToken: 'x' }),
    });
    expect(token.status).toBe(401);
    expect(token.headers.get('x-amzn-errortype')).toBe('InvalidClientException');
    expect(token.headers.get('content-type')).toBe('application/json');
    expect(await token.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });

    const credentials = await fetch(`${sandbox.identityCenter.portalEndpoint}/federation/credentials?role_name=PowerUser&account_id=123456789012`);
    expect(credentials.status).toBe(401);
    expect(credentials.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(await credentials.json()).toEqual({ message: 'Session token not found or invalid' });

    await expect(registerClient({ clientType: 'confidential' })).rejects.toMatchObject({ name: 'InvalidClientMetadataException', error: 'invalid_client_metadata' });
    await expect(registerClient({ grantTypes: ['password'] })).rejects.toMatchObject({ name: 'UnsupportedGrantTypeException', error: 'unsupported_grant_type' });
    await expect(registerClient({ redirectUris: ['https://app.example.com/callback'] })).rejects.toMatchObject({
      name: 'InvalidRedirectUriException',
      error: 'invalid_redirect_uri',
    });
  });
});

/** A CONNECT tunnel whose TLS to the far end trusts the sandbox CA: the target's TLS options come with each request. */
class SandboxTunnel extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly ca: string,
  ) {
    super(proxy);
  }

  override connect(...[req, opts]: Parameters<HttpsProxyAgent<string>['connect']>) {
    // Only the TLS branch (secureEndpoint) reads ca.
    return super.connect(req, { ...opts, ca: this.ca } as typeof opts);
  }
}

describe('IAM Identity Center behind the sandbox network', () => {
  let networked: Sandbox;
  beforeAll(async () => {
    networked = await startSandbox({ network: true });
  });
  afterAll(() => networked?.close());

  it('the portal and SSO OIDC answer over HTTPS through the proxy, under their AWS names', async () => {
    const network = networked.network!;
    expect(network.proxiedEndpoints.sso).toMatch(/^https:\/\/portal\.sso\.sandbox\.test:\d+$/);
    expect(network.proxiedEndpoints.ssoOidc).toMatch(/^https:\/\/oidc\.sandbox\.test:\d+$/);
    const requestHandler = new NodeHttpHandler({ httpsAgent: new SandboxTunnel(network.proxy.url, network.caPem) });
    const region = networked.identityCenter.region;
    const viaProxy = {
      oidc: new SSOOIDCClient({ region, endpoint: network.proxiedEndpoints.ssoOidc, requestHandler, maxAttempts: 1 }),
      portal: new SSOClient({ region, endpoint: network.proxiedEndpoints.sso, requestHandler, maxAttempts: 1 }),
    };
    try {
      const session = networked.identityCenter.cliSession('ada');
      const renewed = await viaProxy.oidc.send(
        new CreateTokenCommand({ clientId: session.clientId, clientSecret: session.clientSecret, grantType: 'refresh_token', refreshToken: session.refreshToken }),
      );
      const answer = await viaProxy.portal.send(new GetRoleCredentialsCommand({ accessToken: renewed.accessToken, roleName: 'ReadOnly', accountId: networked.accountId }));
      expect(answer.roleCredentials?.accessKeyId).toMatch(/^ASIA/);
      expect(networked.stats()).toMatchObject({ 'proxy:CONNECT:portal.sso.sandbox.test': 1, 'proxy:CONNECT:oidc.sandbox.test': 1 });
    } finally {
      viaProxy.oidc.destroy();
      viaProxy.portal.destroy();
    }
  });
});
