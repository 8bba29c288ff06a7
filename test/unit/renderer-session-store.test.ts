import { describe, expect, it, vi } from 'vitest';
import type { AppError, ConnectionTest, Result, SessionStatus } from '../../preload/contract';
import { createSessionStore, type SessionApi } from '../../renderer/src/session/session-store';

const company = { kind: 'company' } as const;
const user = { subject: 'u-1', name: 'Jane Doe', email: 'jane@example.com' };
const signedOut: SessionStatus = { state: 'signed-out', configured: true, missing: [], source: company };
const ready: SessionStatus = {
  state: 'ready',
  user,
  identity: { arn: 'arn:aws:sts::123456789012:assumed-role/Strata-Users/CognitoIdentityCredentials', account: '123456789012' },
  region: 'us-east-1',
  expiresAt: 5_000_000,
  renewedAt: 1_000_000,
  source: company,
};
const expired: SessionStatus = {
  state: 'expired',
  user,
  error: { code: 'session-expired', message: 'Your session ended.' },
  source: company,
};
const idpUnreachable: AppError = {
  code: 'idp-unreachable',
  message: "Strata couldn't reach your company's sign-in service.",
  action: 'Check your connection and try again.',
};

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const failed = <T>(error: AppError): Result<T> => ({ ok: false, error });

/** A promise the test resolves when it wants, to look at the store in between. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A fake `window.strata.auth` that records calls and lets the test push status events. */
function fakeAuth(initial: SessionStatus = signedOut) {
  const listeners = new Set<(status: SessionStatus) => void>();
  const auth = {
    getStatus: vi.fn((): Promise<Result<SessionStatus>> => Promise.resolve(ok(initial))),
    signIn: vi.fn((): Promise<Result<SessionStatus>> => Promise.resolve(ok(ready))),
    signInWithCode: vi.fn((): Promise<Result<SessionStatus>> => Promise.resolve(ok(ready))),
    cancelSignIn: vi.fn((): Promise<Result<SessionStatus>> => Promise.resolve(ok(signedOut))),
    signOut: vi.fn((): Promise<Result<SessionStatus>> => Promise.resolve(ok(signedOut))),
    reopenSignInPage: vi.fn((): Promise<Result<null>> => Promise.resolve(ok(null))),
    submitMfaCode: vi.fn((_input: { code: string }): Promise<Result<null>> => Promise.resolve(ok(null))),
    networkBack: vi.fn((): Promise<Result<null>> => Promise.resolve(ok(null))),
    testConnection: vi.fn((): Promise<Result<ConnectionTest>> => Promise.resolve(ok({ steps: [] }))),
    onStatus: vi.fn((listener: (status: SessionStatus) => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    }),
  } satisfies SessionApi['auth'];
  return {
    api: { auth },
    auth,
    listeners,
    emit: (status: SessionStatus) => {
      for (const listener of listeners) listener(status);
    },
  };
}

describe('session store', () => {
  it('starts knowing nothing', () => {
    const store = createSessionStore(fakeAuth().api);
    expect(store.getState()).toMatchObject({ status: null, retained: null, error: null });
  });

  it('connect() follows status events and loads the current status; its return unsubscribes', async () => {
    const fake = fakeAuth(signedOut);
    const store = createSessionStore(fake.api);

    const disconnect = store.getState().connect();
    expect(fake.auth.onStatus).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => {
      expect(store.getState().status).toEqual(signedOut);
    });

    fake.emit(ready);
    expect(store.getState().status).toEqual(ready);

    disconnect();
    expect(fake.listeners.size).toBe(0);
    fake.emit(expired);
    expect(store.getState().status).toEqual(ready);
  });

  it('tells main when the network comes back, while connected only', () => {
    const fake = fakeAuth(signedOut);
    const window = new EventTarget();
    const store = createSessionStore(fake.api, Date.now, window);
    const disconnect = store.getState().connect();
    window.dispatchEvent(new Event('online'));
    expect(fake.auth.networkBack).toHaveBeenCalledTimes(1);
    disconnect();
    window.dispatchEvent(new Event('online'));
    expect(fake.auth.networkBack).toHaveBeenCalledTimes(1);
  });

  it('a slow first load does not overwrite a newer status event', async () => {
    const fake = fakeAuth();
    const slow = deferred<Result<SessionStatus>>();
    fake.auth.getStatus.mockReturnValueOnce(slow.promise);
    const store = createSessionStore(fake.api);

    store.getState().connect();
    fake.emit(ready);
    slow.resolve(ok(signedOut));
    await slow.promise;
    await Promise.resolve();

    expect(store.getState().status).toEqual(ready);
  });

  it('signIn() shows "signing in" at once, then the status main returns', async () => {
    const fake = fakeAuth();
    const answer = deferred<Result<SessionStatus>>();
    fake.auth.signIn.mockReturnValueOnce(answer.promise);
    const store = createSessionStore(fake.api, () => 42);
    await store.getState().load();

    const signingIn = store.getState().signIn();
    expect(store.getState().status).toEqual({ state: 'signing-in', startedAt: 42, interactive: true, source: company });

    answer.resolve(ok(ready));
    await signingIn;
    expect(store.getState().status).toEqual(ready);
    expect(store.getState().retained).toEqual(ready);
  });

  it('signIn() does not start a second sign-in while one is waiting', async () => {
    const fake = fakeAuth();
    fake.auth.signIn.mockReturnValueOnce(deferred<Result<SessionStatus>>().promise);
    const store = createSessionStore(fake.api);
    await store.getState().load();

    void store.getState().signIn();
    await store.getState().signIn();
    expect(fake.auth.signIn).toHaveBeenCalledTimes(1);
  });

  it('a failed signIn() result shows the error and goes back to where it was', async () => {
    const fake = fakeAuth();
    fake.auth.signIn.mockResolvedValueOnce(failed(idpUnreachable));
    const store = createSessionStore(fake.api);
    await store.getState().load();

    await store.getState().signIn();
    expect(store.getState().error).toEqual(idpUnreachable);
    expect(store.getState().status).toEqual(signedOut);
  });

  it('a sign-in the person cancelled is not reported back to them as an error', async () => {
    const fake = fakeAuth();
    fake.auth.signIn.mockResolvedValueOnce(failed({ code: 'sign-in-cancelled', message: 'Sign-in cancelled.' }));
    const store = createSessionStore(fake.api);
    await store.getState().load();

    await store.getState().signIn();
    expect(store.getState().error).toBeNull();

    fake.emit({ state: 'error', error: { code: 'sign-in-cancelled', message: 'Sign-in cancelled.' }, source: company });
    expect(store.getState().error).toBeNull();
  });

  it('an "error" status shows its error until dismissed, and a new sign-in clears it', async () => {
    const fake = fakeAuth();
    const store = createSessionStore(fake.api);
    store.getState().connect();

    fake.emit({ state: 'error', error: idpUnreachable, source: company });
    expect(store.getState().error).toEqual(idpUnreachable);

    store.getState().dismissError();
    expect(store.getState().error).toBeNull();

    fake.emit({ state: 'error', error: idpUnreachable, source: company });
    const signingIn = store.getState().signIn();
    expect(store.getState().error).toBeNull();
    await signingIn;
  });

  it('keeps the signed-in session when it expires, so the workspace stays on screen', () => {
    const fake = fakeAuth();
    const store = createSessionStore(fake.api);
    store.getState().connect();

    fake.emit(ready);
    fake.emit(expired);
    expect(store.getState().status).toEqual(expired);
    expect(store.getState().retained).toEqual(ready);
  });

  it('cancel() asks main to stop and applies the answer', async () => {
    const fake = fakeAuth();
    fake.auth.signIn.mockReturnValueOnce(deferred<Result<SessionStatus>>().promise);
    const store = createSessionStore(fake.api);
    await store.getState().load();
    void store.getState().signIn();

    const cancelling = store.getState().cancel();
    expect(store.getState().cancelling).toBe(true);
    await cancelling;
    expect(fake.auth.cancelSignIn).toHaveBeenCalledTimes(1);
    expect(store.getState()).toMatchObject({ status: signedOut, cancelling: false });
  });

  it('signOut() forgets the kept session even after it expired', async () => {
    const fake = fakeAuth();
    const store = createSessionStore(fake.api);
    store.getState().connect();
    fake.emit(ready);
    fake.emit(expired);

    await store.getState().signOut();
    expect(store.getState()).toMatchObject({ status: signedOut, retained: null, signingOut: false });
  });

  it('a failed request keeps the status and shows the error', async () => {
    const fake = fakeAuth(ready);
    fake.auth.signOut.mockResolvedValueOnce(failed({ code: 'internal', message: 'Something went wrong.' }));
    const store = createSessionStore(fake.api);
    await store.getState().load();

    await store.getState().signOut();
    expect(store.getState().status).toEqual(ready);
    expect(store.getState().error).toEqual({ code: 'internal', message: 'Something went wrong.' });
  });

  it('reopenSignInPage() asks main to open the page again and says whether it did', async () => {
    const fake = fakeAuth();
    const store = createSessionStore(fake.api);
    await expect(store.getState().reopenSignInPage()).resolves.toBe(true);
    expect(fake.auth.reopenSignInPage).toHaveBeenCalledTimes(1);
    expect(store.getState().error).toBeNull();

    const noBrowser: AppError = { code: 'internal', message: "Strata couldn't open your web browser." };
    fake.auth.reopenSignInPage.mockResolvedValueOnce(failed(noBrowser));
    await expect(store.getState().reopenSignInPage()).resolves.toBe(false);
    expect(store.getState().error).toEqual(noBrowser);
  });

  it('a failed status request is shown as an error', async () => {
    const fake = fakeAuth();
    fake.auth.getStatus.mockResolvedValueOnce(failed(idpUnreachable));
    const store = createSessionStore(fake.api);

    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: null, error: idpUnreachable });
  });
});
