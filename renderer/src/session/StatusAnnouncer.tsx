/** A polite live region that tells screen reader users when the session changes. */
export function StatusAnnouncer({ message }: { message: string }) {
  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="status-announcer">
      {message}
    </div>
  );
}
