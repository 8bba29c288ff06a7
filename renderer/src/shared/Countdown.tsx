/** A live countdown to when the session ends, updating every second. */
import { formatClockTime, formatRemaining } from './time-format';
import { useNow } from './clock';

export function Countdown({ expiresAt }: { expiresAt: number }) {
  const now = useNow();
  const remaining = expiresAt - now;
  // role="timer" is not announced on every tick, which is what a screen reader user wants here.
  return (
    <p className="countdown countdown--warning" role="timer" aria-atomic="true" data-testid="session-countdown">
      {remaining > 0 ? (
        <>
          Session ends in{' '}
          <time className="countdown__time" dateTime={new Date(expiresAt).toISOString()} title={`Ends at ${formatClockTime(expiresAt)}`}>
            {formatRemaining(remaining)}
          </time>
        </>
      ) : (
        'Session ending…'
      )}
    </p>
  );
}
