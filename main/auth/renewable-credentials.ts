import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { StrataError } from '../errors';

/** What asking for AWS credentials says when nobody is signed in (any more). */
export const notSignedIn = () => new StrataError('session-expired', "You're not signed in.", { action: 'Sign in to continue.' });

/** How long before expiry to renew: a quarter of the lifetime, between 5 seconds and 5 minutes. */
export function renewalMargin(lifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.max(5_000, lifetimeMs / 4));
}

/**
 * AWS credentials from one source, cached until they are nearly out and then
 * fetched again: one fetch runs at a time however many callers ask, and what
 * arrives after `forget()` is dropped. Credentials without an expiry (an IAM
 * user's keys) are kept until forgotten.
 */
export class RenewableCredentials<C extends AwsCredentialIdentity = AwsCredentialIdentity> {
  private current?: C;
  private issuedAt = 0;
  private inflight?: Promise<C>;
  private forgotten = false;
  private readonly now: () => number;

  constructor(
    private readonly source: () => Promise<C>,
    private readonly options: { now?: () => number; onRenewed?: () => void } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The provider to give AWS SDK clients. */
  readonly provider: AwsCredentialIdentityProvider = () => this.get();

  /** Credentials that are good for a while yet, renewing them first if not. */
  async get(): Promise<C> {
    const current = this.current;
    const renewAt = this.renewAt();
    if (current && (renewAt === undefined || renewAt > this.now())) return current;
    return this.renew();
  }

  /** Fetches new credentials now (also after AWS said the current ones expired early). */
  renew(): Promise<C> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** When the current credentials should be renewed (epoch ms); undefined before the first, or when they do not expire. */
  renewAt(): number | undefined {
    const expiresAt = this.current?.expiration?.getTime();
    return expiresAt === undefined ? undefined : expiresAt - renewalMargin(expiresAt - this.issuedAt);
  }

  /** The credentials held now, when they were issued, and when they expire (null: they do not). */
  get issued(): { credentials: C; issuedAt: number; expiresAt: number | null } | undefined {
    const current = this.current;
    return current ? { credentials: current, issuedAt: this.issuedAt, expiresAt: current.expiration?.getTime() ?? null } : undefined;
  }

  /** Forgets the credentials; a fetch still under way saves nothing. */
  forget(): void {
    this.forgotten = true;
    this.current = undefined;
  }

  /** True once forgotten. */
  get isForgotten(): boolean {
    return this.forgotten;
  }

  /** Throws "not signed in" once forgotten: for steps of a fetch that must not go on. */
  throwIfForgotten(): void {
    if (this.forgotten) throw notSignedIn();
  }

  private async fetch(): Promise<C> {
    const credentials = await this.source();
    this.throwIfForgotten();
    this.current = credentials;
    this.issuedAt = this.now();
    this.options.onRenewed?.();
    return credentials;
  }
}
