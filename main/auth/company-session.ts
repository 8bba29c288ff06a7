import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Configuration } from 'openid-client';
import type { AppError, AwsIdentity, CompanySettings, SessionStatus } from '../../preload/contract';
import { asStrataError, StrataError, toAppError, type Stage } from '../errors';
import type { AwsClients } from '../net/aws-clients';
import { missingForSignIn, sessionScope } from '../settings/layers';
import { CompanyCredentials, notSignedIn } from './company-credentials';
import { startLoopbackReceiver } from './loopback';
import { buildAuthorizationUrl, discoverProvider, exchangeCode, newAuthorizationChecks, refreshTokens, revokeRefreshToken, type TokenSet } from './oidc';
import type { TokenVault } from './token-vault';

export interface CompanySessionOptions {
  /** The effective company settings, read at each sign-in. */
  settings: () => CompanySettings;
  vault: TokenVault;
  /** Builds the Cognito and STS clients, and carries the provider's requests (proxy, certificates, timeouts). */
  clients: AwsClients;
  /** Opens a URL in the person's normal browser. */
  openExternal: (url: string) => Promise<void>;
  onStatus: (status: SessionStatus) => void;
  now?: () => number;
  /** How long to wait for the person to finish in the browser (default 5 minutes). */
  signInTimeoutMs?: number;
  /** First wait before retrying a renewal that failed for a passing reason (default 5 s, doubling). */
  renewalRetryMs?: number;
  log?: (message: string) => void;
}

interface ActiveSession {
  oidc: Configuration;
  settings: CompanySettings;
  credentials: CompanyCredentials;
  identity: AwsIdentity;
  /** Why the last background renewal failed; cleared when one succeeds. */
  renewalError?: AppError;
}

/** Failures a later retry may get past; anything else needs the person to sign in again. */
const PASSING_FAILURES = new Set<AppError['code']>(['idp-unreachable', 'aws-unreachable']);

const cancelled = () =>
  new StrataError('sign-in-cancelled', 'Sign-in was cancelled.', { action: "Sign in again when you're ready." });

/** Settles with `promise`, or rejects as cancelled as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Tags a step's failure with where it happened, so the message names what failed. */
const step = <T>(promise: Promise<T>, stage: Stage) =>
  promise.catch((err: unknown) => {
    throw asStrataError(err, stage);
  });

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

/**
 * The company sign-in: OIDC in the system browser with a loopback redirect,
 * then Cognito Identity Pool credentials kept fresh in the background. Holds
 * every token in main; publishes only a status.
 */
export class CompanySession {
  private status: SessionStatus;
  private attempt?: AbortController;
  /** The sign-in page of the interactive attempt, while it waits for the person. */
  private signInPage?: string;
  /** The interactive sign-in under way, if any. */
  private running?: Promise<SessionStatus>;
  private active?: ActiveSession;
  private timer?: NodeJS.Timeout;
  /** Bumped whenever a session starts or ends, so late results of an older one are dropped. */
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly options: CompanySessionOptions) {
    this.now = options.now ?? Date.now;
    this.status = this.signedOut();
  }

  getStatus(): SessionStatus {
    if (this.status.state === 'signed-out') this.status = this.signedOut();
    return this.status;
  }

  /** The AWS credential provider of the signed-in person, for AWS SDK clients. */
  credentialProvider(): CompanyCredentials['provider'] {
    if (!this.active) throw notSignedIn();
    return this.active.credentials.provider;
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

  /** After the computer slept (its timers slept too): renews at once if renewal came due meanwhile. */
  wake(): void {
    if (this.active) this.scheduleRenewal(0);
  }

  /** Signs in through the system browser; resolves once AWS credentials are ready. */
  signIn(): Promise<SessionStatus> {
    if (this.status.state === 'signing-in') {
      return Promise.reject(
        new StrataError('sign-in-in-progress', 'Sign-in is already under way.', {
          action: 'Finish signing in in your browser, or cancel and start again.',
        }),
      );
    }
    const running = this.interactiveSignIn();
    this.running = running;
    void running.catch(() => undefined).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    return running;
  }

  private async interactiveSignIn(): Promise<SessionStatus> {
    const settings = this.options.settings();
    this.requireConfigured(settings);
    this.end();
    const generation = this.generation;
    const attempt = new AbortController();
    this.attempt = attempt;
    const startedAt = this.now();
    this.setStatus({ state: 'signing-in', startedAt, interactive: true });

    let receiver: Awaited<ReturnType<typeof startLoopbackReceiver>> | undefined;
    try {
      const oidc = await this.discover(settings, attempt.signal);
      const checks = newAuthorizationChecks();
      receiver = await startLoopbackReceiver({
        port: settings.redirectPort,
        expectedState: checks.state,
        timeoutMs: this.options.signInTimeoutMs ?? 5 * 60_000,
        signal: attempt.signal,
        companyName: settings.companyName,
        onIgnored: (reason) => this.log(`sign-in: ${reason}`),
      });
      const url = await abortable(buildAuthorizationUrl(oidc, receiver.redirectUri, settings.scopes, checks), attempt.signal);
      // The renderer offers this link to copy, for when the browser does not open.
      this.signInPage = url.href;
      this.setStatus({ state: 'signing-in', startedAt, interactive: true, authorizationUrl: url.href });
      await this.openSignInPage(url.href, 'Check that a default web browser is set on this computer, then try again.');
      const callbackUrl = await receiver.callback;
      this.signInPage = undefined;
      const tokens = await abortable(step(exchangeCode(oidc, callbackUrl, checks), 'idp'), attempt.signal);
      await abortable(this.establish(generation, oidc, settings, tokens), attempt.signal);
      return this.status;
    } catch (err) {
      const error = toAppError(err, 'idp');
      if (generation === this.generation) {
        // Cancelling is the person's choice, not a failure: back to the sign-in screen.
        if (error.code === 'sign-in-cancelled') {
          this.end();
          this.setStatus(this.signedOut());
        } else {
          this.fail(error);
        }
      }
      throw asStrataError(err, 'idp');
    } finally {
      await receiver?.close();
      if (this.attempt === attempt) {
        this.attempt = undefined;
        this.signInPage = undefined;
      }
    }
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
    await this.openSignInPage(page, 'Copy the sign-in link into your browser instead.');
  }

  /** Opens the sign-in page; `action` says what to do if the browser cannot be opened. */
  private async openSignInPage(url: string, action: string): Promise<void> {
    await this.options.openExternal(url).catch((err: unknown) => {
      throw new StrataError('internal', "Strata couldn't open your web browser.", {
        action,
        details: err instanceof Error ? err.message : String(err),
      });
    });
  }

  /** Stops a sign-in that is waiting for the browser; resolves with the status once it has stopped. */
  async cancelSignIn(): Promise<SessionStatus> {
    const running = this.running;
    this.attempt?.abort();
    await running?.catch(() => undefined);
    return this.getStatus();
  }

  /**
   * Resumes the saved sign-in at start-up, silently, with the refresh token
   * from the vault. Without one (or for other settings) the person stays signed out.
   */
  async restore(): Promise<SessionStatus> {
    const settings = this.options.settings();
    const record = this.options.vault.load();
    if (!record || missingForSignIn(settings).length > 0) return this.getStatus();
    // Signed in against other settings (another provider, client, pool or endpoint): its tokens go nowhere else.
    if (record.scope !== sessionScope(settings)) {
      this.options.vault.clear();
      return this.getStatus();
    }
    this.end();
    const generation = this.generation;
    // Cancel stops it as it stops an interactive sign-in: the person is back at the sign-in screen.
    const attempt = new AbortController();
    this.attempt = attempt;
    const running = (async () => {
      this.setStatus({ state: 'signing-in', startedAt: this.now(), interactive: false });
      try {
        const oidc = await this.discover(settings, attempt.signal);
        const tokens = await abortable(step(refreshTokens(oidc, record.refreshToken), 'idp'), attempt.signal);
        if (tokens.user.subject !== record.subject) {
          throw new StrataError('session-expired', 'Your saved sign-in belongs to someone else.', {
            action: 'Sign in again.',
          });
        }
        await abortable(this.establish(generation, oidc, settings, tokens), attempt.signal);
      } catch (err) {
        const error = toAppError(err, 'idp');
        if (generation !== this.generation) return this.status;
        if (error.code === 'sign-in-cancelled') {
          // The saved sign-in stays: the next start (or Sign in) may use it.
          this.end();
          this.setStatus(this.signedOut());
          return this.status;
        }
        if (!PASSING_FAILURES.has(error.code)) this.options.vault.clear();
        this.fail(error);
      } finally {
        if (this.attempt === attempt) this.attempt = undefined;
      }
      return this.status;
    })();
    this.running = running;
    void running.finally(() => {
      if (this.running === running) this.running = undefined;
    });
    return running;
  }

  /** Signs out: forgets every token and credential, here and on disk, and revokes the refresh token. */
  async signOut(): Promise<SessionStatus> {
    this.attempt?.abort();
    const active = this.active;
    const refreshToken = active?.credentials.refreshToken;
    this.end();
    this.options.vault.clear();
    this.setStatus(this.signedOut());
    if (active && refreshToken) {
      await revokeRefreshToken(active.oidc, refreshToken).catch((err: unknown) => {
        this.log(`refresh token revocation failed: ${toAppError(err, 'idp').details ?? 'unknown'}`);
      });
    }
    return this.status;
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

  /** The provider's endpoints, found through the network settings; stops when the attempt is cancelled. */
  private discover(settings: CompanySettings, signal: AbortSignal): Promise<Configuration> {
    return abortable(step(discoverProvider(settings.issuer, settings.clientId, this.options.clients.fetch), 'idp'), signal);
  }

  private async establish(generation: number, oidc: Configuration, settings: CompanySettings, tokens: TokenSet) {
    const credentials = new CompanyCredentials({
      settings,
      cognito: this.options.clients.cognitoIdentity(settings),
      oidc,
      tokens,
      now: this.now,
      // A renewal that finishes after sign-out (or for a session since replaced) saves nothing.
      onTokens: (fresh) => {
        if (generation === this.generation) this.save(settings, fresh);
      },
      onRenewed: () => {
        const active = this.active;
        if (active?.credentials !== credentials) return;
        active.renewalError = undefined;
        this.publishReady();
      },
    });
    await step(credentials.get(), 'aws');
    const identity = await this.fetchIdentity(settings, credentials);
    if (generation !== this.generation) throw cancelled();
    this.active = { oidc, settings, credentials, identity };
    this.save(settings, tokens);
    this.publishReady();
  }

  private async fetchIdentity(settings: CompanySettings, credentials: CompanyCredentials): Promise<AwsIdentity> {
    const client = () => this.options.clients.sts(settings, credentials.provider);
    try {
      const answer = await withRenewalRetry(client, (sts) => sts.send(new GetCallerIdentityCommand({})), () =>
        credentials.renew(),
      );
      return {
        arn: answer.Arn ?? '',
        account: answer.Account ?? '',
        identityId: credentials.issued?.identityId,
      };
    } catch (err) {
      throw asStrataError(err, 'aws');
    }
  }

  private save(settings: CompanySettings, tokens: TokenSet): void {
    if (!tokens.refreshToken) return;
    this.options.vault.save({
      issuer: settings.issuer,
      clientId: settings.clientId,
      subject: tokens.user.subject,
      refreshToken: tokens.refreshToken,
      scope: sessionScope(settings),
    });
  }

  private publishReady(): void {
    const status = this.active && this.readyStatus(this.active);
    if (!status) return;
    this.setStatus(status);
    this.scheduleRenewal(0);
  }

  private readyStatus(active: ActiveSession): SessionStatus | undefined {
    const issued = active.credentials.issued;
    if (!issued) return undefined;
    return {
      state: 'ready',
      user: active.credentials.user,
      region: active.settings.region,
      identity: { ...active.identity, identityId: issued.identityId ?? active.identity.identityId },
      expiresAt: issued.expiresAt,
      renewedAt: issued.issuedAt,
      ...(active.renewalError ? { renewalError: active.renewalError } : {}),
    };
  }

  /** Tells the renderer that renewal is failing (once per kind of failure), so it can warn before time runs out. */
  private noteRenewalError(active: ActiveSession, error: AppError): void {
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
        : Math.min((this.options.renewalRetryMs ?? 5_000) * 2 ** (failures - 1), 60_000);
    this.timer = setTimeout(() => void this.renew(active, failures), delay);
    this.timer.unref?.();
  }

  private async renew(active: ActiveSession, failures: number): Promise<void> {
    try {
      await active.credentials.renew();
    } catch (err) {
      this.renewalFailed(active, err, failures);
    }
  }

  /** A renewal failed: retried later while that may help and time remains, otherwise the session ends. */
  private renewalFailed(active: ActiveSession, err: unknown, failures: number): void {
    if (this.active !== active) return;
    const error = toAppError(err, 'aws');
    const expiresAt = active.credentials.issued?.expiresAt ?? 0;
    this.log(`credential renewal failed (${error.code})`);
    if (PASSING_FAILURES.has(error.code) && this.now() < expiresAt) {
      this.noteRenewalError(active, error);
      this.scheduleRenewal(failures + 1);
      return;
    }
    if (!PASSING_FAILURES.has(error.code)) this.options.vault.clear();
    const user = active.credentials.user;
    this.end();
    this.setStatus({ state: 'expired', user, error });
  }

  private requireConfigured(settings: CompanySettings): void {
    const missing = missingForSignIn(settings);
    if (missing.length > 0) {
      throw new StrataError('not-configured', "Strata isn't set up for company sign-in yet.", {
        action: 'Ask IT for the sign-in settings, or fill them in under Settings.',
        details: `Missing: ${missing.join(', ')}`,
      });
    }
  }

  /** Ends the current session or attempt in memory (not the vault). */
  private end(): void {
    this.generation += 1;
    clearTimeout(this.timer);
    this.active?.credentials.forget();
    this.active = undefined;
  }

  private fail(error: AppError): void {
    this.end();
    this.setStatus({ state: 'error', error });
  }

  private signedOut(): SessionStatus {
    const missing = missingForSignIn(this.options.settings());
    return { state: 'signed-out', configured: missing.length === 0, missing };
  }

  private setStatus(status: SessionStatus): void {
    this.status = status;
    this.options.onStatus(status);
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}
