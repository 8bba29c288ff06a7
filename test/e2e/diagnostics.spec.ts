/**
 * Help → "Copy diagnostics…": the zip for IT is saved where the person
 * chooses, the window says where, and "Show in folder" reveals it. What the
 * person typed is not in it.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { strFromU8, unzipSync } from 'fflate';
import { ask, expect, signIn, test } from './fixtures';

test.describe('diagnostics', () => {
  test('Copy diagnostics saves a zip, says where, and shows it in its folder', async ({ app, harness, sandbox }) => {
    await signIn(app, harness, sandbox.users[0]!);
    await app.getByTestId('new-conversation-button').click();
    const prompt = 'Draft the Osprey offsite agenda';
    await ask(app, prompt);

    await app.getByRole('button', { name: 'Copy diagnostics…' }).click();
    const status = app.getByTestId('diagnostics-status');
    await expect(status).toContainText(/strata-diagnostics-.*\.zip$/);
    const saved = (await status.textContent())!.replace(/^Saved to\s*/, '').trim();
    await app.getByTestId('diagnostics-show-in-folder-button').click();
    await expect.poll(() => harness.shownInFolder).toEqual([saved]);

    const entries = Object.fromEntries(Object.entries(unzipSync(readFileSync(saved))).map(([name, bytes]) => [name, strFromU8(bytes)]));
    expect(Object.keys(entries).sort()).toEqual(['connection.txt', 'logs/main.log', 'settings.txt', 'versions.txt']);
    expect(entries['logs/main.log']).toMatch(/session: ready with company as arn:aws:sts::/);
    expect(entries['logs/main.log']).toMatch(/chat: answer \S+ in conversation \S+ finished/);
    for (const content of Object.values(entries)) expect(content).not.toContain(prompt);

    // The button and what it says afterwards: nothing axe objects to, in either theme.
    for (const colorScheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme });
      const axe = await new AxeBuilder({ page: app }).include('.sidebar__footer').analyze();
      expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  });

  test('before signing in, from under the sign-in card', async ({ app, harness }) => {
    await expect(app.getByTestId('sign-in-button')).toBeVisible();
    await app.getByRole('button', { name: 'Copy diagnostics…' }).click();
    await expect(app.getByTestId('diagnostics-status')).toContainText('.zip');
    const saved = (await app.getByTestId('diagnostics-status').textContent())!.replace(/^Saved to\s*/, '').trim();
    const log = strFromU8(unzipSync(readFileSync(saved))['logs/main.log']!);
    expect(log).toContain('starting: Strata');
    await app.getByTestId('diagnostics-show-in-folder-button').click();
    await expect.poll(() => harness.shownInFolder).toEqual([saved]);
    const axe = await new AxeBuilder({ page: app }).include('.welcome__help').analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  test.describe('when the zip cannot be written', () => {
    // A folder inside a file: the operating system refuses, as it would a full disk or a read-only share.
    test.use({ harnessOptions: { saveAs: (name) => `/dev/null/${name}` } });
    test('the window says so, and the notice can be dismissed', async ({ app }) => {
      await app.getByRole('button', { name: 'Copy diagnostics…' }).click();
      const notice = app.getByTestId('diagnostics-error');
      await expect(notice).toContainText("Strata couldn't save the diagnostics there.");
      await expect(notice).toContainText('Choose another folder');
      await expect(app.getByTestId('diagnostics-status')).toHaveCount(0);
      await notice.getByRole('button', { name: 'Dismiss' }).click();
      await expect(notice).toHaveCount(0);
    });
  });

  test.describe('when the person cancels the Save dialog', () => {
    test.use({ harnessOptions: { saveAs: () => null } });
    test('nothing is saved and nothing is said', async ({ app, harness, sandbox }) => {
      await signIn(app, harness, sandbox.users[0]!);
      const button = app.getByRole('button', { name: 'Copy diagnostics…' });
      await button.click();
      // Back to how it was once main answered (the button reads "Collecting diagnostics…" while it works).
      await expect(button).toBeEnabled();
      await expect(app.getByTestId('diagnostics-status')).toHaveCount(0);
      await expect(app.getByTestId('diagnostics-error')).toHaveCount(0);
    });
  });
});
