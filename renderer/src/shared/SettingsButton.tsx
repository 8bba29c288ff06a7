/** The gear that opens Settings, on every screen; shows a dot when Settings has notices. */
import { useSettings } from '../app-stores';
import { GearIcon } from './icons';

export function SettingsButton({ onClick }: { onClick: () => void }) {
  const noticeCount = useSettings((state) => state.view?.notices.length ?? 0);
  const label = noticeCount > 0 ? `Settings (${noticeCount} ${noticeCount === 1 ? 'notice' : 'notices'})` : 'Settings';
  return (
    <button type="button" className="icon-button settings-button" onClick={onClick} aria-label={label} title="Settings" data-testid="settings-button">
      <GearIcon />
      {noticeCount > 0 && <span className="settings-button__dot" aria-hidden="true" />}
    </button>
  );
}
