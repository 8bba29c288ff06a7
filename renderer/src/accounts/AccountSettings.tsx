/**
 * Settings → Account: where Strata's AWS access comes from. The company
 * account, or one of the AWS profiles on this computer (as the AWS CLI set
 * them up), each with what it is; "Use" switches at once, and Strata
 * remembers the choice.
 */
import type { CredentialSource } from '../../../preload/contract';
import { useAccounts } from '../app-stores';
import { SectionNotLoaded, SettingsSection } from '../settings/SettingsSection';
import { ErrorNotice } from '../shared/ErrorNotice';
import { CheckIcon } from '../shared/icons';
import { sourceKey } from './accounts-store';
import { environmentText, profileDetails, ssoSessionText } from './source-words';
import './accounts.css';

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
}

function SourceRow({ source, title, details, session, problem, badge, inUse, disabled }: SourceRowProps) {
  const choose = useAccounts((state) => state.choose);
  const choosing = useAccounts((state) => state.choosing);
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
        {session && (
          <span className="account-source__details" data-testid="account-sso-session">
            {session}
          </span>
        )}
        {problem && <span className="account-source__problem">{problem}</span>}
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

export function AccountSettings() {
  const view = useAccounts((state) => state.view);
  const error = useAccounts((state) => state.error);
  const dismissError = useAccounts((state) => state.dismissError);
  const load = useAccounts((state) => state.load);
  const activeProfile = view?.active.kind === 'profile' ? view.active.profile : null;

  return (
    <SettingsSection name="account" title="Account" lead="Where Strata gets your AWS access. Most people use their company account.">
      {!view ? (
        <SectionNotLoaded error={error} onRetry={() => void load()} loading="Loading the ways to sign in…" />
      ) : (
        <>
          {error && <ErrorNotice error={error} onDismiss={dismissError} testId="account-error" />}
          {view.locked && (
            <p className="account-locked" data-testid="account-locked">
              {view.locked}: Strata uses the sign-in your IT team chose.
            </p>
          )}
          <ul className="account-sources" aria-label="Ways to sign in">
            <SourceRow
              source={{ kind: 'company' }}
              title="Your company account"
              details={view.company.configured ? 'Sign in with your web browser' : "Not set up on this computer yet: see Company below"}
              inUse={view.active.kind === 'company'}
              disabled={Boolean(view.locked)}
            />
            {view.environment && (
              <SourceRow
                source={{ kind: 'environment' }}
                title="This computer's AWS credentials"
                details={environmentText(view.environment.from)}
                inUse={view.active.kind === 'environment'}
                disabled={Boolean(view.locked)}
              />
            )}
            {view.profiles.map((profile) => (
              <SourceRow
                key={profile.name}
                source={{ kind: 'profile', profile: profile.name }}
                title={`AWS profile “${profile.name}”`}
                details={profileDetails(profile)}
                session={ssoSessionText(profile)}
                problem={profile.problem}
                badge={profile.fromEnvironment ? 'AWS_PROFILE' : undefined}
                inUse={profile.name === activeProfile}
                disabled={Boolean(view.locked) || profile.problem !== undefined}
              />
            ))}
          </ul>
          {activeProfile !== null && !view.profiles.some((profile) => profile.name === activeProfile) && (
            <p className="account-source__problem" data-testid="account-missing-profile">
              The profile “{activeProfile}” Strata was using is no longer in your AWS files.
            </p>
          )}
          {view.problem && <p className="account-source__problem">{view.problem}</p>}
          <p className="account-files muted">
            {view.profiles.length === 0 ? 'No AWS profiles on this computer. ' : ''}
            Profiles are read from {view.files.config} and {view.files.credentials}, and again whenever they change.
          </p>
        </>
      )}
    </SettingsSection>
  );
}
