/**
 * While a sign-in is under way: in the browser (interactive), from the saved
 * sign-in at start-up, or with an AWS profile (which may ask for an MFA
 * code). Says what is happening and offers a way out.
 */
import type { SessionSource } from '../../../preload/contract';
import { useSession } from '../app-stores';
import { BrowserIcon, ShieldIcon } from '../shared/icons';
import { ProgressIndicator } from '../shared/ProgressIndicator';
import { MfaCodeForm } from './MfaCodeForm';
import { SessionErrorNotice } from './SessionErrorNotice';
import { signInLink } from './session-screen';
import { SignInLinkHelp } from './SignInLinkHelp';
import { useCompanyName } from './use-company-name';

interface SigningInScreenProps {
  source: SessionSource;
  interactive: boolean;
  mfa?: { serial: string };
}

export function SigningInScreen({ source, interactive, mfa }: SigningInScreenProps) {
  const companyName = useCompanyName();
  const cancel = useSession((state) => state.cancel);
  const cancelling = useSession((state) => state.cancelling);
  const link = useSession((state) => signInLink(state.status));
  const inBrowser = interactive && source.kind === 'company';
  const title = mfa ? 'Enter your MFA code' : inBrowser ? 'Continue in your browser' : 'Signing you in…';
  const text = mfa
    ? `The AWS profile “${source.kind === 'profile' ? source.profile : ''}” takes a role that asks for a code from your MFA device.`
    : inBrowser
      ? `A tab opened in your web browser to sign in with ${companyName ?? 'your company account'}. Strata continues on its own once you're done.`
      : source.kind === 'profile'
        ? `Strata is getting credentials from your AWS profile “${source.profile}”.`
        : 'Strata is using your saved sign-in. This takes a moment.';
  return (
    <>
      <span className="welcome-card__badge">
        {inBrowser ? <BrowserIcon className="icon--large" /> : <ShieldIcon className="icon--large" />}
      </span>
      <h1 className="welcome-card__title">{title}</h1>
      <p className="welcome-card__text">{text}</p>
      {mfa ? <MfaCodeForm serial={mfa.serial} /> : <ProgressIndicator label={inBrowser ? 'Waiting for you to sign in' : 'Signing in'} />}
      <SessionErrorNotice />
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void cancel()}
        disabled={cancelling}
        autoFocus={inBrowser}
        data-testid="cancel-sign-in-button"
      >
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
      {inBrowser && link && <SignInLinkHelp url={link} />}
    </>
  );
}
