/** A live countdown to when the credentials expire, updating every second. */
import { formatClockTime, formatRemaining } from './time-format';
import { useNow } from './clock';

export function Countdown({ expiresAt }: { expiresAt: number }) {
  const now = useNow();
  const remaining = expiresAt - now;
  const at = new Date(expiresAt);
  // role="timer" is not announced on every tick, which is what a screen reader user wants here.
  return (
    <p className="countdown" role="timer" aria-atomic="true">
      {remaining > 0 ? (
        <>
          Session renews automatically · expires in{' '}
          <time
            className="countdown__time"
            dateTime={at.toISOString()}
            title={`Credentials expire at ${formatClockTime(expiresAt)}`}
            data-testid="session-expires-in"
          >
            {formatRemaining(remaining)}
          </time>
        </>
      ) : (
        <span data-testid="session-expires-in">Renewing your session…</span>
      )}
    </p>
  );
}
