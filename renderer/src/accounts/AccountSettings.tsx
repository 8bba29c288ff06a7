/**
 * Settings → Account: where Strata's AWS access comes from. The company
 * account, this computer's own credentials, a Bedrock API key, or one of the
 * AWS profiles on this computer (as the AWS CLI set them up), each with what
 * it is; "Use" switches at once, and Strata remembers the choice.
 */
import type { PolicyCredentialSource } from '../../../preload/contract';
import { useAccounts } from '../app-stores';
import { SectionNotLoaded, SettingsSection } from '../settings/SettingsSection';
import { ErrorNotice } from '../shared/ErrorNotice';
import { ApiKeyRow } from './ApiKeyRow';
import { SourceRow } from './SourceRow';
import { environmentText, profileDetails, ssoSessionText } from './source-words';
import './accounts.css';

export function AccountSettings() {
  const view = useAccounts((state) => state.view);
  const error = useAccounts((state) => state.error);
  const dismissError = useAccounts((state) => state.dismissError);
  const load = useAccounts((state) => state.load);
  const activeProfile = view?.active.kind === 'profile' ? view.active.profile : null;
  // main lists only the profiles and computer credentials the organization allows; the company account and API key are hidden here.
  const allowed = (source: PolicyCredentialSource) => view?.allowedSources?.includes(source) ?? true;

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
            {allowed('company') && (
              <SourceRow
                source={{ kind: 'company' }}
                title="Your company account"
                details={view.company.configured ? 'Sign in with your web browser' : "Not set up on this computer yet: see Company below"}
                inUse={view.active.kind === 'company'}
                disabled={Boolean(view.locked)}
              />
            )}
            {view.environment && (
              <SourceRow
                source={{ kind: 'environment' }}
                title="This computer's AWS credentials"
                details={environmentText(view.environment.from)}
                inUse={view.active.kind === 'environment'}
                disabled={Boolean(view.locked)}
              />
            )}
            {/* Where IT chose the API key for everyone, the person still gives theirs. */}
            {allowed('api-key') && (
              <ApiKeyRow saved={view.apiKey} inUse={view.active.kind === 'api-key'} locked={Boolean(view.locked) && view.active.kind !== 'api-key'} />
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
