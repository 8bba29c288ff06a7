/**
 * While a sign-in is under way: in the browser (interactive) or from the
 * saved sign-in at start-up. Says what is happening and offers a way out.
 */
import { useSession } from '../app-stores';
import { BrowserIcon, ShieldIcon } from '../shared/icons';
import { ProgressIndicator } from '../shared/ProgressIndicator';
import { SessionErrorNotice } from './SessionErrorNotice';
import { signInLink } from './session-screen';
import { SignInLinkHelp } from './SignInLinkHelp';
import { useCompanyName } from './use-company-name';

export function SigningInScreen({ interactive }: { interactive: boolean }) {
  const companyName = useCompanyName();
  const cancel = useSession((state) => state.cancel);
  const cancelling = useSession((state) => state.cancelling);
  const link = useSession((state) => signInLink(state.status));
  return (
    <>
      <span className="welcome-card__badge">
        {interactive ? <BrowserIcon className="icon--large" /> : <ShieldIcon className="icon--large" />}
      </span>
      <h1 className="welcome-card__title">{interactive ? 'Continue in your browser' : 'Signing you in…'}</h1>
      <p className="welcome-card__text">
        {interactive
          ? `A tab opened in your web browser to sign in with ${companyName ?? 'your company account'}. Strata continues on its own once you're done.`
          : 'Strata is using your saved sign-in. This takes a moment.'}
      </p>
      <ProgressIndicator label={interactive ? 'Waiting for you to sign in' : 'Signing in'} />
      <SessionErrorNotice />
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void cancel()}
        disabled={cancelling}
        autoFocus={interactive}
        data-testid="cancel-sign-in-button"
      >
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
      {interactive && link && <SignInLinkHelp url={link} />}
    </>
  );
}
