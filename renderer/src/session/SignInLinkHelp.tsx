/**
 * For when the browser did not open (or opened behind another window): open
 * the sign-in page again, or copy its link into any browser.
 */
import { useState } from 'react';
import { useSession } from '../app-stores';
import { CopyButton } from '../shared/CopyButton';
import './session.css';

export function SignInLinkHelp({ url }: { url: string }) {
  const reopenSignInPage = useSession((state) => state.reopenSignInPage);
  const [reopened, setReopened] = useState(false);
  return (
    <section className="sign-in-help" aria-labelledby="sign-in-help-title" data-testid="sign-in-help">
      <h2 className="sign-in-help__title" id="sign-in-help-title">
        Didn't see your browser open?
      </h2>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void reopenSignInPage().then(setReopened)}
        data-testid="reopen-sign-in-button"
      >
        Open the sign-in page again
      </button>
      <p className="sign-in-help__status" role="status">
        {reopened ? 'Sent to your browser again. Look for a new tab or window.' : ''}
      </p>
      <p className="sign-in-help__text">Or copy the link and paste it into your browser's address bar:</p>
      <div className="sign-in-help__link">
        <input
          className="field__input"
          readOnly
          value={url}
          aria-label="Sign-in link"
          onFocus={(event) => event.currentTarget.select()}
          data-testid="sign-in-link"
        />
        <CopyButton text={url} label="Copy link" testId="copy-sign-in-link" />
      </div>
    </section>
  );
}
