/**
 * "Check connection" in Settings → Network: every address Strata talks to,
 * how it is reached, and whether it answered with a trusted certificate,
 * with the report IT asks for one click away.
 */
import type { ConnectionCheck as Check } from '../../../preload/contract';
import { useSettings } from '../app-stores';
import { CopyButton } from '../shared/CopyButton';
import { ErrorNotice } from '../shared/ErrorNotice';
import { AlertIcon, CheckIcon } from '../shared/icons';

function CheckRow({ check }: { check: Check }) {
  const facts = [
    check.route,
    check.addresses && `${check.addresses}${check.private === undefined ? '' : check.private ? ' (private)' : ' (public)'}`,
    check.certificateIssuer && `Certificate from ${check.certificateIssuer}`,
  ].filter(Boolean);
  return (
    <li className={`connection-check__row connection-check__row--${check.ok ? 'ok' : 'failed'}`} data-testid="connection-check-row" data-ok={check.ok}>
      {check.ok ? <CheckIcon className="connection-check__icon" /> : <AlertIcon className="connection-check__icon" />}
      <div>
        <p className="connection-check__name">
          {check.name} <span className="visually-hidden">{check.ok ? '(works)' : '(problem)'}</span>
        </p>
        <p className="connection-check__summary">{check.summary}</p>
        <p className="connection-check__facts">
          <span className="connection-check__url">{check.url}</span>
          {facts.map((fact) => (
            <span key={fact}> · {fact}</span>
          ))}
        </p>
      </div>
    </li>
  );
}

/** The check, for the saved settings; says so while edits are not saved. */
export function ConnectionCheck({ unsaved }: { unsaved: boolean }) {
  const state = useSettings((s) => s.connectionCheck);
  const check = useSettings((s) => s.checkConnection);
  const checking = state.kind === 'checking';
  const problems = state.kind === 'done' ? state.report.checks.filter((c) => !c.ok).length : 0;
  return (
    <div className="connection-check" data-testid="connection-check">
      <div className="connection-check__bar">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void check()}
          disabled={checking}
          aria-describedby="connection-check-note"
          data-testid="check-connection-button"
        >
          {checking ? 'Checking…' : 'Check connection'}
        </button>
        {state.kind === 'done' && <CopyButton text={state.report.text} label="Copy the connection report for IT" testId="copy-connection-report" />}
      </div>
      <p className="field__help" id="connection-check-note">
        {unsaved
          ? 'Checks the saved settings: save your changes first to check them.'
          : 'Tries each address Strata uses, without signing in, and writes a report you can give IT.'}
      </p>
      <p className="visually-hidden" role="status">
        {checking
          ? 'Checking the connection…'
          : state.kind === 'done'
            ? problems === 0
              ? 'Every address works.'
              : `${problems} of ${state.report.checks.length} addresses have a problem.`
            : ''}
      </p>
      {state.kind === 'failed' && <ErrorNotice error={state.error} testId="connection-check-error" />}
      {state.kind === 'done' && (
        <ul className="connection-check__list" aria-label="Connection check results">
          {state.report.checks.map((c) => (
            <CheckRow key={c.name} check={c} />
          ))}
        </ul>
      )}
    </div>
  );
}
