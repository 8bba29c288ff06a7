/**
 * An AWS profile as the credential source: the SDK's own profile provider
 * (`fromIni`: static keys, assume-role with or without an MFA code,
 * credential_process) reading the same files as the AWS CLI, its STS calls
 * built by Strata's client factory (Region, endpoint, proxy, certificates,
 * timeouts); an IAM Identity Center profile signs in and gets its role's
 * credentials through `IdentityCenter`, sharing the AWS CLI's session, and so
 * does a profile that takes a role with an IAM Identity Center profile's
 * credentials (its source_profile), the role then taken through Strata's STS
 * client too. Keys
 * never leave main; the window sees the identity AWS names and when the
 * credentials and the session end.
 */
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleCommandInput,
  type AssumeRoleWithWebIdentityCommandInput,
  type Credentials,
} from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { AppError, CompanySettings, SourceStatus } from '../../preload/contract';
import { SSO_SESSION_WARNING_MS } from '../../preload/limits';
import { asStrataError, StrataError, toAppError } from '../errors';
import { principalUser } from './principal';
import { listProfiles, type AwsConfigPaths, type AwsProfileInfo } from './aws-profiles';
import type { IdentityCenter, SignInMethod, SsoSessionRef } from './identity-center';
import { RenewableCredentials } from './renewable-credentials';
import { abortable, SourceSession, type ActiveSession, type SourceSessionOptions } from './source-session';
import { canRenew } from './sso-cache';

export interface ProfileSessionOptions extends SourceSessionOptions {
  profile: string;
  paths: AwsConfigPaths;
  /** The effective settings: the STS endpoint, and the Region when the profile names none. */
  settings: () => CompanySettings;
  /** The profile as the files describe it now (kind, Region, MFA device); undefined when it is gone. */
  describe: () => Promise<AwsProfileInfo | undefined>;
  /** How long to wait for an MFA code (default 5 minutes). */
  mfaTimeoutMs?: number;
  /** Sign-in and role credentials for IAM Identity Center profiles. */
  identityCenter: IdentityCenter;
}

/** An IAM Identity Center profile's session, and the account and role it uses. */
interface SsoRole {
  session: SsoSessionRef;
  accountId: string;
  roleName: string;
}

/** Roles taken one after another with an IAM Identity Center profile's credentials: `roles` in the order they are taken. */
interface SsoChain {
  sso: SsoRole;
  roles: AwsProfileInfo[];
}

/** Longer chains than this are refused, as the SDK refuses them (and a loop in the files ends here). */
const MAX_ROLE_CHAIN = 8;

interface ProfileActive extends ActiveSession {
  sso?: SsoRole;
}

/** What the window is waiting on while an MFA code is asked for. */
interface MfaRequest {
  serial: string;
  resolve: (code: string) => void;
}

export class ProfileSession extends SourceSession<ProfileActive> {
  private mfa?: MfaRequest;
  /** The IAM Identity Center session of the last attempt, which Sign out ends. */
  private ssoSession?: SsoSessionRef;

  constructor(private readonly options: ProfileSessionOptions) {
    super(options);
    this.status = this.signedOut();
  }

  get profile(): string {
    return this.options.profile;
  }

  protected readonly signInUnderWay = 'Finish it, or cancel and start again.';

  /**
   * Gets credentials from the profile; an MFA code is asked of the person when the profile needs
   * one, and an IAM Identity Center profile without a session signs in in the browser.
   */
  protected attemptSignIn(): Promise<SourceStatus> {
    return this.start(true, this.options.describe(), 'browser');
  }

  /** Signs in to IAM Identity Center with a code confirmed on its page, in place of a browser sign-in under way. */
  override async signInWithCode(): Promise<SourceStatus> {
    const info = await this.options.describe();
    if (!info || !(ssoRoleOf(info) ?? (await this.ssoSource(info))?.sso)) return super.signInWithCode();
    // The browser attempt stops; being older, whatever it still reports is dropped.
    this.attempt?.abort();
    return this.track(this.start(true, Promise.resolve(info), 'device'));
  }

  /**
   * At start-up, and when the files or the sign-in cache changed: uses the profile without asking
   * anything. A profile that asks for an MFA code, or an IAM Identity Center profile without a
   * session it can use, waits for the person to choose Sign in. The files are read once.
   */
  async restore(): Promise<SourceStatus> {
    const info = await this.options.describe();
    if (info?.mfaSerial) return this.getStatus();
    if (info?.kind === 'sso' && !info.problem && info.sso && !this.options.identityCenter.usable(info.sso)) return this.getStatus();
    const via = info && (await this.ssoSource(info));
    if (via && (!this.options.identityCenter.usable(via.sso.session) || via.roles.some((role) => role.mfaSerial))) return this.getStatus();
    return this.track(this.start(false, Promise.resolve(info)));
  }

  /** The code the person typed for the MFA request under way. */
  override submitMfaCode(code: string): void {
    const mfa = this.mfa;
    if (!mfa) return super.submitMfaCode(code);
    this.mfa = undefined;
    mfa.resolve(code);
  }

  /**
   * Stops using the profile's credentials; the files are left as they are. An IAM Identity Center
   * session ends as `aws sso logout` ends it, for the AWS CLI too, since they share it.
   */
  async signOut(): Promise<SourceStatus> {
    this.attempt?.abort();
    this.end();
    this.setStatus(this.signedOut());
    if (this.ssoSession) await this.options.identityCenter.signOut(this.ssoSession);
    return this.status;
  }

  protected openPage(url: string): Promise<void> {
    return this.options.identityCenter.open(url);
  }

  /** An IAM Identity Center profile's ready status says when its session ends, and whether Strata renews it. */
  protected override readyDetails(active: ProfileActive): Partial<Extract<SourceStatus, { state: 'ready' }>> {
    if (!active.sso) return {};
    const state = this.options.identityCenter.state(active.sso.session);
    return state.state === 'signed-out' ? {} : { sso: { expiresAt: state.expiresAt, renewable: state.renewable } };
  }

  /** Nothing of a profile is saved by Strata: the files are the person's. */
  protected lost(): void {}

  protected signedOut(): SourceStatus {
    return { state: 'signed-out', configured: true, missing: [] };
  }

  /** One attempt with the profile as `described` (read from the files for it). */
  private async start(
    interactive: boolean,
    described: Promise<AwsProfileInfo | undefined>,
    method: SignInMethod = 'browser',
  ): Promise<SourceStatus> {
    const { generation, attempt, signal } = this.begin();
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
      const own = ssoRoleOf(info);
      // A role taken with an IAM Identity Center profile's credentials: that profile's session is the one to sign in to.
      const via = own ? undefined : await abortable(this.ssoSource(info), attempt.signal);
      const sso = own ?? via?.sso;
      this.ssoSession = sso?.session;
      if (sso && interactive) await this.signInToIdentityCenter(sso.session, method, { generation, startedAt, signal: attempt.signal });
      // `lifetime`: the session's signal, so roles being taken (at sign-in or renewal) stop when it ends.
      const steps = { interactive, generation, startedAt, signal: attempt.signal, lifetime: signal };
      const fresh: RenewableCredentials = new RenewableCredentials(
        own ? this.ssoProvider(own) : via ? this.roleFromSso(settings, via, steps) : this.provider(settings, info, steps),
        { now: this.now, onRenewed: () => this.renewed(fresh) },
      );
      credentials = fresh;
      await abortable(fresh.get(), attempt.signal);
      const identity = await abortable(this.fetchIdentity(settings, fresh), attempt.signal);
      this.activate(generation, { credentials: fresh, identity, settings, user: principalUser(identity.arn), ...(sso ? { sso } : {}) });
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
    attempt: { interactive: boolean; generation: number; startedAt: number; signal: AbortSignal; lifetime: AbortSignal },
  ): () => Promise<AwsCredentialIdentity> {
    return fromIni({
      profile: this.profile,
      filepath: this.options.paths.credentials,
      configFilepath: this.options.paths.config,
      ignoreCache: true,
      mfaCodeProvider: (serial) => this.mfaCode(serial, attempt),
      roleAssumer: (source, params) => this.assumeRole(settings, source, params, info, attempt.lifetime),
      // A web identity profile (web_identity_token_file): the token file is read by the SDK, the role taken here.
      roleAssumerWithWebIdentity: (params) => this.assumeRoleWithWebIdentity(settings, params, info, attempt.lifetime),
    });
  }

  /** Takes the profile's role with its web identity token, through Strata's STS client (the call is unsigned). */
  private async assumeRoleWithWebIdentity(
    settings: CompanySettings,
    params: AssumeRoleWithWebIdentityCommandInput,
    info: AwsProfileInfo,
    signal: AbortSignal,
  ): Promise<AwsCredentialIdentity> {
    const sts = this.options.clients.sts(settings, undefined, signal);
    try {
      const { Credentials: issued } = await sts.send(new AssumeRoleWithWebIdentityCommand(params));
      return this.issuedCredentials(issued);
    } catch (err) {
      throw this.roleRefused(err, info);
    } finally {
      sts.destroy();
    }
  }

  /** What STS issued for a role, as the SDK's credentials. */
  private issuedCredentials(issued: Credentials | undefined): AwsCredentialIdentity {
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
  }

  /**
   * The IAM Identity Center profile a role is taken with, when its source_profile is one, or is a
   * role taken with one (role after role, to any depth the SDK allows); such roles' credentials
   * come through Strata's own clients, as that profile's do.
   */
  private async ssoSource(info: AwsProfileInfo): Promise<SsoChain | undefined> {
    if (info.kind !== 'assume-role' || !info.sourceProfile || !info.roleArn) return undefined;
    const profiles = await listProfiles(this.options.paths);
    const roles = [info];
    let hop = info;
    while (roles.length <= MAX_ROLE_CHAIN) {
      const source = profiles.find((profile) => profile.name === hop.sourceProfile);
      if (!source || source.problem) return undefined;
      const sso = ssoRoleOf(source);
      if (sso) return { sso, roles };
      if (source.kind !== 'assume-role' || !source.sourceProfile || !source.roleArn) return undefined;
      roles.unshift(source);
      hop = source;
    }
    return undefined;
  }

  /**
   * Roles taken with an IAM Identity Center profile's credentials: the portal's role credentials
   * first, then AssumeRole through Strata's STS client for each role in turn with what its profile
   * says, as the SDK's profile provider would call it.
   */
  private roleFromSso(
    settings: CompanySettings,
    via: SsoChain,
    attempt: { interactive: boolean; generation: number; startedAt: number; signal: AbortSignal; lifetime: AbortSignal },
  ): () => Promise<AwsCredentialIdentity> {
    const source = this.ssoProvider(via.sso);
    return async () => {
      let credentials = await source();
      for (const role of via.roles) {
        const params: AssumeRoleCommandInput = {
          RoleArn: role.roleArn,
          RoleSessionName: role.assume?.sessionName ?? `aws-sdk-js-${Date.now()}`,
          ...(role.assume?.externalId ? { ExternalId: role.assume.externalId } : {}),
          ...(role.assume?.durationSeconds ? { DurationSeconds: role.assume.durationSeconds } : {}),
        };
        if (role.mfaSerial) {
          params.SerialNumber = role.mfaSerial;
          params.TokenCode = await this.mfaCode(role.mfaSerial, attempt);
        }
        credentials = await this.assumeRole(settings, credentials, params, role, attempt.lifetime);
      }
      return credentials;
    };
  }

  /** The code from the MFA device, asked of the person while they sign in; a renewal in the background has nobody to ask. */
  private mfaCode(serial: string, attempt: { interactive: boolean; generation: number; startedAt: number; signal: AbortSignal }): Promise<string> {
    const signingIn = attempt.generation === this.generation && this.status.state === 'signing-in';
    if (!attempt.interactive || !signingIn) {
      return Promise.reject(
        new StrataError('session-expired', `Your session with the AWS profile “${this.profile}” has ended.`, {
          action: 'Sign in again and enter a new code from your MFA device.',
        }),
      );
    }
    return this.askMfaCode(serial, attempt.startedAt, attempt.signal);
  }

  /** Takes the profile's role with `source` credentials, through Strata's STS client. */
  private async assumeRole(
    settings: CompanySettings,
    source: AwsCredentialIdentity,
    params: AssumeRoleCommandInput,
    info: AwsProfileInfo,
    signal: AbortSignal,
  ): Promise<AwsCredentialIdentity> {
    const sts = this.options.clients.sts(settings, async () => source, signal);
    try {
      const { Credentials: issued } = await sts.send(new AssumeRoleCommand(params));
      return this.issuedCredentials(issued);
    } catch (err) {
      throw this.roleRefused(err, info);
    } finally {
      sts.destroy();
    }
  }

  /**
   * Signs in to IAM Identity Center when the person asked and the shared session will not do: there
   * is none, it ended and cannot be renewed, or it ends within the warning time (the person was
   * warned and chose to sign in again), or they chose a code (`device`).
   */
  private async signInToIdentityCenter(
    session: SsoSessionRef,
    method: SignInMethod,
    attempt: { generation: number; startedAt: number; signal: AbortSignal },
  ): Promise<void> {
    const center = this.options.identityCenter;
    if (method === 'browser' && center.usable(session, SSO_SESSION_WARNING_MS)) return;
    await center.signIn(session, method, attempt.signal, (step) => {
      if (attempt.generation !== this.generation) return;
      if (step.kind === 'browser') this.signInPage = step.authorizationUrl;
      this.setStatus({
        state: 'signing-in',
        startedAt: attempt.startedAt,
        interactive: true,
        ...(step.kind === 'browser'
          ? { authorizationUrl: step.authorizationUrl }
          : { device: { userCode: step.userCode, verificationUri: step.verificationUri } }),
      });
    });
    this.signInPage = undefined;
  }

  /**
   * An IAM Identity Center profile's credentials: the role's, from the portal, with the shared
   * session's token (renewed first when it is nearly out). A session Strata can renew is renewed
   * before it ends, so the credentials are renewed no later than that.
   */
  private ssoProvider(sso: SsoRole): () => Promise<AwsCredentialIdentity> {
    const center = this.options.identityCenter;
    return async () => {
      const token = await center.accessToken(sso.session);
      const credentials = await center.roleCredentials(sso.session, sso, token);
      const sessionEnds = Date.parse(token.expiresAt);
      const renewBefore = canRenew(token, this.now()) && credentials.expiration && sessionEnds < credentials.expiration.getTime();
      return renewBefore ? { ...credentials, expiration: new Date(sessionEnds) } : credentials;
    };
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
        mfaRejected
          ? "AWS didn't accept the MFA code."
          : info.name === this.profile
            ? `AWS didn't let the profile “${this.profile}” take its role.`
            : `AWS didn't let the profile “${this.profile}” take the role of the profile “${info.name}” it goes through.`,
        {
          action: mfaRejected
            ? 'Sign in again with the code your MFA device shows now.'
            : `Ask whoever manages ${info.roleArn ?? 'the role'} to let you assume it.`,
          details: message,
          cause: err,
        },
      );
    }
    if (name === 'InvalidIdentityTokenException' || name === 'IDPRejectedClaimException' || name === 'ExpiredTokenException') {
      return new StrataError('aws-rejected', `AWS didn't accept the web identity token of the AWS profile “${this.profile}”.`, {
        action:
          name === 'ExpiredTokenException'
            ? 'The token in its web_identity_token_file has expired: get a new one, then sign in again.'
            : `Check the token in its web_identity_token_file, and that ${info.roleArn ?? 'the role'} trusts the provider that issued it.`,
        details: (err as Error).message,
        cause: err,
      });
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

/** The IAM Identity Center session, account and role of a profile that signs in there. */
function ssoRoleOf(info: AwsProfileInfo): SsoRole | undefined {
  const sso = info.sso;
  if (info.kind !== 'sso' || !sso?.accountId || !sso.roleName) return undefined;
  return {
    session: { ...(sso.sessionName ? { sessionName: sso.sessionName } : {}), startUrl: sso.startUrl, region: sso.region },
    accountId: sso.accountId,
    roleName: sso.roleName,
  };
}
