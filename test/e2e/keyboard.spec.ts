import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { SANDBOX_MODELS, type Sandbox } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

const QUESTIONS = ['Alpha question', 'Bravo question', 'Charlie question'];

/** Signs in and saves three conversations (a conversation is saved when its first message is sent). */
async function signInWithThreeConversations(app: Page, harness: Harness, sandbox: Sandbox): Promise<void> {
  await signIn(app, harness, sandbox.users[0]!);
  for (const question of QUESTIONS) {
    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    await app.getByTestId('composer-input').fill(question);
    await app.getByTestId('composer-input').press('Enter');
    const answer = app.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  }
  await expect(app.getByTestId('conversation-item')).toHaveCount(3);
}

/** The entry's main button (the one that opens it), found by its title. */
function entry(app: Page, title: string | RegExp) {
  return app.getByTestId('conversation-item').filter({ hasText: title }).getByTestId('open-conversation-button');
}

/** Axe finds nothing wrong, in the light and the dark theme. */
async function expectAccessibleInBothThemes(app: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme });
    const axe = await new AxeBuilder({ page: app }).analyze();
    expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await app.emulateMedia({ colorScheme: 'light' });
}

test.describe('keyboard', () => {
  test.use({ sandboxOptions: { bedrock: { tokensPerSecond: 0, answerWords: 20 } } });

  test('the conversation list is one Tab stop; arrows move, Enter opens, F2 renames, Delete deletes', async ({ app, harness, sandbox }) => {
    await signInWithThreeConversations(app, harness, sandbox);
    const items = app.getByTestId('conversation-item');
    // Newest first.
    await expect(items.getByTestId('open-conversation-button')).toContainText(['Charlie', 'Bravo', 'Alpha']);

    // Tab from the search box lands on one entry (the open one); the next Tab leaves the list.
    await app.getByTestId('conversation-search').focus();
    await app.keyboard.press('Tab');
    await expect(entry(app, 'Charlie')).toBeFocused();
    await app.keyboard.press('Tab');
    await expect(app.getByTestId('shortcuts-button')).toBeFocused();
    await app.keyboard.press('Shift+Tab');
    await expect(entry(app, 'Charlie')).toBeFocused();

    // Arrows, Home and End move between entries; the list stops at its ends.
    await app.keyboard.press('ArrowDown');
    await expect(entry(app, 'Bravo')).toBeFocused();
    await app.keyboard.press('End');
    await expect(entry(app, 'Alpha')).toBeFocused();
    await app.keyboard.press('ArrowDown');
    await expect(entry(app, 'Alpha')).toBeFocused();
    await app.keyboard.press('Home');
    await expect(entry(app, 'Charlie')).toBeFocused();
    await app.keyboard.press('ArrowDown');
    await expect(entry(app, 'Bravo')).toBeFocused();

    // Enter opens it; it stays focused and becomes the list's Tab stop.
    await app.keyboard.press('Enter');
    await expect(app.getByTestId('conversation-title')).toHaveValue('Bravo question');
    await expect(entry(app, 'Bravo')).toHaveAttribute('aria-current', 'true');
    await expect(entry(app, 'Bravo')).toBeFocused();
    await expect(items.getByTestId('open-conversation-button').and(app.locator('[tabindex="0"]'))).toHaveCount(1);

    // F2 renames; Enter saves and hands focus back to the entry.
    await app.keyboard.press('F2');
    const name = app.getByRole('textbox', { name: 'New name for Bravo question' });
    await expect(name).toBeFocused();
    await expect(name).toHaveValue('Bravo question');
    await app.keyboard.press('ControlOrMeta+A');
    await app.keyboard.type('Renamed from the keyboard');
    await app.keyboard.press('Enter');
    await expect(entry(app, 'Renamed from the keyboard')).toBeFocused();
    await expect(app.getByTestId('conversation-title')).toHaveValue('Renamed from the keyboard');

    // The entry's menu, from the Menu key or Shift+F10: arrows move, Escape closes and returns focus.
    await app.keyboard.press('Shift+F10');
    const menu = app.getByRole('menu', { name: 'Actions for Renamed from the keyboard' });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem', { name: 'Rename' })).toBeFocused();
    await app.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Delete' })).toBeFocused();
    await app.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Rename' })).toBeFocused();
    await app.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(entry(app, 'Renamed from the keyboard')).toBeFocused();
    await app.keyboard.press('ContextMenu');
    await expect(menu).toBeVisible();
    await app.keyboard.press('Escape');
    await expect(entry(app, 'Renamed from the keyboard')).toBeFocused();

    // Delete asks first; Escape keeps the conversation and the focus.
    await app.keyboard.press('Delete');
    await expect(app.getByTestId('confirm-delete-button')).toBeFocused();
    await app.keyboard.press('Escape');
    await expect(app.getByTestId('confirm-delete-button')).toBeHidden();
    await expect(entry(app, 'Renamed from the keyboard')).toBeFocused();

    // Confirmed, it goes, and focus moves to the entry that took its place.
    const titles = await items.locator('.conversation-item__title').allTextContents();
    const at = titles.indexOf('Renamed from the keyboard');
    const next = titles[at + 1] ?? titles[at - 1]!;
    await app.keyboard.press('Delete');
    await app.keyboard.press('Enter');
    await expect(items).toHaveCount(2);
    await expect(entry(app, 'Renamed from the keyboard')).toHaveCount(0);
    await expect(entry(app, next)).toBeFocused();
    expect(harness.services.conversations.list().items.map((c) => c.title)).not.toContain('Renamed from the keyboard');
  });

  test('the skip link and a shortcut reach the message box; the shortcuts sheet lists every shortcut', async ({ app, harness, sandbox }) => {
    await signInWithThreeConversations(app, harness, sandbox);

    // The skip link is the first Tab stop of the signed-in window, shown only while focused.
    await app.reload();
    await expect(app.getByTestId('conversation-item')).toHaveCount(3);
    await expect(app.getByTestId('composer-input')).toBeEnabled();
    const skip = app.getByRole('link', { name: 'Skip to message box' });
    expect((await skip.boundingBox())!.y).toBeLessThan(0);
    await app.keyboard.press('Tab');
    await expect(skip).toBeFocused();
    await expect.poll(async () => (await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await app.keyboard.press('Enter');
    await expect(app.getByTestId('composer-input')).toBeFocused();
    expect(new URL(app.url()).hash).toBe('');

    // The search shortcut, then the message box shortcut.
    await app.keyboard.press('Control+K');
    await expect(app.getByTestId('conversation-search')).toBeFocused();
    await app.keyboard.press('Control+L');
    await expect(app.getByTestId('composer-input')).toBeFocused();

    // The sheet opens with its shortcut, lists every shortcut with its keys, and Escape closes it, returning focus.
    await app.keyboard.press('Control+/');
    const sheet = app.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(sheet).toBeVisible();
    const rows = sheet.getByTestId('shortcut');
    await expect(rows).toHaveCount(13);
    const expected: [string, string][] = [
      ['New conversation', 'Ctrl+N'],
      ['Go to the message box', 'Ctrl+L'],
      ['Search conversations', 'Ctrl+K'],
      ['Show keyboard shortcuts', 'Ctrl+/ or F1'],
      ['Send the message', 'Enter'],
      ['Start a new line', 'Shift+Enter'],
      ['Stop the answer', 'Esc'],
      ['Move between conversations', '↑ or ↓ or Home or End'],
      ['Open the conversation', 'Enter or Space'],
      ['Rename the conversation', 'F2'],
      ['Delete the conversation', 'Delete'],
      ['More actions for the conversation', 'Menu key or Shift+F10'],
      ['Close the dialog or menu', 'Esc'],
    ];
    for (const [description, keys] of expected) {
      const row = rows.filter({ has: app.getByRole('term').getByText(description, { exact: true }) });
      await expect(row.getByRole('definition')).toHaveText(keys);
    }
    await expectAccessibleInBothThemes(app);
    await app.keyboard.press('Escape');
    await expect(sheet).toBeHidden();
    await expect(app.getByTestId('composer-input')).toBeFocused();

    // F1 opens it too; so does the button at the bottom of the list.
    await app.keyboard.press('F1');
    await expect(sheet).toBeVisible();
    await app.keyboard.press('Escape');
    await expect(sheet).toBeHidden();
    await app.getByTestId('shortcuts-button').focus();
    await app.keyboard.press('Enter');
    await expect(sheet).toBeVisible();
    await app.keyboard.press('Escape');
    await expect(app.getByTestId('shortcuts-button')).toBeFocused();

    // An entry's menu is accessible too.
    await app.getByTestId('conversation-search').focus();
    await app.keyboard.press('Tab');
    await app.keyboard.press('Shift+F10');
    await expect(app.getByRole('menu')).toBeVisible();
    await expectAccessibleInBothThemes(app);
  });
});
