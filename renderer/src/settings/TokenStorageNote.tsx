/** Where the sign-in is kept: encrypted on disk, or only in memory (and why). */
import type { SettingsView } from '../../../preload/contract';
import { AlertIcon, ShieldIcon } from '../shared/icons';
import { describeTokenStorage } from './setting-fields';

export function TokenStorageNote({ tokenStorage }: { tokenStorage: SettingsView['tokenStorage'] }) {
  const persistent = tokenStorage.persistent;
  return (
    <p className={`storage-note storage-note--${persistent ? 'encrypted' : 'memory'}`} data-testid="token-storage">
      {persistent ? <ShieldIcon className="storage-note__icon" /> : <AlertIcon className="storage-note__icon" />}
      <span>{describeTokenStorage(tokenStorage)}</span>
    </p>
  );
}
