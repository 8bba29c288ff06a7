/** "Strata isn't set up yet": which settings are missing and the way to Settings. */
import type { SettingKey } from '../../../preload/contract';
import { useAccounts } from '../app-stores';
import { describeMissing } from '../settings/setting-fields';
import { Wordmark } from '../shared/Wordmark';
import { SessionErrorNotice } from './SessionErrorNotice';

export function NotConfiguredScreen({ missing, onOpenSettings }: { missing: SettingKey[]; onOpenSettings: () => void }) {
  const missingNames = describeMissing(missing);
  const profiles = useAccounts((state) => state.view?.profiles.length ?? 0);
  return (
    <>
      <Wordmark size="large" />
      <h1 className="welcome-card__title">Strata isn't set up yet</h1>
      {missingNames.length > 0 ? (
        <>
          <p className="welcome-card__text">Before you can sign in, Strata needs:</p>
          <ul className="missing-list" data-testid="missing-settings">
            {missingNames.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </>
      ) : (
        <p className="welcome-card__text">Some company settings are missing before you can sign in.</p>
      )}
      <p className="welcome-card__hint">
        Your IT team can tell you what to enter, or send you a ready-made setup.
        {profiles > 0 && ' Or use one of the AWS profiles on this computer, under Account in Settings.'}
      </p>
      <SessionErrorNotice />
      <button type="button" className="button button--primary button--large" onClick={onOpenSettings} autoFocus data-testid="open-settings-button">
        Open Settings
      </button>
    </>
  );
}
