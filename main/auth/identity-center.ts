/**
 * IAM Identity Center sign-in as the AWS CLI does it: register a public
 * client, then the authorization code flow with PKCE and a 127.0.0.1
 * redirect (or, when the person chooses it, the device code flow), through
 * @aws-sdk/client-sso-oidc. The token goes into the cache the CLI and SDKs
 * share (~/.aws/sso/cache), so they see the same session and Strata uses one
 * the CLI made as it is; it is renewed with its refresh token where there is
 * one, and role credentials come from the portal's GetRoleCredentials through
 * @aws-sdk/client-sso. Every call goes through Strata's client factory
 * (endpoint, proxy, company certificates, timeouts).
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetRoleCredentialsCommand, LogoutCommand } from '@aws-sdk/client-sso';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  StartDeviceAuthorizationCommand,
  type CreateTokenResponse,
  type SSOOIDCClient,
  type RegisterClientResponse,
} from '@aws-sdk/client-sso-oidc';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import * as oauth from 'openid-client';
import type { CompanySettings } from '../../preload/contract';
import { asStrataError, StrataError } from '../errors';
import { endpointOf, type AwsClients } from '../net/aws-clients';
import { startLoopbackReceiver } from './loopback';
import { notSignedIn } from './renewable-credentials';
import { cancelled, openInBrowser } from './source-session';
import { canRenew, cliTimestamp, readSsoToken, ssoCacheFile, ssoSessionState, writeSsoToken, type SsoSessionState, type SsoToken } from './sso-cache';

/** The sso-session (or legacy profile) a token belongs to. */
export interface SsoSessionRef {
  sessionName?: string;
  startUrl: string;
  region: string;
}

export type SignInMethod = 'browser' | 'device';

/** What the person is asked to do while a sign-in waits for them. */
export type SsoSignInProgress =
  | { kind: 'browser'; authorizationUrl: string }
  | { kind: 'device'; userCode: string; verificationUri: string };

export interface IdentityCenterOptions {
  clients: AwsClients;
  settings: () => CompanySettings;
  /** ~/.aws/sso/cache */
  cacheDirectory: string;
  openExternal: (url: string) => Promise<void>;
  now?: () => number;
  /** How long to wait for the person to finish in the browser (default 5 minutes). */
  signInTimeoutMs?: number;
  log?: (message: string) => void;
}

/** The scope AWS account access needs, as the CLI registers it. */
const SCOPES = ['sso:account:access'];
const CLIENT_NAME = 'strata';
/** The loopback path the CLI registers; IAM Identity Center lets the port vary (RFC 8252 §7.3). */
const REDIRECT_PATH = '/oauth/callback';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** A token this close to its end is renewed before use (every credential renewal falls inside it). */
export const TOKEN_RENEWAL_WINDOW_MS = 10 * 60_000;

const name = (err: unknown) => (err as { name?: unknown } | null)?.name;

/** Said when the session is over and only signing in again helps. */
function sessionEnded(): StrataError {
  return new StrataError('session-expired', 'Your IAM Identity Center session has ended.', {
    action: 'Sign in again to keep using this AWS profile.',
  });
}

export class IdentityCenter {
  private readonly now: () => number;
  /** Renewals under way, one per cache file. */
  private readonly renewing = new Map<string, Promise<SsoToken>>();
  /** Bumped per cache file at sign-out, so a renewal that finishes afterwards writes nothing. */
  private readonly epochs = new Map<string, number>();

  constructor(private readonly options: IdentityCenterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Where the sessions are cached (~/.aws/sso/cache). */
  get cacheDirectory(): string {
    return this.options.cacheDirectory;
  }

  /** The token cached for `session`; one for another start URL (the config changed since) counts as none. */
  cached(session: SsoSessionRef): SsoToken | undefined {
    const token = readSsoToken(this.cacheFile(session));
    return token && token.startUrl === session.startUrl ? token : undefined;
  }

  /** Signed in (until when), expired (renewable or not), or signed out, from the shared cache. */
  state(session: SsoSessionRef): SsoSessionState {
    return ssoSessionState(this.cached(session), this.now());
  }

  /**
   * Whether the cached session can be used without the person: it has time left beyond `marginMs`,
   * or it can be renewed.
   */
  usable(session: SsoSessionRef, marginMs = 0): boolean {
    const token = this.cached(session);
    if (!token) return false;
    return Date.parse(token.expiresAt) - this.now() > marginMs || canRenew(token, this.now());
  }

  /** An access token good for a while yet: the cached one, renewed first when it is nearly out and can be. */
  async accessToken(session: SsoSessionRef): Promise<SsoToken> {
    const token = this.cached(session);
    if (!token) throw sessionEnded();
    const expiresAt = Date.parse(token.expiresAt);
    const now = this.now();
    if (expiresAt - now > TOKEN_RENEWAL_WINDOW_MS) return token;
    if (canRenew(token, now)) {
      try {
        return await this.renew(session, token);
      } catch (err) {
        // Refused, but the token has time left (and the person has not signed out meanwhile): use it while it lasts.
        const refused = err instanceof StrataError && err.code === 'session-expired';
        if (refused && expiresAt > this.now() && this.cached(session)) return token;
        throw err;
      }
    }
    if (expiresAt > now) return token;
    throw sessionEnded();
  }

  /** Temporary credentials for the account and role, from the portal. */
  async roleCredentials(
    session: SsoSessionRef,
    role: { accountId: string; roleName: string },
    token: SsoToken,
  ): Promise<AwsCredentialIdentity> {
    const portal = this.options.clients.sso(this.options.settings(), session.region);
    try {
      const { roleCredentials: issued } = await portal.send(
        new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId: role.accountId, roleName: role.roleName }),
      );
      if (!issued?.accessKeyId || !issued.secretAccessKey || !issued.sessionToken || !issued.expiration) {
        throw new StrataError('aws-rejected', 'IAM Identity Center answered without credentials for the role.', {
          action: 'Try again. If it keeps happening, ask IT.',
        });
      }
      return {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
        expiration: new Date(issued.expiration),
      };
    } catch (err) {
      if (name(err) === 'UnauthorizedException') throw sessionEnded();
      if (name(err) === 'ForbiddenException' || name(err) === 'ResourceNotFoundException') {
        throw new StrataError(
          'aws-rejected',
          `IAM Identity Center doesn't give you the role ${role.roleName} in the AWS account ${role.accountId}.`,
          { action: 'Ask IT for access, or choose a profile with a role you have.', details: String((err as Error).message), cause: err },
        );
      }
      throw asStrataError(err, 'aws');
    } finally {
      portal.destroy();
    }
  }

  /**
   * Signs in on IAM Identity Center's page in the browser (or with a code, `device`), and caches
   * the token where the AWS CLI looks for it. `progress` hears what the person is asked to do.
   */
  async signIn(
    session: SsoSessionRef,
    method: SignInMethod,
    signal: AbortSignal,
    progress: (step: SsoSignInProgress) => void,
  ): Promise<void> {
    const settings = this.options.settings();
    const oidc = this.options.clients.ssoOidc(settings, session.region);
    const send = <T>(work: (options: { abortSignal: AbortSignal }) => Promise<T>) =>
      work({ abortSignal: signal }).catch((err: unknown) => {
        throw signal.aborted ? cancelled() : explain(err);
      });
    try {
      const file = this.cacheFile(session);
      const epoch = this.epoch(file);
      // A client of its own for each sign-in, registered for the flow it uses, as the AWS CLI does.
      const grants =
        method === 'device'
          ? { grantTypes: [DEVICE_GRANT, 'refresh_token'] }
          : { grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [`http://127.0.0.1${REDIRECT_PATH}`] };
      const registration = await send((options) =>
        oidc.send(
          new RegisterClientCommand({ clientName: CLIENT_NAME, clientType: 'public', scopes: SCOPES, ...grants, issuerUrl: session.startUrl }),
          options,
        ),
      );
      const flow: Flow = { session, settings, oidc, send, signal, progress, registration };
      const token = method === 'device' ? await this.deviceSignIn(flow) : await this.browserSignIn(flow);
      if (signal.aborted || this.epoch(file) !== epoch) throw cancelled();
      writeSsoToken(file, this.cacheEntry(session, registration, token));
    } finally {
      oidc.destroy();
    }
  }

  /** Signs out of the session as `aws sso logout` does: the portal forgets the token, and the cache file goes. */
  async signOut(session: SsoSessionRef): Promise<void> {
    const file = this.cacheFile(session);
    this.epochs.set(file, this.epoch(file) + 1);
    const token = this.cached(session);
    rmSync(file, { force: true });
    if (!token) return;
    const portal = this.options.clients.sso(this.options.settings(), session.region);
    try {
      await portal.send(new LogoutCommand({ accessToken: token.accessToken }));
    } catch (err) {
      this.options.log?.(`IAM Identity Center logout failed: ${name(err) ?? 'unknown'}`);
    } finally {
      portal.destroy();
    }
  }

  /** Opens a page in the person's browser. */
  open(url: string): Promise<void> {
    return openInBrowser(this.options.openExternal, url, 'Copy the sign-in link into your browser instead.');
  }

  private cacheFile(session: SsoSessionRef): string {
    return ssoCacheFile(this.options.cacheDirectory, session);
  }

  private epoch(file: string): number {
    return this.epochs.get(file) ?? 0;
  }

  /** Renews the token with its refresh token (one renewal per session at a time) and caches the new one. */
  private renew(session: SsoSessionRef, token: SsoToken): Promise<SsoToken> {
    const file = this.cacheFile(session);
    const under = this.renewing.get(file);
    if (under) return under;
    const epoch = this.epoch(file);
    const renewal = (async () => {
      const oidc = this.options.clients.ssoOidc(this.options.settings(), session.region);
      try {
        const answer = await oidc
          .send(
            new CreateTokenCommand({
              clientId: token.clientId,
              clientSecret: token.clientSecret,
              grantType: 'refresh_token',
              refreshToken: token.refreshToken,
            }),
          )
          .catch((err: unknown) => {
            throw name(err) === 'InvalidGrantException' || name(err) === 'InvalidClientException' ? sessionEnded() : explain(err);
          });
        if (!answer.accessToken || !answer.expiresIn) throw sessionEnded();
        // Signed out while this was under way: the new token is dropped, and the session stays ended.
        if (this.epoch(file) !== epoch) throw notSignedIn();
        const fresh: SsoToken = {
          ...token,
          accessToken: answer.accessToken,
          expiresAt: cliTimestamp(this.now() + answer.expiresIn * 1000),
          ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
        };
        writeSsoToken(file, fresh);
        this.options.log?.('IAM Identity Center session renewed');
        return fresh;
      } finally {
        oidc.destroy();
      }
    })().finally(() => this.renewing.delete(file));
    this.renewing.set(file, renewal);
    return renewal;
  }

  /** The authorization code flow with PKCE: IAM Identity Center's page in the browser, back to the loopback receiver. */
  private async browserSignIn({ session, settings, oidc, send, signal, progress, registration }: Flow): Promise<CreateTokenResponse> {
    const codeVerifier = oauth.randomPKCECodeVerifier();
    const state = oauth.randomState();
    const receiver = await startLoopbackReceiver({
      port: 0,
      path: REDIRECT_PATH,
      expectedState: state,
      timeoutMs: this.options.signInTimeoutMs ?? 5 * 60_000,
      signal,
      companyName: 'AWS IAM Identity Center',
      onIgnored: (reason) => this.options.log?.(`IAM Identity Center sign-in: ${reason}`),
    });
    try {
      const authorize = new URL(`${endpointOf('ssoOidc', { ...settings, region: session.region }).replace(/\/+$/, '')}/authorize`);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: registration.clientId ?? '',
        redirect_uri: receiver.redirectUri,
        state,
        code_challenge_method: 'S256',
        scopes: SCOPES.join(' '),
        code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      }).toString();
      progress({ kind: 'browser', authorizationUrl: authorize.href });
      await this.open(authorize.href);
      const callback = await receiver.callback;
      return await send((options) =>
        oidc.send(
          new CreateTokenCommand({
            clientId: registration.clientId,
            clientSecret: registration.clientSecret,
            grantType: 'authorization_code',
            code: callback.searchParams.get('code') ?? '',
            redirectUri: receiver.redirectUri,
            codeVerifier,
          }),
          options,
        ),
      );
    } finally {
      await receiver.close();
    }
  }

  /** The device code flow: the person confirms a short code on IAM Identity Center's page; Strata asks until they have. */
  private async deviceSignIn({ session, oidc, send, signal, progress, registration }: Flow): Promise<CreateTokenResponse> {
    const device = await send((options) =>
      oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: registration.clientId,
          clientSecret: registration.clientSecret,
          startUrl: session.startUrl,
        }),
        options,
      ),
    );
    if (!device.deviceCode || !device.userCode || !device.verificationUri) {
      throw new StrataError('idp-rejected', 'IAM Identity Center did not give a sign-in code.', { action: 'Try again.' });
    }
    progress({ kind: 'device', userCode: device.userCode, verificationUri: device.verificationUri });
    // The page can also be typed in by hand: a browser that does not open is no reason to stop.
    await this.open(device.verificationUriComplete ?? device.verificationUri).catch((err: unknown) => {
      this.options.log?.(`IAM Identity Center device page not opened: ${err instanceof Error ? err.message : String(err)}`);
    });
    const deadline = this.now() + (device.expiresIn ?? 600) * 1000;
    let interval = (device.interval ?? 5) * 1000;
    for (;;) {
      await sleep(interval, undefined, { signal }).catch(() => {
        throw cancelled();
      });
      if (this.now() > deadline) throw codeExpired();
      try {
        const token = await oidc.send(
          new CreateTokenCommand({
            clientId: registration.clientId,
            clientSecret: registration.clientSecret,
            grantType: DEVICE_GRANT,
            deviceCode: device.deviceCode,
          }),
          { abortSignal: signal },
        );
        return token;
      } catch (err) {
        if (signal.aborted) throw cancelled();
        if (name(err) === 'AuthorizationPendingException') continue;
        if (name(err) === 'SlowDownException') {
          interval += 5_000;
          continue;
        }
        if (name(err) === 'ExpiredTokenException') throw codeExpired();
        throw explain(err);
      }
    }
  }

  /** The cache entry the CLI would write after this sign-in. */
  private cacheEntry(session: SsoSessionRef, registration: RegisterClientResponse, token: CreateTokenResponse): SsoToken {
    if (!token.accessToken || !token.expiresIn) {
      throw new StrataError('idp-rejected', 'IAM Identity Center answered without a token.', { action: 'Try again.' });
    }
    return {
      startUrl: session.startUrl,
      region: session.region,
      accessToken: token.accessToken,
      expiresAt: cliTimestamp(this.now() + token.expiresIn * 1000),
      ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
      ...(registration.clientId ? { clientId: registration.clientId } : {}),
      ...(registration.clientSecret ? { clientSecret: registration.clientSecret } : {}),
      ...(registration.clientSecretExpiresAt ? { registrationExpiresAt: cliTimestamp(registration.clientSecretExpiresAt * 1000) } : {}),
    };
  }
}

/** One sign-in under way: its session, client and registration, how it calls SSO OIDC, and whom it tells. */
interface Flow {
  session: SsoSessionRef;
  settings: CompanySettings;
  oidc: SSOOIDCClient;
  /** Calls SSO OIDC: cancelled with the sign-in, failures in words. */
  send: <T>(work: (options: { abortSignal: AbortSignal }) => Promise<T>) => Promise<T>;
  signal: AbortSignal;
  progress: (step: SsoSignInProgress) => void;
  registration: RegisterClientResponse;
}

const codeExpired = () =>
  new StrataError('sign-in-timeout', 'The sign-in code expired before it was confirmed.', { action: 'Sign in again for a new code.' });

/** IAM Identity Center's refusals in words; a network failure as any other. */
function explain(err: unknown): StrataError {
  if (err instanceof StrataError) return err;
  const description = (err as { error_description?: unknown } | null)?.error_description;
  const details = `${String(name(err) ?? 'Error')}: ${typeof description === 'string' ? description : err instanceof Error ? err.message : ''}`;
  switch (name(err)) {
    case 'AccessDeniedException':
      return new StrataError('sign-in-denied', 'The sign-in was declined on the IAM Identity Center page.', {
        action: 'Sign in again, or ask IT for access.',
        details,
        cause: err,
      });
    case 'InvalidGrantException':
    case 'InvalidClientException':
    case 'InvalidRequestException':
    case 'UnauthorizedClientException':
    case 'InvalidScopeException':
    case 'InvalidRedirectUriException':
    case 'InvalidClientMetadataException':
    case 'UnsupportedGrantTypeException':
      return new StrataError('idp-rejected', 'IAM Identity Center turned the sign-in down.', {
        action: 'Try again. If it keeps happening, ask IT and show them the details.',
        details,
        cause: err,
      });
    default:
      return asStrataError(err, 'idp');
  }
}
