/** A quiet indeterminate progress bar for waiting on something outside Strata. */
export function ProgressIndicator({ label }: { label: string }) {
  return (
    <div className="progress" role="progressbar" aria-label={label}>
      <div className="progress__bar" />
    </div>
  );
}
