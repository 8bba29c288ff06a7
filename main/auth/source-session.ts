/**
 * The lifetime every credential source shares: a status the window follows,
 * a generation that drops whatever finishes for a session since ended, the
 * renewal timer with its retries, and the "who am I" check. Each source
 * (company sign-in, AWS profile) says only how it signs in.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { ApiKeyInfo, AppError, AwsIdentity, CompanySettings, SourceStatus, UserProfile } from '../../preload/contract';
import { asStrataError, StrataError, toAppError } from '../errors';
import type { AwsClients, BedrockAuth } from '../net/aws-clients';
import { notSignedIn } from './renewable-credentials';

export interface SourceSessionOptions {
  /** Builds the STS client the identity check uses (proxy, certificates, timeouts). */
  clients: AwsClients;
  onStatus: (status: SourceStatus) => void;
  now?: () => number;
  /** First wait before retrying a renewal that failed for a passing reason (default 5 s, doubling). */
  renewalRetryMs?: number;
  log?: (message: string) => void;
}

/** What a session's credentials offer the lifetime. */
export interface SessionCredentials {
  readonly provider: AwsCredentialIdentityProvider;
  renew(): Promise<unknown>;
  renewAt(): number | undefined;
  forget(): void;
  readonly issued: { expiresAt: number | null; issuedAt: number; identityId?: string } | undefined;
}

/** A signed-in session: its credentials, whom AWS says they belong to, and where requests go. */
export interface ActiveSession {
  credentials: SessionCredentials;
  identity: AwsIdentity;
  user: UserProfile;
  /** The settings requests go with, the Region among them. */
  settings: CompanySettings;
  /** Why the last background renewal failed; cleared when one succeeds. */
  renewalError?: AppError;
}

/** Failures a later retry may get past; anything else needs the person to sign in again. */
export const PASSING_FAILURES = new Set<AppError['code']>(['idp-unreachable', 'aws-unreachable']);

export const cancelled = () =>
  new StrataError('sign-in-cancelled', 'Sign-in was cancelled.', { action: "Sign in again when you're ready." });

/** Opens `url` in the person's browser; `action` says what to do when it cannot be opened. */
export async function openInBrowser(openExternal: (url: string) => Promise<void>, url: string, action: string): Promise<void> {
  await openExternal(url).catch((err: unknown) => {
    throw new StrataError('internal', "Strata couldn't open your web browser.", {
      action,
      details: err instanceof Error ? err.message : String(err),
    });
  });
}

/** Settles with `promise`, or rejects as cancelled as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** True when AWS says the credentials it was given have expired, though Strata thought them good. */
export function isExpiredCredentialsError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'ExpiredToken' || name === 'ExpiredTokenException';
}

/**
 * Runs one AWS call; when AWS says the credentials expired early, renews them
 * and retries once. The retry uses a new client, because SDK clients cache
 * the credentials they were given until those are nearly out.
 */
export async function withRenewalRetry<C extends { destroy(): void }, T>(
  makeClient: () => C,
  call: (client: C) => Promise<T>,
  renew: () => Promise<unknown>,
): Promise<T> {
  const once = async () => {
    const client = makeClient();
    try {
      return await call(client);
    } finally {
      client.destroy();
    }
  };
  try {
    return await once();
  } catch (err) {
    if (!isExpiredCredentialsError(err)) throw err;
    await renew();
    return once();
  }
}

export abstract class SourceSession<A extends ActiveSession = ActiveSession> {
  protected status!: SourceStatus;
  /** The sign-in under way (interactive or resumed), with its cancel handle. */
  protected attempt?: AbortController;
  /** The page in the browser the sign-in under way waits on, while it waits. */
  protected signInPage?: string;
  protected running?: Promise<SourceStatus>;
  protected active?: A;
  /** Bumped whenever a session starts or ends, so late results of an older one are dropped. */
  protected generation = 0;
  /** Aborted when the generation ends: the AWS requests of its sign-in and renewals stop there. */
  private lifetime = new AbortController();
  protected readonly now: () => number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly base: SourceSessionOptions) {
    this.now = base.now ?? Date.now;
  }

  /** The status when nobody is signed in with this source. */
  protected abstract signedOut(): SourceStatus;
  /** What to do when Sign in is asked for while one is under way. */
  protected abstract readonly signInUnderWay: string;
  /** The sign-in itself, asking the person where the source needs it. */
  protected abstract attemptSignIn(): Promise<SourceStatus>;
  /** Resumes at start-up, without asking the person anything; stays signed out when it cannot. */
  abstract restore(): Promise<SourceStatus>;
  /** Signs out: forgets this source's credentials (and what it saved). */
  abstract signOut(): Promise<SourceStatus>;
  /** Called when renewal failed for good and the session ended: forget what would only fail again. */
  protected abstract lost(error: AppError): void;

  /** Signs in, asking the person where the source needs it; refused while a sign-in is under way. */
  signIn(): Promise<SourceStatus> {
    if (this.status.state === 'signing-in') {
      return Promise.reject(
        new StrataError('sign-in-in-progress', 'Sign-in is already under way.', { action: this.signInUnderWay }),
      );
    }
    return this.track(this.attemptSignIn());
  }

  /** Signs in with a one-time code instead of a browser redirect, for a source that offers it. */
  signInWithCode(): Promise<SourceStatus> {
    return Promise.reject(
      new StrataError('invalid-input', 'Signing in with a code is only for IAM Identity Center profiles.', {
        action: 'Sign in with the button instead.',
      }),
    );
  }

  /** Opens the sign-in page of the sign-in under way again, for when the browser did not show it. */
  async reopenSignInPage(): Promise<void> {
    const page = this.signInPage;
    if (!page || this.status.state !== 'signing-in') {
      throw new StrataError('invalid-input', "There's no sign-in waiting for you in the browser.", {
        action: 'Start signing in again.',
      });
    }
    // The attempt goes on if this fails: the link can still be copied into a browser.
    await this.openPage(page);
  }

  /** Opens a sign-in page in the person's browser. */
  protected abstract openPage(url: string): Promise<void>;

  /** The code from an MFA device, for a source that asked for one; the others ask for none. */
  submitMfaCode(_code: string): void {
    throw new StrataError('invalid-input', "Strata isn't waiting for an MFA code.", { action: 'Sign in again.' });
  }

  getStatus(): SourceStatus {
    if (this.status.state === 'signed-out') this.status = this.signedOut();
    return this.status;
  }

  /** The AWS credential provider of the session, for AWS SDK clients. */
  credentialProvider(): AwsCredentialIdentityProvider {
    if (!this.active) throw notSignedIn();
    return this.active.credentials.provider;
  }

  /** How the session's Bedrock requests are authorised: signed with its AWS credentials. */
  bedrockAuth(): BedrockAuth {
    return { kind: 'sigv4', credentials: this.credentialProvider() };
  }

  /** Who the session is, for Test connection: whom AWS says the credentials belong to. */
  async whoAmI(): Promise<{ kind: 'aws'; identity: AwsIdentity } | { kind: 'api-key'; key: ApiKeyInfo }> {
    return { kind: 'aws', identity: await this.callerIdentity() };
  }

  /** The AWS Region of the session's requests; undefined when signed out. */
  region(): string | undefined {
    return this.active?.settings.region;
  }

  /**
   * Fetches new AWS credentials now, after AWS said the current ones expired early. A failure that
   * retrying will not mend ends the session, as it does when the background renewal meets it.
   */
  async renewCredentials(): Promise<void> {
    const active = this.active;
    if (!active) throw notSignedIn();
    try {
      await active.credentials.renew();
    } catch (err) {
      this.renewalFailed(active, err, 0);
      throw asStrataError(err, 'aws');
    }
  }

  /** After the computer slept (its timers slept too), or the network came back: renews at once if due. */
  wake(): void {
    const active = this.active;
    if (!active) return;
    const expiresAt = active.credentials.issued?.expiresAt;
    if (expiresAt != null && expiresAt <= this.now() && !this.attempt) {
      void this.track(this.renewExpired(active)).catch(() => undefined);
      return;
    }
    this.scheduleRenewal(0);
  }

  /** Stops a sign-in under way; resolves with the status once it has stopped. */
  async cancelSignIn(): Promise<SourceStatus> {
    const running = this.running;
    this.attempt?.abort();
    await running?.catch(() => undefined);
    return this.getStatus();
  }

  /** Leaves this source without signing out: what it saved stays for when the person comes back to it. */
  async suspend(): Promise<void> {
    const running = this.running;
    this.attempt?.abort();
    await running?.catch(() => undefined);
    this.end();
    this.status = this.signedOut();
  }

  /** Who the AWS credentials belong to, renewing them once if AWS says they expired early. */
  async callerIdentity(): Promise<AwsIdentity> {
    const active = this.active;
    if (!active) throw notSignedIn();
    return this.fetchIdentity(active.settings, active.credentials);
  }

  /** Stops timers; for shutdown. */
  dispose(): void {
    this.attempt?.abort();
    clearTimeout(this.timer);
  }

  /**
   * Starts an attempt: ends what was there, and returns its generation, its cancel handle, and the
   * generation's signal, for the clients of the session it may start (aborted when that ends).
   */
  protected begin(): { generation: number; attempt: AbortController; signal: AbortSignal } {
    this.end();
    const attempt = new AbortController();
    this.attempt = attempt;
    return { generation: this.generation, attempt, signal: this.lifetime.signal };
  }

  /** Keeps `running` as the sign-in under way until it settles. */
  protected track(running: Promise<SourceStatus>): Promise<SourceStatus> {
    this.running = running;
    void running
      .catch(() => undefined)
      .finally(() => {
        if (this.running === running) this.running = undefined;
      });
    return running;
  }

  /** Clears the attempt once it is over, unless a newer one took its place. */
  protected finishAttempt(attempt: AbortController): void {
    if (this.attempt !== attempt) return;
    this.attempt = undefined;
    this.signInPage = undefined;
  }

  /** A failed attempt of `generation`: cancelling returns to signed out, anything else is an error to show. */
  protected attemptFailed(generation: number, error: AppError): void {
    if (generation !== this.generation) return;
    if (error.code === 'sign-in-cancelled') {
      this.end();
      this.setStatus(this.signedOut());
    } else {
      this.fail(error);
    }
  }

  /** Makes `active` the session of `generation` and tells the window, unless a newer session took over. */
  protected activate(generation: number, active: A): void {
    if (generation !== this.generation) throw cancelled();
    this.active = active;
    this.publishReady();
  }

  protected async fetchIdentity(settings: CompanySettings, credentials: SessionCredentials): Promise<AwsIdentity> {
    const signal = this.lifetime.signal;
    const client = () => this.base.clients.sts(settings, credentials.provider, signal);
    try {
      const answer = await withRenewalRetry(client, (sts) => sts.send(new GetCallerIdentityCommand({})), () =>
        credentials.renew(),
      );
      return {
        arn: answer.Arn ?? '',
        account: answer.Account ?? '',
        ...(credentials.issued?.identityId ? { identityId: credentials.issued.identityId } : {}),
      };
    } catch (err) {
      throw asStrataError(err, 'aws');
    }
  }

  /** Called after every successful renewal of `credentials`: the window hears the new expiry. */
  protected renewed(credentials: SessionCredentials): void {
    const active = this.active;
    if (active?.credentials !== credentials) return;
    active.renewalError = undefined;
    this.publishReady();
  }

  private publishReady(): void {
    const status = this.active && this.readyStatus(this.active);
    if (!status) return;
    this.setStatus(status);
    this.scheduleRenewal(0);
  }

  private readyStatus(active: A): SourceStatus | undefined {
    const issued = active.credentials.issued;
    if (!issued) return undefined;
    return {
      state: 'ready',
      user: active.user,
      region: active.settings.region,
      identity: { ...active.identity, ...(issued.identityId ? { identityId: issued.identityId } : {}) },
      expiresAt: issued.expiresAt,
      renewedAt: issued.issuedAt,
      ...(active.renewalError ? { renewalError: active.renewalError } : {}),
      ...this.readyDetails(active),
    };
  }

  /** What a source adds to its ready status (an IAM Identity Center session's end, say). */
  protected readyDetails(_active: A): Partial<Extract<SourceStatus, { state: 'ready' }>> {
    return {};
  }

  /**
   * Credentials that ran out while the computer slept: until new ones come, the window hears that
   * Strata is signing in again with what it saved, not an expiry in the past. Cancel ends the
   * session as it ends a resumed sign-in; what was saved stays.
   */
  private async renewExpired(active: A): Promise<SourceStatus> {
    clearTimeout(this.timer);
    const attempt = new AbortController();
    this.attempt = attempt;
    this.setStatus({ state: 'signing-in', startedAt: this.now(), interactive: false });
    try {
      await abortable(active.credentials.renew(), attempt.signal);
      // Sources whose credentials report their renewals are ready again already.
      if (this.active === active && this.status.state === 'signing-in') this.publishReady();
    } catch (err) {
      if (this.active === active && attempt.signal.aborted) {
        this.end();
        this.setStatus(this.signedOut());
      } else {
        this.renewalFailed(active, err, 0);
      }
    } finally {
      this.finishAttempt(attempt);
    }
    return this.status;
  }

  /** Tells the renderer that renewal is failing (once per kind of failure), so it can warn before time runs out. */
  private noteRenewalError(active: A, error: AppError): void {
    const previous = active.renewalError;
    if (previous?.code === error.code && previous.message === error.message) return;
    active.renewalError = error;
    const status = this.readyStatus(active);
    if (status) this.setStatus(status);
  }

  private scheduleRenewal(failures: number): void {
    clearTimeout(this.timer);
    const active = this.active;
    const renewAt = active?.credentials.renewAt();
    if (!active || renewAt === undefined) return;
    const delay =
      failures === 0
        ? Math.max(0, renewAt - this.now())
        : Math.min((this.base.renewalRetryMs ?? 5_000) * 2 ** (failures - 1), 60_000);
    this.timer = setTimeout(() => void this.renew(active, failures), delay);
    this.timer.unref?.();
  }

  private async renew(active: A, failures: number): Promise<void> {
    try {
      await active.credentials.renew();
    } catch (err) {
      this.renewalFailed(active, err, failures);
    }
  }

  /** A renewal failed: retried later while that may help and time remains, otherwise the session ends. */
  private renewalFailed(active: A, err: unknown, failures: number): void {
    if (this.active !== active) return;
    const error = toAppError(err, 'aws');
    const issued = active.credentials.issued;
    const expiresAt = issued ? (issued.expiresAt ?? Infinity) : 0;
    this.log(`credential renewal failed (${error.code})`);
    if (PASSING_FAILURES.has(error.code) && this.now() < expiresAt) {
      this.noteRenewalError(active, error);
      this.scheduleRenewal(failures + 1);
      return;
    }
    if (!PASSING_FAILURES.has(error.code)) this.lost(error);
    const user = active.user;
    this.end();
    this.setStatus({ state: 'expired', user, error });
  }

  /** Ends the current session or attempt in memory (not what was saved). */
  protected end(): void {
    this.generation += 1;
    this.lifetime.abort(cancelled());
    this.lifetime = new AbortController();
    clearTimeout(this.timer);
    this.active?.credentials.forget();
    this.active = undefined;
  }

  protected fail(error: AppError): void {
    this.end();
    this.setStatus({ state: 'error', error });
  }

  protected setStatus(status: SourceStatus): void {
    this.status = status;
    this.base.onStatus(status);
  }

  protected log(message: string): void {
    this.base.log?.(message);
  }
}
