/**
 * The window's side of Strata's updates: the store follows main's status
 * (one subscription for the banner and Help), the banner offers "Restart to
 * update" only once an update is ready and says when Strata waits for an
 * answer, and Help says what a check found.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Result, UpdateStatus } from '../../preload/contract';
import { CheckForUpdatesView, checkResult } from '../../renderer/src/updates/CheckForUpdatesButton';
import { UpdateBannerView } from '../../renderer/src/updates/UpdateBanner';
import { createUpdatesStore, type UpdatesApi } from '../../renderer/src/updates/updates-store';
import { find, visibleText } from './react-tree';

function fakeApi(initial: UpdateStatus) {
  let status = initial;
  const listeners = new Set<(status: UpdateStatus) => void>();
  const calls: string[] = [];
  const ok = (value: UpdateStatus): Promise<Result<UpdateStatus>> => Promise.resolve({ ok: true, value });
  const api: UpdatesApi = {
    updates: {
      getStatus: () => (calls.push('get-status'), ok(status)),
      check: () => (calls.push('check'), ok(status)),
      restart: () => (calls.push('restart'), ok({ ...status, restartWhenIdle: true })),
      onStatus: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
  return {
    api,
    calls,
    listeners,
    emit(next: UpdateStatus) {
      status = next;
      for (const listener of listeners) listener(next);
    },
  };
}

describe('the updates store', () => {
  it('follows main with one subscription for all its readers, and asks again after none listened', async () => {
    const main = fakeApi({ state: 'idle' });
    const store = createUpdatesStore(main.api);
    const banner = store.getState().connect();
    const help = store.getState().connect();
    expect(main.listeners.size).toBe(1);
    await Promise.resolve();
    expect(store.getState().status).toEqual({ state: 'idle' });

    main.emit({ state: 'ready', version: '1.4.0' });
    expect(store.getState().status).toEqual({ state: 'ready', version: '1.4.0' });
    banner();
    expect(main.listeners.size).toBe(1);
    help();
    expect(main.listeners.size).toBe(0);

    // Between one screen and the next, nothing listened: the next reader asks.
    main.emit({ state: 'ready', version: '1.4.0', restartWhenIdle: true });
    store.getState().connect();
    await Promise.resolve();
    expect(store.getState().status).toEqual({ state: 'ready', version: '1.4.0', restartWhenIdle: true });
    expect(main.calls).toEqual(['get-status', 'get-status']);
  });

  it('remembers that the person asked, so Help says what the check found', async () => {
    const main = fakeApi({ state: 'idle' });
    const store = createUpdatesStore(main.api);
    expect(store.getState().asked).toBe(false);
    await store.getState().check();
    expect(store.getState()).toMatchObject({ asked: true, status: { state: 'idle' } });
  });
});

const ignore = () => {};
const render = (status: UpdateStatus | null, asked = false) => ({
  banner: visibleText(renderToStaticMarkup(<UpdateBannerView status={status} error={null} onRestart={ignore} />)),
  help: visibleText(renderToStaticMarkup(<CheckForUpdatesView status={status} asked={asked} onCheck={ignore} />)),
});

describe('Restart to update', () => {
  it('shows only once an update is downloaded and checked', () => {
    for (const state of ['idle', 'checking', 'available', 'downloading', 'error', 'off'] as const) {
      expect(render({ state, version: '1.4.0' }).banner).toBe('');
    }
    expect(render({ state: 'ready', version: '1.4.0' }).banner).toBe('Strata 1.4.0 is ready to install.Restart to update');
  });

  it('asks main to restart when pressed', () => {
    let pressed = 0;
    const tree = UpdateBannerView({ status: { state: 'ready', version: '1.4.0' }, error: null, onRestart: () => pressed++ });
    (find(tree, 'update-restart-button').props.onClick as () => void)();
    expect(pressed).toBe(1);
  });

  it('says Strata waits for the answer, with no button to press again', () => {
    expect(render({ state: 'ready', version: '1.4.0', restartWhenIdle: true }).banner).toBe('Strata will restart when the answer finishes.');
  });
});

describe('Help → Check for updates', () => {
  it("isn't offered where Strata doesn't update itself", () => {
    expect(render({ state: 'off', reason: 'Your organization has turned off updates in Strata.' }).help).toBe('');
    expect(render(null).help).toBe('');
  });

  it('says what the check found once the person asked', () => {
    expect(render({ state: 'idle' }).help).toBe('Check for updates');
    expect(render({ state: 'idle' }, true).help).toBe('Check for updatesStrata is up to date.');
    expect(checkResult({ state: 'checking' })).toBe('Checking for updates…');
    expect(checkResult({ state: 'downloading', version: '1.4.0' })).toBe('Downloading Strata 1.4.0…');
    expect(checkResult({ state: 'ready', version: '1.4.0' })).toBe('Strata 1.4.0 is ready: use Restart to update at the top of the window.');
    expect(checkResult({ state: 'error', reason: "Strata couldn't reach its update feed. It will try again later." })).toBe(
      "Strata couldn't reach its update feed. It will try again later.",
    );
  });
});
