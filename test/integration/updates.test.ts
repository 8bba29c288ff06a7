/**
 * Strata's updates against an update feed on this machine, through
 * electron-updater's own Windows updater (only Electron's app and network
 * stood in): what is newer is downloaded and checked, nothing older or equal
 * is taken, a download that doesn't match the feed's sha512 or isn't signed
 * by the publisher is refused, IT policy picks the channel or turns updates
 * off (and then the feed hears nothing), and "Restart to update" waits for
 * the answers streaming.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServices } from '../../main/app/services';
import {
  chooseFeed,
  NOT_INSTALLED,
  UPDATES_OFF_BY_POLICY,
  UpdateService,
  type Updater,
  type UpdateServiceOptions,
} from '../../main/app/updates';
import { StrataError } from '../../main/errors';
import { NO_UPDATE_SETTINGS, UNSIGNED_WINDOWS_BUILD } from '../../main/platform/updates';
import type { UpdatePolicy } from '../../main/settings/policy-rules';
import type { UpdateStatus } from '../../preload/contract';
import { nodePlatform } from '../harness/node-platform';
import { callHandler, collected } from '../harness/services-calls';
import { nodeUpdater, startUpdateFeed, type NodeUpdaterOptions, type UpdateFeed } from '../harness/update-feed';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  while (cleanups.length) await cleanups.pop()!();
});

async function feed(): Promise<UpdateFeed> {
  const started = await startUpdateFeed();
  cleanups.push(() => started.close());
  return started;
}

const logs: string[] = [];
const log = (message: string) => logs.push(message);

/**
 * The update service over electron-updater for Strata `version`, from a signed build whose installer's feed is
 * `feedUrl`; downloads pass the signature check unless `extra` says otherwise.
 */
function updates(version: string, feedUrl: string, policy?: UpdatePolicy, extra: Partial<NodeUpdaterOptions> = {}) {
  const node = nodeUpdater({
    version,
    log,
    updateConfig: { url: feedUrl, publisherName: 'CN=Example Corp' },
    verifySignature: async () => null,
    ...extra,
  });
  const statuses: UpdateStatus[] = [];
  const service = new UpdateService({ updater: node.updater, policy: () => policy, answersRunning: () => false, onStatus: (s) => statuses.push(s), log });
  cleanups.push(() => service.dispose());
  return { service, node, statuses };
}

const installers = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.exe')) : []);

describe('checking the feed', () => {
  it('downloads a newer version and says it is ready to install', async () => {
    const server = await feed();
    server.publish('1.4.0');
    const { service, node, statuses } = updates('1.3.2', server.url);

    const status = await service.check();

    expect(status).toEqual({ state: 'ready', version: '1.4.0' });
    expect(statuses.map((s) => s.state)).toEqual(['checking', 'available', 'downloading', 'ready']);
    expect(server.requests).toEqual(['/latest.yml', '/Strata-Setup-1.4.0.exe']);
    expect(installers(node.cacheDir)).toEqual([path.join('pending', 'Strata-Setup-1.4.0.exe')]);
  });

  it('finds nothing when the feed lists the version running', async () => {
    const server = await feed();
    server.publish('1.3.2');
    const { service, node } = updates('1.3.2', server.url);

    expect(await service.check()).toEqual({ state: 'idle' });
    expect(server.requests).toEqual(['/latest.yml']);
    expect(installers(node.cacheDir)).toEqual([]);
  });

  it('never goes back to an older version', async () => {
    const server = await feed();
    server.publish('1.2.9');
    const { service, node } = updates('1.3.2', server.url);

    expect(await service.check()).toEqual({ state: 'idle' });
    expect(server.requests).toEqual(['/latest.yml']);
    expect(installers(node.cacheDir)).toEqual([]);
  });

  it("refuses a download whose sha512 isn't the feed's, installs nothing and says so", async () => {
    const server = await feed();
    server.publish('1.4.0', { content: 'a tampered installer', listedContent: 'the installer IT published' });
    const { service, node } = updates('1.3.2', server.url);

    const status = await service.check();

    expect(status).toEqual({
      state: 'error',
      version: '1.4.0',
      reason: "The update Strata downloaded doesn't match the one the update feed lists, so Strata didn't install it. It will try again later; if this keeps happening, tell IT.",
    });
    expect(server.requests).toContain('/Strata-Setup-1.4.0.exe');
    expect(installers(node.cacheDir)).toEqual([]);
    expect(() => service.restart()).toThrow('There is no update ready to install yet.');
    expect(node.installs).toBe(0);
    expect(logs.join('\n')).toMatch(/sha512 checksum mismatch/);
  });

  it("refuses an installer that isn't signed by the publisher the build names", async () => {
    const server = await feed();
    server.publish('1.4.0');
    const verified: string[][] = [];
    const { service, node } = updates('1.3.2', server.url, undefined, {
      updateConfig: { url: server.url, publisherName: 'CN=Example Corp' },
      // Windows' Authenticode check, as electron-updater calls it with the publisher from app-update.yml.
      verifySignature: async (publishers) => (verified.push(publishers), 'signed by CN=Someone Else'),
    });

    const status = await service.check();

    expect(verified).toEqual([['CN=Example Corp']]);
    expect(status).toMatchObject({ state: 'error', reason: "The update isn't signed by your organization's publisher, so Strata didn't install it. Tell IT." });
    expect(installers(node.cacheDir)).toEqual([]);
    expect(node.installs).toBe(0);
  });

  it('reads the channel IT chose: beta.yml, and still never an older version there', async () => {
    const server = await feed();
    server.publish('1.4.0');
    server.publish('1.5.0-beta.2', { channel: 'beta' });
    const { service } = updates('1.3.2', 'https://updates.invalid/', { enabled: true, feedUrl: server.url, channel: 'beta' });
    expect(await service.check()).toEqual({ state: 'ready', version: '1.5.0-beta.2' });
    expect(server.requests).toEqual(['/beta.yml', '/Strata-Setup-1.5.0-beta.2.exe']);

    const older = await feed();
    older.publish('1.2.0', { channel: 'beta' });
    const second = updates('1.3.2', older.url, { enabled: true, channel: 'beta' });
    expect(await second.service.check()).toEqual({ state: 'idle' });
    expect(older.requests).toEqual(['/beta.yml']);
  });

  it("says why a feed that can't be reached or lacks the channel failed, in words", async () => {
    const server = await feed();
    const { service } = updates('1.3.2', server.url, { enabled: true, channel: 'alpha' });
    expect(await service.check()).toEqual({ state: 'error', reason: "The update feed doesn't list a version for this channel. Tell IT if this keeps happening." });
    expect(server.requests).toEqual(['/alpha.yml']);
  });

  it('sets electron-updater up so nothing skips a check or installs unasked', async () => {
    const server = await feed();
    server.publish('1.4.0', { channel: 'beta' });
    const { service, node } = updates('1.3.2', server.url, { enabled: true, channel: 'beta' });
    expect(await service.check()).toMatchObject({ state: 'ready' });
    // The signature check is electron-updater's own: the refusal above shows Strata leaves it in place.
    expect(node.nsis).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false, forceDevUpdateConfig: false, disableWebInstaller: true, allowDowngrade: false });
  });
});

describe('where updates come from', () => {
  const updater = { unavailable: undefined };

  it('follows IT policy, then the feed built into the installer', () => {
    expect(chooseFeed({ enabled: true, feedUrl: 'https://updates.example.com/strata/', channel: 'beta' }, updater)).toEqual({
      kind: 'feed',
      feed: { url: 'https://updates.example.com/strata/', channel: 'beta' },
    });
    expect(chooseFeed({ enabled: true, channel: 'alpha' }, updater)).toEqual({ kind: 'feed', feed: { channel: 'alpha' } });
    expect(chooseFeed(undefined, updater)).toEqual({ kind: 'feed', feed: {} });
  });

  it('is off when IT says so, when the build has no update settings, and when running from source', () => {
    expect(chooseFeed({ enabled: false, feedUrl: 'https://updates.example.com/' }, updater)).toEqual({ kind: 'off', reason: UPDATES_OFF_BY_POLICY });
    expect(chooseFeed({ enabled: true }, { unavailable: NO_UPDATE_SETTINGS })).toEqual({ kind: 'off', reason: NO_UPDATE_SETTINGS });
    expect(chooseFeed(undefined, undefined)).toEqual({ kind: 'off', reason: NOT_INSTALLED });
  });

  it("doesn't update a build without update settings, or an unsigned Windows build", async () => {
    const server = await feed();
    server.publish('1.4.0');
    const none = updates('1.3.2', server.url, { enabled: true, feedUrl: server.url }, { updateConfig: null });
    expect(none.service.status()).toEqual({ state: 'off', reason: NO_UPDATE_SETTINGS });
    const unsigned = updates('1.3.2', server.url, undefined, { updateConfig: { url: server.url } });
    // nodeUpdater builds the Windows updater: its app-update.yml names no publisher.
    expect(unsigned.service.status()).toEqual({ state: 'off', reason: UNSIGNED_WINDOWS_BUILD });
    expect(await unsigned.service.check()).toEqual({ state: 'off', reason: UNSIGNED_WINDOWS_BUILD });
    expect(server.requests).toEqual([]);
  });
});

describe('in the services, with the policy file', () => {
  async function services(policy: unknown, server: UpdateFeed, version = '1.3.2') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-updates-'));
    const file = path.join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify(policy));
    const node = nodeUpdater({ version, log, updateConfig: { url: server.url, publisherName: 'CN=Example Corp' }, verifySignature: async () => null });
    const platform = nodePlatform({
      env: {},
      userDataDir: dir,
      keychainKey: randomBytes(32),
      policyPaths: [file],
      updater: node.updater,
      timing: { updateFirstCheckMs: 1, updateEveryMs: 60_000 },
    });
    const created = createServices(platform);
    cleanups.push(() => created.dispose());
    const events = collected(created, 'updates:status');
    await created.start();
    return { services: created, node, events };
  }

  it('turned off by policy: never asks the feed, at start-up or when asked', async () => {
    const server = await feed();
    server.publish('1.4.0');
    const { services: strata } = await services({ updates: { enabled: false } }, server);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await callHandler(strata, 'updates:check')).toEqual({ state: 'off', reason: UPDATES_OFF_BY_POLICY });
    expect(await callHandler(strata, 'updates:get-status')).toEqual({ state: 'off', reason: UPDATES_OFF_BY_POLICY });
    expect(server.requests).toEqual([]);
  });

  it("with no update policy, checks the installer's feed soon after start-up and tells the window", async () => {
    const server = await feed();
    server.publish('1.4.0');
    const { services: strata, events, node } = await services({}, server);
    await vi.waitFor(() => expect(strata.updates.status()).toEqual({ state: 'ready', version: '1.4.0' }));
    expect(events.at(-1)).toEqual({ state: 'ready', version: '1.4.0' });
    expect(server.requests).toEqual(['/latest.yml', '/Strata-Setup-1.4.0.exe']);
    expect(await callHandler(strata, 'updates:restart')).toEqual({ state: 'ready', version: '1.4.0' });
    expect(node.installs).toBe(1);
  });
});

/** An updater that has found and downloaded 2.0.0, recording installs. */
function readyUpdater() {
  const installs: number[] = [];
  const updater: Updater = {
    check: async () => ({ version: '2.0.0' }),
    download: async () => {},
    quitAndInstall: () => installs.push(Date.now()),
  };
  return { updater, installs };
}

function service(options: Partial<UpdateServiceOptions> & Pick<UpdateServiceOptions, 'updater' | 'answersRunning'>) {
  const created = new UpdateService({ policy: () => undefined, onStatus: () => {}, log, ...options });
  cleanups.push(() => created.dispose());
  return created;
}

describe('Restart to update', () => {
  it('restarts at once when no answer is streaming', async () => {
    const { updater, installs } = readyUpdater();
    const updates = service({ updater, answersRunning: () => false });
    await updates.check();
    expect(updates.restart()).toEqual({ state: 'ready', version: '2.0.0' });
    expect(installs).toHaveLength(1);
  });

  it('waits while answers stream, then restarts exactly once when the last one ends', async () => {
    const { updater, installs } = readyUpdater();
    let running = 2;
    const statuses: UpdateStatus[] = [];
    const updates = service({ updater, answersRunning: () => running > 0, onStatus: (s) => statuses.push(s), idlePollMs: 60_000 });
    await updates.check();

    expect(updates.restart()).toEqual({ state: 'ready', version: '2.0.0', restartWhenIdle: true });
    expect(statuses.at(-1)).toEqual({ state: 'ready', version: '2.0.0', restartWhenIdle: true });
    // Pressed again while waiting: still one restart to come.
    updates.restart();
    running = 1;
    updates.answerEnded();
    expect(installs).toHaveLength(0);

    running = 0;
    updates.answerEnded();
    updates.answerEnded();
    updates.restart();
    expect(installs).toHaveLength(1);
  });

  it("restarts once the answer ends even if its end wasn't announced", async () => {
    vi.useFakeTimers();
    const { updater, installs } = readyUpdater();
    let running = true;
    const updates = service({ updater, answersRunning: () => running, idlePollMs: 2000 });
    await updates.check();
    updates.restart();
    await vi.advanceTimersByTimeAsync(4000);
    expect(installs).toHaveLength(0);
    running = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(installs).toHaveLength(1);
  });

  it('refuses while nothing is ready', () => {
    const { updater, installs } = readyUpdater();
    const updates = service({ updater, answersRunning: () => false });
    expect(() => updates.restart()).toThrow(StrataError);
    expect(installs).toHaveLength(0);
  });
});

describe('when Strata checks', () => {
  it('a minute after start-up, then every four hours; one check at a time', async () => {
    vi.useFakeTimers();
    const checks: number[] = [];
    let finish = () => {};
    const updater: Updater = {
      check: () => (checks.push(Date.now()), new Promise((resolve) => (finish = () => resolve(null)))),
      download: async () => {},
      quitAndInstall: () => {},
    };
    const updates = service({ updater, answersRunning: () => false });
    const start = Date.now();
    updates.start();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(checks).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(checks).toEqual([start + 60_000]);
    // Help → Check for updates while that check runs: the same check.
    const asked = updates.check();
    expect(checks).toHaveLength(1);
    finish();
    expect(await asked).toEqual({ state: 'idle' });
    await vi.advanceTimersByTimeAsync(4 * 3600_000);
    expect(checks).toEqual([start + 60_000, start + 60_000 + 4 * 3600_000]);
  });
});
