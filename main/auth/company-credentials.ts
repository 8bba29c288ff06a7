import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { Configuration } from 'openid-client';
import type { CompanySettings } from '../../preload/contract';
import { asStrataError, StrataError } from '../errors';
import { loginsKeyFor } from './logins-key';
import { RenewableCredentials } from './renewable-credentials';
import { refreshTokens, type TokenSet } from './oidc';

/** Cognito credentials carry the identity they were issued for. */
export type CompanyAwsCredentials = AwsCredentialIdentity & { expiration: Date; identityId?: string };

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
  /**
   * Called instead with tokens the provider issued after these credentials were forgotten (a
   * refresh under way at sign-out): they are not used, and their refresh token should be revoked.
   */
  onDiscarded?: (tokens: TokenSet) => void;
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
  private readonly cached: RenewableCredentials<CompanyAwsCredentials>;
  private readonly cognito: AwsCredentialIdentityProvider;
  private readonly now: () => number;

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
    this.cached = new RenewableCredentials(() => this.fetch(), { now: this.now, onRenewed: options.onRenewed });
    this.provider = this.cached.provider;
  }

  /** The provider to give AWS SDK clients: cached credentials, renewed before they expire. */
  readonly provider: AwsCredentialIdentityProvider;

  get user() {
    return this.tokens.user;
  }

  get refreshToken(): string | undefined {
    return this.tokens.refreshToken;
  }

  /** Credentials that are good for a while yet, renewing them first if not. */
  get(): Promise<CompanyAwsCredentials> {
    return this.cached.get();
  }

  /** Fetches new credentials now (also after AWS said the current ones expired early). */
  renew(): Promise<CompanyAwsCredentials> {
    return this.cached.renew();
  }

  /** When the current credentials should be renewed (epoch ms), or undefined before the first. */
  renewAt(): number | undefined {
    return this.cached.renewAt();
  }

  get issued(): { expiresAt: number; issuedAt: number; identityId?: string } | undefined {
    const issued = this.cached.issued;
    return issued
      ? { expiresAt: issued.credentials.expiration.getTime(), issuedAt: issued.issuedAt, identityId: issued.credentials.identityId }
      : undefined;
  }

  /** Forgets the credentials and tokens held in memory. */
  forget(): void {
    this.cached.forget();
    this.tokens = { ...this.tokens, idToken: '', idTokenIssuedAt: 0, idTokenExpiresAt: 0, refreshToken: undefined };
  }

  private async fetch(): Promise<CompanyAwsCredentials> {
    const credentials = await this.cognito();
    if (!credentials.expiration) {
      throw new StrataError('aws-rejected', 'AWS sent credentials without an expiry time.', {
        action: 'Tell IT: the identity pool returned unusual credentials.',
      });
    }
    return credentials as CompanyAwsCredentials;
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
    // Not stopped at sign-out, unlike the AWS requests: a refresh token the provider rotates meanwhile
    // must reach Strata to be revoked, or it would stay valid at the provider with nobody holding it.
    const fresh = await refreshTokens(this.options.oidc, refreshToken).catch((err: unknown) => {
      throw asStrataError(err, 'idp');
    });
    if (this.cached.isForgotten) {
      this.options.onDiscarded?.(fresh);
      this.cached.throwIfForgotten();
    }
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
