/**
 * The front door: the Strata mark and one button to sign in with the source
 * in use (the company account, an AWS profile, or this computer's own
 * credentials), and the way to the others.
 */
import type { SessionSource } from '../../../preload/contract';
import { useAccounts, useSession } from '../app-stores';
import { Wordmark } from '../shared/Wordmark';
import { SessionErrorNotice } from './SessionErrorNotice';
import { useCompanyName } from './use-company-name';

export function SignedOutScreen({ source, onOpenSettings }: { source: SessionSource; onOpenSettings: () => void }) {
  const companyName = useCompanyName();
  const signIn = useSession((state) => state.signIn);
  // Other ways in are worth a link only where there are any (or the source in use is not the usual one).
  const others = useAccounts(
    (state) => (state.view?.profiles.length ?? 0) > 0 || state.view?.environment !== undefined || source.kind !== 'company',
  );
  const profile = source.kind === 'profile' ? source.profile : null;
  const sso = source.kind === 'profile' && source.profileKind === 'sso';
  const environment = source.kind === 'environment';
  return (
    <>
      <h1 className="welcome-card__brand">
        <Wordmark size="large" />
      </h1>
      <p className="welcome-card__text">
        {profile
          ? `Chat with Amazon Bedrock using your AWS profile “${profile}”.`
          : environment
            ? "Chat with Amazon Bedrock using this computer's AWS credentials."
            : 'Chat with Amazon Bedrock using your company account.'}
      </p>
      <SessionErrorNotice />
      <button
        type="button"
        className="button button--primary button--large"
        onClick={() => void signIn()}
        autoFocus
        data-testid="sign-in-button"
      >
        {sso
          ? 'Sign in with IAM Identity Center'
          : profile
            ? `Use profile ${profile}`
            : environment
              ? "Use this computer's credentials"
              : companyName
                ? `Sign in with ${companyName}`
                : 'Sign in'}
      </button>
      <p className="welcome-card__hint">
        {sso
          ? "You'll sign in in your web browser, as aws sso login does; the AWS CLI shares the session."
          : profile || environment
          ? 'Strata uses the credentials this computer has, as the AWS CLI does.'
          : "You'll sign in with your company account in your web browser."}
      </p>
      {others && (
        <button type="button" className="button button--quiet" onClick={onOpenSettings} data-testid="other-sign-in-button">
          Other ways to sign in
        </button>
      )}
    </>
  );
}
