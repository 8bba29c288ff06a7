/**
 * The company sign-in session as the renderer knows it. Holds the latest
 * status from main, the signed-in session kept on screen after it ends, and
 * the error to show. Talks to main only through the api it is given.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError, ConnectionTest, Result, SessionStatus, StrataApi } from '../../../preload/contract';
import { retainSession, type ReadyStatus } from './session-screen';

/** The part of `window.strata` the session needs; tests pass a fake. */
export type SessionApi = Pick<StrataApi, 'auth'>;

export interface SessionStoreState {
  /** The latest status from main; null until the first one arrives. */
  status: SessionStatus | null;
  /** The last signed-in session, kept while the person signs in again. */
  retained: ReadyStatus | null;
  /** What to tell the person: the last failed sign-in or a request that failed. */
  error: AppError | null;
  /** A cancel request is on its way. */
  cancelling: boolean;
  /** A sign-out request is on its way. */
  signingOut: boolean;

  /** Asks main for the current status. */
  load: () => Promise<void>;
  /** Starts signing in in the browser; shows "signing in" at once, then whatever main answers. */
  signIn: () => Promise<void>;
  /** Signs in to IAM Identity Center with a code confirmed on its page, in place of the browser sign-in under way. */
  signInWithCode: () => Promise<void>;
  /** Stops a sign-in that is waiting for the browser. */
  cancel: () => Promise<void>;
  /** Sends the code from the MFA device the sign-in under way asked for; true once main took it. */
  submitMfaCode: (code: string) => Promise<boolean>;
  /** Asks main to open the sign-in page again; true once it did. */
  reopenSignInPage: () => Promise<boolean>;
  /** Ends the session and forgets the signed-in screen. */
  signOut: () => Promise<void>;
  /** Who AWS says the person is, their models, one short question: main's answer as it is. */
  testConnection: () => Promise<Result<ConnectionTest>>;
  dismissError: () => void;
  /** Follows main's status events and loads the current status; returns the unsubscribe. */
  connect: () => () => void;
}

export type SessionStore = StoreApi<SessionStoreState>;

/** The error a status itself carries that is worth showing (cancelling is not a failure). */
function errorAfter(current: AppError | null, next: SessionStatus): AppError | null {
  if (next.state === 'ready' || next.state === 'signing-in') return null;
  if (next.state === 'error') return next.error.code === 'sign-in-cancelled' ? current : next.error;
  return current;
}

/** Creates the session store over the given api (window.strata in the app, a fake in tests). */
/** Where the window's 'online' event is heard: the window in the app. */
type OnlineEvents = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export function createSessionStore(
  api: SessionApi,
  now: () => number = Date.now,
  onlineEvents: OnlineEvents | undefined = typeof window === 'undefined' ? undefined : window,
): SessionStore {
  // Counts the statuses applied, so a slow getStatus answer cannot overwrite a newer event.
  let applied = 0;

  return createStore<SessionStoreState>()((set, get) => {
    const apply = (next: SessionStatus, endingSession = false): void => {
      applied += 1;
      set((state) => ({
        status: next,
        retained: retainSession(state.status, state.retained, next, endingSession),
        error: errorAfter(state.error, next),
      }));
    };

    const report = (error: AppError): void => {
      // The person chose to cancel; saying "sign-in cancelled" back to them is noise.
      if (error.code !== 'sign-in-cancelled') set({ error });
    };

    return {
      status: null,
      retained: null,
      error: null,
      cancelling: false,
      signingOut: false,

      async load() {
        const seen = applied;
        const result = await api.auth.getStatus();
        if (!result.ok) report(result.error);
        else if (applied === seen) apply(result.value);
      },

      async signIn() {
        const before = get().status;
        if (before?.state === 'signing-in') return;
        set({ error: null });
        apply({ state: 'signing-in', startedAt: now(), interactive: true, source: before?.source ?? { kind: 'company' } });
        const optimistic = applied;
        const result = await api.auth.signIn();
        if (result.ok) {
          apply(result.value);
          return;
        }
        // Nothing newer arrived: undo the optimistic "signing in" before explaining why.
        if (applied === optimistic && before) apply(before);
        report(result.error);
      },

      async signInWithCode() {
        set({ error: null });
        const result = await api.auth.signInWithCode();
        if (result.ok) apply(result.value);
        else report(result.error);
      },

      async cancel() {
        set({ cancelling: true });
        const result = await api.auth.cancelSignIn();
        set({ cancelling: false });
        if (result.ok) apply(result.value);
        else report(result.error);
      },

      async submitMfaCode(code) {
        set({ error: null });
        const result = await api.auth.submitMfaCode({ code });
        if (!result.ok) report(result.error);
        return result.ok;
      },

      testConnection() {
        return api.auth.testConnection();
      },

      async reopenSignInPage() {
        const result = await api.auth.reopenSignInPage();
        if (!result.ok) report(result.error);
        return result.ok;
      },

      async signOut() {
        set({ signingOut: true });
        const result = await api.auth.signOut();
        set({ signingOut: false });
        if (result.ok) apply(result.value, true);
        else report(result.error);
      },

      dismissError() {
        set({ error: null });
      },

      connect() {
        const unsubscribe = api.auth.onStatus((status) => {
          apply(status, get().signingOut);
        });
        // Back online after a drop: renewals that failed meanwhile are tried again now, not at their next backoff.
        const online = () => void api.auth.networkBack();
        onlineEvents?.addEventListener('online', online);
        void get().load();
        return () => {
          unsubscribe();
          onlineEvents?.removeEventListener('online', online);
        };
      },
    };
  });
}
