/** One way to sign in, as Settings → Account lists it: what it is, and Use (or In use). */
import type { ReactNode } from 'react';
import type { CredentialSource } from '../../../preload/contract';
import { useAccounts, useSession } from '../app-stores';
import { CheckIcon } from '../shared/icons';
import { sourceKey } from './accounts-store';
import { activeIdentityText } from './source-words';

interface SourceRowProps {
  source: CredentialSource;
  title: string;
  details: string;
  /** An IAM Identity Center profile's session, in words. */
  session?: string | null;
  problem?: string;
  badge?: string;
  inUse: boolean;
  disabled: boolean;
  /** More of the row under its details (the API key's form). */
  children?: ReactNode;
}

export function SourceRow({ source, title, details, session, problem, badge, inUse, disabled, children }: SourceRowProps) {
  const choose = useAccounts((state) => state.choose);
  const choosing = useAccounts((state) => state.choosing);
  // Who the source in use is signed in as, and where its requests go.
  const signedInAs = useSession((state) => (inUse && state.status?.source.kind === source.kind ? activeIdentityText(state.status) : null));
  const key = sourceKey(source);
  const switching = choosing !== null && sourceKey(choosing) === key;
  const titleId = `account-${key}-title`;
  return (
    <li className={`account-source${inUse ? ' account-source--in-use' : ''}`} data-testid={`account-source-${key}`} aria-labelledby={titleId}>
      <div className="account-source__text">
        <span className="account-source__title" id={titleId}>
          {title}
          {badge && <span className="account-source__badge">{badge}</span>}
        </span>
        <span className="account-source__details">{details}</span>
        {signedInAs && (
          <span className="account-source__details" data-testid="account-active-identity">
            {signedInAs}
          </span>
        )}
        {session && (
          <span className="account-source__details" data-testid="account-sso-session">
            {session}
          </span>
        )}
        {problem && <span className="account-source__problem">{problem}</span>}
        {children}
      </div>
      {inUse ? (
        <span className="account-source__in-use" data-testid="account-in-use">
          <CheckIcon /> In use
        </span>
      ) : (
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void choose(source)}
          disabled={disabled || choosing !== null}
          aria-describedby={titleId}
          data-testid="account-use-button"
        >
          {switching ? 'Switching…' : 'Use'}
        </button>
      )}
    </li>
  );
}
