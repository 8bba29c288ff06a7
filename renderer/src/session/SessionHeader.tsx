/**
 * The bar across the signed-in window: who is signed in, in plain words.
 * The AWS details live in a popover behind the name; a countdown appears only
 * when renewing has failed and the session is about to end.
 */
import { useSession } from '../app-stores';
import { useNow } from '../shared/clock';
import { Countdown } from '../shared/Countdown';
import { SettingsButton } from '../shared/SettingsButton';
import { Wordmark } from '../shared/Wordmark';
import { SessionDetails } from './SessionDetails';
import { shouldShowCountdown } from './session-details';
import type { WorkspaceSession } from './session-screen';

interface SessionHeaderProps {
  session: WorkspaceSession;
  /** The session has ended and a new sign-in is needed. */
  ended: boolean;
  onOpenSettings: () => void;
}

/** Ticks only while the session cannot renew, so the header does not re-render every second otherwise. */
function RenewalCountdown({ session }: { session: WorkspaceSession }) {
  const now = useNow();
  if (session.expiresAt === null || !shouldShowCountdown(session, now)) return null;
  return <Countdown expiresAt={session.expiresAt} />;
}

export function SessionHeader({ session, ended, onOpenSettings }: SessionHeaderProps) {
  const signOut = useSession((state) => state.signOut);
  const signingOut = useSession((state) => state.signingOut);
  return (
    <header className="session-bar">
      <Wordmark />
      <section className="session-bar__status" aria-label="Your session">
        {/* Only a session that will not renew is watched (a short-term API key's ends with the key). */}
        {!ended && (session.renewalError || (session.source.kind === 'api-key' && session.expiresAt !== null)) && (
          <RenewalCountdown session={session} />
        )}
        <SessionDetails session={session} ended={ended} />
      </section>
      <div className="session-bar__actions">
        <SettingsButton onClick={onOpenSettings} />
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void signOut()}
          disabled={signingOut}
          data-testid="sign-out-button"
        >
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </header>
  );
}
