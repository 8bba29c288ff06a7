/**
 * "Copy diagnostics…" in Help: main collects Strata's logs, versions, where
 * each setting came from and the connection check into a zip the person
 * saves where they choose and sends to IT; then the window says where it is,
 * with "Show in folder".
 */
import { useId, useState } from 'react';
import type { AppError, StrataApi } from '../../../preload/contract';
import { ErrorNotice } from '../shared/ErrorNotice';
import './Diagnostics.css';

/** The part of `window.strata` the button needs; tests pass a fake. */
export type DiagnosticsApi = Pick<StrataApi['app'], 'saveDiagnostics' | 'showInFolder'>;

type DiagnosticsState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; path: string } | { kind: 'failed'; error: AppError };

export function DiagnosticsButton({ api = window.strata.app }: { api?: DiagnosticsApi }) {
  const [state, setState] = useState<DiagnosticsState>({ kind: 'idle' });
  const noteId = useId();
  const save = async () => {
    setState({ kind: 'saving' });
    const result = await api.saveDiagnostics();
    if (!result.ok) setState({ kind: 'failed', error: result.error });
    else setState(result.value ? { kind: 'saved', path: result.value.path } : { kind: 'idle' });
  };
  const showInFolder = async (path: string) => {
    const result = await api.showInFolder({ path });
    if (!result.ok) setState({ kind: 'failed', error: result.error });
  };
  return (
    <div className="diagnostics">
      <button
        type="button"
        className="button button--quiet diagnostics__button"
        onClick={() => void save()}
        disabled={state.kind === 'saving'}
        aria-describedby={noteId}
        data-testid="copy-diagnostics-button"
      >
        {state.kind === 'saving' ? 'Collecting diagnostics…' : 'Copy diagnostics…'}
      </button>
      <p className="visually-hidden" id={noteId}>
        Saves a zip of Strata&apos;s logs and settings for IT. It holds no passwords, keys or conversations.
      </p>
      {state.kind === 'saved' && (
        <p className="diagnostics__status" role="status">
          <span data-testid="diagnostics-status">Saved to {state.path}</span>{' '}
          <button
            type="button"
            className="button button--small button--secondary"
            onClick={() => void showInFolder(state.path)}
            data-testid="diagnostics-show-in-folder-button"
          >
            Show in folder
          </button>
        </p>
      )}
      {state.kind === 'failed' && <ErrorNotice error={state.error} onDismiss={() => setState({ kind: 'idle' })} testId="diagnostics-error" />}
    </div>
  );
}
