/**
 * The signed-in window: the chat. It stays mounted when the session ends; a
 * banner asks the person to sign in again, so nothing they were doing is lost.
 */
import { SessionEndedBanner } from './SessionEndedBanner';
import { SessionErrorNotice } from './SessionErrorNotice';
import { SessionHeader } from './SessionHeader';
import { SsoExpiryWarning } from './SsoExpiryWarning';
import type { SessionInterruption, WorkspaceSession } from './session-screen';
import { ChatWorkspace } from '../chat/ChatWorkspace';
import { UpdateBanner } from '../updates/UpdateBanner';

interface WorkspaceProps {
  session: WorkspaceSession;
  interruption: SessionInterruption | null;
  onOpenSettings: () => void;
}

export function Workspace({ session, interruption, onOpenSettings }: WorkspaceProps) {
  const ended = interruption !== null;
  return (
    <div className="workspace">
      <SessionHeader session={session} ended={ended} onOpenSettings={onOpenSettings} />
      <UpdateBanner />
      {interruption && <SessionEndedBanner interruption={interruption} source={session.source} onOpenSettings={onOpenSettings} />}
      {/* Only a session Strata cannot renew needs watching (it re-renders each second). */}
      {!interruption && session.sso && !session.sso.renewable && <SsoExpiryWarning session={session} />}
      <main className="workspace__main">
        <SessionErrorNotice />
        <ChatWorkspace />
      </main>
    </div>
  );
}
