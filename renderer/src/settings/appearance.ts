/**
 * The person's theme and text size, put on the page's root element where the
 * style sheets look for them: `data-theme` overrides the system's light or
 * dark, `data-text-size` sets the root font size every rem follows.
 */
import type { PersonalPreferences, TextSize, Theme } from '../../../preload/contract';

export type Appearance = Pick<PersonalPreferences, 'theme' | 'textSize'>;

/** The part of an element the appearance touches; tests pass a plain object. */
export interface AppearanceRoot {
  dataset: DOMStringMap;
}

/** Sets (or, for "system" and "normal", clears) the root's theme and text size. */
export function applyAppearance(root: AppearanceRoot, appearance: Appearance | null): void {
  const theme = appearance?.theme ?? 'system';
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  const textSize = appearance?.textSize ?? 'normal';
  if (textSize === 'normal') delete root.dataset.textSize;
  else root.dataset.textSize = textSize;
}

/** How each theme is offered in Settings. */
export const THEME_LABELS: Record<Theme, string> = {
  system: 'Same as your computer',
  light: 'Light',
  dark: 'Dark',
};

/** How each text size is offered in Settings. */
export const TEXT_SIZE_LABELS: Record<TextSize, string> = {
  small: 'Small',
  normal: 'Normal',
  large: 'Large',
  larger: 'Larger',
};
