/**
 * The AWS CLI's files for tests, as `aws configure` and `aws configure sso`
 * write them, with the sandbox's keys and IAM Identity Center.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Sandbox } from '../sandbox/index';

/** The config lines of the sso-session "corp" and the profile "sso-dev" that takes the permission set PowerUser with it. */
export function ssoProfileLines(sandbox: Sandbox): string[] {
  return [
    '[sso-session corp]',
    `sso_start_url = ${sandbox.identityCenter.startUrl}`,
    `sso_region = ${sandbox.identityCenter.region}`,
    'sso_registration_scopes = sso:account:access',
    '[profile sso-dev]',
    'sso_session = corp',
    `sso_account_id = ${sandbox.identityCenter.accountId}`,
    'sso_role_name = PowerUser',
    `region = ${sandbox.region}`,
  ];
}

/** Where the AWS CLI caches the "corp" session under `home`: the SHA-1 of its name. */
export function ssoCacheFileIn(home: string): string {
  return path.join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
}

/**
 * Both files in a folder of their own, with the access-key profile "dev" (IAM user ada) and the
 * given config sections after it; returns the environment that names them.
 */
export function awsFilesFolder(sandbox: Sandbox, configLines: string[]): Record<string, string> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'strata-aws-'));
  const key = sandbox.iamUserKey('ada');
  const credentials = path.join(folder, 'credentials');
  const config = path.join(folder, 'config');
  writeFileSync(credentials, `[dev]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`);
  writeFileSync(config, ['[profile dev]', `region = ${sandbox.region}`, ...configLines, ''].join('\n'));
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}
