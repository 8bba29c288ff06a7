/**
 * The box for the code from an MFA device, when an AWS profile's role asks
 * for one. Six digits; the code goes to main, which hands it to AWS.
 */
import { useId, useState, type SubmitEvent } from 'react';
import { useSession } from '../app-stores';
import './session.css';

/** The device's name from its ARN (arn:aws:iam::123:mfa/ada → ada). */
function deviceName(serial: string): string {
  return serial.split('/').pop() || serial;
}

export function MfaCodeForm({ serial }: { serial: string }) {
  const submit = useSession((state) => state.submitMfaCode);
  const [code, setCode] = useState('');
  const [sending, setSending] = useState(false);
  const hintId = useId();
  const complete = /^\d{6}$/.test(code);

  const onSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!complete || sending) return;
    setSending(true);
    // Once main has the code, the form stays "Checking…" until AWS answers and the screen moves on.
    if (!(await submit(code))) {
      setSending(false);
      setCode('');
    }
  };

  return (
    <form className="mfa-form" onSubmit={(event) => void onSubmit(event)} aria-label="MFA code" data-testid="mfa-form">
      <label className="mfa-form__label" htmlFor={`${hintId}-code`}>
        Code from your MFA device
      </label>
      <input
        id={`${hintId}-code`}
        className="mfa-form__input"
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        aria-describedby={hintId}
        autoFocus
        data-testid="mfa-code-input"
      />
      <p className="mfa-form__hint muted" id={hintId}>
        The 6-digit code your device “{deviceName(serial)}” shows now.
      </p>
      <button type="submit" className="button button--primary" disabled={!complete || sending} data-testid="mfa-submit-button">
        {sending ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}
