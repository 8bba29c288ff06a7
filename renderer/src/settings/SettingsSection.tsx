/**
 * One section of the Settings sheet (Account, Personal, Company): its title
 * and lead line, and what it shows while its part of main's answer is not
 * there yet: "Loading…", or why not with "Try again".
 */
import type { ReactNode } from 'react';
import type { AppError } from '../../../preload/contract';
import { ErrorNotice } from '../shared/ErrorNotice';

interface SettingsSectionProps {
  /** Names the heading's id (`settings-<name>-title`) and the test id (`settings-<name>`). */
  name: string;
  title: string;
  lead: string;
  children: ReactNode;
}

export function SettingsSection({ name, title, lead, children }: SettingsSectionProps) {
  return (
    <section className="settings-section" aria-labelledby={`settings-${name}-title`} data-testid={`settings-${name}`}>
      <h3 className="settings-section__title" id={`settings-${name}-title`}>
        {title}
      </h3>
      <p className="settings-section__lead">{lead}</p>
      {children}
    </section>
  );
}

/** A section's content before it has loaded: why it could not, with "Try again", or that it is on its way. */
export function SectionNotLoaded({ error, onRetry, loading }: { error: AppError | null; onRetry: () => void; loading: string }) {
  return error ? (
    <div className="settings-dialog__state">
      <ErrorNotice error={error} />
      <button type="button" className="button button--primary" onClick={onRetry}>
        Try again
      </button>
    </div>
  ) : (
    <p className="settings-dialog__state muted">{loading}</p>
  );
}
