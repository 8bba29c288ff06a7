/**
 * Strata's own updates, as IT controls them: which feed and channel (IT
 * policy, else the feed built into the installer, else none), checking at
 * start-up and every few hours or when asked, downloading what is found, and
 * "Restart to update", which never cuts off an answer: while one streams, the
 * restart waits for it. The platform's updater (electron-updater in the app)
 * does the fetching and checks the download's sha512 and signature; this
 * module decides when, and says where things stand.
 */
import type { UpdateStatus } from '../../preload/contract';
import { StrataError } from '../errors';
import type { UpdatePolicy } from '../settings/policy-rules';
import type { Log } from './logger';

/** The feed to ask: IT's address, or (no url) the one built into the installer; and the channel, if IT chose one. */
export interface UpdateFeed {
  url?: string;
  channel?: UpdatePolicy['channel'];
}

/** What the services need from the platform's updater. */
export interface Updater {
  /**
   * Why this copy can't update itself (its installer has no update settings, or on Windows isn't signed, so an
   * update's signature can't be checked); absent when it can, from the feed built into the installer or IT's.
   */
  readonly unavailable?: string;
  /** Asks `feed` for a newer version than the one running; null when there is none (never an older one). */
  check(feed: UpdateFeed): Promise<{ version: string } | null>;
  /** Downloads the version `check` found; resolves once its sha512 (and signature, where the platform has one) checked out. */
  download(): Promise<void>;
  /** Quits Strata, installs the downloaded version and starts it again. */
  quitAndInstall(): void;
}

/** Where updates come from, or why there are none. */
export type FeedChoice = { kind: 'feed'; feed: UpdateFeed } | { kind: 'off'; reason: string };

export const UPDATES_OFF_BY_POLICY = 'Your organization has turned off updates in Strata. IT installs new versions for you.';
export const NOT_INSTALLED = "This copy of Strata wasn't installed from an installer, so it doesn't update itself.";

/**
 * Picks the feed: off when IT policy turns updates off or this copy can't update itself; else IT's
 * address and channel, or (the policy names no address) the feed built into the installer.
 */
export function chooseFeed(policy: UpdatePolicy | undefined, updater: Pick<Updater, 'unavailable'> | undefined): FeedChoice {
  if (!updater) return { kind: 'off', reason: NOT_INSTALLED };
  if (policy && !policy.enabled) return { kind: 'off', reason: UPDATES_OFF_BY_POLICY };
  if (updater.unavailable) return { kind: 'off', reason: updater.unavailable };
  const channel = policy?.channel ? { channel: policy.channel } : {};
  return { kind: 'feed', feed: policy?.feedUrl ? { url: policy.feedUrl, ...channel } : channel };
}

/** The message for an update that failed, by electron-updater's error codes; the details go to the log. */
export function updateFailure(err: unknown, stage: 'check' | 'download'): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_CHECKSUM_MISMATCH':
      return "The update Strata downloaded doesn't match the one the update feed lists, so Strata didn't install it. It will try again later; if this keeps happening, tell IT.";
    case 'ERR_UPDATER_INVALID_SIGNATURE':
      return "The update isn't signed by your organization's publisher, so Strata didn't install it. Tell IT.";
    case 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND':
      return "The update feed doesn't list a version for this channel. Tell IT if this keeps happening.";
    case 'ERR_UPDATER_INVALID_VERSION':
    case 'ERR_UPDATER_INVALID_UPDATE_INFO':
    case 'ERR_UPDATER_NO_FILES_PROVIDED':
      return "The update feed lists an update Strata can't read. Tell IT if this keeps happening.";
    default:
      return stage === 'check'
        ? "Strata couldn't reach its update feed. It will try again later."
        : "Strata couldn't download the update. It will try again later.";
  }
}

export interface UpdateServiceOptions {
  /** The platform's updater; absent where Strata can't update itself (running from source, most tests). */
  updater?: Updater;
  /** What IT policy says about updates, if anything. */
  policy: () => UpdatePolicy | undefined;
  /** Whether an answer is streaming now. */
  answersRunning: () => boolean;
  onStatus: (status: UpdateStatus) => void;
  log: Log;
  /** The first check after start-up, ms (default one minute: start-up has its own work). */
  firstCheckMs?: number;
  /** Then every this many ms (default four hours). */
  everyMs?: number;
  /** While a restart waits, how often to look again whether answers are still running, ms (besides each answer's end). */
  idlePollMs?: number;
}

const MINUTE = 60_000;

/** Checks, downloads and installs Strata's updates; see the top of this file. */
export class UpdateService {
  #status: UpdateStatus;
  readonly #choice: FeedChoice;
  #checking: Promise<UpdateStatus> | undefined;
  #timers: Array<ReturnType<typeof setTimeout>> = [];
  #idlePoll: ReturnType<typeof setInterval> | undefined;
  #installing = false;

  constructor(private readonly options: UpdateServiceOptions) {
    this.#choice = chooseFeed(options.policy(), options.updater);
    this.#status = this.#choice.kind === 'off' ? { state: 'off', reason: this.#choice.reason } : { state: 'idle' };
  }

  status(): UpdateStatus {
    return this.#status;
  }

  /** Checks a little after start-up, then every few hours; nothing when updates are off. */
  start(): void {
    if (this.#choice.kind === 'off') {
      this.options.log(`updates: off (${this.#choice.reason})`);
      return;
    }
    const { feed } = this.#choice;
    this.options.log(`updates: from ${feed.url ?? "the installer's feed"}${feed.channel ? `, channel ${feed.channel}` : ''}`);
    const first = setTimeout(() => {
      void this.check();
      const every = setInterval(() => void this.check(), this.options.everyMs ?? 240 * MINUTE);
      every.unref?.();
      this.#timers.push(every);
    }, this.options.firstCheckMs ?? MINUTE);
    first.unref?.();
    this.#timers.push(first);
  }

  /** Asks the feed now and downloads what it offers; one check at a time, none once an update is ready. */
  check(): Promise<UpdateStatus> {
    if (this.#choice.kind === 'off' || !this.options.updater) return Promise.resolve(this.#status);
    if (this.#status.state === 'ready') return Promise.resolve(this.#status);
    this.#checking ??= this.#checkAndDownload(this.options.updater, this.#choice.feed).finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  /**
   * "Restart to update": installs now when no answer is streaming; otherwise says Strata will restart
   * once the answers finish, and does then.
   */
  restart(): UpdateStatus {
    if (this.#status.state !== 'ready') {
      throw new StrataError('invalid-input', 'There is no update ready to install yet.', { action: 'Strata tells you when one is ready.' });
    }
    if (!this.options.answersRunning()) {
      this.#install();
      return this.#status;
    }
    if (!this.#status.restartWhenIdle) {
      this.options.log('updates: restart asked for while an answer streams; waiting for it to finish');
      this.#set({ ...this.#status, restartWhenIdle: true });
      this.#idlePoll = setInterval(() => this.answerEnded(), this.options.idlePollMs ?? 2000);
      this.#idlePoll.unref?.();
    }
    return this.#status;
  }

  /** An answer finished: the restart waiting for it goes ahead once no other answer runs. */
  answerEnded(): void {
    if (this.#status.restartWhenIdle && !this.options.answersRunning()) this.#install();
  }

  dispose(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    clearInterval(this.#idlePoll);
  }

  async #checkAndDownload(updater: Updater, feed: UpdateFeed): Promise<UpdateStatus> {
    this.#set({ state: 'checking' });
    let found: { version: string } | null;
    try {
      found = await updater.check(feed);
    } catch (err) {
      return this.#fail(err, 'check');
    }
    if (!found) {
      this.options.log('updates: Strata is up to date');
      return this.#set({ state: 'idle' });
    }
    const { version } = found;
    this.options.log(`updates: version ${version} found; downloading`);
    this.#set({ state: 'available', version });
    this.#set({ state: 'downloading', version });
    try {
      await updater.download();
    } catch (err) {
      return this.#fail(err, 'download', version);
    }
    this.options.log(`updates: version ${version} downloaded and checked; ready to install`);
    return this.#set({ state: 'ready', version });
  }

  #fail(err: unknown, stage: 'check' | 'download', version?: string): UpdateStatus {
    this.options.log(`updates: ${stage === 'check' ? 'checking' : `downloading version ${version}`} failed: ${err instanceof Error ? err.message : String(err)}`, 'warn');
    return this.#set({ state: 'error', reason: updateFailure(err, stage), ...(version ? { version } : {}) });
  }

  #install(): void {
    if (this.#installing) return;
    this.#installing = true;
    clearInterval(this.#idlePoll);
    this.options.log(`updates: restarting to install version ${this.#status.version}`);
    this.options.updater!.quitAndInstall();
  }

  #set(status: UpdateStatus): UpdateStatus {
    this.#status = status;
    this.options.onStatus(status);
    return status;
  }
}
