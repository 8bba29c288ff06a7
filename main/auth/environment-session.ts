/**
 * This computer's own AWS credentials as the source: environment variables,
 * a container's task role or an EC2 instance's role (environment-credentials.ts).
 * Nothing to sign in to and nothing Strata saves: "sign in" takes them as
 * they are, renewing them as the SDK's providers do, and "sign out" stops
 * using them.
 */
import type { AppError, CompanySettings, EnvironmentCredentialsKind, SourceStatus } from '../../preload/contract';
import { StrataError, toAppError } from '../errors';
import { environmentProvider } from './environment-credentials';
import { principalUser } from './principal';
import { RenewableCredentials } from './renewable-credentials';
import { abortable, SourceSession, type SourceSessionOptions } from './source-session';

export interface EnvironmentSessionOptions extends SourceSessionOptions {
  env: Record<string, string | undefined>;
  settings: () => CompanySettings;
  /** Which credentials the environment offers (found once per run); undefined when none. */
  detect: () => Promise<EnvironmentCredentialsKind | undefined>;
}

export class EnvironmentSession extends SourceSession {
  constructor(private readonly options: EnvironmentSessionOptions) {
    super(options);
    this.status = this.signedOut();
  }

  protected readonly signInUnderWay = 'Wait a moment, or cancel and start again.';

  protected attemptSignIn(): Promise<SourceStatus> {
    return this.start(true);
  }

  /** At start-up: uses the credentials when the environment still offers them, asking nothing. */
  async restore(): Promise<SourceStatus> {
    if (!(await this.options.detect())) return this.getStatus();
    return this.track(this.start(false));
  }

  /** Stops using the credentials; the environment keeps them. */
  async signOut(): Promise<SourceStatus> {
    this.attempt?.abort();
    this.end();
    this.setStatus(this.signedOut());
    return this.status;
  }

  /** There is no sign-in page: the credentials are simply there. */
  protected openPage(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing of the environment is Strata's to forget. */
  protected lost(): void {}

  protected signedOut(): SourceStatus {
    return { state: 'signed-out', configured: true, missing: [] };
  }

  private async start(interactive: boolean): Promise<SourceStatus> {
    const { generation, attempt } = this.begin();
    this.setStatus({ state: 'signing-in', startedAt: this.now(), interactive });
    let credentials: RenewableCredentials | undefined;
    try {
      const kind = await abortable(this.options.detect(), attempt.signal);
      if (!kind) {
        throw new StrataError('not-configured', "This computer doesn't offer AWS credentials of its own any more.", {
          action: 'Choose another way to sign in under Settings → Account.',
        });
      }
      const settings = this.options.settings();
      const fresh: RenewableCredentials = new RenewableCredentials(environmentProvider(kind, this.options.env), {
        now: this.now,
        onRenewed: () => this.renewed(fresh),
      });
      credentials = fresh;
      await abortable(fresh.get(), attempt.signal);
      const identity = await abortable(this.fetchIdentity(settings, fresh), attempt.signal);
      this.activate(generation, { credentials: fresh, identity, settings, user: principalUser(identity.arn) });
      return this.status;
    } catch (err) {
      credentials?.forget();
      const name = (err as { name?: unknown } | null)?.name;
      // The SDK's providers: CredentialsProviderError, and ProviderError when a metadata service refused (its statusCode says how).
      const error: AppError =
        name === 'CredentialsProviderError' || name === 'ProviderError'
          ? {
              code: 'not-configured',
              message: "Strata couldn't get this computer's AWS credentials.",
              action: 'Check them with the AWS CLI (aws sts get-caller-identity), or choose another way to sign in.',
              details: (err as Error).message,
            }
          : toAppError(err, 'aws');
      this.attemptFailed(generation, error);
      throw StrataError.from(error, err);
    } finally {
      this.finishAttempt(attempt);
    }
  }
}
