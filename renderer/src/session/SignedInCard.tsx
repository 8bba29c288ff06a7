/** The signed-in welcome: who you are and which AWS identity Strata holds credentials for. */
import { CopyButton } from '../shared/CopyButton';
import { ShieldIcon } from '../shared/icons';
import type { WorkspaceSession } from './session-screen';
import { formatClockTime } from '../shared/time-format';
import { describeArn, displayName, formatAccountId, principalKindLabel } from './session-format';

export function SignedInCard({ session, ended }: { session: WorkspaceSession; ended: boolean }) {
  const { user, identity, expiresAt, renewedAt } = session;
  const principal = identity ? describeArn(identity.arn) : null;
  const name = displayName(user);
  return (
    <section className="card signed-in-card" aria-labelledby="signed-in-title" data-testid="signed-in-card">
      <div className="signed-in-card__head">
        <span className={`signed-in-card__badge${ended ? ' signed-in-card__badge--ended' : ''}`}>
          <ShieldIcon className="icon--large" />
        </span>
        <div>
          <h1 className="signed-in-card__title" id="signed-in-title">
            {ended ? `You were signed in as ${name}` : `You're signed in as ${name}`}
          </h1>
          <p className="signed-in-card__lead">
            Strata holds temporary AWS credentials for you and renews them automatically while you're signed in.
          </p>
        </div>
      </div>

      <dl className="facts">
        <div className="facts__row">
          <dt>Name</dt>
          <dd>{user.name?.trim() || '—'}</dd>
        </div>
        <div className="facts__row">
          <dt>Email</dt>
          <dd>{user.email?.trim() || '—'}</dd>
        </div>
        {identity && principal && (
          <>
            <div className="facts__row">
              <dt>AWS {principalKindLabel(principal.kind).toLowerCase()}</dt>
              <dd>{principal.name}</dd>
            </div>
            <div className="facts__row">
              <dt>AWS account</dt>
              <dd className="mono">{formatAccountId(identity.account || principal.account || '—')}</dd>
            </div>
            <div className="facts__row facts__row--wide">
              <dt>Identity ARN</dt>
              <dd className="facts__copyable">
                <code className="mono selectable">{identity.arn}</code>
                <CopyButton text={identity.arn} label="Copy identity ARN" />
              </dd>
            </div>
            {identity.identityId && (
              <div className="facts__row facts__row--wide">
                <dt>Cognito identity</dt>
                <dd>
                  <code className="mono selectable">{identity.identityId}</code>
                </dd>
              </div>
            )}
          </>
        )}
        {renewedAt !== null && (
          <div className="facts__row">
            <dt>Credentials issued</dt>
            <dd>{formatClockTime(renewedAt)}</dd>
          </div>
        )}
        {expiresAt !== null && (
          <div className="facts__row">
            <dt>{ended ? 'Credentials were due to expire' : 'Credentials expire'}</dt>
            <dd>{formatClockTime(expiresAt)}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}
