import { describe, expect, it, vi } from 'vitest';
import type { AppError, ConnectionReport, Result, SettingsPatch, SettingsView } from '../../preload/contract';
import { createSettingsStore, type SettingsApi } from '../../renderer/src/settings/settings-store';

function view(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    values: {
      companyName: 'Acme',
      issuer: 'https://login.acme.example',
      clientId: 'strata',
      scopes: 'openid email profile',
      redirectPort: 0,
      identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000',
      region: 'us-east-1',
      loginsKey: '',
      cognitoIdentityEndpoint: '',
      stsEndpoint: '',
      bedrockEndpoint: '',
      bedrockRuntimeEndpoint: '',
      bedrockAgentEndpoint: '',
      bedrockAgentRuntimeEndpoint: '',
      ssoEndpoint: '',
      ssoOidcEndpoint: '',
      proxy: 'system',
      noProxy: '',
      caBundle: '',
      credentialSource: 'company',
    },
    sources: {
      companyName: 'policy',
      issuer: 'policy',
      clientId: 'user',
      scopes: 'default',
      redirectPort: 'default',
      identityPoolId: 'user',
      region: 'env',
      loginsKey: 'default',
      cognitoIdentityEndpoint: 'default',
      stsEndpoint: 'default',
      bedrockEndpoint: 'default',
      bedrockRuntimeEndpoint: 'default',
      bedrockAgentEndpoint: 'default',
      bedrockAgentRuntimeEndpoint: 'default',
      ssoEndpoint: 'default',
      ssoOidcEndpoint: 'default',
      proxy: 'default',
      noProxy: 'default',
      caBundle: 'default',
      credentialSource: 'default',
    },
    locked: { issuer: 'Your company sets the sign-in service.' },
    notices: [],
    tokenStorage: { persistent: true },
    proxySignIn: null,
    ...overrides,
  };
}

const invalidRegion: AppError = {
  code: 'invalid-input',
  message: "Some values aren't valid.",
  fields: { region: 'Enter an AWS Region, such as us-east-1.' },
};
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const failed = <T>(error: AppError): Result<T> => ({ ok: false, error });

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A fake `window.strata.settings` that records calls and lets the test push changes. */
function fakeSettings(initial: SettingsView = view()) {
  const listeners = new Set<(view: SettingsView) => void>();
  const settings = {
    get: vi.fn((): Promise<Result<SettingsView>> => Promise.resolve(ok(initial))),
    update: vi.fn(
      (patch: SettingsPatch): Promise<Result<SettingsView>> => Promise.resolve(ok(view({ values: { ...initial.values, ...patch } }))),
    ),
    dismissNotice: vi.fn(
      ({ id }: { id: string }): Promise<Result<SettingsView>> =>
        Promise.resolve(ok(view({ notices: initial.notices.filter((notice) => notice.id !== id) }))),
    ),
    setProxySignIn: vi.fn(
      ({ username }: { username: string; password: string }): Promise<Result<SettingsView>> =>
        Promise.resolve(ok(view({ proxySignIn: { username, persistent: true } }))),
    ),
    clearProxySignIn: vi.fn((): Promise<Result<SettingsView>> => Promise.resolve(ok(view({ proxySignIn: null })))),
    onChanged: vi.fn((listener: (view: SettingsView) => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    }),
  } satisfies SettingsApi['settings'];
  const app = {
    checkConnection: vi.fn(
      (): Promise<Result<ConnectionReport>> => Promise.resolve(ok({ checkedAt: 1, checks: [], text: 'report' })),
    ),
  } satisfies SettingsApi['app'];
  return {
    api: { settings, app },
    app,
    settings,
    listeners,
    emit: (next: SettingsView) => {
      for (const listener of listeners) listener(next);
    },
  };
}

describe('settings store', () => {
  it('Check connection: checking, then the report; the latest check wins; a save makes the report stale', async () => {
    const fake = fakeSettings();
    const store = createSettingsStore(fake.api);
    const slow = deferred<Result<ConnectionReport>>();
    fake.app.checkConnection.mockImplementationOnce(() => slow.promise);
    const first = store.getState().checkConnection();
    expect(store.getState().connectionCheck).toEqual({ kind: 'checking' });
    await store.getState().checkConnection();
    expect(store.getState().connectionCheck).toEqual({ kind: 'done', report: { checkedAt: 1, checks: [], text: 'report' } });
    // The first, slower check answers last: it does not replace the newer report.
    slow.resolve(ok({ checkedAt: 0, checks: [], text: 'older' }));
    await first;
    expect(store.getState().connectionCheck).toMatchObject({ kind: 'done', report: { text: 'report' } });

    await store.getState().save({ proxy: 'none' });
    expect(store.getState().connectionCheck).toEqual({ kind: 'idle' });

    fake.app.checkConnection.mockResolvedValueOnce(failed(invalidRegion));
    await store.getState().checkConnection();
    expect(store.getState().connectionCheck).toEqual({ kind: 'failed', error: invalidRegion });
  });

  it('the proxy sign-in: saved in main, the view shows who (a report made without it goes); a refusal comes back', async () => {
    const fake = fakeSettings();
    const store = createSettingsStore(fake.api);
    await store.getState().checkConnection();
    await expect(store.getState().setProxySignIn({ username: 'ada', password: 'secret' })).resolves.toBeNull();
    expect(fake.settings.setProxySignIn).toHaveBeenCalledWith({ username: 'ada', password: 'secret' });
    expect(store.getState().view?.proxySignIn).toEqual({ username: 'ada', persistent: true });
    expect(store.getState().connectionCheck).toEqual({ kind: 'idle' });
    expect(JSON.stringify(store.getState())).not.toContain('secret');

    await expect(store.getState().clearProxySignIn()).resolves.toBeNull();
    expect(store.getState().view?.proxySignIn).toBeNull();
    fake.settings.setProxySignIn.mockResolvedValueOnce(failed(invalidRegion));
    await expect(store.getState().setProxySignIn({ username: 'ada', password: 'x' })).resolves.toEqual(invalidRegion);
    expect(store.getState().view?.proxySignIn).toBeNull();
  });

  it('connect() loads the view and follows changes; its return unsubscribes', async () => {
    const fake = fakeSettings();
    const store = createSettingsStore(fake.api);

    const disconnect = store.getState().connect();
    await vi.waitFor(() => {
      expect(store.getState().view).toEqual(view());
    });

    const changed = view({ values: { ...view().values, companyName: 'Acme Europe' } });
    fake.emit(changed);
    expect(store.getState().view).toEqual(changed);

    disconnect();
    expect(fake.listeners.size).toBe(0);
  });

  it('a slow load does not overwrite a newer change event', async () => {
    const fake = fakeSettings();
    const slow = deferred<Result<SettingsView>>();
    fake.settings.get.mockReturnValueOnce(slow.promise);
    const store = createSettingsStore(fake.api);

    store.getState().connect();
    const newer = view({ tokenStorage: { persistent: false, reason: 'no keychain' } });
    fake.emit(newer);
    slow.resolve(ok(view()));
    await slow.promise;
    await Promise.resolve();

    expect(store.getState().view).toEqual(newer);
  });

  it('a failed load keeps the error to show with a retry', async () => {
    const fake = fakeSettings();
    fake.settings.get.mockResolvedValueOnce(failed({ code: 'internal', message: 'Settings could not be read.' }));
    const store = createSettingsStore(fake.api);

    await store.getState().load();
    expect(store.getState()).toMatchObject({ view: null, loadError: { code: 'internal' } });

    await store.getState().load();
    expect(store.getState()).toMatchObject({ view: view(), loadError: null });
  });

  it('save() sends the patch, shows saving, then "saved" with the new view', async () => {
    const fake = fakeSettings();
    const store = createSettingsStore(fake.api);
    await store.getState().load();

    const saving = store.getState().save({ clientId: 'strata-desktop', redirectPort: 53682 });
    expect(store.getState().saveState).toEqual({ kind: 'saving' });

    await expect(saving).resolves.toBeNull();
    expect(fake.settings.update).toHaveBeenCalledWith({ clientId: 'strata-desktop', redirectPort: 53682 });
    expect(store.getState().saveState).toEqual({ kind: 'saved' });
    expect(store.getState().view?.values).toMatchObject({ clientId: 'strata-desktop', redirectPort: 53682 });
  });

  it('a rejected save keeps the view and holds the validation error to show by the form', async () => {
    const fake = fakeSettings();
    fake.settings.update.mockResolvedValueOnce(failed(invalidRegion));
    const store = createSettingsStore(fake.api);
    await store.getState().load();

    await expect(store.getState().save({ region: 'Ohio' })).resolves.toEqual(invalidRegion);
    expect(store.getState().saveState).toEqual({ kind: 'failed', error: invalidRegion });
    expect(store.getState().view).toEqual(view());

    store.getState().resetSaveState();
    expect(store.getState().saveState).toEqual({ kind: 'idle' });
  });

  it('dismissNotice() removes the notice, or explains why it could not', async () => {
    const withNotice = view({ notices: [{ id: 'reset', level: 'warning', message: 'Your settings were reset.' }] });
    const fake = fakeSettings(withNotice);
    const store = createSettingsStore(fake.api);
    await store.getState().load();

    await store.getState().dismissNotice('reset');
    expect(fake.settings.dismissNotice).toHaveBeenCalledWith({ id: 'reset' });
    expect(store.getState().view?.notices).toEqual([]);

    fake.settings.dismissNotice.mockResolvedValueOnce(failed({ code: 'internal', message: 'Could not dismiss.' }));
    await store.getState().dismissNotice('other');
    expect(store.getState().noticeError).toEqual({ code: 'internal', message: 'Could not dismiss.' });
  });
});
