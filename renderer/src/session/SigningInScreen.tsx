/**
 * While a sign-in is under way: in the browser (the company's or IAM Identity
 * Center's), with a code confirmed on IAM Identity Center's page, from the
 * saved sign-in at start-up, or with an AWS profile (which may ask for an MFA
 * code). Says what is happening and offers a way out.
 */
import type { SessionSource } from '../../../preload/contract';
import { signInWhere } from '../accounts/source-words';
import { useSession } from '../app-stores';
import { BrowserIcon, ShieldIcon } from '../shared/icons';
import { ProgressIndicator } from '../shared/ProgressIndicator';
import { MfaCodeForm } from './MfaCodeForm';
import { SessionErrorNotice } from './SessionErrorNotice';
import { signInLink, signsInInBrowser, type SignInAsk } from './session-screen';
import { SignInLinkHelp } from './SignInLinkHelp';
import { DeviceCode, UseCodeButton } from './SsoCodeSignIn';
import { useCompanyName } from './use-company-name';

interface SigningInScreenProps extends SignInAsk {
  source: SessionSource;
  interactive: boolean;
}

function title(inBrowser: boolean, { mfa, device }: SignInAsk): string {
  if (mfa) return 'Enter your MFA code';
  if (device) return 'Confirm the code in your browser';
  return inBrowser ? 'Continue in your browser' : 'Signing you in…';
}

export function SigningInScreen({ source, interactive, mfa, device }: SigningInScreenProps) {
  const companyName = useCompanyName();
  const cancel = useSession((state) => state.cancel);
  const cancelling = useSession((state) => state.cancelling);
  const link = useSession((state) => signInLink(state.status));
  const inBrowser = interactive && signsInInBrowser(source) && !device;
  const profile = source.kind === 'profile' ? source.profile : '';
  const text = mfa
    ? `The AWS profile “${profile}” takes a role that asks for a code from your MFA device.`
    : device
      ? `Strata is signing you in to IAM Identity Center for the AWS profile “${profile}”, and continues on its own once you've allowed access.`
      : inBrowser
        ? `A tab opened in your web browser to ${signInWhere(source, companyName)}. Strata continues on its own once you're done.`
        : source.kind === 'profile'
          ? `Strata is getting credentials from your AWS profile “${profile}”.`
          : source.kind === 'environment'
            ? "Strata is getting this computer's AWS credentials."
            : source.kind === 'api-key'
              ? 'Amazon Bedrock is checking your API key.'
            : 'Strata is using your saved sign-in. This takes a moment.';
  return (
    <>
      <span className="welcome-card__badge">
        {inBrowser || device ? <BrowserIcon className="icon--large" /> : <ShieldIcon className="icon--large" />}
      </span>
      <h1 className="welcome-card__title">{title(inBrowser, { mfa, device })}</h1>
      <p className="welcome-card__text">{text}</p>
      {device && <DeviceCode device={device} />}
      {mfa ? (
        <MfaCodeForm serial={mfa.serial} />
      ) : (
        <ProgressIndicator label={device ? 'Waiting for you to allow access' : inBrowser ? 'Waiting for you to sign in' : 'Signing in'} />
      )}
      <SessionErrorNotice />
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void cancel()}
        disabled={cancelling}
        autoFocus={inBrowser || Boolean(device)}
        data-testid="cancel-sign-in-button"
      >
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
      {inBrowser && source.kind === 'profile' && <UseCodeButton />}
      {inBrowser && link && <SignInLinkHelp url={link} />}
    </>
  );
}
