/**
 * Settings → Account as a person uses it: from the sign-in screen to an AWS
 * profile, chatting with it, to a profile whose role asks for an MFA code,
 * to the company sign-in in the browser and back, with the conversation on
 * screen kept all along and each answer saying whom it was asked as.
 */
import AxeBuilder from '@axe-core/playwright';
import { awsFilesFolder } from '../harness/aws-files';
import { SANDBOX_MFA_CODE, SANDBOX_MODELS, type Sandbox } from '../sandbox/index';
import { ask, expect, lastAnswer, signInInBrowser, test, useSource } from './fixtures';

/** The AWS CLI's two files, in a folder named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. */
function awsFiles(sandbox: Sandbox): Record<string, string> {
  return awsFilesFolder(sandbox, [
    '[profile admin-mfa]',
    `role_arn = arn:aws:iam::${sandbox.accountId}:role/Admin`,
    'source_profile = dev',
    `mfa_serial = arn:aws:iam::${sandbox.accountId}:mfa/ada`,
    `region = ${sandbox.region}`,
  ]);
}

test.describe('accounts', () => {
  test.use({
    sandboxOptions: { bedrock: { tokensPerSecond: 0, answerWords: 20 } },
    harnessEnv: { from: awsFiles },
  });

  test('switch between AWS profiles (one asking for an MFA code) and the company sign-in, chatting with each', async ({
    app,
    harness,
    sandbox,
  }, testInfo) => {
    // The sign-in screen points to the other ways in, since this computer has AWS profiles.
    await app.getByTestId('other-sign-in-button').click();
    const account = app.getByTestId('settings-account');
    await expect(account.getByTestId('account-source-company').getByTestId('account-in-use')).toBeVisible();
    await expect(account.getByTestId('account-source-profile:dev')).toContainText('Access keys · us-east-1');
    await expect(account.getByTestId('account-source-profile:admin-mfa')).toContainText('Takes the role Admin with dev · asks for an MFA code');
    const axe = await new AxeBuilder({ page: app }).include('[data-testid="settings-dialog"]').analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await account.getByTestId('account-source-profile:dev').getByTestId('account-use-button').click();
    await app.getByTestId('settings-close-button').click();

    // Signed in at once with the profile's keys: the IAM user AWS names, and where it came from.
    await expect(app.getByTestId('session-user-name')).toHaveText('ada');
    await expect(app.getByTestId('session-state')).toHaveText('AWS profile dev');
    await app.getByTestId('session-details-button').click();
    await expect(app.getByTestId('session-source')).toHaveText('AWS profile “dev”');
    await expect(app.getByTestId('session-expiry')).toHaveText("Doesn't expire (long-term access keys)");
    await app.getByTestId('session-details-button').click();

    await app.getByTestId('new-conversation-button').click();
    await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
    await ask(app, 'Who am I talking as?');
    await expect(lastAnswer(app).getByTestId('message-usage')).toHaveAttribute(
      'title',
      `Asked with the AWS profile “dev” as ada, in ${sandbox.region}`,
    );

    // A role behind an MFA code: the code box shows over the conversation, which stays.
    await useSource(app, 'profile:admin-mfa');
    await expect(app.getByTestId('session-ended-banner')).toContainText('Enter your MFA code');
    await app.getByTestId('mfa-code-input').fill('12ab34');
    await expect(app.getByTestId('mfa-code-input')).toHaveValue('1234');
    await expect(app.getByTestId('mfa-submit-button')).toBeDisabled();
    await app.getByTestId('mfa-code-input').fill(SANDBOX_MFA_CODE);
    await app.getByTestId('mfa-submit-button').click();
    await expect(app.getByTestId('session-user-name')).toHaveText('Admin');
    await expect(app.getByTestId('session-state')).toHaveText('AWS profile admin-mfa');
    await expect(app.locator('[data-testid="message"][data-role="user"]').first()).toContainText('Who am I talking as?');
    await ask(app, 'And now?');
    await expect(lastAnswer(app).getByTestId('message-usage')).toHaveAttribute(
      'title',
      `Asked with the AWS profile “admin-mfa” as Admin, in ${sandbox.region}`,
    );

    // The company account: nothing saved yet, so the browser sign-in.
    await useSource(app, 'company');
    await app.getByTestId('sign-in-button').click();
    const tab = await signInInBrowser(app.context(), harness, sandbox.users[0]!);
    await expect(tab.getByText(/You're signed in/i)).toBeVisible();
    await tab.close();
    await expect(app.getByTestId('session-user-name')).toHaveText(sandbox.users[0]!.name);
    await expect(app.getByTestId('session-state')).toHaveText('Signed in');

    // Back to the profile, then to the company account: resumed without the browser this time.
    await useSource(app, 'profile:dev');
    await expect(app.getByTestId('session-user-name')).toHaveText('ada');
    await useSource(app, 'company');
    await expect(app.getByTestId('session-user-name')).toHaveText(sandbox.users[0]!.name);
    await expect(harness.nextOpenedUrl(300)).rejects.toThrow();

    // The choice is remembered: a window that reloads is on the company account still, and its list shows it.
    await app.reload();
    await expect(app.getByTestId('session-user-name')).toHaveText(sandbox.users[0]!.name);
    const shot = testInfo.outputPath('accounts.png');
    await app.getByTestId('settings-button').click();
    await expect(app.getByTestId('account-source-company').getByTestId('account-in-use')).toBeVisible();
    // Settings names who the source in use is signed in as, and where its requests go.
    await expect(app.getByTestId('account-source-company').getByTestId('account-active-identity')).toHaveText(
      `Signed in as ${sandbox.users[0]!.name} (role StrataAuthenticated in account 1234-5678-9012), in ${sandbox.region}`,
    );
    await expect(app.getByTestId('account-active-identity')).toHaveCount(1);
    await app.screenshot({ path: shot });
    await testInfo.attach('Settings → Account', { path: shot, contentType: 'image/png' });
  });
});

test.describe("this computer's own credentials", () => {
  test.use({
    sandboxOptions: { bedrock: { tokensPerSecond: 0, answerWords: 20 } },
    // Started from a terminal with `export AWS_ACCESS_KEY_ID=…`: the IAM user grace's key.
    harnessEnv: {
      from: (sandbox) => {
        const key = sandbox.iamUserKey('grace');
        return { ...awsFiles(sandbox), AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
      },
    },
  });

  test('are listed beside the profiles, used at once, and each answer says it was asked with them', async ({ app }) => {
    await app.getByTestId('other-sign-in-button').click();
    const row = app.getByTestId('account-source-environment');
    await expect(row).toContainText("This computer's AWS credentials");
    await expect(row).toContainText('From environment variables (AWS_ACCESS_KEY_ID)');
    await row.getByTestId('account-use-button').click();
    await expect(row.getByTestId('account-in-use')).toBeVisible();
    await app.getByTestId('settings-close-button').click();
    await expect(app.getByTestId('session-user-name')).toHaveText('grace');
    await expect(app.getByTestId('session-state')).toHaveText("This computer's credentials");
    await ask(app, 'Hello from the environment');
    await expect(lastAnswer(app).getByTestId('message-usage')).toHaveAttribute(
      'title',
      "Asked with this computer's AWS credentials as grace, in us-east-1",
    );

    // Signed out: the front door offers them again.
    await app.getByTestId('sign-out-button').click();
    await expect(app.getByTestId('sign-in-button')).toHaveText("Use this computer's credentials");
    await app.getByTestId('sign-in-button').click();
    await expect(app.getByTestId('session-user-name')).toHaveText('grace');
  });
});
