import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { Configuration } from 'openid-client';
import type { CompanySettings } from '../../preload/contract';
import { asStrataError, StrataError } from '../errors';
import { loginsKeyFor } from './logins-key';
import { refreshTokens, type TokenSet } from './oidc';

/** What asking for AWS credentials says when nobody is signed in (any more). */
export const notSignedIn = () => new StrataError('session-expired', "You're not signed in.", { action: 'Sign in to continue.' });

/** Cognito credentials carry the identity they were issued for. */
export type CompanyAwsCredentials = AwsCredentialIdentity & { expiration: Date; identityId?: string };

/** How long before expiry to renew: a quarter of the lifetime, between 5 seconds and 5 minutes. */
export function renewalMargin(lifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.max(5_000, lifetimeMs / 4));
}

/**
 * Re-use an id_token only while it has this long left, so Cognito never sees
 * an expired one: 30 seconds, or a quarter of its lifetime if that is shorter.
 */
export function idTokenMargin(lifetimeMs: number): number {
  return Math.min(30_000, Math.max(0, lifetimeMs / 4));
}

export interface CompanyCredentialsOptions {
  settings: CompanySettings;
  /** The Cognito Identity client, built with the Region, endpoint, proxy and timeouts. */
  cognito: CognitoIdentityClient;
  oidc: Configuration;
  tokens: TokenSet;
  /** Called when the provider issued new tokens (a rotated refresh token must be saved). */
  onTokens: (tokens: TokenSet) => void;
  /** Called after every successful renewal. */
  onRenewed?: () => void;
  now?: () => number;
}

/**
 * Temporary AWS credentials for a person signed in with their company
 * account: the id_token is exchanged at the Cognito Identity Pool (enhanced
 * flow), and renewed with the refresh token when it runs out, without asking.
 * One renewal runs at a time however many callers ask.
 */
export class CompanyCredentials {
  private tokens: TokenSet;
  private current?: CompanyAwsCredentials;
  private issuedAt = 0;
  private inflight?: Promise<CompanyAwsCredentials>;
  private readonly cognito: AwsCredentialIdentityProvider;
  private readonly now: () => number;
  /** Set by forget(): what arrives afterwards for this session is dropped. */
  private forgotten = false;

  constructor(private readonly options: CompanyCredentialsOptions) {
    this.tokens = options.tokens;
    this.now = options.now ?? Date.now;
    const { settings } = options;
    this.cognito = fromCognitoIdentityPool({
      // The provider's own type names the SDK's internal copy of this client; the commands it sends are the same.
      client: options.cognito as unknown as Parameters<typeof fromCognitoIdentityPool>[0]['client'],
      identityPoolId: settings.identityPoolId,
      logins: { [loginsKeyFor(settings.issuer, settings.loginsKey)]: () => this.idToken() },
    });
  }

  /** The provider to give AWS SDK clients: cached credentials, renewed before they expire. */
  readonly provider: AwsCredentialIdentityProvider = () => this.get();

  get user() {
    return this.tokens.user;
  }

  get refreshToken(): string | undefined {
    return this.tokens.refreshToken;
  }

  /** Credentials that are good for a while yet, renewing them first if not. */
  async get(): Promise<CompanyAwsCredentials> {
    const current = this.current;
    if (current && current.expiration.getTime() - this.now() > this.margin()) return current;
    return this.renew();
  }

  /** Fetches new credentials now (also after AWS said the current ones expired early). */
  renew(): Promise<CompanyAwsCredentials> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** When the current credentials should be renewed (epoch ms), or undefined before the first. */
  renewAt(): number | undefined {
    return this.current ? this.current.expiration.getTime() - this.margin() : undefined;
  }

  get issued(): { expiresAt: number; issuedAt: number; identityId?: string } | undefined {
    return this.current
      ? { expiresAt: this.current.expiration.getTime(), issuedAt: this.issuedAt, identityId: this.current.identityId }
      : undefined;
  }

  /** Forgets the credentials and tokens held in memory. */
  forget(): void {
    this.forgotten = true;
    this.current = undefined;
    this.tokens = { ...this.tokens, idToken: '', idTokenIssuedAt: 0, idTokenExpiresAt: 0, refreshToken: undefined };
  }

  private throwIfForgotten(): void {
    if (this.forgotten) throw notSignedIn();
  }

  private margin(): number {
    return this.current ? renewalMargin(this.current.expiration.getTime() - this.issuedAt) : 0;
  }

  private async fetch(): Promise<CompanyAwsCredentials> {
    const credentials = await this.cognito();
    this.throwIfForgotten();
    if (!credentials.expiration) {
      throw new StrataError('aws-rejected', 'AWS sent credentials without an expiry time.', {
        action: 'Tell IT: the identity pool returned unusual credentials.',
      });
    }
    this.current = credentials as CompanyAwsCredentials;
    this.issuedAt = this.now();
    this.options.onRenewed?.();
    return this.current;
  }

  /** The id_token for Cognito's Logins map, refreshed through the provider when it is about to expire. */
  private async idToken(): Promise<string> {
    const { idToken, idTokenIssuedAt, idTokenExpiresAt } = this.tokens;
    if (idToken && idTokenExpiresAt - this.now() > idTokenMargin(idTokenExpiresAt - idTokenIssuedAt)) {
      return idToken;
    }
    const refreshToken = this.tokens.refreshToken;
    if (!refreshToken) {
      throw new StrataError('session-expired', 'Your company sign-in has ended.', {
        action: 'Sign in again to continue.',
        details: 'The provider gave no refresh token (request the offline_access scope).',
      });
    }
    const fresh = await refreshTokens(this.options.oidc, refreshToken).catch((err: unknown) => {
      throw asStrataError(err, 'idp');
    });
    this.throwIfForgotten();
    if (fresh.user.subject !== this.tokens.user.subject) {
      throw new StrataError('idp-rejected', 'Your company sign-in changed to a different person.', {
        action: 'Sign in again.',
      });
    }
    this.tokens = fresh;
    this.options.onTokens(fresh);
    return fresh.idToken;
  }
}
