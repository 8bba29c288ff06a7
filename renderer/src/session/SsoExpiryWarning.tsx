/**
 * The warning above the chat when an IAM Identity Center session Strata
 * cannot renew is about to end: when, and "Sign in again" before it does,
 * so the person is not cut off mid-conversation.
 */
import { useSession } from '../app-stores';
import { useNow } from '../shared/clock';
import { AlertIcon } from '../shared/icons';
import { formatClockTime, formatRemaining } from '../shared/time-format';
import { ssoWarning } from './session-details';
import type { WorkspaceSession } from './session-screen';

export function SsoExpiryWarning({ session }: { session: WorkspaceSession }) {
  const now = useNow();
  const signIn = useSession((state) => state.signIn);
  const warning = ssoWarning(session, now);
  if (!warning) return null;
  return (
    <section className="ended-banner" aria-labelledby="sso-warning-title" data-testid="sso-expiry-warning">
      <AlertIcon className="ended-banner__icon" />
      <div className="ended-banner__body">
        <h2 className="ended-banner__title" id="sso-warning-title">
          {warning.ended ? (
            'Your IAM Identity Center session has ended'
          ) : (
            <>
              Your IAM Identity Center session ends in{' '}
              <time dateTime={new Date(warning.endsAt).toISOString()} title={`Ends at ${formatClockTime(warning.endsAt)}`}>
                {formatRemaining(warning.endsAt - now)}
              </time>
            </>
          )}
        </h2>
        <p className="ended-banner__text">
          {warning.ended
            ? 'Strata goes on until its current AWS credentials run out. Sign in again to keep working without a break.'
            : "Strata can't renew it on its own. Sign in again now to keep working without a break."}
        </p>
      </div>
      <div className="ended-banner__actions">
        <button type="button" className="button button--primary" onClick={() => void signIn()} data-testid="sso-sign-in-again-button">
          Sign in again
        </button>
      </div>
    </section>
  );
}
