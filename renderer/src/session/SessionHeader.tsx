/** The bar across the signed-in window: who is signed in, as which AWS identity, for how long. */
import { useSession } from '../app-stores';
import { Countdown } from '../shared/Countdown';
import { SettingsButton } from '../shared/SettingsButton';
import { Wordmark } from '../shared/Wordmark';
import type { WorkspaceSession } from './session-screen';
import { displayName, initials, readableArn } from './session-format';

interface SessionHeaderProps {
  session: WorkspaceSession;
  /** The session has ended and a new sign-in is needed. */
  ended: boolean;
  onOpenSettings: () => void;
}

export function SessionHeader({ session, ended, onOpenSettings }: SessionHeaderProps) {
  const signOut = useSession((state) => state.signOut);
  const signingOut = useSession((state) => state.signingOut);
  const { user, identity, expiresAt } = session;
  return (
    <header className="session-bar">
      <Wordmark />
      <section className="session-bar__status" aria-label="Your session">
        <div className="session-bar__user">
          <span className="avatar" aria-hidden="true">
            {initials(user)}
          </span>
          <span className="session-bar__lines">
            <span className="session-bar__name" data-testid="session-user-name">
              {displayName(user)}
            </span>
            {user.email && (
              <span className="session-bar__detail" data-testid="session-user-email">
                {user.email}
              </span>
            )}
          </span>
        </div>
        <div className="session-bar__aws">
          {identity && (
            <span className="session-bar__identity">
              <span className="tag">AWS</span>
              <span className="session-bar__arn" title={identity.arn} data-testid="session-aws-arn">
                {readableArn(identity.arn)}
              </span>
            </span>
          )}
          {ended || expiresAt === null ? (
            <p className="countdown countdown--ended">Session ended</p>
          ) : (
            <Countdown expiresAt={expiresAt} />
          )}
        </div>
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
