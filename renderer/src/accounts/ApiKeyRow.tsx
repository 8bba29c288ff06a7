/**
 * Settings → Account → Bedrock API key: paste a key from the Amazon Bedrock
 * console, and Strata checks it with Bedrock, keeps it encrypted and uses it.
 * The key never comes back to the window: the row names it by its last four
 * characters, its kind, and where and until when it works.
 */
import { useId, useState } from 'react';
import type { AccountsView, AppError } from '../../../preload/contract';
import { useAccounts } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { SourceRow } from './SourceRow';
import { apiKeyText } from './source-words';

interface ApiKeyRowProps {
  saved: AccountsView['apiKey'];
  inUse: boolean;
  locked: boolean;
}

export function ApiKeyRow({ saved, inUse, locked }: ApiKeyRowProps) {
  const saveApiKey = useAccounts((state) => state.saveApiKey);
  const forgetApiKey = useAccounts((state) => state.forgetApiKey);
  const [key, setKey] = useState('');
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState<'checking' | 'removing' | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const inputId = useId();
  const helpId = useId();

  const run = async (what: 'checking' | 'removing', work: () => Promise<AppError | null>) => {
    setBusy(what);
    const failed = await work();
    setBusy(null);
    setError(failed);
    if (!failed) {
      setEditing(false);
      setKey('');
    }
  };
  // The settings form around this row must not submit: the key saves with its own button (or Enter here).
  const save = (event?: { preventDefault(): void }) => {
    event?.preventDefault();
    if (key.trim()) void run('checking', () => saveApiKey(key.trim()));
  };

  const showForm = !locked && (editing || !saved);
  return (
    <SourceRow
      source={{ kind: 'api-key' }}
      title="Bedrock API key"
      details={saved ? apiKeyText(saved) : 'A key from the Amazon Bedrock console. It works for chatting with models only.'}
      problem={saved?.reason ? `Kept in memory only: ${saved.reason}` : undefined}
      inUse={inUse}
      disabled={locked || !saved || busy !== null}
    >
      {showForm && (
        <div className="api-key__form">
          <label className="field__sublabel" htmlFor={inputId}>
            {saved ? 'New API key' : 'API key'}
          </label>
          <input
            id={inputId}
            className="field__input"
            type="password"
            value={key}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={helpId}
            onChange={(event) => setKey(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') save(event);
            }}
            data-testid="api-key-input"
          />
          <p className="field__help" id={helpId}>
            Strata checks the key with Amazon Bedrock, keeps it encrypted on this computer, and sends it only to Bedrock.
          </p>
          <div className="api-key__actions">
            <button
              type="button"
              className="button button--small button--secondary"
              disabled={busy !== null || !key.trim()}
              onClick={() => save()}
              data-testid="api-key-save-button"
            >
              {busy === 'checking' ? 'Checking…' : 'Check and use'}
            </button>
            {editing && (
              <button type="button" className="button button--small button--quiet" onClick={() => (setEditing(false), setKey(''), setError(null))}>
                Cancel
              </button>
            )}
          </div>
        </div>
      )}
      {saved && !editing && !locked && (
        <div className="api-key__actions">
          <button type="button" className="button button--small button--quiet" onClick={() => setEditing(true)} data-testid="api-key-replace-button">
            Replace key
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            disabled={busy !== null}
            onClick={() => void run('removing', forgetApiKey)}
            data-testid="api-key-remove-button"
          >
            {busy === 'removing' ? 'Removing…' : inUse ? 'Remove and sign out' : 'Remove'}
          </button>
        </div>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} testId="api-key-error" />}
    </SourceRow>
  );
}
