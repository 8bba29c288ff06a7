/**
 * AWS profiles against the sandbox, through the AWS SDK's own providers and
 * Strata's client factory: an IAM user's static keys, assume-role from them
 * (with an MFA code, and refused), as the profile source will use them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsConfigPaths, listProfiles } from '../../main/auth/aws-profiles';
import { AwsClients } from '../../main/net/aws-clients';
import { DEFAULT_SETTINGS } from '../../main/settings/layers';
import { SANDBOX_MFA_CODE, startSandbox, type Sandbox } from '../sandbox/index';

let sandbox: Sandbox;
let clients: AwsClients;
let paths: { config: string; credentials: string };
const settings = () => ({
  ...DEFAULT_SETTINGS,
  region: sandbox.region,
  stsEndpoint: sandbox.endpoints.sts,
  bedrockEndpoint: sandbox.endpoints.bedrock,
});

beforeAll(async () => {
  sandbox = await startSandbox();
  clients = new AwsClients({ settings });
  const home = mkdtempSync(path.join(os.tmpdir(), 'strata-profiles-'));
  paths = awsConfigPaths({ AWS_CONFIG_FILE: path.join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials') }, home);
  const key = sandbox.iamUserKey('ada');
  writeFileSync(
    paths.credentials,
    `[dev]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
  );
  writeFileSync(
    paths.config,
    [
      '[profile dev]',
      `region = ${sandbox.region}`,
      '[profile admin]',
      `role_arn = arn:aws:iam::${sandbox.accountId}:role/Admin`,
      'source_profile = dev',
      '[profile admin-mfa]',
      `role_arn = arn:aws:iam::${sandbox.accountId}:role/Admin`,
      'source_profile = dev',
      `mfa_serial = arn:aws:iam::${sandbox.accountId}:mfa/ada`,
      '[profile forbidden]',
      `role_arn = arn:aws:iam::${sandbox.accountId}:role/Forbidden`,
      'source_profile = dev',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await clients.dispose();
  await sandbox.close();
});

/** The SDK's profile provider, its STS calls built by Strata's factory (Region, endpoint, proxy, timeouts). */
const profile = (name: string, mfaCode?: () => Promise<string>) =>
  fromIni({
    profile: name,
    filepath: paths.credentials,
    configFilepath: paths.config,
    ignoreCache: true,
    clientConfig: clients.config('sts', settings()),
    ...(mfaCode ? { mfaCodeProvider: mfaCode } : {}),
  });

const whoAmI = async (provider: ReturnType<typeof profile>) => {
  const sts = clients.sts(settings(), provider);
  return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
};

describe('AWS profiles on the sandbox', () => {
  it('lists them with their kinds', async () => {
    expect((await listProfiles(paths)).map((p) => [p.name, p.kind, p.mfaSerial !== undefined])).toEqual([
      ['admin', 'assume-role', false],
      ['admin-mfa', 'assume-role', true],
      ['dev', 'static', false],
      ['forbidden', 'assume-role', false],
    ]);
  });

  it("an IAM user's static keys: STS knows the user, Bedrock answers", async () => {
    const provider = profile('dev');
    expect((await provider()).accessKeyId).toMatch(/^AKIA/);
    expect(await whoAmI(provider)).toBe(`arn:aws:iam::${sandbox.accountId}:user/ada`);
    const bedrock = clients.bedrock(settings(), { kind: 'sigv4', credentials: provider });
    const models = await bedrock.send(new ListFoundationModelsCommand({}));
    expect(models.modelSummaries?.length).toBeGreaterThan(0);
  });

  it('assume-role from them: temporary credentials for the role, with an expiry', async () => {
    const before = sandbox.stats()['sts:AssumeRole'] ?? 0;
    const credentials = await profile('admin')();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(await whoAmI(profile('admin'))).toMatch(new RegExp(`^arn:aws:sts::${sandbox.accountId}:assumed-role/Admin/`));
    expect(sandbox.stats()['sts:AssumeRole']).toBeGreaterThan(before);
  });

  it('with mfa_serial the code is asked for; a wrong code and a denied role are refused as AWS refuses them', async () => {
    const asked: number[] = [];
    const credentials = await profile('admin-mfa', async () => {
      asked.push(1);
      return SANDBOX_MFA_CODE;
    })();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(asked).toHaveLength(1);
    await expect(profile('admin-mfa', async () => '000000')()).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('MultiFactorAuthentication failed'),
    });
    sandbox.faults.deniedRoles.add('Forbidden');
    await expect(profile('forbidden')()).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('sts:AssumeRole') });
  });
});
