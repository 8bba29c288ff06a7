/**
 * The one credential source in use: the company sign-in, an AWS profile, this
 * computer's own credentials or a Bedrock API key.
 * Switching takes effect at once for new requests (answers under way finish
 * on the credentials they started with); the choice is the credentialSource
 * setting, so it is remembered and IT can preset or lock it; the AWS files
 * and IAM Identity Center's sign-in cache are watched and read again when
 * they change (the AWS CLI signing in is picked up at once).
 */
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import {
  credentialSourceText,
  parseCredentialSource,
  type AccountsView,
  type ApiKeyInfo,
  type EnvironmentCredentialsKind,
  type AwsProfileView,
  type CredentialSource,
  type PolicyCredentialSource,
  type SessionSource,
  type SessionStatus,
  type SourceStatus,
} from '../../preload/contract';
import { StrataError } from '../errors';
import { missingForSignIn } from '../settings/layers';
import { policySourceOf } from '../settings/policy-rules';
import type { SettingsService } from '../settings/settings-service';
import { environmentProfile, listProfiles, type AwsConfigPaths, type AwsProfileInfo } from './aws-profiles';
import type { ApiKeyVault } from './api-key-session';
import { describeApiKey } from './bedrock-api-key';
import type { CompanySession } from './company-session';
import type { IdentityCenter } from './identity-center';
import type { ProfileSession } from './profile-session';
import type { SourceSession } from './source-session';

export interface AccountsOptions {
  settings: SettingsService;
  company: CompanySession;
  /** The IAM Identity Center sessions (shared with the AWS CLI) of SSO profiles. */
  identityCenter: IdentityCenter;
  /** A session for one profile, its statuses handed to `report`. */
  profileSession: (profile: string, report: (status: SourceStatus) => void) => ProfileSession;
  /** A session with this computer's own credentials, its statuses handed to `report`. */
  environmentSession: (report: (status: SourceStatus) => void) => SourceSession;
  /** Which credentials this computer offers of its own (looked for once); undefined when none. */
  detectEnvironment: () => Promise<EnvironmentCredentialsKind | undefined>;
  /** A session with the saved Bedrock API key, its statuses handed to `report`. */
  apiKeySession: (report: (status: SourceStatus) => void) => SourceSession;
  /** Where the Bedrock API key is kept. */
  apiKeyVault: ApiKeyVault;
  /** Asks Bedrock whether it takes a key that has not ended; throws in words when it does not. */
  checkApiKey: (key: string) => Promise<void>;
  paths: AwsConfigPaths;
  env: Record<string, string | undefined>;
  onStatus: (status: SessionStatus) => void;
  onChanged: (view: AccountsView) => void;
  /** Watch the AWS files for changes (off in tests that change them by hand). */
  watchFiles?: boolean;
  log?: (message: string) => void;
}

const sameSource = (a: CredentialSource, b: CredentialSource) => credentialSourceText(a) === credentialSourceText(b);

export class Accounts {
  private source: CredentialSource;
  private current: SourceSession;
  private profiles: AwsProfileInfo[] = [];
  /** This computer's own credentials: undefined until looked for, null when there are none. */
  private environment?: EnvironmentCredentialsKind | null;
  private problem?: string;
  private watchers: FSWatcher[] = [];
  private reread?: NodeJS.Timeout;
  private recheck?: NodeJS.Timeout;
  private watching = false;
  private ssoCacheWatched = false;
  /** The switch under way, so a second one waits for it. */
  private switching: Promise<void> = Promise.resolve();
  /** Set while the person's own choice is saved, which `choose` follows itself. */
  private choosing = false;
  /** The profile AWS_PROFILE names, used while nobody (IT, the person, the environment) has chosen a source. */
  private environmentChoice?: CredentialSource;

  constructor(private readonly options: AccountsOptions) {
    this.source = this.chosen();
    this.current = this.sessionFor(this.source);
    options.settings.onChange(() => {
      if (!this.choosing && !sameSource(this.chosen(), this.source)) void this.follow(false);
    });
  }

  /** The session of the source in use. */
  get session(): SourceSession {
    return this.current;
  }

  /** The status of the session in use, with its source. */
  status(): SessionStatus {
    return this.withSource(this.current.getStatus());
  }

  /** Reads the profiles, starts watching the files, and resumes the source in use without asking anything. */
  async start(): Promise<void> {
    // Looking may take a moment (an EC2 instance's metadata service): Settings hears when it is known.
    void this.findEnvironment().then((kind) => {
      if (kind) this.options.onChanged(this.snapshot());
    });
    await this.readProfiles();
    if (this.options.watchFiles !== false) this.watchFiles();
    this.environmentChoice = this.profileFromEnvironment();
    if (!sameSource(this.chosen(), this.source)) {
      // Follows the way any change of source does: resumed without asking, or refused if not allowed.
      await this.follow(false);
      return;
    }
    // A source the organization doesn't allow stays signed out; signing in says why.
    if (!this.allowed(this.source)) return;
    // A source that cannot resume says why in its status; the rest of Strata starts all the same.
    await this.current.restore().catch(() => undefined);
  }

  /** What Settings → Account shows; the files are read again first. */
  async view(): Promise<AccountsView> {
    await Promise.all([this.readProfiles(), this.findEnvironment()]);
    return this.snapshot();
  }

  /** Uses `source` from now on: remembered as the credentialSource setting, which IT may have locked. */
  async choose(source: CredentialSource): Promise<AccountsView> {
    if (source.kind === 'profile') {
      await this.readProfiles();
      if (!this.profiles.some((profile) => profile.name === source.profile)) {
        throw new StrataError('invalid-input', `There's no AWS profile called “${source.profile}” on this computer.`, {
          action: 'Choose one of the profiles listed.',
        });
      }
    }
    this.options.settings.rules.ensureSource(this.policySource(source));
    if (source.kind === 'api-key' && !this.options.apiKeyVault.load()) {
      throw new StrataError('invalid-input', 'No Bedrock API key is saved on this computer.', {
        action: 'Paste your key under Bedrock API key first.',
      });
    }
    if (source.kind === 'environment' && !(await this.findEnvironment())) {
      throw new StrataError('invalid-input', "This computer doesn't offer AWS credentials of its own.", {
        action: 'Choose one of the ways to sign in listed.',
      });
    }
    if (!sameSource(source, this.chosen())) {
      this.choosing = true;
      try {
        this.options.settings.update({ credentialSource: credentialSourceText(source) });
      } finally {
        this.choosing = false;
      }
    }
    await this.follow(true);
    return this.snapshot();
  }

  /**
   * Settings that decide where tokens and credentials go changed: the session in use ends, so
   * nothing goes to the new addresses before the person signs in again. The company sign-in is
   * signed out; a profile's files and the AWS CLI's session are left as they are. True when there
   * was a session to end.
   */
  async endForNewSettings(): Promise<boolean> {
    const session = this.current;
    if (session.getStatus().state === 'signed-out') return false;
    if (session === this.options.company) {
      await session.signOut();
    } else {
      await session.suspend();
      this.options.onStatus(this.status());
    }
    return true;
  }

  /**
   * Keeps a Bedrock API key in place of any before it, once Bedrock took it, and uses it (the
   * session in use ends as any switch ends it). A key Bedrock refuses is not kept, and the one
   * before it stays.
   */
  async saveApiKey(key: string): Promise<AccountsView> {
    const locked = this.options.settings.locks().credentialSource;
    if (locked && this.chosen().kind !== 'api-key') {
      throw new StrataError('invalid-input', `${locked}: Strata uses the sign-in your IT team chose.`);
    }
    this.options.settings.rules.ensureSource('api-key');
    await this.options.checkApiKey(key);
    this.options.apiKeyVault.save({ key, scope: '' });
    if (this.source.kind === 'api-key') {
      await this.switching;
      // A sign-in still under way with the old key stops first, so it cannot save that key back.
      await this.current.cancelSignIn();
      // Signed in again with the new key (the old one's session ends); how it went, the status says.
      await this.current.signIn().catch(() => undefined);
      this.options.onChanged(this.snapshot());
      return this.snapshot();
    }
    return this.choose({ kind: 'api-key' });
  }

  /** Forgets the Bedrock API key; signs out when it is in use. */
  async forgetApiKey(): Promise<AccountsView> {
    if (this.source.kind === 'api-key') await this.current.signOut();
    this.options.apiKeyVault.clear();
    const view = this.snapshot();
    this.options.onChanged(view);
    return view;
  }

  /** Refuses to sign in with the source in use when the organization doesn't allow it. */
  ensureAllowed(): void {
    this.options.settings.rules.ensureSource(this.policySource(this.source));
  }

  /** The kind of source the organization's policy speaks of: a profile that signs in with IAM Identity Center counts as that. */
  private policySource(source: CredentialSource): PolicyCredentialSource {
    const profile = source.kind === 'profile' ? this.profiles.find((candidate) => candidate.name === source.profile) : undefined;
    return policySourceOf(source, profile !== undefined && (profile.kind === 'sso' || this.ssoSourceOf(profile) !== undefined));
  }

  private allowed(source: CredentialSource): boolean {
    return this.options.settings.rules.allowsSource(this.policySource(source));
  }

  /** The code from the MFA device the profile sign-in under way asked for. */
  submitMfaCode(code: string): void {
    this.current.submitMfaCode(code);
  }

  dispose(): void {
    clearTimeout(this.reread);
    clearTimeout(this.recheck);
    for (const watcher of this.watchers) watcher.close();
    this.current.dispose();
  }

  /** The source the settings name now; the environment's profile while they name none. */
  private chosen(): CredentialSource {
    const { settings } = this.options;
    if (this.environmentChoice && settings.sourceOf('credentialSource') === 'default') return this.environmentChoice;
    return parseCredentialSource(settings.effective().credentialSource);
  }

  /**
   * The profile AWS_PROFILE names, as the AWS CLI would use it, when that is the likely intent:
   * it is set (not the CLI's fallback "default"), lists a profile Strata can use and the
   * organization allows, and company sign-in is not set up.
   */
  private profileFromEnvironment(): CredentialSource | undefined {
    const named = this.options.env.AWS_PROFILE?.trim() || this.options.env.AWS_DEFAULT_PROFILE?.trim();
    if (!named || missingForSignIn(this.options.settings.effective()).length === 0) return undefined;
    const profile = this.profiles.find((candidate) => candidate.name === named && !candidate.problem);
    const source: CredentialSource = { kind: 'profile', profile: named };
    return profile && this.allowed(source) ? source : undefined;
  }

  /**
   * Switches to the source the settings name, if it is not the one in use. The old session is left
   * without signing out (coming back to company sign-in resumes it); the new one starts at once,
   * asking for an MFA code when the person chose it (`interactive`), silently otherwise.
   */
  private follow(interactive: boolean): Promise<void> {
    const next = this.switching.then(async () => {
      const source = this.chosen();
      if (sameSource(source, this.source)) return;
      const previous = this.current;
      this.source = source;
      this.current = this.sessionFor(source);
      await previous.suspend();
      if (previous !== this.options.company) previous.dispose();
      this.options.onChanged(this.snapshot());
      const session = this.current;
      if (!this.allowed(source)) {
        this.options.onStatus(this.status());
        return;
      }
      const starting = source.kind !== 'company' && interactive ? session.signIn() : session.restore();
      // A source that started tells its own progress; one with nothing to resume says so once it knows.
      void starting
        .catch(() => undefined)
        .finally(() => {
          if (this.current === session && session.getStatus().state === 'signed-out') this.options.onStatus(this.status());
        });
    });
    this.switching = next.catch(() => undefined);
    return next;
  }

  private sessionFor(source: CredentialSource): SourceSession {
    if (source.kind === 'company') return this.options.company;
    // Heard only while it is the session in use.
    const report = (status: SourceStatus) => {
      if (this.current !== session) return;
      this.options.onStatus(this.withSource(status));
      // An API key that ended or was refused is forgotten: Settings hears it has none now.
      if (source.kind === 'api-key' && status.state !== 'signing-in') this.options.onChanged(this.snapshot());
    };
    const session =
      source.kind === 'environment'
        ? this.options.environmentSession(report)
        : source.kind === 'api-key'
          ? this.options.apiKeySession(report)
          : this.options.profileSession(source.profile, report);
    return session;
  }

  /** Which credentials this computer offers of its own, looked for once. */
  private async findEnvironment(): Promise<EnvironmentCredentialsKind | undefined> {
    if (this.environment === undefined) this.environment = (await this.options.detectEnvironment()) ?? null;
    return this.environment ?? undefined;
  }

  /** The company session reports here; heard only while it is the source in use. */
  companyStatus(status: SourceStatus): void {
    if (this.current === this.options.company) this.options.onStatus(this.withSource(status));
  }

  private withSource(status: SourceStatus): SessionStatus {
    return { ...status, source: this.sessionSource() };
  }

  private sessionSource(): SessionSource {
    const source = this.source;
    if (source.kind === 'company') return source;
    if (source.kind === 'environment') return { kind: 'environment', from: this.environment ?? null };
    if (source.kind === 'api-key') return { kind: 'api-key', key: this.savedKey() };
    const profile = this.profiles.find((candidate) => candidate.name === source.profile);
    const ssoSource = profile && this.ssoSourceOf(profile);
    return { kind: 'profile', profile: source.profile, profileKind: profile?.kind ?? 'unknown', ...(ssoSource ? { ssoSource } : {}) };
  }

  /** The IAM Identity Center profile an assume-role profile takes its role with, if that is what its source_profile is. */
  private ssoSourceOf(profile: AwsProfileInfo): string | undefined {
    if (profile.kind !== 'assume-role' || !profile.sourceProfile) return undefined;
    return this.profiles.find((candidate) => candidate.name === profile.sourceProfile)?.kind === 'sso' ? profile.sourceProfile : undefined;
  }

  private snapshot(): AccountsView {
    const named = environmentProfile(this.options.env);
    const locked = this.options.settings.locks().credentialSource;
    const allowedSources = this.options.settings.rules.allowedSources;
    // Sources the organization doesn't allow are not offered at all.
    const profiles = this.profiles.filter((profile) => this.allowed({ kind: 'profile', profile: profile.name }));
    return {
      active: this.source,
      ...(locked ? { locked } : {}),
      allowedSources,
      company: { configured: missingForSignIn(this.options.settings.effective()).length === 0 },
      profiles: profiles.map((profile) => this.viewOf(profile, profile.name === named)),
      ...(this.environment && allowedSources.includes('environment') ? { environment: { from: this.environment } } : {}),
      apiKey: this.savedKeyView(),
      files: { ...this.options.paths },
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  /** What the saved Bedrock API key says of itself; null when there is none. */
  private savedKey(): ApiKeyInfo | null {
    const saved = this.options.apiKeyVault.load();
    if (!saved) return null;
    try {
      return describeApiKey(saved.key);
    } catch {
      return null;
    }
  }

  private savedKeyView(): AccountsView['apiKey'] {
    const key = this.savedKey();
    const reason = this.options.apiKeyVault.reason;
    return key && { ...key, ...(reason ? { reason } : {}) };
  }

  private async readProfiles(): Promise<void> {
    try {
      this.profiles = await listProfiles(this.options.paths);
      this.problem = undefined;
    } catch (err) {
      this.profiles = [];
      this.problem = `Strata couldn't read your AWS files: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /**
   * Watches the folders of both files (a file may not exist yet, and editors replace files), and
   * the sign-in cache IAM Identity Center sessions live in.
   */
  private watchFiles(): void {
    this.watching = true;
    const folders = new Set([path.dirname(this.options.paths.config), path.dirname(this.options.paths.credentials)]);
    const names = new Set([path.basename(this.options.paths.config), path.basename(this.options.paths.credentials)]);
    for (const folder of folders) {
      this.watch(folder, (file) => {
        if (file === null || names.has(file)) this.filesChanged();
      });
    }
    this.watchSsoCache();
  }

  /**
   * Watches IAM Identity Center's sign-in cache once there is an SSO profile, making the folder as
   * the AWS CLI would if it is not there yet (a first `aws sso login` is then seen too).
   */
  private watchSsoCache(): void {
    if (this.ssoCacheWatched || !this.profiles.some((profile) => profile.kind === 'sso')) return;
    this.ssoCacheWatched = true;
    const folder = this.options.identityCenter.cacheDirectory;
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch {
      // Not ours to make (a read-only home): the cache is read again whenever Settings → Account opens.
    }
    this.watch(folder, () => this.cacheChanged());
  }

  private watch(folder: string, changed: (file: string | null) => void): void {
    try {
      const watcher = watch(folder, { persistent: false }, (_event, file) => changed(file === null ? null : file.toString()));
      watcher.on('error', () => watcher.close());
      this.watchers.push(watcher);
    } catch {
      // No such folder yet: what is in it is read again whenever Settings → Account opens.
    }
  }

  /**
   * A session in the sign-in cache changed (the AWS CLI signed in or out, or Strata renewed one):
   * Settings hears it, and an IAM Identity Center profile in use that is waiting for a session
   * takes the new one without a click.
   */
  private cacheChanged(): void {
    clearTimeout(this.recheck);
    this.recheck = setTimeout(() => {
      this.options.onChanged(this.snapshot());
      const source = this.source;
      const state = this.current.getStatus().state;
      const waiting = state === 'signed-out' || state === 'expired' || state === 'error';
      const profile = source.kind === 'profile' ? this.profiles.find((candidate) => candidate.name === source.profile) : undefined;
      const sso = profile !== undefined && (profile.kind === 'sso' || this.ssoSourceOf(profile) !== undefined);
      if (sso && waiting) {
        this.options.log?.('IAM Identity Center sign-in cache changed: the profile in use is tried again');
        void this.current.restore().catch(() => undefined);
      }
    }, 300);
    this.recheck.unref?.();
  }

  /** Reads the files again (once for a burst of changes), tells Settings, and re-reads the profile in use. */
  private filesChanged(): void {
    clearTimeout(this.reread);
    this.reread = setTimeout(() => {
      void (async () => {
        await this.readProfiles();
        if (this.watching) this.watchSsoCache();
        this.options.onChanged(this.snapshot());
        if (this.source.kind !== 'profile') return;
        const state = this.current.getStatus().state;
        if (state === 'ready' || state === 'error') {
          this.options.log?.('AWS files changed: the profile in use is read again');
          await this.current.restore().catch(() => undefined);
        }
      })();
    }, 300);
    this.reread.unref?.();
  }

  private viewOf(profile: AwsProfileInfo, fromEnvironment: boolean): AwsProfileView {
    return {
      name: profile.name,
      kind: profile.kind,
      ...(profile.region ? { region: profile.region } : {}),
      ...(profile.roleArn ? { roleArn: profile.roleArn } : {}),
      ...(profile.sourceProfile ? { sourceProfile: profile.sourceProfile } : {}),
      mfa: profile.mfaSerial !== undefined,
      ...(profile.sso
        ? {
            sso: {
              startUrl: profile.sso.startUrl,
              ...(profile.sso.accountId ? { accountId: profile.sso.accountId } : {}),
              ...(profile.sso.roleName ? { roleName: profile.sso.roleName } : {}),
              session: profile.sso.startUrl ? this.options.identityCenter.state(profile.sso) : { state: 'signed-out' as const },
            },
          }
        : {}),
      fromEnvironment,
      ...(profile.problem ? { problem: profile.problem } : {}),
    };
  }
}
