/**
 * An AWS profile as the credential source: the SDK's own profile provider
 * (`fromIni`: static keys, assume-role with or without an MFA code,
 * credential_process, IAM Identity Center) reading the same files as the AWS
 * CLI, its STS calls built by Strata's client factory (Region, endpoint,
 * proxy, certificates, timeouts). Keys never leave main; the window sees the
 * identity AWS names and when the credentials end.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { AppError, CompanySettings, SourceStatus, UserProfile } from '../../preload/contract';
import { asStrataError, StrataError, toAppError } from '../errors';
import { describePrincipal } from './principal';
import type { AwsConfigPaths, AwsProfileInfo } from './aws-profiles';
import { RenewableCredentials } from './renewable-credentials';
import { abortable, SourceSession, type SourceSessionOptions } from './source-session';

export interface ProfileSessionOptions extends SourceSessionOptions {
  profile: string;
  paths: AwsConfigPaths;
  /** The effective settings: the STS endpoint, and the Region when the profile names none. */
  settings: () => CompanySettings;
  /** The profile as the files describe it now (kind, Region, MFA device); undefined when it is gone. */
  describe: () => Promise<AwsProfileInfo | undefined>;
  /** How long to wait for an MFA code (default 5 minutes). */
  mfaTimeoutMs?: number;
}

/** What the window is waiting on while an MFA code is asked for. */
interface MfaRequest {
  serial: string;
  resolve: (code: string) => void;
}

/** The person behind a profile's credentials, named as AWS names them. */
function profileUser(arn: string): UserProfile {
  const principal = describePrincipal(arn);
  return { subject: arn, name: principal.replace(/^(role|user) /, '') };
}

export class ProfileSession extends SourceSession {
  private mfa?: MfaRequest;

  constructor(private readonly options: ProfileSessionOptions) {
    super(options);
    this.status = this.signedOut();
  }

  get profile(): string {
    return this.options.profile;
  }

  protected readonly signInUnderWay = 'Finish it, or cancel and start again.';

  /** Gets credentials from the profile; an MFA code is asked of the person when the profile needs one. */
  protected attemptSignIn(): Promise<SourceStatus> {
    return this.start(true, this.options.describe());
  }

  /**
   * At start-up, and when the files changed: uses the profile without asking anything. A profile
   * that asks for an MFA code waits for the person to choose Sign in. The files are read once.
   */
  async restore(): Promise<SourceStatus> {
    const info = await this.options.describe();
    if (info?.mfaSerial) return this.getStatus();
    return this.track(this.start(false, Promise.resolve(info)));
  }

  /** The code the person typed for the MFA request under way. */
  override submitMfaCode(code: string): void {
    const mfa = this.mfa;
    if (!mfa) return super.submitMfaCode(code);
    this.mfa = undefined;
    mfa.resolve(code);
  }

  /** Stops using the profile's credentials; the files are left as they are. */
  async signOut(): Promise<SourceStatus> {
    this.attempt?.abort();
    this.end();
    this.setStatus(this.signedOut());
    return this.status;
  }

  /** Nothing of a profile is saved by Strata: the files are the person's. */
  protected lost(): void {}

  protected signedOut(): SourceStatus {
    return { state: 'signed-out', configured: true, missing: [] };
  }

  /** One attempt with the profile as `described` (read from the files for it). */
  private async start(interactive: boolean, described: Promise<AwsProfileInfo | undefined>): Promise<SourceStatus> {
    const { generation, attempt } = this.begin();
    const startedAt = this.now();
    this.setStatus({ state: 'signing-in', startedAt, interactive });
    let credentials: RenewableCredentials | undefined;
    try {
      const info = await abortable(described, attempt.signal);
      if (!info) {
        throw new StrataError('not-configured', `The AWS profile “${this.profile}” is no longer in your AWS files.`, {
          action: 'Choose another way to sign in under Settings → Account.',
        });
      }
      if (info.problem) {
        throw new StrataError('not-configured', `The AWS profile “${this.profile}” can't be used: ${info.problem}`, {
          action: `Fix it in ${this.options.paths.config}, or choose another way to sign in.`,
        });
      }
      const base = this.options.settings();
      const settings = info.region ? { ...base, region: info.region } : base;
      const fresh: RenewableCredentials = new RenewableCredentials(
        this.provider(settings, info, { interactive, generation, startedAt, signal: attempt.signal }),
        { now: this.now, onRenewed: () => this.renewed(fresh) },
      );
      credentials = fresh;
      await abortable(fresh.get(), attempt.signal);
      const identity = await abortable(this.fetchIdentity(settings, fresh), attempt.signal);
      this.activate(generation, { credentials: fresh, identity, settings, user: profileUser(identity.arn) });
      return this.status;
    } catch (err) {
      // An abandoned attempt's credentials are dropped; whatever it was still fetching saves nothing.
      credentials?.forget();
      const error = this.explain(err);
      this.attemptFailed(generation, error);
      throw StrataError.from(error, err);
    } finally {
      this.mfa = undefined;
      this.finishAttempt(attempt);
    }
  }

  /**
   * The SDK's provider for the profile, read afresh each time (a changed file counts at once). Its
   * role assumptions go through Strata's STS client; an MFA code is asked of the person only while
   * they are signing in, since a renewal in the background has nobody to ask.
   */
  private provider(
    settings: CompanySettings,
    info: AwsProfileInfo,
    attempt: { interactive: boolean; generation: number; startedAt: number; signal: AbortSignal },
  ): () => Promise<AwsCredentialIdentity> {
    const signingIn = () => attempt.generation === this.generation && this.status.state === 'signing-in';
    return fromIni({
      profile: this.profile,
      filepath: this.options.paths.credentials,
      configFilepath: this.options.paths.config,
      ignoreCache: true,
      mfaCodeProvider: async (serial) => {
        if (!attempt.interactive || !signingIn()) {
          throw new StrataError('session-expired', `Your session with the AWS profile “${this.profile}” has ended.`, {
            action: 'Sign in again and enter a new code from your MFA device.',
          });
        }
        return this.askMfaCode(serial, attempt.startedAt, attempt.signal);
      },
      roleAssumer: async (source, params) => {
        const sts = this.options.clients.sts(settings, async () => source);
        try {
          const { Credentials: issued } = await sts.send(new AssumeRoleCommand(params));
          if (!issued?.AccessKeyId || !issued.SecretAccessKey) {
            throw new StrataError('aws-rejected', 'AWS answered without credentials for the role.', {
              action: `Check the role in the AWS profile “${this.profile}”.`,
            });
          }
          return {
            accessKeyId: issued.AccessKeyId,
            secretAccessKey: issued.SecretAccessKey,
            ...(issued.SessionToken ? { sessionToken: issued.SessionToken } : {}),
            ...(issued.Expiration ? { expiration: issued.Expiration } : {}),
          };
        } catch (err) {
          throw this.roleRefused(err, info);
        } finally {
          sts.destroy();
        }
      },
    });
  }

  /** Shows the code box in the window and waits for the code, the person cancelling, or the time running out. */
  private async askMfaCode(serial: string, startedAt: number, signal: AbortSignal): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const code = new Promise<string>((resolve, reject) => {
      this.mfa = { serial, resolve };
      timer = setTimeout(
        () =>
          reject(
            new StrataError('sign-in-timeout', 'Strata waited too long for the MFA code.', {
              action: 'Sign in again when you have your MFA device at hand.',
            }),
          ),
        this.options.mfaTimeoutMs ?? 5 * 60_000,
      );
    });
    this.setStatus({ state: 'signing-in', startedAt, interactive: true, mfa: { serial } });
    try {
      return await abortable(code, signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** STS refusing the role, said for this profile. */
  private roleRefused(err: unknown, info: AwsProfileInfo): StrataError {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'AccessDenied' || name === 'AccessDeniedException') {
      const message = (err as Error).message;
      const mfaRejected = info.mfaSerial !== undefined && /MultiFactorAuthentication|MFA/i.test(message);
      return new StrataError(
        'aws-rejected',
        mfaRejected ? "AWS didn't accept the MFA code." : `AWS didn't let the profile “${this.profile}” take its role.`,
        {
          action: mfaRejected
            ? 'Sign in again with the code your MFA device shows now.'
            : `Ask whoever manages ${info.roleArn ?? 'the role'} to let you assume it.`,
          details: message,
          cause: err,
        },
      );
    }
    return asStrataError(err, 'aws');
  }

  /** A failure in words that name the profile. */
  private explain(err: unknown): AppError {
    if (err instanceof StrataError) return toAppError(err, 'aws');
    const name = (err as { name?: unknown } | null)?.name;
    const message = err instanceof Error ? err.message : String(err);
    if (name === 'CredentialsProviderError' || name === 'ProviderError') {
      return {
        code: 'not-configured',
        message: `Strata couldn't get credentials from the AWS profile “${this.profile}”.`,
        action: `Check it in ${this.options.paths.config}, or run the AWS CLI with --profile ${this.profile} to see what it says.`,
        details: message,
      };
    }
    const error = toAppError(err, 'aws');
    if (error.code === 'aws-rejected' || error.code === 'internal') {
      return { ...error, message: `The AWS profile “${this.profile}” didn't work: ${error.message}` };
    }
    return error;
  }
}
