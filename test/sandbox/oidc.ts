/**
 * The sandbox identity provider: a real oidc-provider v9 on a plain node:http
 * server, with one public native client and its own one-page sign-in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Account, Interaction, KoaContextWithOIDC } from 'oidc-provider';
import { CLIENT_ID, OTHER_CLIENT_ID, SCOPES, type SandboxUser } from './constants.js';
import { readBody, send, startLoopbackServer, type Stats } from './http-util.js';
import { errorPage, loginPage, logoutPage } from './login-page.js';
import { createMemoryAdapter } from './oidc-adapter.js';

export interface OidcOptions {
  port: number;
  idTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  users: SandboxUser[];
  stats: Stats;
  log: boolean;
}

/** The running identity provider. */
export interface OidcServer {
  issuer: string;
  /** The public signing keys, as served at jwks_uri. */
  jwks: JSONWebKeySet;
  setDown(down: boolean): Promise<void>;
  /** The token endpoint handles requests from now on but holds its answers until released; `arrived` settles when the first request came. */
  holdTokenAnswers(): TokenHold;
  /** Every access, id and refresh token the token endpoint answered with, oldest first (to check none is written anywhere). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

/** Token answers held at the provider, e.g. to end a session while its renewal's answer is on the way. */
export interface TokenHold {
  arrived: Promise<void>;
  release(): void;
}

let providerClass: Promise<typeof Provider> | undefined;

/**
 * oidc-provider 9 prints "Unsupported runtime" on import under Node 20 (it
 * asks for 22 LTS) although everything it uses exists in Node 20.18+; the
 * sandbox is quiet by default, so that one line is filtered out.
 */
function loadProvider(): Promise<typeof Provider> {
  providerClass ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn.apply(console, args);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = warn;
    }
  })();
  return providerClass;
}

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)$/;

/** Starts the identity provider on 127.0.0.1. */
export async function startOidc(options: OidcOptions): Promise<OidcServer> {
  const [ProviderClass, { privateKey, publicKey }] = await Promise.all([
    loadProvider(),
    generateKeyPair('RS256', { extractable: true }),
  ]);
  const kid = randomBytes(8).toString('hex');
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };

  // The issuer has to name the real port, which is only known once listening;
  // requests arriving before the provider exists cannot happen (nobody knows the port yet).
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => send(res, 503, {}, '');
  const server = await startLoopbackServer('oidc', options.port, (req, res) => handle(req, res), options.log);
  const issuer = server.origin;

  const usersBySub = new Map(options.users.map((user) => [user.sub, user]));
  const provider = new ProviderClass(issuer, configuration(options, privateJwk, usersBySub));

  const issuedTokens: string[] = [];
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    options.stats.inc(`oidc:token:${String(ctx.oidc?.params?.grant_type)}`);
    const answer = ctx.body as Record<string, unknown> | undefined;
    for (const name of ['access_token', 'id_token', 'refresh_token']) {
      if (typeof answer?.[name] === 'string') issuedTokens.push(answer[name]);
    }
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: { error?: string }) => {
    options.stats.inc(`oidc:token:${String(ctx.oidc?.params?.grant_type)}:${error.error ?? 'error'}`);
  });
  // A 500 from the provider is a sandbox bug: always say so, even when quiet.
  provider.on('server_error', (_ctx: unknown, error: Error) => {
    console.error('[sandbox:oidc] server_error', error);
  });
  // Koa logs every error it sees unless someone listens; client mistakes are normal here.
  provider.on('error', (error: Error & { status?: number }) => {
    if (options.log || (error.status ?? 500) >= 500) console.error('[sandbox:oidc]', error);
  });

  const providerCallback = provider.callback();
  let hold: { released: Promise<void>; arrived: () => void } | undefined;
  handle = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = INTERACTION_PATH.exec(path);
    if (!match) {
      // Counted as asked, whether or not the token is still known (a revoked grant's tokens are gone).
      if (path === '/token/revocation' && req.method === 'POST') options.stats.inc('oidc:revocation');
      const held = path === '/token' && req.method === 'POST' ? hold : undefined;
      if (held) {
        held.arrived();
        // The grant is made (a rotated refresh token is issued) at once; only the answer waits.
        const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
        res.end = ((...args: unknown[]) => {
          void held.released.then(() => end(...args));
          return res;
        }) as typeof res.end;
      }
      return providerCallback(req, res);
    }
    interaction(provider, req, res, options, usersBySub).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) {
        // SessionNotFound and friends: the interaction cookie is missing or stale.
        send(res, 400, { 'content-type': 'text/html; charset=utf-8' }, errorPage({ error: 'invalid_request', error_description: message }));
      } else {
        res.destroy();
      }
    });
  };

  return {
    issuer,
    jwks: { keys: [publicJwk] },
    async setDown(down) {
      if (down) await server.stop();
      else await server.restart();
    },
    holdTokenAnswers() {
      let release = () => {};
      let arrived = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const first = new Promise<void>((resolve) => (arrived = resolve));
      const current = { released, arrived };
      hold = current;
      return {
        arrived: first,
        release: () => {
          if (hold === current) hold = undefined;
          release();
        },
      };
    },
    issuedTokens: () => [...issuedTokens],
    close: () => server.stop(),
  };
}

function configuration(options: OidcOptions, signingKey: JWK, usersBySub: Map<string, SandboxUser>): Record<string, unknown> {
  const ttl = options.idTokenTtlSeconds;
  const refreshTtl = options.refreshTokenTtlSeconds;
  return {
    adapter: createMemoryAdapter(),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: 'Strata',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // Native clients may use any port on a registered loopback URI
        // (RFC 8252 §7.3); oidc-provider compares native loopback URIs without the port.
        redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback', 'http://[::1]/callback'],
        post_logout_redirect_uris: ['http://127.0.0.1/', 'http://127.0.0.1/signed-out', 'http://localhost/signed-out'],
        id_token_signed_response_alg: 'RS256',
      },
      {
        client_id: OTHER_CLIENT_ID,
        client_name: 'Another Example Corp app',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback'],
      },
    ],
    scopes: [...SCOPES],
    claims: {
      // jti makes every id_token unique, as Cognito's and Okta's are; without it a
      // refresh within the same second returns a byte-identical id_token.
      openid: ['sub', 'jti'],
      profile: ['name'],
      email: ['email', 'email_verified'],
    },
    // The app reads name and email from the id_token, as it would from Cognito, Okta or Entra ID.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = logoutPage(undefined);
        },
      },
    },
    // Like Cognito: every code exchange by the client gets a refresh token. In
    // oidc-provider a `prompt` without `consent` silently drops offline_access,
    // so keying on the scope alone would make refresh tokens depend on prompt.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    // Tokens outlive the browser session cookie: closing the IdP tab must not sign the app out.
    expiresWithSession: async () => false,
    // Public clients rotate refresh tokens (oidc-provider's default, kept); a
    // reused old refresh token revokes the whole grant.
    ttl: {
      AccessToken: ttl,
      IdToken: ttl,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: refreshTtl,
      Grant: refreshTtl + 60,
      // The refresh lifetime counts from sign-in: rotation does not extend it,
      // so refreshTokenTtlSeconds is how long a sign-in lasts.
      RefreshToken: (ctx: KoaContextWithOIDC | undefined) => {
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken as { remainingTTL: number } | undefined;
        return rotated ? Math.max(rotated.remainingTTL, 1) : refreshTtl;
      },
    },
    findAccount: async (_ctx: unknown, sub: string): Promise<Account | undefined> => {
      const user = usersBySub.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, jti: randomUUID(), name: user.name, email: user.email, email_verified: true }),
      };
    },
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    renderError: async (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
    // The app's main process is not a browser, but the e2e renderer might probe discovery.
    clientBasedCORS: () => true,
  };
}

/** GET shows the page (or finishes at once when only consent is asked); POST checks the password. */
async function interaction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  options: OidcOptions,
  usersBySub: Map<string, SandboxUser>,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const action = `/interaction/${details.uid}`;
  const clientName = details.params.client_id === CLIENT_ID ? 'Strata' : String(details.params.client_id);
  const html = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' };

  if (details.prompt.name !== 'login') {
    // Already signed in at the IdP (session cookie): approve without a page, as the app is first-party.
    const accountId = details.session?.accountId;
    if (!accountId) throw new Error('no session for consent');
    await finish(provider, req, res, details, accountId, false);
    return;
  }

  if (req.method === 'GET') {
    send(res, 200, html, loginPage({ action, clientName }));
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, { allow: 'GET, POST' }, '');
    return;
  }

  const form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
  if (form.get('action') === 'cancel') {
    options.stats.inc('oidc:login:cancelled');
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    return;
  }

  const username = (form.get('username') ?? '').trim();
  const user = [...usersBySub.values()].find((candidate) => candidate.username === username);
  if (!user || user.password !== (form.get('password') ?? '')) {
    options.stats.inc('oidc:login:failed');
    send(res, 200, html, loginPage({ action, clientName, username, error: 'Wrong username or password' }));
    return;
  }
  options.stats.inc('oidc:login');
  await finish(provider, req, res, details, user.sub, true);
}

/** Login and consent in one step: the grant holds every requested scope (offline_access included). */
async function finish(provider: Provider, req: IncomingMessage, res: ServerResponse, details: Interaction, accountId: string, login: boolean): Promise<void> {
  const clientId = String(details.params.client_id);
  let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  if (!grant || grant.accountId !== accountId) grant = new provider.Grant({ accountId, clientId });
  const scope = typeof details.params.scope === 'string' ? details.params.scope : 'openid';
  grant.addOIDCScope(scope);
  const missingClaims = details.prompt.details.missingOIDCClaims;
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
  const grantId = await grant.save();

  const result: Record<string, unknown> = { consent: { grantId } };
  if (login) result.login = { accountId, remember: true };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

