/** Window-wide keyboard shortcuts, matched against the declarations in shortcuts.ts. */
import { useEffect, useEffectEvent } from 'react';
import { isMac, matchesShortcut, type Shortcut } from './shortcuts';

/** Runs `action` whenever the shortcut is pressed anywhere in the window, while `enabled`. */
export function useShortcut(shortcut: Shortcut, action: () => void, enabled = true): void {
  const run = useEffectEvent(action);
  useEffect(() => {
    if (!enabled) return;
    const mac = isMac();
    const onKey = (event: KeyboardEvent) => {
      // Someone closer to the focus already handled it, or an input method is composing text.
      if (event.defaultPrevented || event.isComposing || !matchesShortcut(shortcut, event, mac)) return;
      event.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut, enabled]);
}
