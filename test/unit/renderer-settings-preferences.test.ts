import { describe, expect, it, vi } from 'vitest';
import type { AppError, PersonalPreferences, PreferencesPatch, Result } from '../../preload/contract';
import { applyAppearance } from '../../renderer/src/settings/appearance';
import { isSendKey, sendHint, sendShortcut } from '../../renderer/src/settings/enter-to-send';
import { preferenceProblems } from '../../renderer/src/settings/personal-settings';
import { createPreferencesStore, type PreferencesApi } from '../../renderer/src/settings/preferences-store';

const defaults: PersonalPreferences = {
  theme: 'system',
  textSize: 'normal',
  defaultModelId: '',
  defaultInstructions: '',
  enterToSend: true,
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

/** A fake `window.strata.preferences` keeping its own copy, as main does. */
function fakePreferences(initial: PersonalPreferences = defaults) {
  let saved = initial;
  const listeners = new Set<(preferences: PersonalPreferences) => void>();
  const preferences = {
    get: vi.fn((): Promise<Result<PersonalPreferences>> => Promise.resolve(ok(saved))),
    update: vi.fn((patch: PreferencesPatch): Promise<Result<PersonalPreferences>> => {
      saved = { ...saved, ...patch };
      return Promise.resolve(ok(saved));
    }),
    onChanged: vi.fn((listener: (preferences: PersonalPreferences) => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    }),
  } satisfies PreferencesApi['preferences'];
  return {
    api: { preferences },
    preferences,
    listeners,
    emit: (next: PersonalPreferences) => {
      for (const listener of listeners) listener(next);
    },
  };
}

describe('preferences store', () => {
  it('connect() loads the preferences and follows changes made elsewhere; its return unsubscribes', async () => {
    const fake = fakePreferences({ ...defaults, theme: 'dark' });
    const store = createPreferencesStore(fake.api);
    const disconnect = store.getState().connect();
    await vi.waitFor(() => expect(store.getState().preferences?.theme).toBe('dark'));

    fake.emit({ ...defaults, textSize: 'large' });
    expect(store.getState().preferences).toEqual({ ...defaults, textSize: 'large' });

    disconnect();
    expect(fake.listeners.size).toBe(0);
  });

  it('a change shows at once, before main has answered, and main\'s answer is kept', async () => {
    const fake = fakePreferences();
    const answer = deferred<Result<PersonalPreferences>>();
    fake.preferences.update.mockReturnValueOnce(answer.promise);
    const store = createPreferencesStore(fake.api);
    await store.getState().load();

    const saving = store.getState().update({ theme: 'dark' });
    expect(store.getState().preferences?.theme).toBe('dark');
    expect(fake.preferences.update).toHaveBeenCalledWith({ theme: 'dark' });

    answer.resolve(ok({ ...defaults, theme: 'dark', enterToSend: false }));
    await expect(saving).resolves.toBeNull();
    expect(store.getState().preferences).toEqual({ ...defaults, theme: 'dark', enterToSend: false });
  });

  it('the latest change wins over older answers and events still on their way', async () => {
    const fake = fakePreferences();
    const first = deferred<Result<PersonalPreferences>>();
    const second = deferred<Result<PersonalPreferences>>();
    fake.preferences.update.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const store = createPreferencesStore(fake.api);
    store.getState().connect();
    await vi.waitFor(() => expect(store.getState().preferences).not.toBeNull());

    const a = store.getState().update({ theme: 'dark' });
    const b = store.getState().update({ textSize: 'larger' });
    // main announces the first change while the second is still being saved: the window must not step back.
    fake.emit({ ...defaults, theme: 'dark' });
    expect(store.getState().preferences).toMatchObject({ theme: 'dark', textSize: 'larger' });
    second.resolve(ok({ ...defaults, theme: 'dark', textSize: 'larger' }));
    await b;
    first.resolve(ok({ ...defaults, theme: 'dark' }));
    await a;
    expect(store.getState().preferences).toMatchObject({ theme: 'dark', textSize: 'larger' });
  });

  it('a change main refuses is undone, and the reason kept to show', async () => {
    const fake = fakePreferences({ ...defaults, theme: 'light' });
    const refusal: AppError = { code: 'storage-failed', message: "Strata couldn't save your preferences." };
    fake.preferences.update.mockResolvedValueOnce(failed(refusal));
    const store = createPreferencesStore(fake.api);
    await store.getState().load();

    await expect(store.getState().update({ theme: 'dark' })).resolves.toEqual(refusal);
    expect(store.getState().preferences?.theme).toBe('light');
    expect(store.getState().saveError).toEqual(refusal);
    store.getState().dismissSaveError();
    expect(store.getState().saveError).toBeNull();
  });

  it('a failed load keeps the error to show with a retry', async () => {
    const fake = fakePreferences();
    fake.preferences.get.mockResolvedValueOnce(failed({ code: 'internal', message: 'Something went wrong in Strata.' }));
    const store = createPreferencesStore(fake.api);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ preferences: null, loadError: { code: 'internal' } });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ preferences: defaults, loadError: null });
  });
});

describe('appearance', () => {
  it('an explicit theme and text size go on the root; "system" and "normal" leave the system in charge', () => {
    const root = { dataset: {} as DOMStringMap };
    applyAppearance(root, { theme: 'dark', textSize: 'large' });
    expect(root.dataset).toEqual({ theme: 'dark', textSize: 'large' });
    applyAppearance(root, { theme: 'system', textSize: 'normal' });
    expect(root.dataset).toEqual({});
    applyAppearance(root, { theme: 'light', textSize: 'small' });
    applyAppearance(root, null);
    expect(root.dataset).toEqual({});
  });
});

describe('Enter to send', () => {
  const press = (key: string, extra: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
    key,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    ...extra,
  });

  it('on: Enter sends, Shift+Enter is a new line', () => {
    expect(isSendKey(press('Enter'), true)).toBe(true);
    expect(isSendKey(press('Enter', { shiftKey: true }), true)).toBe(false);
    expect(isSendKey(press('a'), true)).toBe(false);
  });

  it('off: Enter is a new line, Ctrl+Enter or ⌘+Enter sends', () => {
    expect(isSendKey(press('Enter'), false)).toBe(false);
    expect(isSendKey(press('Enter', { ctrlKey: true }), false)).toBe(true);
    expect(isSendKey(press('Enter', { metaKey: true }), false)).toBe(true);
  });

  it('the message box says which', () => {
    expect(sendHint(true, false)).toBe('Enter to send, Shift+Enter for a new line');
    expect(sendHint(false, false)).toBe('Ctrl+Enter to send, Enter for a new line');
    expect(sendHint(false, true)).toBe('⌘+Enter to send, Enter for a new line');
    expect([sendShortcut(true, false), sendShortcut(false, false), sendShortcut(false, true)]).toEqual([
      'Enter',
      'Control+Enter',
      'Meta+Enter',
    ]);
  });
});

describe('preference problems', () => {
  it('go beside their preference; anything else is one notice', () => {
    const invalid: AppError = {
      code: 'invalid-input',
      message: "Some values aren't valid.",
      fields: { defaultInstructions: 'Keep the instructions to 20,000 characters or fewer.' },
    };
    expect(preferenceProblems(invalid)).toEqual({
      problems: { defaultInstructions: 'Keep the instructions to 20,000 characters or fewer.' },
      notice: null,
    });
    const disk: AppError = { code: 'storage-failed', message: "Strata couldn't save your preferences." };
    expect(preferenceProblems(disk)).toEqual({ problems: {}, notice: disk });
    expect(preferenceProblems(null)).toEqual({ problems: {}, notice: null });
  });
});
