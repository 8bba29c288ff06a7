/**
 * A calm line at the top of the window once an update is downloaded and
 * checked: "Restart to update". Pressed while an answer streams, main waits
 * for the answer, and the line says so.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { AppError, UpdateStatus } from '../../../preload/contract';
import { ErrorNotice } from '../shared/ErrorNotice';
import { CheckIcon } from '../shared/icons';
import { updatesStore, type UpdatesStore } from './updates-store';
import './updates.css';

export function UpdateBanner({ store = updatesStore() }: { store?: UpdatesStore }) {
  useEffect(() => store.getState().connect(), [store]);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const restart = useStore(store, (state) => state.restart);
  return <UpdateBannerView status={status} error={error} onRestart={() => void restart()} />;
}

export interface UpdateBannerViewProps {
  status: UpdateStatus | null;
  /** Why "Restart to update" failed. */
  error: AppError | null;
  onRestart: () => void;
}

export function UpdateBannerView({ status, error, onRestart }: UpdateBannerViewProps) {
  if (status?.state !== 'ready') return null;
  const waiting = status.restartWhenIdle === true;
  return (
    <section className="update-banner" aria-labelledby="update-banner-title" data-testid="update-banner">
      <CheckIcon className="update-banner__icon" />
      <p className="update-banner__text" id="update-banner-title" role="status">
        {waiting ? (
          <span data-testid="update-waiting">Strata will restart when the answer finishes.</span>
        ) : (
          <>Strata {status.version} is ready to install.</>
        )}
      </p>
      {!waiting && (
        <button type="button" className="button button--small button--secondary" onClick={onRestart} data-testid="update-restart-button">
          Restart to update
        </button>
      )}
      {error && <ErrorNotice error={error} testId="update-error" />}
    </section>
  );
}
