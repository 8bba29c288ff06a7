/**
 * A Bedrock API key as the source: the key the person pasted in Settings →
 * Account, kept encrypted like the refresh token, sent as a bearer token to
 * Bedrock and Bedrock Runtime only (the only services that take one). Using
 * it asks Bedrock first, so a mistyped, revoked or expired key is said at
 * once; a short-term key's Region is the one it was made for, and its session
 * ends when the key does. The key is used again at the next start only while
 * the settings that decide where it goes are those it was used with.
 */
import { ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { z } from 'zod';
import type { ApiKeyInfo, AppError, AwsIdentity, CompanySettings, SourceStatus } from '../../preload/contract';
import { asStrataError, awsDetails, StrataError, toAppError } from '../errors';
import type { AwsClients, BedrockAuth } from '../net/aws-clients';
import { SecretFile, type SecretCipher } from '../platform/secret-file';
import { apiKeySubject, describeApiKey } from './bedrock-api-key';
import { notSignedIn } from './renewable-credentials';
import { abortable, SourceSession, type ActiveSession, type SessionCredentials, type SourceSessionOptions } from './source-session';

const keyRecord = z.object({
  key: z.string().min(1),
  /** Where requests went when the key was last used (`apiKeyScope`); '' before it was ever used. */
  scope: z.string(),
});
export type ApiKeyRecord = z.infer<typeof keyRecord>;

/** The Bedrock API key, encrypted on disk where the system allows and in memory otherwise. */
export class ApiKeyVault extends SecretFile<typeof keyRecord> {
  constructor(options: { file: string; cipher: SecretCipher }) {
    super({
      ...options,
      schema: keyRecord,
      version: 1,
      saveFailedReason: "Strata couldn't save your API key securely on this computer, so you'll paste it again after restarting Strata.",
    });
  }
}

/** The settings that decide where the key goes: Bedrock's two endpoints and the Region (network settings only carry it). */
export function apiKeyScope(settings: CompanySettings): string {
  return JSON.stringify([settings.region, settings.bedrockEndpoint, settings.bedrockRuntimeEndpoint]);
}

/** Bedrock refused the key, or it has ended: it will not work again. */
class KeyRefused extends StrataError {}

const BEARER_REFUSAL = /api key|bearer token/i;

/**
 * Bedrock's answer to a bearer token it does not take, in words; undefined for anything else.
 * Bedrock says "Authentication failed: Please make sure your API Key is valid." or "Bearer Token has expired".
 */
export function apiKeyRefused(err: unknown): AppError | undefined {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const refused = e.name === 'AccessDeniedException' || e.name === 'UnauthorizedException' || status === 401 || status === 403;
  if (!refused || !BEARER_REFUSAL.test(String(e.message ?? ''))) return undefined;
  if (/expired/i.test(String(e.message))) {
    return {
      code: 'session-expired',
      message: 'Your Bedrock API key has expired.',
      action: 'Make a new key in the Amazon Bedrock console and paste it under Settings → Account.',
      details: awsDetails(err),
    };
  }
  return {
    code: 'aws-rejected',
    message: "Amazon Bedrock didn't accept your API key.",
    action:
      "Check that you copied the whole key and that it hasn't been deactivated; a short-term key works only in the Region it was made in. Paste a new one under Settings → Account.",
    details: awsDetails(err),
  };
}

function expiredKey(info: Extract<ApiKeyInfo, { kind: 'short-term' }>): StrataError {
  return new KeyRefused('session-expired', 'Your Bedrock API key has expired.', {
    action: 'Short-term keys last 12 hours at most: make a new one in the Amazon Bedrock console and paste it under Settings → Account.',
    details: `Short-term key ending ${info.ending}, ended ${new Date(info.expiresAt).toISOString()}`,
  });
}

/** What the key says of itself, once it is known not to have ended; throws in words when it is no key or has ended. */
export function usableKey(key: string, now: number): ApiKeyInfo {
  const info = describeApiKey(key);
  if (info.kind === 'short-term' && info.expiresAt <= now) throw expiredKey(info);
  return info;
}

/** The settings requests with `key` go with: a short-term key's own Region in place of the setting. */
export function settingsForKey(settings: CompanySettings, key: string): CompanySettings {
  try {
    const info = describeApiKey(key);
    return info.kind === 'short-term' ? { ...settings, region: info.region } : settings;
  } catch {
    return settings;
  }
}

/** Asks Bedrock whether it takes `key`: the list of its models, which every API key may read. */
export async function checkApiKey(clients: AwsClients, settings: CompanySettings, key: string, signal?: AbortSignal): Promise<void> {
  const client = clients.bedrock(settings, { kind: 'bearer', token: key });
  try {
    await client.send(new ListFoundationModelsCommand({ byOutputModality: 'TEXT' }), { abortSignal: signal });
  } catch (err) {
    const refused = apiKeyRefused(err);
    throw refused ? new KeyRefused(refused.code, refused.message, { ...refused, cause: err }) : asStrataError(err, 'aws');
  } finally {
    client.destroy();
  }
}

/** Whom the header names: the IAM user a long-term key belongs to, else the key. */
function keyHolder(info: ApiKeyInfo): string {
  if (info.kind === 'long-term') return info.user ?? `Bedrock API key …${info.ending}`;
  return `Bedrock API key for ${info.region}`;
}

const noKey = () =>
  new StrataError('not-configured', 'No Bedrock API key is saved on this computer.', {
    action: 'Paste your key under Settings → Account.',
  });

/**
 * The key as the session lifetime sees credentials: it does not renew. A short-term key's end is
 * its "renewal", which fails, so the session ends on time (or at once after the computer slept).
 */
class ApiKeyCredentials implements SessionCredentials {
  readonly issued: { expiresAt: number | null; issuedAt: number };
  constructor(
    readonly info: ApiKeyInfo,
    issuedAt: number,
  ) {
    this.issued = { expiresAt: info.kind === 'short-term' ? info.expiresAt : null, issuedAt };
  }
  readonly provider = () => Promise.reject(notSignedIn());
  renew(): Promise<unknown> {
    return Promise.reject(this.info.kind === 'short-term' ? expiredKey(this.info) : notSignedIn());
  }
  renewAt(): number | undefined {
    return this.info.kind === 'short-term' ? this.info.expiresAt : undefined;
  }
  forget(): void {}
}

interface ApiKeyActive extends ActiveSession {
  key: string;
  info: ApiKeyInfo;
}

export interface ApiKeySessionOptions extends SourceSessionOptions {
  vault: ApiKeyVault;
  settings: () => CompanySettings;
}

export class ApiKeySession extends SourceSession<ApiKeyActive> {
  constructor(private readonly options: ApiKeySessionOptions) {
    super(options);
    this.status = this.signedOut();
  }

  protected readonly signInUnderWay = 'Wait a moment while Amazon Bedrock checks your key.';

  protected attemptSignIn(): Promise<SourceStatus> {
    return this.start(true);
  }

  /** At start-up: uses the saved key when the settings that decide where it goes are unchanged, asking nothing. */
  async restore(): Promise<SourceStatus> {
    const saved = this.options.vault.load();
    if (!saved || saved.scope !== apiKeyScope(this.settingsFor(saved.key))) return this.getStatus();
    return this.track(this.start(false));
  }

  /** Stops using the key and forgets it: it is a secret only the person can give again. */
  async signOut(): Promise<SourceStatus> {
    this.attempt?.abort();
    this.end();
    this.options.vault.clear();
    this.setStatus(this.signedOut());
    return this.status;
  }

  /** Requests carry the key as a bearer token. */
  override bedrockAuth(): BedrockAuth {
    if (!this.active) throw notSignedIn();
    return { kind: 'bearer', token: this.active.key };
  }

  /** A Bedrock API key works with Bedrock's models only: no other AWS service takes it. */
  override credentialProvider(): never {
    throw new StrataError('not-configured', 'A Bedrock API key works only for chatting with models.', {
      action: 'To use this, sign in with your company account or an AWS profile under Settings → Account.',
    });
  }

  override async callerIdentity(): Promise<AwsIdentity> {
    const active = this.active;
    if (!active) throw notSignedIn();
    return active.identity;
  }

  override async whoAmI(): Promise<{ kind: 'api-key'; key: ApiKeyInfo }> {
    const active = this.active;
    if (!active) throw notSignedIn();
    if (active.info.kind === 'short-term' && active.info.expiresAt <= this.now()) throw expiredKey(active.info);
    return { kind: 'api-key', key: active.info };
  }

  /** There is no page to open: the key is pasted in Settings. */
  protected openPage(): Promise<void> {
    return Promise.resolve();
  }

  /** An expired or refused key would only fail again: it is forgotten, and Settings asks for a new one. */
  protected lost(): void {
    this.options.vault.clear();
  }

  /** Nothing is missing from the settings: without a key, the front door asks for one (the status's source says whether there is). */
  protected signedOut(): SourceStatus {
    return { state: 'signed-out', configured: true, missing: [] };
  }

  private settingsFor(key: string): CompanySettings {
    return settingsForKey(this.options.settings(), key);
  }

  private async start(interactive: boolean): Promise<SourceStatus> {
    const saved = this.options.vault.load();
    if (!saved) {
      if (!interactive) return this.getStatus();
      throw noKey();
    }
    const { generation, attempt } = this.begin();
    this.setStatus({ state: 'signing-in', startedAt: this.now(), interactive });
    try {
      const info = usableKey(saved.key, this.now());
      const settings = this.settingsFor(saved.key);
      await abortable(checkApiKey(this.options.clients, settings, saved.key, attempt.signal), attempt.signal);
      if (generation !== this.generation) throw notSignedIn();
      this.options.vault.save({ key: saved.key, scope: apiKeyScope(settings) });
      const account = info.kind === 'long-term' ? (info.account ?? '') : '';
      this.activate(generation, {
        key: saved.key,
        info,
        credentials: new ApiKeyCredentials(info, this.now()),
        identity: { arn: '', account },
        settings,
        user: { subject: apiKeySubject(saved.key), name: keyHolder(info) },
      });
      return this.status;
    } catch (err) {
      const error = toAppError(err, 'aws');
      // A key Bedrock refused, or one that ended, would fail the same way at every start.
      if (generation === this.generation && err instanceof KeyRefused) this.options.vault.clear();
      this.attemptFailed(generation, error);
      throw StrataError.from(error, err);
    } finally {
      this.finishAttempt(attempt);
    }
  }
}
