/**
 * IAM Identity Center's sign-in with a code (its device code flow): the way
 * to it from a browser sign-in that is not working out, and the code to
 * confirm on the page it opens.
 */
import { useSession } from '../app-stores';

/** The code the person confirms on IAM Identity Center's page, and where that page is if none opened. */
export function DeviceCode({ device }: { device: { userCode: string; verificationUri: string } }) {
  return (
    <div className="device-code" data-testid="sso-device">
      <p className="device-code__text">Check that the IAM Identity Center page in your browser shows this code, then allow access:</p>
      <p className="device-code__code" data-testid="sso-device-code" aria-label={`Code ${device.userCode.split('').join(' ')}`}>
        {device.userCode}
      </p>
      <p className="device-code__hint">
        No page opened? Go to <span className="device-code__address">{device.verificationUri}</span> and enter the code there.
      </p>
    </div>
  );
}

/** Starts over with a code instead of the browser redirect (a browser on another computer works too). */
export function UseCodeButton() {
  const signInWithCode = useSession((state) => state.signInWithCode);
  return (
    <button type="button" className="button button--quiet" onClick={() => void signInWithCode()} data-testid="sso-use-code-button">
      Sign in with a code instead
    </button>
  );
}
