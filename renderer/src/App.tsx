/**
 * Strata's window: connects the stores to main while mounted, picks the
 * screen for the session, and hosts Settings over any screen.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSession, useSettings, useStores } from './app-stores';
import { focusMessageBox, MESSAGE_BOX_ID } from './chat/message-box';
import { ShortcutsSheetProvider } from './help/ShortcutsSheet';
import { LoadingScreen } from './session/LoadingScreen';
import { NotConfiguredScreen } from './session/NotConfiguredScreen';
import { PolicyProblemScreen } from './session/PolicyProblemScreen';
import { followPerson } from './session/follow-person';
import { displayName } from './session/session-format';
import { announceScreen, deriveScreen, type Screen } from './session/session-screen';
import { SignedOutScreen } from './session/SignedOutScreen';
import { SigningInScreen } from './session/SigningInScreen';
import { StatusAnnouncer } from './session/StatusAnnouncer';
import { WelcomeLayout } from './session/WelcomeLayout';
import { Workspace } from './session/Workspace';
import { SettingsDialog } from './settings/SettingsDialog';
import { useAppearance } from './settings/use-appearance';
import { shortcuts } from './shared/shortcuts';
import { SkipLink } from './shared/SkipLink';
import { useShortcut } from './shared/use-shortcut';

type WelcomeScreen = Exclude<Screen, { kind: 'workspace' }>;

function WelcomeContent({ screen, onOpenSettings }: { screen: WelcomeScreen; onOpenSettings: () => void }) {
  switch (screen.kind) {
    case 'loading':
      return <LoadingScreen />;
    case 'not-configured':
      return <NotConfiguredScreen missing={screen.missing} onOpenSettings={onOpenSettings} />;
    case 'signed-out':
      return <SignedOutScreen source={screen.source} onOpenSettings={onOpenSettings} />;
    case 'signing-in':
      return <SigningInScreen source={screen.source} interactive={screen.interactive} mfa={screen.mfa} device={screen.device} />;
  }
}

export function App() {
  const stores = useStores();
  const { session, settings, conversations, chat } = stores;
  // Before the session connects, so the first status is followed too.
  useEffect(() => followPerson(stores), [stores]);
  useEffect(() => session.getState().connect(), [session]);
  useEffect(() => settings.getState().connect(), [settings]);
  useEffect(() => stores.accounts.getState().connect(), [stores.accounts]);
  useEffect(() => stores.preferences.getState().connect(), [stores.preferences]);
  useAppearance();
  // Connected for the window's whole life: an answer that ends while the person is signed out is still seen.
  useEffect(() => conversations.getState().connect(), [conversations]);
  useEffect(() => chat.getState().connect(), [chat]);

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

  const signedIn = screen.kind === 'workspace';
  useShortcut(shortcuts.focusMessageBox, focusMessageBox, signedIn);
  // The organization's policy has a mistake: main won't sign in or chat, and nothing else is shown.
  const policyProblem = useSettings((state) => state.view?.policy?.problem);
  if (policyProblem) return <PolicyProblemScreen problem={policyProblem} />;

  return (
    <ShortcutsSheetProvider enabled={signedIn}>
      <StatusAnnouncer message={announceScreen(screen, displayName)} />
      {screen.kind === 'workspace' ? (
        <>
          <SkipLink targetId={MESSAGE_BOX_ID} onSkip={focusMessageBox}>
            Skip to message box
          </SkipLink>
          <Workspace session={screen.session} interruption={screen.interruption} onOpenSettings={openSettings} />
        </>
      ) : (
        <WelcomeLayout onOpenSettings={openSettings}>
          <WelcomeContent screen={screen} onOpenSettings={openSettings} />
        </WelcomeLayout>
      )}
      {settingsOpen && <SettingsDialog onClose={closeSettings} />}
    </ShortcutsSheetProvider>
  );
}
