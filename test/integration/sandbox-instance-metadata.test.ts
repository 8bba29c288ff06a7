/**
 * The sandbox's instance metadata service and container credentials endpoint
 * as AWS's own clients see them: the JS SDK's providers and Python's botocore
 * get credentials STS takes; IMDSv1, a bad token, a token asked for through a
 * proxy and a wrong container authorization are refused as AWS refuses them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromContainerMetadata, fromInstanceMetadata } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const saved: Record<string, string | undefined> = {};
function setEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  }
}
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    delete saved[name];
  }
});

const whoAmI = async (credentials: AwsCredentialIdentity) => {
  const sts = new STSClient({ region: sandbox.region, endpoint: sandbox.endpoints.sts, credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
};

/** Runs botocore in Python; asynchronously, since the sandbox answering it runs in this process. */
const python = async (script: string, ...args: string[]) =>
  JSON.parse((await promisify(execFile)('python3', ['-c', script, ...args])).stdout) as Record<string, string>;

describe('instance metadata service (v2)', () => {
  it("gives the instance role's credentials to the SDK and to botocore, and STS takes them", async () => {
    const { endpoint, roleName, instanceId } = sandbox.instanceMetadata;
    setEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint });
    const credentials = await fromInstanceMetadata({ maxRetries: 0 })();
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now());
    expect(await whoAmI(credentials)).toBe(`arn:aws:sts::123456789012:assumed-role/${roleName}/${instanceId}`);

    const fromBotocore = await python(
      `import json, sys
from botocore.utils import InstanceMetadataFetcher
print(json.dumps(InstanceMetadataFetcher(timeout=2, num_attempts=1, base_url=sys.argv[1]).retrieve_iam_role_credentials()))`,
      `${endpoint}/`,
    );
    expect(fromBotocore.role_name).toBe(roleName);
    expect(
      await whoAmI({ accessKeyId: fromBotocore.access_key!, secretAccessKey: fromBotocore.secret_key!, sessionToken: fromBotocore.token! }),
    ).toMatch(new RegExp(`assumed-role/${roleName}/`));
  });

  it('refuses IMDSv1, a wrong token, a token asked for through a proxy, and a lifetime out of range', async () => {
    const { endpoint, roleName } = sandbox.instanceMetadata;
    const path = `${endpoint}/latest/meta-data/iam/security-credentials/${roleName}`;
    expect((await fetch(path)).status).toBe(401);
    expect((await fetch(path, { headers: { 'x-aws-ec2-metadata-token': 'made-up' } })).status).toBe(401);
    const ask = (headers: Record<string, string>) => fetch(`${endpoint}/latest/api/token`, { method: 'PUT', headers });
    expect((await ask({ 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' })).status).toBe(403);
    expect((await ask({ 'x-aws-ec2-metadata-token-ttl-seconds': '21601' })).status).toBe(400);
    const token = await (await ask({ 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).text();
    const answer = await fetch(path, { headers: { 'x-aws-ec2-metadata-token': token } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ Code: 'Success', Type: 'AWS-HMAC', Expiration: expect.stringMatching(/Z$/) });
  });
});

describe('container credentials endpoint', () => {
  it("gives the task role's credentials to the SDK and to botocore with the authorization token, and refuses them without", async () => {
    const { uri, authorizationToken, roleName } = sandbox.instanceMetadata.container;
    setEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: authorizationToken });
    const credentials = await fromContainerMetadata({ maxRetries: 0 })();
    expect(await whoAmI(credentials)).toMatch(new RegExp(`assumed-role/${roleName}/task-`));

    const fromBotocore = await python(
      `import json, sys
from botocore.utils import ContainerMetadataFetcher
print(json.dumps(ContainerMetadataFetcher().retrieve_full_uri(sys.argv[1], headers={'Authorization': sys.argv[2]})))`,
      uri,
      authorizationToken,
    );
    expect(fromBotocore.RoleArn).toBe(`arn:aws:iam::123456789012:role/${roleName}`);

    setEnv({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong' });
    await expect(fromContainerMetadata({ maxRetries: 0 })()).rejects.toMatchObject({ statusCode: 401 });
  });
});
