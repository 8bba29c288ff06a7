/** The calm, centred frame for every screen before sign-in completes. */
import type { ReactNode } from 'react';
import { DiagnosticsButton } from '../help/DiagnosticsButton';
import { SettingsButton } from '../shared/SettingsButton';
import { UpdateBanner } from '../updates/UpdateBanner';

export function WelcomeLayout({ onOpenSettings, children }: { onOpenSettings: () => void; children: ReactNode }) {
  return (
    <div className="welcome">
      <header className="welcome__bar">
        <SettingsButton onClick={onOpenSettings} />
      </header>
      <UpdateBanner />
      <main className="welcome__main">
        <section className="welcome-card">{children}</section>
      </main>
      {/* Before sign-in works is when IT most needs the logs. */}
      <footer className="welcome__help">
        <DiagnosticsButton />
      </footer>
    </div>
  );
}
