/**
 * The front door: the Strata mark and one button to sign in with the source
 * in use (the company account, an AWS profile, this computer's own
 * credentials, or a Bedrock API key), and the way to the others.
 */
import type { SessionSource } from '../../../preload/contract';
import { useAccounts, useSession } from '../app-stores';
import { Wordmark } from '../shared/Wordmark';
import { SessionErrorNotice } from './SessionErrorNotice';
import { useCompanyName } from './use-company-name';

interface FrontDoor {
  lead: string;
  button: string;
  hint: string;
  /** The button opens Settings instead of signing in (there is nothing to sign in with yet). */
  opensSettings?: boolean;
}

/** What the front door says and offers for `source`. */
function frontDoor(source: SessionSource, companyName: string | null): FrontDoor {
  switch (source.kind) {
    case 'profile':
      return source.profileKind === 'sso'
        ? {
            lead: `Chat with Amazon Bedrock using your AWS profile “${source.profile}”.`,
            button: 'Sign in with IAM Identity Center',
            hint: "You'll sign in in your web browser, as aws sso login does; the AWS CLI shares the session.",
          }
        : {
            lead: `Chat with Amazon Bedrock using your AWS profile “${source.profile}”.`,
            button: `Use profile ${source.profile}`,
            hint: source.ssoSource
              ? `It takes its role with “${source.ssoSource}”: you'll sign in to IAM Identity Center in your web browser if its session has ended.`
              : 'Strata uses the credentials this computer has, as the AWS CLI does.',
          };
    case 'environment':
      return {
        lead: "Chat with Amazon Bedrock using this computer's AWS credentials.",
        button: "Use this computer's credentials",
        hint: 'Strata uses the credentials this computer has, as the AWS CLI does.',
      };
    case 'api-key':
      return source.key
        ? {
            lead: 'Chat with Amazon Bedrock using your Bedrock API key.',
            button: 'Use your API key',
            hint: 'Strata checks the key with Amazon Bedrock first.',
          }
        : {
            lead: 'Chat with Amazon Bedrock using a Bedrock API key.',
            button: 'Add your API key',
            hint: 'Paste the key from the Amazon Bedrock console in Settings → Account.',
            opensSettings: true,
          };
    case 'company':
      return {
        lead: 'Chat with Amazon Bedrock using your company account.',
        button: companyName ? `Sign in with ${companyName}` : 'Sign in',
        hint: "You'll sign in with your company account in your web browser.",
      };
  }
}

export function SignedOutScreen({ source, onOpenSettings }: { source: SessionSource; onOpenSettings: () => void }) {
  const companyName = useCompanyName();
  const signIn = useSession((state) => state.signIn);
  // Other ways in are worth a link only where there are any (or the source in use is not the usual one).
  const others = useAccounts(
    (state) => (state.view?.profiles.length ?? 0) > 0 || state.view?.environment !== undefined || source.kind !== 'company',
  );
  const door = frontDoor(source, companyName);
  return (
    <>
      <h1 className="welcome-card__brand">
        <Wordmark size="large" />
      </h1>
      <p className="welcome-card__text">{door.lead}</p>
      <SessionErrorNotice />
      <button
        type="button"
        className="button button--primary button--large"
        onClick={door.opensSettings ? onOpenSettings : () => void signIn()}
        autoFocus
        data-testid="sign-in-button"
      >
        {door.button}
      </button>
      <p className="welcome-card__hint">{door.hint}</p>
      {others && !door.opensSettings && (
        <button type="button" className="button button--quiet" onClick={onOpenSettings} data-testid="other-sign-in-button">
          Other ways to sign in
        </button>
      )}
    </>
  );
}
