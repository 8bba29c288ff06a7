/** What the organization's guardrail did to an answer, under its text: blocked (a warning) or some information hidden. */
import type { GuardrailNotice as Notice } from '../../../preload/contract';
import { ShieldIcon } from '../shared/icons';
import './GuardrailNotice.css';

export function GuardrailNotice({ notice }: { notice: Notice }) {
  const blocked = notice.action === 'blocked';
  return (
    <div
      className={`guardrail-notice notice ${blocked ? 'notice--warning' : 'notice--info'}`}
      role="note"
      aria-label={blocked ? 'Blocked by your organization’s guardrail' : 'Changed by your organization’s guardrail'}
      data-testid="guardrail-notice"
      data-action={notice.action}
    >
      <ShieldIcon className="notice__icon" />
      <p className="notice__body guardrail-notice__text">{notice.message}</p>
    </div>
  );
}
