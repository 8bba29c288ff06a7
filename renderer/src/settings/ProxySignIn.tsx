/**
 * The user name and password for the proxy named in Settings. Saved apart
 * from the other settings: main keeps them encrypted and never sends the
 * password back, so the box is empty once saved and says who is signed in.
 */
import { useState } from 'react';
import type { AppError, SettingsView } from '../../../preload/contract';
import { useSettings } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { TEXT_BOX } from './SettingField';

export function ProxySignIn({ saved }: { saved: SettingsView['proxySignIn'] }) {
  const setProxySignIn = useSettings((state) => state.setProxySignIn);
  const clearProxySignIn = useSettings((state) => state.clearProxySignIn);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const run = async (work: () => Promise<AppError | null>) => {
    setBusy(true);
    const failed = await work();
    setBusy(false);
    setError(failed);
    if (!failed) {
      setEditing(false);
      setPassword('');
    }
  };

  // A form inside the settings form is not allowed: this one saves with its own button, and Enter in
  // the password box saves here instead of submitting the settings around it.
  const save = (event?: { preventDefault(): void }) => {
    event?.preventDefault();
    void run(() => setProxySignIn({ username: username.trim(), password }));
  };

  const showForm = !saved || editing;
  return (
    <div className="proxy-sign-in" data-testid="proxy-sign-in" role="group" aria-labelledby="proxy-sign-in-title">
      <p className="field__label" id="proxy-sign-in-title">
        Proxy sign-in (optional)
      </p>
      {saved && !editing && (
        <div className="proxy-sign-in__saved">
          <p data-testid="proxy-sign-in-saved">
            Signing in to the proxy as <strong>{saved.username}</strong>.{' '}
            {saved.persistent ? 'Kept encrypted on this computer.' : `Kept in memory only: ${saved.reason ?? 'no system keychain'}`}
          </p>
          <button type="button" className="button button--small button--secondary" onClick={() => setEditing(true)} data-testid="proxy-sign-in-change">
            Change
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            disabled={busy}
            onClick={() => void run(clearProxySignIn)}
            data-testid="proxy-sign-in-remove"
          >
            Remove
          </button>
        </div>
      )}
      {showForm && (
        <div className="proxy-sign-in__form">
          <label className="field__sublabel" htmlFor="proxy-sign-in-username">
            User name
          </label>
          <input
            id="proxy-sign-in-username"
            {...TEXT_BOX}
            value={username}
            maxLength={256}
            onChange={(event) => setUsername(event.target.value)}
            data-testid="proxy-sign-in-username"
          />
          <label className="field__sublabel" htmlFor="proxy-sign-in-password">
            Password
          </label>
          <input
            id="proxy-sign-in-password"
            className="field__input"
            type="password"
            value={password}
            maxLength={1024}
            autoComplete="off"
            onChange={(event) => setPassword(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && username.trim() && password) save(event);
              else if (event.key === 'Enter') event.preventDefault();
            }}
            data-testid="proxy-sign-in-password"
          />
          <div className="proxy-sign-in__actions">
            <button
              type="button"
              className="button button--small button--secondary"
              disabled={busy || !username.trim() || !password}
              onClick={() => save()}
              data-testid="proxy-sign-in-save"
            >
              {busy ? 'Saving…' : 'Save proxy sign-in'}
            </button>
            {editing && (
              <button type="button" className="button button--small button--quiet" onClick={() => setEditing(false)}>
                Cancel
              </button>
            )}
          </div>
        </div>
      )}
      <p className="field__help">Sent only to the proxy address above, and kept encrypted on this computer.</p>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} testId="proxy-sign-in-error" />}
    </div>
  );
}
