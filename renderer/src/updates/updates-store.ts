/**
 * Where Strata's own update stands, as main reports it, and the two things
 * the person can do: check now (Help) and "Restart to update". Talks to main
 * only through the api it is given.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError, StrataApi, UpdateStatus } from '../../../preload/contract';
import { latestWins } from '../shared/latest';

/** The part of `window.strata` updates need; tests pass a fake. */
export type UpdatesApi = Pick<StrataApi, 'updates'>;

export interface UpdatesStoreState {
  /** Null until main answered. */
  status: UpdateStatus | null;
  /** The person asked to check (Help → Check for updates): the result is worth saying, even "up to date". */
  asked: boolean;
  /** Why the last request failed. */
  error: AppError | null;
  check(): Promise<void>;
  restart(): Promise<void>;
  /** Follows main's update events and loads the status; returns the unsubscribe. */
  connect(): () => void;
}

export type UpdatesStore = StoreApi<UpdatesStoreState>;

export function createUpdatesStore(api: UpdatesApi): UpdatesStore {
  const requests = latestWins();
  let connections = 0;
  let unsubscribe = () => {};
  return createStore<UpdatesStoreState>()((set) => {
    /** Applies main's answer if it is still the latest word. */
    const answer = async (call: Promise<Awaited<ReturnType<StrataApi['updates']['getStatus']>>>) => {
      const latest = requests.begin();
      const result = await call;
      if (!latest()) return;
      if (result.ok) set({ status: result.value, error: null });
      else set({ error: result.error });
    };
    return {
      status: null,
      asked: false,
      error: null,
      check: () => (set({ asked: true }), answer(api.updates.check())),
      restart: () => answer(api.updates.restart()),
      connect() {
        // The banner and Help both follow the status: one subscription for the two.
        if (connections++ === 0) {
          unsubscribe = api.updates.onStatus((status) => {
            requests.reset();
            set({ status });
          });
          // Asked every time: what happened while nothing listened (between one screen and the next) isn't missed.
          void answer(api.updates.getStatus());
        }
        return () => {
          if (--connections === 0) unsubscribe();
        };
      },
    };
  });
}

let shared: UpdatesStore | undefined;
/** The window's one updates store, over `window.strata`. */
export function updatesStore(): UpdatesStore {
  shared ??= createUpdatesStore(window.strata);
  return shared;
}
