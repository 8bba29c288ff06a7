/**
 * Shows an AppError the same way everywhere: what happened, what to do, and
 * the technical details folded away for IT.
 */
import type { ReactNode } from 'react';
import type { AppError } from '../../../preload/contract';
import { AlertIcon, CloseIcon } from './icons';

/** The words of an error: message, "What to do", any extra words, and a collapsed "Details". */
export function ErrorExplanation({ error, children }: { error: AppError; children?: ReactNode }) {
  return (
    <>
      <p className="error-text__message">{error.message}</p>
      {error.action && (
        <p className="error-text__action">
          <span className="error-text__action-label">What to do:</span> {error.action}
        </p>
      )}
      {children}
      <details className="error-text__details">
        <summary>Details</summary>
        {error.details && <pre className="error-text__technical">{error.details}</pre>}
        <p className="error-text__code">
          Error code: <code>{error.code}</code>
        </p>
      </details>
    </>
  );
}

interface ErrorNoticeProps {
  error: AppError;
  /** Without it, the notice cannot be dismissed (e.g. while it still applies). */
  onDismiss?: () => void;
  testId?: string;
}

export function ErrorNotice({ error, onDismiss, testId = 'error-notice' }: ErrorNoticeProps) {
  return (
    <div className="notice notice--error" role="alert" data-testid={testId}>
      <AlertIcon className="notice__icon" />
      <div className="notice__body">
        <ErrorExplanation error={error} />
      </div>
      {onDismiss && (
        <button type="button" className="icon-button notice__dismiss" onClick={onDismiss} aria-label="Dismiss">
          <CloseIcon />
        </button>
      )}
    </div>
  );
}
