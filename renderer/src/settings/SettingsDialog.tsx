/**
 * Settings as a modal side sheet: the person's own preferences first, then
 * the company settings IT usually sets up. The native modal dialog keeps
 * focus inside and the rest of the window inert; Escape closes it; focus
 * goes back to whatever opened it.
 */
import { useEffect, useRef, type MouseEvent } from 'react';
import { useSettings } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { CloseIcon } from '../shared/icons';
import { PersonalSettings } from './PersonalSettings';
import { SettingsForm } from './SettingsForm';
import { SettingsNotices } from './SettingsNotices';
import { TokenStorageNote } from './TokenStorageNote';
import './settings.css';

function CompanySettings() {
  const view = useSettings((state) => state.view);
  const loadError = useSettings((state) => state.loadError);
  const load = useSettings((state) => state.load);
  if (!view) {
    return loadError ? (
      <div className="settings-dialog__state">
        <ErrorNotice error={loadError} />
        <button type="button" className="button button--primary" onClick={() => void load()}>
          Try again
        </button>
      </div>
    ) : (
      <p className="settings-dialog__state muted">Loading settings…</p>
    );
  }
  return (
    <>
      <TokenStorageNote tokenStorage={view.tokenStorage} />
      <SettingsNotices notices={view.notices} />
      <SettingsForm view={view} />
    </>
  );
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    titleRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);

  const closeOnBackdrop = (event: MouseEvent<HTMLDialogElement>) => {
    // Clicks inside the panel land on its children; only the backdrop hits the dialog itself.
    if (event.target === event.currentTarget) onClose();
  };

  return (
    <dialog
      ref={dialogRef}
      className="settings-dialog"
      aria-labelledby="settings-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={closeOnBackdrop}
      data-testid="settings-dialog"
    >
      <div className="settings-dialog__panel">
        <header className="settings-dialog__header">
          <h2 className="settings-dialog__title" id="settings-title" tabIndex={-1} ref={titleRef}>
            Settings
          </h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close settings" data-testid="settings-close-button">
            <CloseIcon />
          </button>
        </header>
        <div className="settings-dialog__body">
          <PersonalSettings />
          <section className="settings-section" aria-labelledby="settings-company-title" data-testid="settings-company">
            <h3 className="settings-section__title" id="settings-company-title">
              Company
            </h3>
            <p className="settings-section__lead">Usually set up by your IT team. Change these only if they ask you to.</p>
            <CompanySettings />
          </section>
        </div>
      </div>
    </dialog>
  );
}
