/**
 * The person's name in the header, as a button that opens the details of
 * their session: email, AWS account and role, and when the session renews.
 * The header stays calm; the technical facts are one click away.
 */
import { useId } from 'react';
import { sourceLabel, sourceShort } from '../accounts/source-words';
import { formatClockTime } from '../shared/time-format';
import { ConnectionTestPanel } from './ConnectionTestPanel';
import { describeExpiry, identityFacts } from './session-details';
import { displayName, initials } from './session-format';
import type { WorkspaceSession } from './session-screen';
import { usePopover } from './use-popover';
import './session.css';

export function SessionDetails({ session, ended }: { session: WorkspaceSession; ended: boolean }) {
  const { open, toggle, rootRef, buttonRef } = usePopover();
  const popoverId = useId();
  const { user, identity } = session;
  const expiry = describeExpiry(session, ended);
  const renewalError = ended ? undefined : session.renewalError;

  return (
    <div className="session-person" ref={rootRef}>
      <button
        type="button"
        ref={buttonRef}
        className="session-person__button"
        aria-expanded={open}
        aria-controls={popoverId}
        onClick={toggle}
        data-testid="session-details-button"
      >
        <span className="avatar" aria-hidden="true">
          {initials(user)}
        </span>
        <span className="session-person__lines">
          <span className="session-person__name" data-testid="session-user-name">
            {displayName(user)}
          </span>
          <span className={`session-person__state${ended ? ' session-person__state--ended' : ''}`} data-testid="session-state">
            {ended ? 'Session ended' : sourceShort(session.source)}
          </span>
        </span>
        <span className="session-person__caret" aria-hidden="true" />
      </button>

      <section id={popoverId} className="session-popover" aria-label="Session details" hidden={!open} data-testid="session-details">
        <dl className="session-popover__facts">
          {user.email && (
            <div className="session-popover__row">
              <dt>Email</dt>
              <dd data-testid="session-user-email">{user.email}</dd>
            </div>
          )}
          {identity &&
            identityFacts(identity, session.source).map((fact) => (
              <div className="session-popover__row" key={fact.testId}>
                <dt>{fact.label}</dt>
                <dd title={fact.title} data-testid={fact.testId}>
                  {fact.value}
                </dd>
              </div>
            ))}
          {session.region && (
            <div className="session-popover__row">
              <dt>AWS Region</dt>
              <dd data-testid="session-region">{session.region}</dd>
            </div>
          )}
          <div className="session-popover__row">
            <dt>Signed in with</dt>
            <dd data-testid="session-source">{sourceLabel(session.source)}</dd>
          </div>
          {session.sso && !ended && (
            <div className="session-popover__row">
              <dt>IAM Identity Center</dt>
              <dd data-testid="session-sso">
                {session.sso.renewable ? 'Strata renews the session before ' : 'Session ends at '}
                <time dateTime={new Date(session.sso.expiresAt).toISOString()}>{formatClockTime(session.sso.expiresAt)}</time>
              </dd>
            </div>
          )}
          <div className="session-popover__row">
            <dt>Session</dt>
            <dd data-testid="session-expiry">
              {expiry.before}
              {expiry.at !== null && (
                <>
                  {' '}
                  <time dateTime={new Date(expiry.at).toISOString()} data-testid="session-expires-in">
                    {formatClockTime(expiry.at)}
                  </time>
                </>
              )}
              {expiry.after && ` ${expiry.after}`}
            </dd>
          </div>
        </dl>
        {renewalError && (
          <p className="session-popover__warning" data-testid="session-renewal-error">
            {renewalError.message} Strata keeps trying to renew your session.
            {renewalError.action && ` ${renewalError.action}`}
          </p>
        )}
        {session.sso && !ended && (
          // The session is the AWS CLI's too: signing out here ends it there (as aws sso logout would).
          <p className="session-popover__note" data-testid="session-sso-sign-out-note">
            Signing out also signs the AWS CLI out of this IAM Identity Center session.
          </p>
        )}
        {!ended && <ConnectionTestPanel />}
      </section>
    </div>
  );
}
