/**
 * The AWS credentials this computer itself offers, as the AWS SDK's default
 * chain finds them after the profiles: environment variables, a container's
 * task role (ECS, EKS), or an EC2 instance's role. Strata lists them as a
 * source when they are there and uses the SDK's own providers for the last
 * two, and read the variables as its fromEnv does, from Strata's environment
 * (the process's in the app).
 */
import { fromContainerMetadata, fromInstanceMetadata } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { EnvironmentCredentialsKind } from '../../preload/contract';

type Env = Record<string, string | undefined>;

/** How long the instance metadata service gets to answer: it is on the same machine, or not there at all. */
const METADATA_TIMEOUT_MS = 1_000;

/**
 * Which credentials the environment offers, in the order the SDK's default chain looks: variables,
 * then a container's, then (when `probeInstance`) the EC2 instance's, found by asking its
 * metadata service once. Undefined when there are none.
 */
export async function detectEnvironmentCredentials(env: Env, probeInstance: boolean): Promise<EnvironmentCredentialsKind | undefined> {
  if (env.AWS_ACCESS_KEY_ID?.trim() && env.AWS_SECRET_ACCESS_KEY?.trim()) return 'variables';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return 'container';
  if (!probeInstance || env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === 'true') return undefined;
  try {
    await fromInstanceMetadata({ timeout: METADATA_TIMEOUT_MS, maxRetries: 0 })();
    return 'instance';
  } catch {
    return undefined;
  }
}

/** The provider for `kind`: the SDK's container and instance providers, and the variables as fromEnv reads them. */
export function environmentProvider(kind: EnvironmentCredentialsKind, env: Env): () => Promise<AwsCredentialIdentity> {
  switch (kind) {
    case 'container':
      return fromContainerMetadata({ timeout: METADATA_TIMEOUT_MS, maxRetries: 1 });
    case 'instance':
      return fromInstanceMetadata({ timeout: METADATA_TIMEOUT_MS, maxRetries: 1 });
    case 'variables':
      return async () => fromVariables(env);
  }
}

/** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION when set. */
function fromVariables(env: Env): AwsCredentialIdentity {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set.');
  const sessionToken = env.AWS_SESSION_TOKEN?.trim();
  const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
  };
}
