/** The calm, centred frame for every screen before sign-in completes. */
import type { ReactNode } from 'react';
import { SettingsButton } from '../shared/SettingsButton';

export function WelcomeLayout({ onOpenSettings, children }: { onOpenSettings: () => void; children: ReactNode }) {
  return (
    <div className="welcome">
      <header className="welcome__bar">
        <SettingsButton onClick={onOpenSettings} />
      </header>
      <main className="welcome__main">
        <section className="welcome-card">{children}</section>
      </main>
    </div>
  );
}
