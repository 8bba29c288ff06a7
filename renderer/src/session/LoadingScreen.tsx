/** Shown until main reports the session status; offers a retry if it cannot. */
import { useSession } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { Wordmark } from '../shared/Wordmark';

export function LoadingScreen() {
  const error = useSession((state) => state.error);
  const load = useSession((state) => state.load);
  const dismissError = useSession((state) => state.dismissError);
  return (
    <>
      <h1 className="welcome-card__brand">
        <Wordmark size="large" />
      </h1>
      {error ? (
        <>
          <ErrorNotice error={error} />
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              dismissError();
              void load();
            }}
          >
            Try again
          </button>
        </>
      ) : (
        <p className="welcome-card__hint">Starting…</p>
      )}
    </>
  );
}
