/** The Strata mark (three stacked layers) and name. */
export function Wordmark({ size = 'small' }: { size?: 'small' | 'large' }) {
  return (
    <span className={`wordmark wordmark--${size}`}>
      <svg className="wordmark__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <path className="wordmark__layer wordmark__layer--top" d="M16 4 29 10.5 16 17 3 10.5z" />
        <path className="wordmark__layer wordmark__layer--middle" d="m5.5 15.6 10.5 5.3 10.5-5.3" />
        <path className="wordmark__layer wordmark__layer--bottom" d="m5.5 21.1 10.5 5.3 10.5-5.3" />
      </svg>
      <span className="wordmark__name">Strata</span>
    </span>
  );
}
