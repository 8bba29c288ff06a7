/** Keeps the window's theme and text size in step with the person's preferences. */
import { useEffect } from 'react';
import { usePreferences } from '../app-stores';
import { applyAppearance, type Appearance } from './appearance';
import './appearance.css';

/** Where the last appearance is kept, so the next start opens in it before main has answered. */
const REMEMBERED = 'strata.appearance';

/** Applies the appearance Strata last showed (none on a first start); call once before the first render. */
export function restoreAppearance(): void {
  try {
    const saved = JSON.parse(localStorage.getItem(REMEMBERED) ?? 'null') as Appearance | null;
    applyAppearance(document.documentElement, saved);
  } catch {
    // Nothing remembered, or storage unavailable: the system's look until the preferences load.
  }
}

/** Applies the person's theme and text size to the whole window whenever they change. */
export function useAppearance(): void {
  const loaded = usePreferences((state) => state.preferences !== null);
  const theme = usePreferences((state) => state.preferences?.theme ?? 'system');
  const textSize = usePreferences((state) => state.preferences?.textSize ?? 'normal');
  useEffect(() => {
    // Until main answers, keep what restoreAppearance() put there.
    if (!loaded) return;
    applyAppearance(document.documentElement, { theme, textSize });
    try {
      localStorage.setItem(REMEMBERED, JSON.stringify({ theme, textSize }));
    } catch {
      // Only a head start for the next launch.
    }
  }, [loaded, theme, textSize]);
}
