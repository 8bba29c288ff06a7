/**
 * Strata's window: connects the stores to main while mounted, picks the
 * screen for the session, and hosts Settings over any screen.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSession, useStores } from './app-stores';
import { LoadingScreen } from './session/LoadingScreen';
import { NotConfiguredScreen } from './session/NotConfiguredScreen';
import { displayName } from './session/session-format';
import { announceScreen, deriveScreen, type Screen } from './session/session-screen';
import { SignedOutScreen } from './session/SignedOutScreen';
import { SigningInScreen } from './session/SigningInScreen';
import { StatusAnnouncer } from './session/StatusAnnouncer';
import { WelcomeLayout } from './session/WelcomeLayout';
import { Workspace } from './session/Workspace';
import { SettingsDialog } from './settings/SettingsDialog';

type WelcomeScreen = Exclude<Screen, { kind: 'workspace' }>;

function WelcomeContent({ screen, onOpenSettings }: { screen: WelcomeScreen; onOpenSettings: () => void }) {
  switch (screen.kind) {
    case 'loading':
      return <LoadingScreen />;
    case 'not-configured':
      return <NotConfiguredScreen missing={screen.missing} onOpenSettings={onOpenSettings} />;
    case 'signed-out':
      return <SignedOutScreen />;
    case 'signing-in':
      return <SigningInScreen interactive={screen.interactive} />;
  }
}

export function App() {
  const { session, settings } = useStores();
  useEffect(() => session.getState().connect(), [session]);
  useEffect(() => settings.getState().connect(), [settings]);

  const status = useSession((state) => state.status);
  const retained = useSession((state) => state.retained);
  const screen = useMemo(() => deriveScreen(status, retained), [status, retained]);

  const [settingsOpen, setSettingsOpen] = useState(false);
  const openSettings = useCallback(() => {
    setSettingsOpen(true);
  }, []);
  const closeSettings = useCallback(() => {
    setSettingsOpen(false);
  }, []);

  return (
    <>
      <StatusAnnouncer message={announceScreen(screen, displayName)} />
      {screen.kind === 'workspace' ? (
        <Workspace session={screen.session} interruption={screen.interruption} onOpenSettings={openSettings} />
      ) : (
        <WelcomeLayout onOpenSettings={openSettings}>
          <WelcomeContent screen={screen} onOpenSettings={openSettings} />
        </WelcomeLayout>
      )}
      {settingsOpen && <SettingsDialog onClose={closeSettings} />}
    </>
  );
}
