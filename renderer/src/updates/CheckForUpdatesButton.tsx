/**
 * "Check for updates" in Help: asks the update feed now and says what came of
 * it, in words; not shown where Strata doesn't update itself.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { UpdateStatus } from '../../../preload/contract';
import { updatesStore, type UpdatesStore } from './updates-store';
import './updates.css';

/** What the line under the button says after the person asked. */
export function checkResult(status: UpdateStatus): string {
  switch (status.state) {
    case 'checking':
      return 'Checking for updates…';
    case 'available':
    case 'downloading':
      return `Downloading Strata ${status.version}…`;
    case 'ready':
      return `Strata ${status.version} is ready: use Restart to update at the top of the window.`;
    case 'idle':
      return 'Strata is up to date.';
    case 'error':
    case 'off':
      return status.reason ?? "Strata couldn't check for updates.";
  }
}

export function CheckForUpdatesButton({ store = updatesStore() }: { store?: UpdatesStore }) {
  useEffect(() => store.getState().connect(), [store]);
  const status = useStore(store, (state) => state.status);
  const asked = useStore(store, (state) => state.asked);
  const check = useStore(store, (state) => state.check);
  return <CheckForUpdatesView status={status} asked={asked} onCheck={() => void check()} />;
}

export interface CheckForUpdatesViewProps {
  status: UpdateStatus | null;
  /** The person pressed the button: say what came of it. */
  asked: boolean;
  onCheck: () => void;
}

export function CheckForUpdatesView({ status, asked, onCheck }: CheckForUpdatesViewProps) {
  if (!status || status.state === 'off') return null;
  const busy = status.state === 'checking' || status.state === 'available' || status.state === 'downloading';
  return (
    <div className="update-check">
      <button
        type="button"
        className="button button--quiet update-check__button"
        onClick={onCheck}
        disabled={busy}
        data-testid="check-for-updates-button"
      >
        Check for updates
      </button>
      {asked && (
        <p className={`update-check__status${status.state === 'error' ? ' update-check__status--error' : ''}`} role="status" data-testid="update-check-status">
          {checkResult(status)}
        </p>
      )}
    </div>
  );
}
