/**
 * Settings as a modal side sheet: where the AWS access comes from, the
 * person's own preferences, then the company settings IT usually sets up.
 */
import { AccountSettings } from '../accounts/AccountSettings';
import { useSettings } from '../app-stores';
import { SideSheet } from '../shared/SideSheet';
import { PersonalSettings } from './PersonalSettings';
import { SettingsForm } from './SettingsForm';
import { SettingsNotices } from './SettingsNotices';
import { SectionNotLoaded, SettingsSection } from './SettingsSection';
import { TokenStorageNote } from './TokenStorageNote';
import './settings.css';

function CompanySettings() {
  const view = useSettings((state) => state.view);
  const loadError = useSettings((state) => state.loadError);
  const load = useSettings((state) => state.load);
  if (!view) return <SectionNotLoaded error={loadError} onRetry={() => void load()} loading="Loading settings…" />;
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
      <SettingsSection name="company" title="Company" lead="Usually set up by your IT team. Change these only if they ask you to.">
        <CompanySettings />
      </SettingsSection>
    </SideSheet>
  );
}
