/**
 * Which keys send a message: Enter (Shift+Enter for a new line), or, for
 * people who turned Enter-to-send off, Ctrl+Enter (⌘+Enter on a Mac) while
 * Enter starts a new line.
 */

/** The keys of a key press that matter here. */
export interface SendKeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** Whether the keyboard's command key is ⌘ (a Mac) rather than Ctrl. */
export function usesCommandKey(platform: string): boolean {
  return /mac|iphone|ipad/i.test(platform);
}

/** Whether this key press sends the message. */
export function isSendKey(press: SendKeyPress, enterToSend: boolean): boolean {
  if (press.key !== 'Enter' || press.shiftKey) return false;
  // Ctrl/⌘+Enter sends either way, so the habit works whatever the setting.
  return enterToSend || press.ctrlKey || press.metaKey;
}

/** What the message box says about sending. */
export function sendHint(enterToSend: boolean, commandKey: boolean): string {
  const modifier = commandKey ? '⌘' : 'Ctrl';
  return enterToSend ? 'Enter to send, Shift+Enter for a new line' : `${modifier}+Enter to send, Enter for a new line`;
}

/** The Send button's shortcut, as aria-keyshortcuts spells it. */
export function sendShortcut(enterToSend: boolean, commandKey: boolean): string {
  if (enterToSend) return 'Enter';
  return commandKey ? 'Meta+Enter' : 'Control+Enter';
}
