import type { Configuration } from 'openid-client';
import type { CompanySettings, SourceStatus } from '../../preload/contract';
import { asStrataError, StrataError, toAppError, type Stage } from '../errors';
import { missingForSignIn, sessionScope } from '../settings/layers';
import { CompanyCredentials } from './company-credentials';
import { startLoopbackReceiver } from './loopback';
import { buildAuthorizationUrl, discoverProvider, exchangeCode, newAuthorizationChecks, refreshTokens, revokeRefreshToken, type TokenSet } from './oidc';
import {
  abortable,
  openInBrowser,
  PASSING_FAILURES,
  SourceSession,
  type ActiveSession,
  type SourceSessionOptions,
} from './source-session';
import type { TokenVault } from './token-vault';

export interface CompanySessionOptions extends SourceSessionOptions {
  /** The effective company settings, read at each sign-in. */
  settings: () => CompanySettings;
  vault: TokenVault;
  /** Opens a URL in the person's normal browser. */
  openExternal: (url: string) => Promise<void>;
  /** How long to wait for the person to finish in the browser (default 5 minutes). */
  signInTimeoutMs?: number;
}

interface CompanyActive extends ActiveSession {
  oidc: Configuration;
  credentials: CompanyCredentials;
}

/** Tags a step's failure with where it happened, so the message names what failed. */
const step = <T>(promise: Promise<T>, stage: Stage) =>
  promise.catch((err: unknown) => {
    throw asStrataError(err, stage);
  });

/**
 * The company sign-in: OIDC in the system browser with a loopback redirect,
 * then Cognito Identity Pool credentials kept fresh in the background. Holds
 * every token in main; publishes only a status.
 */
export class CompanySession extends SourceSession<CompanyActive> {
  constructor(private readonly options: CompanySessionOptions) {
    super(options);
    this.status = this.signedOut();
  }

  protected readonly signInUnderWay = 'Finish signing in in your browser, or cancel and start again.';

  /** Signs in through the system browser; resolves once AWS credentials are ready. */
  protected async attemptSignIn(): Promise<SourceStatus> {
    const settings = this.options.settings();
    this.requireConfigured(settings);
    const { generation, attempt, signal } = this.begin();
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
      await openInBrowser(this.options.openExternal, url.href, 'Check that a default web browser is set on this computer, then try again.');
      const callbackUrl = await receiver.callback;
      this.signInPage = undefined;
      const tokens = await abortable(step(exchangeCode(oidc, callbackUrl, checks), 'idp'), attempt.signal);
      await abortable(this.establish(generation, signal, oidc, settings, tokens), attempt.signal);
      return this.status;
    } catch (err) {
      this.attemptFailed(generation, toAppError(err, 'idp'));
      throw asStrataError(err, 'idp');
    } finally {
      await receiver?.close();
      this.finishAttempt(attempt);
    }
  }

  protected openPage(url: string): Promise<void> {
    return openInBrowser(this.options.openExternal, url, 'Copy the sign-in link into your browser instead.');
  }

  /**
   * Resumes the saved sign-in at start-up, silently, with the refresh token
   * from the vault. Without one (or for other settings) the person stays signed out.
   */
  async restore(): Promise<SourceStatus> {
    const settings = this.options.settings();
    const record = this.options.vault.load();
    if (!record || missingForSignIn(settings).length > 0) return this.getStatus();
    // Signed in against other settings (another provider, client, pool or endpoint): its tokens go nowhere else.
    if (record.scope !== sessionScope(settings)) {
      this.options.vault.clear();
      return this.getStatus();
    }
    // Cancel stops it as it stops an interactive sign-in: the person is back at the sign-in screen.
    const { generation, attempt, signal } = this.begin();
    return this.track(
      (async () => {
        this.setStatus({ state: 'signing-in', startedAt: this.now(), interactive: false });
        try {
          const oidc = await this.discover(settings, attempt.signal);
          const tokens = await abortable(step(refreshTokens(oidc, record.refreshToken), 'idp'), attempt.signal);
          if (tokens.user.subject !== record.subject) {
            throw new StrataError('session-expired', 'Your saved sign-in belongs to someone else.', {
              action: 'Sign in again.',
            });
          }
          await abortable(this.establish(generation, signal, oidc, settings, tokens), attempt.signal);
        } catch (err) {
          const error = toAppError(err, 'idp');
          // A cancelled resume keeps the saved sign-in: the next start (or Sign in) may use it.
          if (generation === this.generation && error.code !== 'sign-in-cancelled' && !PASSING_FAILURES.has(error.code)) {
            this.options.vault.clear();
          }
          this.attemptFailed(generation, error);
        } finally {
          this.finishAttempt(attempt);
        }
        return this.status;
      })(),
    );
  }

  /** Signs out: forgets every token and credential, here and on disk, and revokes the refresh token. */
  async signOut(): Promise<SourceStatus> {
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

  /** The provider's endpoints, found through the network settings; stops when the attempt is cancelled. */
  private discover(settings: CompanySettings, signal: AbortSignal): Promise<Configuration> {
    return abortable(step(discoverProvider(settings.issuer, settings.clientId, this.options.clients.fetch), 'idp'), signal);
  }

  /** `signal` is the generation's: Cognito requests of this session, the renewals' too, stop when it ends. */
  private async establish(generation: number, signal: AbortSignal, oidc: Configuration, settings: CompanySettings, tokens: TokenSet) {
    const credentials: CompanyCredentials = new CompanyCredentials({
      settings,
      cognito: this.options.clients.cognitoIdentity(settings, signal),
      oidc,
      tokens,
      now: this.now,
      // A renewal that finishes after sign-out (or for a session since replaced) saves nothing.
      onTokens: (fresh) => {
        if (generation === this.generation) this.save(settings, fresh);
      },
      // The provider rotated the refresh token for a session that has ended since: nobody will use it, so it is revoked.
      onDiscarded: (fresh) => {
        if (!fresh.refreshToken) return;
        void revokeRefreshToken(oidc, fresh.refreshToken).catch((err: unknown) => {
          this.log(`revoking a refresh token rotated after sign-out failed: ${toAppError(err, 'idp').details ?? 'unknown'}`);
        });
      },
      onRenewed: () => this.renewed(credentials),
    });
    try {
      await step(credentials.get(), 'aws');
      const identity = await this.fetchIdentity(settings, credentials);
      this.activate(generation, { oidc, settings, credentials, identity, user: credentials.user });
    } catch (err) {
      // An attempt that failed or was given up: its credentials are dropped, and what they fetch late is not kept.
      credentials.forget();
      throw err;
    }
    this.save(settings, tokens);
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

  /** A renewal that failed for good: the saved sign-in would only fail again. */
  protected lost(): void {
    this.options.vault.clear();
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

  protected signedOut(): SourceStatus {
    const missing = missingForSignIn(this.options.settings());
    return { state: 'signed-out', configured: missing.length === 0, missing };
  }
}
