/**
 * Settings as a modal side sheet: where the AWS access comes from, the
 * person's own preferences, then the company settings IT usually sets up.
 */
import { AccountSettings } from '../accounts/AccountSettings';
import { useSettings } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { SideSheet } from '../shared/SideSheet';
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
  return (
    <SideSheet title="Settings" name="settings-dialog" closeLabel="Close settings" testId="settings-dialog" closeTestId="settings-close-button" onClose={onClose}>
      <AccountSettings />
      <PersonalSettings />
      <section className="settings-section" aria-labelledby="settings-company-title" data-testid="settings-company">
        <h3 className="settings-section__title" id="settings-company-title">
          Company
        </h3>
        <p className="settings-section__lead">Usually set up by your IT team. Change these only if they ask you to.</p>
        <CompanySettings />
      </section>
    </SideSheet>
  );
}
