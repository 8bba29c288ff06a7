/**
 * Strata's own updates, as the person meets them: a downloaded update shows a
 * calm "Restart to update"; pressed while an answer streams, Strata says it
 * will restart when the answer finishes and waits for it; Help → Check for
 * updates says what it found. The updater is electron-updater's, reading a
 * feed on this machine; installing is counted by the harness.
 */
import AxeBuilder from '@axe-core/playwright';
import { startUpdateFeed, type UpdateFeed } from '../harness/update-feed';
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, lastAnswer, signIn, test as base } from './fixtures';

const test = base.extend<{ feed: UpdateFeed; published: string }>({
  /** The version the feed offers when Strata starts. */
  published: ['1.3.2', { option: true }],
  feed: async ({ published }, use) => {
    const feed = await startUpdateFeed();
    feed.publish(published);
    await use(feed);
    await feed.close();
  },
  harnessOptions: async ({ feed }, use) => {
    await use({
      updates: { version: '1.3.2', updateConfig: { url: feed.url, publisherName: 'CN=Example Corp' }, verifySignature: async () => null },
      timing: { updateFirstCheckMs: 0 },
    });
  },
});

test.describe('updates', () => {
  test.use({ sandboxOptions: { bedrock: { tokensPerSecond: 120, answerWords: 900 } } });

  test.describe('with a new version on the feed at start-up', () => {
    test.use({ published: '1.4.0' });

    test('Restart to update waits for the answer streaming, then restarts once', async ({ app, harness, sandbox }, testInfo) => {
      await signIn(app, harness, sandbox.users[0]!);
      const banner = app.getByTestId('update-banner');
      await expect(banner).toContainText('Strata 1.4.0 is ready to install.');
      await expect(banner.getByRole('button', { name: 'Restart to update' })).toBeVisible();
      const axe = await new AxeBuilder({ page: app }).include('[data-testid="update-banner"]').analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

      await app.getByTestId('new-conversation-button').click();
      await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
      await app.getByTestId('composer-input').fill('Write a long note about the Osprey offsite');
      await app.getByTestId('composer-input').press('Enter');
      await expect(lastAnswer(app)).toHaveAttribute('data-status', 'streaming');

      await banner.getByRole('button', { name: 'Restart to update' }).click();
      await expect(banner.getByTestId('update-waiting')).toHaveText('Strata will restart when the answer finishes.');
      await expect(banner.getByRole('button', { name: 'Restart to update' })).toHaveCount(0);
      const shot = testInfo.outputPath('restart-waiting.png');
      await app.screenshot({ path: shot });
      await testInfo.attach('waiting for the answer', { path: shot, contentType: 'image/png' });
      // Still streaming, and still not restarted.
      await expect(lastAnswer(app).getByTestId('message-text')).toContainText(/\w+ \w+ \w+ \w+/);
      await expect(lastAnswer(app)).toHaveAttribute('data-status', 'streaming');
      expect(harness.updateInstalls()).toBe(0);

      await expect(lastAnswer(app)).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
      await expect.poll(() => harness.updateInstalls()).toBe(1);
    });
  });

  test('Help → Check for updates says Strata is up to date, then finds a new version', async ({ app, harness, sandbox, feed }) => {
    await signIn(app, harness, sandbox.users[0]!);
    const check = app.getByTestId('check-for-updates-button');
    await check.click();
    await expect(app.getByTestId('update-check-status')).toHaveText('Strata is up to date.');
    await expect(app.getByTestId('update-banner')).toHaveCount(0);

    feed.publish('1.4.0');
    await check.click();
    await expect(app.getByTestId('update-check-status')).toHaveText('Strata 1.4.0 is ready: use Restart to update at the top of the window.');
    await expect(app.getByTestId('update-banner')).toContainText('Strata 1.4.0 is ready to install.');
    expect(feed.requests.filter((request) => request === '/latest.yml').length).toBeGreaterThanOrEqual(2);
    expect(harness.updateInstalls()).toBe(0);
  });
});
