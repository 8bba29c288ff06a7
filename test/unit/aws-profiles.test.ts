import { mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getSSOTokenFilepath } from '@smithy/core/config';
import { afterEach, describe, expect, it } from 'vitest';
import { awsConfigPaths, environmentProfile, listProfiles } from '../../main/auth/aws-profiles';
import { cliTimestamp, readSsoToken, ssoCacheDirectory, ssoCacheFile, ssoSessionState, writeSsoToken } from '../../main/auth/sso-cache';

const home = () => mkdtempSync(path.join(os.tmpdir(), 'strata-aws-'));

const CONFIG = `
[default]
region = eu-west-1

[profile dev]
region = us-east-1

[profile admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = dev
mfa_serial = arn:aws:iam::111122223333:mfa/ada

[profile ci]
role_arn = arn:aws:iam::111122223333:role/Deploy
credential_source = Environment
role_session_name = ci-deploy
external_id = build-42
duration_seconds = 900

[profile vault]
credential_process = /usr/local/bin/aws-vault export --format=json work

[profile work]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = eu-central-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile legacy-sso]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile broken-sso]
sso_session = missing

[profile token-only]
sso_session = corp

[profile web]
role_arn = arn:aws:iam::111122223333:role/Pod
web_identity_token_file = /var/run/secrets/token

[profile empty]
output = json

[services my-endpoints]
bedrock-runtime =
  endpoint_url = https://vpce.example.com
`;

const CREDENTIALS = `
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret-default

[dev]
aws_access_key_id = AKIDDEV
aws_secret_access_key = secret-dev

[half]
aws_access_key_id = AKIDHALF
`;

describe('AWS profiles', () => {
  it('lists every profile of both files with its kind, as the SDK reads them', async () => {
    const dir = home();
    mkdirSync(path.join(dir, '.aws'));
    writeFileSync(path.join(dir, '.aws', 'config'), CONFIG);
    writeFileSync(path.join(dir, '.aws', 'credentials'), CREDENTIALS);
    const profiles = await listProfiles(awsConfigPaths({}, dir));
    const byName = Object.fromEntries(profiles.map((p) => [p.name, p]));
    expect(profiles.map((p) => [p.name, p.kind])).toEqual([
      ['admin', 'assume-role'],
      ['broken-sso', 'sso'],
      ['ci', 'assume-role'],
      ['default', 'static'],
      ['dev', 'static'],
      ['empty', 'unknown'],
      ['half', 'static'],
      ['legacy-sso', 'sso'],
      ['token-only', 'sso'],
      ['vault', 'process'],
      ['web', 'web-identity'],
      ['work', 'sso'],
    ]);
    expect(byName.default).toEqual({ name: 'default', kind: 'static', region: 'eu-west-1' });
    expect(byName.admin).toMatchObject({
      roleArn: 'arn:aws:iam::111122223333:role/Admin',
      sourceProfile: 'dev',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/ada',
    });
    expect(byName.ci).toMatchObject({
      sourceProfile: 'Environment',
      assume: { sessionName: 'ci-deploy', externalId: 'build-42', durationSeconds: 900 },
    });
    expect(byName.admin?.assume).toBeUndefined();
    expect(byName.work).toEqual({
      name: 'work',
      kind: 'sso',
      region: 'eu-central-1',
      sso: { sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1', accountId: '111122223333', roleName: 'Developer' },
    });
    expect(byName['legacy-sso']?.sso).toEqual({
      startUrl: 'https://old.awsapps.com/start',
      region: 'us-east-1',
      accountId: '444455556666',
      roleName: 'ReadOnly',
    });
    expect(byName['broken-sso']?.problem).toContain('“missing”');
    // An sso-session alone signs in (aws sso login) but names no role to take.
    expect(byName['token-only']?.problem).toBe('It names no AWS account and role (sso_account_id and sso_role_name).');
    expect(byName.half?.problem).toBe('It has only half of an access key.');
    expect(byName.empty?.problem).toBeDefined();
    // Secrets are not part of what is listed.
    expect(JSON.stringify(profiles)).not.toMatch(/secret|AKID/);
  });

  it('follows AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE; missing files list nothing; a change is read afresh', async () => {
    const dir = home();
    const config = path.join(dir, 'elsewhere.ini');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'nope'), AWS_PROFILE: 'work' };
    expect(awsConfigPaths(env, dir)).toEqual({ config, credentials: path.join(dir, 'nope') });
    expect(awsConfigPaths({ AWS_CONFIG_FILE: '~/cfg' }, dir).config).toBe(path.join(dir, 'cfg'));
    expect(environmentProfile(env)).toBe('work');
    expect(environmentProfile({})).toBe('default');
    expect(await listProfiles(awsConfigPaths(env, dir))).toEqual([]);
    writeFileSync(config, '[profile one]\ncredential_process = x\n');
    expect((await listProfiles(awsConfigPaths(env, dir))).map((p) => p.name)).toEqual(['one']);
    writeFileSync(config, '[profile one]\ncredential_process = x\n[profile two]\ncredential_process = y\n');
    expect((await listProfiles(awsConfigPaths(env, dir))).map((p) => p.name)).toEqual(['one', 'two']);
  });
});

describe('the IAM Identity Center token cache', () => {
  const previousHome = process.env.HOME;
  afterEach(() => {
    process.env.HOME = previousHome;
  });

  it('names the file by the SHA-1 of the session name, or of the start URL, exactly where the SDK and CLI look', () => {
    const dir = home();
    process.env.HOME = dir;
    const cache = ssoCacheDirectory(dir);
    expect(ssoCacheFile(cache, { sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start' })).toBe(getSSOTokenFilepath('corp'));
    expect(ssoCacheFile(cache, { startUrl: 'https://old.awsapps.com/start' })).toBe(getSSOTokenFilepath('https://old.awsapps.com/start'));
    // What botocore computes: hashlib.sha1('corp'.encode('utf-8')).hexdigest()
    expect(path.basename(ssoCacheFile(cache, { sessionName: 'corp', startUrl: '' }))).toBe('ee0bfd2552fbd840c02cc48b6e823320543c450f.json');
    expect(path.basename(ssoCacheFile(cache, { startUrl: 'https://old.awsapps.com/start' }))).toBe(
      '33d5ca4bf3b1a62edb96b47f7c203034a43ac435.json',
    );
  });

  it('writes the fields and the UTC timestamps as the CLI does, for this user only; reads what the CLI wrote', () => {
    const dir = home();
    const file = ssoCacheFile(ssoCacheDirectory(dir), { sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start' });
    const now = Date.UTC(2026, 10, 23, 18, 0, 0, 456);
    expect(cliTimestamp(now)).toBe('2026-11-23T18:00:00Z');
    const token = {
      startUrl: 'https://corp.awsapps.com/start',
      region: 'eu-west-1',
      accessToken: 'aoa-token',
      expiresAt: cliTimestamp(now + 8 * 3600_000),
      refreshToken: 'aor-refresh',
      clientId: 'client-1',
      clientSecret: 'client-secret',
      registrationExpiresAt: cliTimestamp(now + 90 * 86_400_000),
    };
    writeSsoToken(file, token);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readSsoToken(file)).toEqual(token);

    // As the CLI writes it after a device-code sign-in: no refresh token.
    writeFileSync(file, JSON.stringify({ startUrl: token.startUrl, region: 'eu-west-1', accessToken: 'x', expiresAt: '2026-11-23T20:00:00Z' }));
    expect(readSsoToken(file)).toMatchObject({ accessToken: 'x' });
    writeFileSync(file, '{ not json');
    expect(readSsoToken(file)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ startUrl: token.startUrl }));
    expect(readSsoToken(file)).toBeUndefined();
  });

  it('says signed in until expiry, then expired, renewable only with a refresh token and a registration still valid', () => {
    const now = Date.UTC(2026, 10, 23, 18, 0, 0);
    const base = { startUrl: 'u', region: 'r', accessToken: 'a' };
    expect(ssoSessionState(undefined, now)).toEqual({ state: 'signed-out' });
    expect(ssoSessionState({ ...base, expiresAt: '2026-11-23T19:00:00Z' }, now)).toEqual({ state: 'signed-in', expiresAt: now + 3600_000, renewable: false });
    const expired = { ...base, expiresAt: '2026-11-23T17:00:00Z' };
    expect(ssoSessionState(expired, now)).toEqual({ state: 'expired', expiresAt: now - 3600_000, renewable: false });
    const refreshable = { ...expired, refreshToken: 'r', clientId: 'c', clientSecret: 's', registrationExpiresAt: '2027-01-01T00:00:00Z' };
    expect(ssoSessionState(refreshable, now)).toMatchObject({ renewable: true });
    expect(ssoSessionState({ ...refreshable, registrationExpiresAt: '2026-01-01T00:00:00Z' }, now)).toMatchObject({ renewable: false });
  });
});
