/**
 * Every keyboard shortcut in Strata, declared once: the handlers match keys
 * against these entries and the Keyboard shortcuts sheet lists them, so the
 * two cannot disagree.
 */

/** One way to press a shortcut. `key` is a KeyboardEvent.key value; `mod` is ⌘ on macOS and Ctrl elsewhere. */
export interface KeyCombo {
  readonly key: string;
  readonly mod?: boolean;
  readonly shift?: boolean;
  /** Offered on macOS only. */
  readonly macOnly?: boolean;
}

/** Where a shortcut works, as the sheet groups them. */
export type ShortcutGroup = 'Anywhere' | 'Message box' | 'Conversation list' | 'Dialogs and menus';

export interface Shortcut {
  readonly group: ShortcutGroup;
  readonly description: string;
  /** Alternatives: any one of them triggers the shortcut. */
  readonly combos: readonly KeyCombo[];
}

export const shortcuts = {
  newConversation: { group: 'Anywhere', description: 'New conversation', combos: [{ key: 'n', mod: true }] },
  focusMessageBox: { group: 'Anywhere', description: 'Go to the message box', combos: [{ key: 'l', mod: true }] },
  searchConversations: { group: 'Anywhere', description: 'Search conversations', combos: [{ key: 'k', mod: true }] },
  showShortcuts: { group: 'Anywhere', description: 'Show keyboard shortcuts', combos: [{ key: '/', mod: true }, { key: 'F1' }] },

  send: { group: 'Message box', description: 'Send the message', combos: [{ key: 'Enter' }] },
  newLine: { group: 'Message box', description: 'Start a new line', combos: [{ key: 'Enter', shift: true }] },
  stop: { group: 'Message box', description: 'Stop the answer', combos: [{ key: 'Escape' }] },

  moveInList: {
    group: 'Conversation list',
    description: 'Move between conversations',
    combos: [{ key: 'ArrowUp' }, { key: 'ArrowDown' }, { key: 'Home' }, { key: 'End' }],
  },
  openConversation: { group: 'Conversation list', description: 'Open the conversation', combos: [{ key: 'Enter' }, { key: ' ' }] },
  renameConversation: { group: 'Conversation list', description: 'Rename the conversation', combos: [{ key: 'F2' }] },
  // A Mac's "delete" key is Backspace; Finder deletes with ⌘⌫.
  deleteConversation: {
    group: 'Conversation list',
    description: 'Delete the conversation',
    combos: [{ key: 'Delete' }, { key: 'Backspace', mod: true, macOnly: true }],
  },
  conversationMenu: {
    group: 'Conversation list',
    description: 'More actions for the conversation',
    combos: [{ key: 'ContextMenu' }, { key: 'F10', shift: true }],
  },

  close: { group: 'Dialogs and menus', description: 'Close the dialog or menu', combos: [{ key: 'Escape' }] },
} as const satisfies Record<string, Shortcut>;

/** The message box's keys as the person set them: with Enter-to-send off, Enter is a new line and Ctrl/⌘+Enter sends. */
export function asSet(shortcut: Shortcut, enterToSend: boolean): Shortcut {
  if (enterToSend) return shortcut;
  if (shortcut === shortcuts.send) return { ...shortcut, combos: [{ key: 'Enter', mod: true }] };
  if (shortcut === shortcuts.newLine) return { ...shortcut, combos: [{ key: 'Enter' }, { key: 'Enter', shift: true }] };
  return shortcut;
}

/** The groups in the order the sheet shows them. */
export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = ['Anywhere', 'Message box', 'Conversation list', 'Dialogs and menus'];

/** The shortcuts that work in `group`, in the order they are declared. */
export function shortcutsIn(group: ShortcutGroup): Shortcut[] {
  return Object.values<Shortcut>(shortcuts).filter((shortcut) => shortcut.group === group);
}

/** The parts of a keyboard event a shortcut looks at. */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** Whether this window runs on macOS, where ⌘ takes Ctrl's place. */
export function isMac(platform: string = navigator.platform): boolean {
  return /^mac/i.test(platform);
}

/** The combos of a shortcut that exist on this platform. */
export function combosFor(shortcut: Shortcut, mac: boolean): KeyCombo[] {
  return shortcut.combos.filter((combo) => mac || !combo.macOnly);
}

/** Whether the key press is this combo (exactly: no extra modifiers). */
export function matchesCombo(combo: KeyCombo, press: KeyPress, mac: boolean): boolean {
  if (combo.macOnly && !mac) return false;
  const mod = mac ? press.metaKey : press.ctrlKey;
  const otherMod = mac ? press.ctrlKey : press.metaKey;
  if (mod !== Boolean(combo.mod) || otherMod || press.altKey) return false;
  // A symbol such as "/" may itself need Shift on some keyboard layouts, so Shift only counts for letters and named keys.
  const symbol = combo.key.length === 1 && !/[a-z0-9 ]/i.test(combo.key);
  if (!symbol && press.shiftKey !== Boolean(combo.shift)) return false;
  return combo.key.length === 1 ? press.key.toLowerCase() === combo.key.toLowerCase() : press.key === combo.key;
}

/** Whether the key press triggers the shortcut. */
export function matchesShortcut(shortcut: Shortcut, press: KeyPress, mac: boolean): boolean {
  return shortcut.combos.some((combo) => matchesCombo(combo, press, mac));
}

const KEY_NAMES: Record<string, string> = {
  ArrowUp: '↑',
  ArrowDown: '↓',
  ArrowLeft: '←',
  ArrowRight: '→',
  Escape: 'Esc',
  ' ': 'Space',
  ContextMenu: 'Menu key',
};

/** The keys of a combo as printed on the keyboard, e.g. ["Ctrl", "N"] or ["⌘", "N"]. */
export function comboKeys(combo: KeyCombo, mac: boolean): string[] {
  const keys: string[] = [];
  if (combo.mod) keys.push(mac ? '⌘' : 'Ctrl');
  if (combo.shift) keys.push(mac ? '⇧' : 'Shift');
  if (mac && combo.key === 'Backspace') keys.push('⌫');
  else keys.push(KEY_NAMES[combo.key] ?? (combo.key.length === 1 ? combo.key.toUpperCase() : combo.key));
  return keys;
}

/** A combo as one short label, e.g. "Ctrl+N" or "⌘N" (macOS writes the keys together). */
export function formatCombo(combo: KeyCombo, mac: boolean): string {
  return comboKeys(combo, mac).join(mac ? '' : '+');
}

/** The shortcut's first combo, for tooltips: "New conversation (Ctrl+N)". */
export function withShortcut(label: string, shortcut: Shortcut, mac: boolean): string {
  const [first] = combosFor(shortcut, mac);
  return first ? `${label} (${formatCombo(first, mac)})` : label;
}

/** The value of `aria-keyshortcuts` for the shortcut, e.g. "Control+N F1". */
export function ariaKeyShortcuts(shortcut: Shortcut, mac: boolean): string {
  return combosFor(shortcut, mac)
    .map((combo) => {
      const keys: string[] = [];
      if (combo.mod) keys.push(mac ? 'Meta' : 'Control');
      if (combo.shift) keys.push('Shift');
      keys.push(combo.key === ' ' ? 'Space' : combo.key.length === 1 ? combo.key.toUpperCase() : combo.key);
      return keys.join('+');
    })
    .join(' ');
}
