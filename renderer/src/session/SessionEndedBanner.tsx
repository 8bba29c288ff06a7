/**
 * The banner over a workspace whose session ended: why, and "Sign in again".
 * It sits above the workspace instead of replacing it, so nothing on screen is lost.
 */
import type { SessionSource } from '../../../preload/contract';
import { signInWhere } from '../accounts/source-words';
import { useSession } from '../app-stores';
import { ErrorExplanation } from '../shared/ErrorNotice';
import { AlertIcon, BrowserIcon } from '../shared/icons';
import { ProgressIndicator } from '../shared/ProgressIndicator';
import { MfaCodeForm } from './MfaCodeForm';
import { signsInInBrowser, type SessionInterruption } from './session-screen';
import { DeviceCode, UseCodeButton } from './SsoCodeSignIn';
import { useCompanyName } from './use-company-name';

const KEPT = 'Everything here stays as it was.';

function title(interruption: SessionInterruption, inBrowser: boolean): string {
  if (interruption.kind !== 'signing-in') return 'Your session ended — sign in again to continue';
  if (interruption.mfa) return 'Enter your MFA code to go on';
  if (interruption.device) return 'Confirm the code in your browser to sign in again';
  return inBrowser ? 'Continue in your browser to sign in again' : 'Signing you in again…';
}

interface SessionEndedBannerProps {
  interruption: SessionInterruption;
  /** The source of the session that ended. */
  source: SessionSource;
  onOpenSettings: () => void;
}

export function SessionEndedBanner({ interruption, source: endedSource, onOpenSettings }: SessionEndedBannerProps) {
  const companyName = useCompanyName();
  const signIn = useSession((state) => state.signIn);
  const cancel = useSession((state) => state.cancel);
  const cancelling = useSession((state) => state.cancelling);
  const signingIn = interruption.kind === 'signing-in';
  const source = signingIn ? interruption.source : null;
  const device = signingIn ? interruption.device : undefined;
  const inBrowser = signingIn && interruption.interactive && signsInInBrowser(interruption.source) && !device;

  return (
    <section className={`ended-banner${signingIn ? ' ended-banner--waiting' : ''}`} aria-labelledby="ended-banner-title" data-testid="session-ended-banner">
      {signingIn ? <BrowserIcon className="ended-banner__icon" /> : <AlertIcon className="ended-banner__icon" />}
      <div className="ended-banner__body">
        <h2 className="ended-banner__title" id="ended-banner-title">
          {title(interruption, inBrowser)}
        </h2>
        {interruption.kind === 'expired' && (
          <ErrorExplanation error={interruption.error}>
            <p className="ended-banner__text">{KEPT}</p>
          </ErrorExplanation>
        )}
        {interruption.kind === 'ended' && <p className="ended-banner__text">{KEPT}</p>}
        {interruption.kind === 'signing-in' && interruption.mfa && <MfaCodeForm serial={interruption.mfa.serial} />}
        {device && <DeviceCode device={device} />}
        {interruption.kind === 'signing-in' && !interruption.mfa && (
          <>
            <p className="ended-banner__text">
              {device
                ? KEPT
                : inBrowser
                  ? `A tab opened in your web browser to ${signInWhere(interruption.source, companyName)}. ${KEPT}`
                  : interruption.source.kind === 'company'
                    ? `Strata is using your saved sign-in. ${KEPT}`
                    : interruption.source.kind === 'environment'
                      ? `Strata is getting this computer's AWS credentials. ${KEPT}`
                      : interruption.source.kind === 'api-key'
                        ? `Amazon Bedrock is checking your API key. ${KEPT}`
                      : `Strata is getting credentials from your AWS profile. ${KEPT}`}
            </p>
            <ProgressIndicator label={device ? 'Waiting for you to allow access' : inBrowser ? 'Waiting for you to sign in' : 'Signing in'} />
          </>
        )}
      </div>
      <div className="ended-banner__actions">
        {signingIn ? (
          <>
            {inBrowser && source?.kind === 'profile' && <UseCodeButton />}
            <button type="button" className="button button--secondary" onClick={() => void cancel()} disabled={cancelling} data-testid="cancel-sign-in-button">
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </>
        ) : endedSource.kind === 'api-key' && interruption.kind === 'expired' ? (
          // A Bedrock API key that ended, or that Bedrock refused, is gone: a new one is pasted in Settings.
          <button type="button" className="button button--primary" onClick={onOpenSettings} data-testid="api-key-new-button">
            Enter a new key
          </button>
        ) : (
          <button type="button" className="button button--primary" onClick={() => void signIn()} data-testid="sign-in-button">
            Sign in again
          </button>
        )}
      </div>
    </section>
  );
}
