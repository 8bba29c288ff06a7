/** The front door: the Strata mark and one button to sign in with the company account. */
import { useSession } from '../app-stores';
import { Wordmark } from '../shared/Wordmark';
import { SessionErrorNotice } from './SessionErrorNotice';
import { useCompanyName } from './use-company-name';

export function SignedOutScreen() {
  const companyName = useCompanyName();
  const signIn = useSession((state) => state.signIn);
  return (
    <>
      <h1 className="welcome-card__brand">
        <Wordmark size="large" />
      </h1>
      <p className="welcome-card__text">Chat with Amazon Bedrock using your company account.</p>
      <SessionErrorNotice />
      <button
        type="button"
        className="button button--primary button--large"
        onClick={() => void signIn()}
        autoFocus
        data-testid="sign-in-button"
      >
        {companyName ? `Sign in with ${companyName}` : 'Sign in'}
      </button>
      <p className="welcome-card__hint">You'll sign in with your company account in your web browser.</p>
    </>
  );
}
