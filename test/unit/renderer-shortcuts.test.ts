import { describe, expect, it } from 'vitest';
import {
  ariaKeyShortcuts,
  comboKeys,
  formatCombo,
  isMac,
  matchesShortcut,
  SHORTCUT_GROUPS,
  shortcuts,
  shortcutsIn,
  asSet,
  withShortcut,
  type KeyPress,
} from '../../renderer/src/shared/shortcuts';

/** A key press with no modifiers unless given. */
function press(key: string, modifiers: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...modifiers };
}

describe('matching a key press to a shortcut', () => {
  it('takes Ctrl+N for a new conversation on Windows and Linux, and ⌘N on a Mac', () => {
    expect(matchesShortcut(shortcuts.newConversation, press('n', { ctrlKey: true }), false)).toBe(true);
    expect(matchesShortcut(shortcuts.newConversation, press('n', { metaKey: true }), true)).toBe(true);
    // The other platform's modifier is not the shortcut: on a Mac, Ctrl+N moves the caret in text.
    expect(matchesShortcut(shortcuts.newConversation, press('n', { ctrlKey: true }), true)).toBe(false);
    expect(matchesShortcut(shortcuts.newConversation, press('n', { metaKey: true }), false)).toBe(false);
  });

  it('ignores the letter typed alone, with Caps Lock, or with extra modifiers', () => {
    expect(matchesShortcut(shortcuts.newConversation, press('n'), false)).toBe(false);
    expect(matchesShortcut(shortcuts.newConversation, press('N', { ctrlKey: true }), false)).toBe(true);
    expect(matchesShortcut(shortcuts.newConversation, press('N', { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(matchesShortcut(shortcuts.newConversation, press('n', { ctrlKey: true, altKey: true }), false)).toBe(false);
    expect(matchesShortcut(shortcuts.newConversation, press('n', { ctrlKey: true, metaKey: true }), false)).toBe(false);
  });

  it('opens the shortcuts with Ctrl+/ (however the layout types "/") or F1', () => {
    expect(matchesShortcut(shortcuts.showShortcuts, press('/', { ctrlKey: true }), false)).toBe(true);
    // On a German keyboard "/" is Shift+7.
    expect(matchesShortcut(shortcuts.showShortcuts, press('/', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(matchesShortcut(shortcuts.showShortcuts, press('F1'), false)).toBe(true);
    expect(matchesShortcut(shortcuts.showShortcuts, press('/'), false)).toBe(false);
    expect(matchesShortcut(shortcuts.showShortcuts, press('F1', { shiftKey: true }), false)).toBe(false);
  });

  it('tells Enter (send) from Shift+Enter (new line)', () => {
    expect(matchesShortcut(shortcuts.send, press('Enter'), false)).toBe(true);
    expect(matchesShortcut(shortcuts.send, press('Enter', { shiftKey: true }), false)).toBe(false);
    expect(matchesShortcut(shortcuts.newLine, press('Enter', { shiftKey: true }), false)).toBe(true);
  });

  it('opens an entry’s menu with the Menu key or Shift+F10, but not F10 alone', () => {
    expect(matchesShortcut(shortcuts.conversationMenu, press('ContextMenu'), false)).toBe(true);
    expect(matchesShortcut(shortcuts.conversationMenu, press('F10', { shiftKey: true }), false)).toBe(true);
    expect(matchesShortcut(shortcuts.conversationMenu, press('F10'), false)).toBe(false);
  });

  it('deletes with Delete everywhere, and also with ⌘⌫ on a Mac only', () => {
    expect(matchesShortcut(shortcuts.deleteConversation, press('Delete'), false)).toBe(true);
    expect(matchesShortcut(shortcuts.deleteConversation, press('Backspace', { metaKey: true }), true)).toBe(true);
    expect(matchesShortcut(shortcuts.deleteConversation, press('Backspace', { ctrlKey: true }), false)).toBe(false);
    expect(matchesShortcut(shortcuts.deleteConversation, press('Backspace'), true)).toBe(false);
  });

  it('moves in the list with the arrows, Home and End, and renames with F2', () => {
    for (const key of ['ArrowUp', 'ArrowDown', 'Home', 'End']) expect(matchesShortcut(shortcuts.moveInList, press(key), false)).toBe(true);
    expect(matchesShortcut(shortcuts.moveInList, press('ArrowLeft'), false)).toBe(false);
    expect(matchesShortcut(shortcuts.renameConversation, press('F2'), false)).toBe(true);
  });
});

describe('showing a shortcut to people', () => {
  it('writes Ctrl on Windows and Linux, ⌘ on a Mac', () => {
    expect(formatCombo(shortcuts.newConversation.combos[0], false)).toBe('Ctrl+N');
    expect(formatCombo(shortcuts.newConversation.combos[0], true)).toBe('⌘N');
    expect(comboKeys(shortcuts.focusMessageBox.combos[0], false)).toEqual(['Ctrl', 'L']);
    expect(comboKeys(shortcuts.newLine.combos[0], false)).toEqual(['Shift', 'Enter']);
    expect(comboKeys(shortcuts.stop.combos[0], false)).toEqual(['Esc']);
    expect(comboKeys(shortcuts.deleteConversation.combos[1], true)).toEqual(['⌘', '⌫']);
  });

  it('puts the first way to press it in a tooltip', () => {
    expect(withShortcut('New conversation', shortcuts.newConversation, false)).toBe('New conversation (Ctrl+N)');
    expect(withShortcut('Keyboard shortcuts', shortcuts.showShortcuts, true)).toBe('Keyboard shortcuts (⌘/)');
  });

  it('tells assistive technology every way to press it, in aria-keyshortcuts form', () => {
    expect(ariaKeyShortcuts(shortcuts.newConversation, false)).toBe('Control+N');
    expect(ariaKeyShortcuts(shortcuts.newConversation, true)).toBe('Meta+N');
    expect(ariaKeyShortcuts(shortcuts.showShortcuts, false)).toBe('Control+/ F1');
    expect(ariaKeyShortcuts(shortcuts.conversationMenu, false)).toBe('ContextMenu Shift+F10');
    // ⌘⌫ exists on a Mac only.
    expect(ariaKeyShortcuts(shortcuts.deleteConversation, false)).toBe('Delete');
    expect(ariaKeyShortcuts(shortcuts.deleteConversation, true)).toBe('Delete Meta+Backspace');
  });

  it('knows a Mac from its platform string', () => {
    expect(isMac('MacIntel')).toBe(true);
    expect(isMac('Win32')).toBe(false);
    expect(isMac('Linux x86_64')).toBe(false);
  });

  it('lists the message box keys as the person set them', () => {
    expect(asSet(shortcuts.send, true)).toBe(shortcuts.send);
    expect(asSet(shortcuts.send, false).combos).toEqual([{ key: 'Enter', mod: true }]);
    expect(asSet(shortcuts.newLine, false).combos).toEqual([{ key: 'Enter' }, { key: 'Enter', shift: true }]);
    expect(asSet(shortcuts.stop, false)).toBe(shortcuts.stop);
  });

  it('lists every shortcut in exactly one group of the sheet', () => {
    const listed = SHORTCUT_GROUPS.flatMap((group) => shortcutsIn(group));
    expect(listed).toHaveLength(Object.keys(shortcuts).length);
    expect(new Set(listed)).toEqual(new Set(Object.values(shortcuts)));
    expect(shortcutsIn('Anywhere').map((s) => s.description)).toEqual([
      'New conversation',
      'Go to the message box',
      'Search conversations',
      'Show keyboard shortcuts',
    ]);
  });
});
