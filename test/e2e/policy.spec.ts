/** The organization's policy as the person meets it: locked settings, models that aren't offered, export turned off, and a broken policy. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awsFilesFolder, ssoProfileLines } from '../harness/aws-files';
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, lastAnswer, signIn, test } from './fixtures';

/** A policy file for one group of tests, written before its app starts. */
function policyFile(policy: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

test.describe('a policy that locks the Region and narrows the models', () => {
  test.use({
    sandboxOptions: { bedrock: { tokensPerSecond: 400 } },
    harnessOptions: {
      policyPaths: [
        policyFile({ settings: { region: 'us-east-1' }, locked: ['region'], allowedModels: [SANDBOX_MODELS.thinker], allowExport: false }),
      ],
    },
  });

  test('the locked Region is read-only and says who manages it', async ({ app }) => {
    await app.getByTestId('settings-button').click();
    const region = app.getByTestId('setting-region');
    await expect(region).toHaveValue('us-east-1');
    await expect(region).not.toBeEditable();
    await expect(app.locator('#setting-region-lock')).toHaveText('Managed by your organization');
    await expect(region).toHaveAttribute('aria-describedby', /setting-region-lock/);
    // Other settings stay the person's to change.
    await expect(app.getByTestId('setting-companyName')).toBeEditable();
  });

  test('a model the organization does not allow is not offered, and exporting is turned off', async ({ app, harness, sandbox }) => {
    await signIn(app, harness, sandbox.users[0]!);
    await app.getByTestId('new-conversation-button').click();
    const picker = app.getByTestId('model-picker');
    await expect(picker.locator(`option[value="${SANDBOX_MODELS.thinkerProfile}"]`)).toHaveCount(1);
    await expect(picker.locator(`option[value="${SANDBOX_MODELS.writer}"]`)).toHaveCount(0);
    await expect(picker.locator(`option[value="${SANDBOX_MODELS.nonStreaming}"]`)).toHaveCount(0);

    await picker.selectOption(SANDBOX_MODELS.thinkerProfile);
    await app.getByTestId('composer-input').fill('Hello');
    await app.getByTestId('composer-input').press('Enter');
    await expect(lastAnswer(app)).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
    const exportButton = app.getByTestId('export-conversation-button');
    await expect(exportButton).toBeDisabled();
    await expect(exportButton).toHaveAttribute('title', 'Your organization has turned off exporting conversations');
    await expect(exportButton).toHaveAccessibleDescription('Your organization has turned off exporting conversations');
  });
});

test.describe('a policy that allows only IAM Identity Center', () => {
  test.use({
    harnessOptions: { policyPaths: [policyFile({ settings: { credentialSource: 'profile:sso-dev' }, allowedCredentialSources: ['identity-center'] })] },
    harnessEnv: { from: (sandbox) => awsFilesFolder(sandbox, ssoProfileLines(sandbox)) },
  });

  test('Settings → Account offers only the IAM Identity Center profile', async ({ app }) => {
    await app.getByTestId('settings-button').click();
    const account = app.getByTestId('settings-account');
    await expect(account.getByTestId('account-source-profile:sso-dev')).toBeVisible();
    await expect(account.getByTestId('account-source-profile:dev')).toHaveCount(0);
    await expect(account.getByTestId('account-source-company')).toHaveCount(0);
    await expect(account.getByTestId('api-key-input')).toHaveCount(0);
  });
});

test.describe('a broken policy', () => {
  const file = policyFile({ settings: { region: 'Ireland' } });
  test.use({ harnessOptions: { policyPaths: [file] } });

  test('fills the window with what is wrong, naming the key and the file, and offers no way to sign in', async ({ app, harness }) => {
    const screen = app.getByTestId('policy-problem');
    await expect(screen).toBeVisible();
    await expect(screen.getByRole('heading', { name: "Strata can't start" })).toBeVisible();
    await expect(app.getByTestId('policy-problem-message')).toHaveText(
      `Strata can't start: your organization's settings have a problem. The policy value \`region\` in ${file} isn't valid: it must be an AWS Region, such as us-east-1. Tell IT.`,
    );
    await app.getByText('Details for IT').click();
    await expect(app.getByTestId('policy-problem-details')).toContainText(file);
    await expect(app.getByTestId('policy-problem-copy')).toBeVisible();
    await expect(app.getByTestId('sign-in-button')).toHaveCount(0);
    await expect(app.getByTestId('settings-button')).toHaveCount(0);
    // main refuses on its own too: nothing signed in behind the screen.
    expect(harness.services.accounts.status().state).toBe('signed-out');
  });
});
