/**
 * Every AWS credential the sandbox issued (Cognito's and STS AssumeRole's temporary ones, and IAM users'
 * long-term access keys), so the AWS emulators can verify signatures with it and say whose it is.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** One set of credentials: temporary ones for a role session, or an IAM user's access key. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Absent for an IAM user's long-term key. */
  sessionToken?: string;
  /** Whole seconds, exactly what the client was told. */
  expiration: Date;
  issuedAt: Date;
  identityId: string;
  /** The role of a role session; '' for an IAM user. */
  roleArn: string;
  /** The role session's name (Cognito's is CognitoIdentityCredentials), or the IAM user's name. */
  sessionName: string;
  kind: 'role-session' | 'user';
  /** Set by expireIssuedCredentials(): the sandbox treats it as expired whatever its expiration says. */
  forcedExpired: boolean;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomUpperAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += UPPER_ALNUM[randomInt(UPPER_ALNUM.length)];
  return out;
}

/** Issues and remembers temporary credentials. */
export class CredentialsRegistry {
  readonly #byAccessKey = new Map<string, IssuedCredentials>();

  /** Issues new credentials for `identityId`, valid `ttlSeconds` from now. */
  issue(identityId: string, roleArn: string, ttlSeconds: number, now = Date.now(), sessionName = 'CognitoIdentityCredentials'): IssuedCredentials {
    const issuedAt = new Date(now);
    // AWS sends Expiration in whole seconds; keep the same value on both sides.
    const expiration = new Date((Math.floor(now / 1000) + ttlSeconds) * 1000);
    const credentials: IssuedCredentials = {
      // 'ASIA' marks temporary (STS-issued) keys; 16 more characters make the usual 20.
      accessKeyId: `ASIA${randomUpperAlnum(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(256).toString('base64'),
      expiration,
      issuedAt,
      identityId,
      roleArn,
      sessionName,
      kind: 'role-session',
      forcedExpired: false,
    };
    this.#byAccessKey.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  /** A long-term access key for the IAM user `userName` ('AKIA…', no session token, no expiry). */
  issueUserKey(userName: string, now = Date.now()): IssuedCredentials {
    const credentials: IssuedCredentials = {
      accessKeyId: `AKIA${randomUpperAlnum(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      expiration: new Date(8_640_000_000_000_000),
      issuedAt: new Date(now),
      identityId: '',
      roleArn: '',
      sessionName: userName,
      kind: 'user',
      forcedExpired: false,
    };
    this.#byAccessKey.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  /** The credentials with this access key id, if the sandbox issued them. */
  get(accessKeyId: string): IssuedCredentials | undefined {
    return this.#byAccessKey.get(accessKeyId);
  }

  /** Whether the sandbox treats these credentials as expired at `now`. */
  isExpired(credentials: IssuedCredentials, now = Date.now()): boolean {
    return credentials.forcedExpired || now >= credentials.expiration.getTime();
  }

  /** Marks every credential issued so far as expired; later ones are unaffected. */
  expireAll(): void {
    // An IAM user's access key does not expire; only what STS and Cognito issued does.
    for (const credentials of this.#byAccessKey.values()) if (credentials.kind !== 'user') credentials.forcedExpired = true;
  }

  /** A lookup for verifySigV4. */
  readonly lookup = (accessKeyId: string) => {
    const credentials = this.#byAccessKey.get(accessKeyId);
    if (!credentials) return undefined;
    return {
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expired: this.isExpired(credentials),
      credentials,
    };
  };
}
