/**
 * "Strata can't start": the organization's policy has a mistake, so main
 * won't sign in or chat. The whole window says which policy value is wrong
 * and where, with the details to copy for IT.
 */
import { CopyButton } from '../shared/CopyButton';
import { Wordmark } from '../shared/Wordmark';

export function PolicyProblemScreen({ problem }: { problem: { message: string; details: string } }) {
  return (
    <div className="welcome">
      <main className="welcome__main">
        <section className="welcome-card" role="alert" aria-labelledby="policy-problem-title" data-testid="policy-problem">
          <Wordmark size="large" />
          <h1 className="welcome-card__title" id="policy-problem-title">
            Strata can't start
          </h1>
          <p className="welcome-card__text" data-testid="policy-problem-message">
            {problem.message}
          </p>
          <details className="policy-problem__details">
            <summary>Details for IT</summary>
            <pre className="policy-problem__text" data-testid="policy-problem-details">
              {problem.details}
            </pre>
          </details>
          <CopyButton text={`${problem.message}\n\n${problem.details}`} label="Copy details for IT" testId="policy-problem-copy" />
        </section>
      </main>
    </div>
  );
}
