/** The session's current error (a failed sign-in or request), dismissible. */
import { useSession } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';

export function SessionErrorNotice() {
  const error = useSession((state) => state.error);
  const dismissError = useSession((state) => state.dismissError);
  return error ? <ErrorNotice error={error} onDismiss={dismissError} /> : null;
}
