/**
 * Cognito Identity emulator: GetId and GetCredentialsForIdentity over AWS JSON
 * 1.1. Both operations are unsigned in AWS (the login token is the proof), so
 * this server checks the id_token the way an identity pool with one OIDC
 * provider does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { CredentialsRegistry } from './credentials-registry.js';
import { NextRequestHold, readBody, send, startLoopbackServer, type RequestHold, type Stats } from './http-util.js';

export interface CognitoOptions {
  port: number;
  region: string;
  identityPoolId: string;
  issuer: string;
  loginsKey: string;
  clientId: string;
  roleArn: string;
  /** The identity provider's public keys; used directly, so verification works while the IdP is down (Cognito caches JWKS too). */
  jwks: JSONWebKeySet;
  credentialsTtlSeconds: number;
  registry: CredentialsRegistry;
  stats: Stats;
  log: boolean;
  /** Read on every request: the NotAuthorizedException fault. */
  rejects: () => boolean;
}

/** The running Cognito Identity emulator. */
export interface CognitoServer {
  endpoint: string;
  /** Holds the next request until released (`arrived` settles when it came); later requests are answered as usual. */
  holdNext(): RequestHold;
  /** Credentials issued from now on last `seconds`. */
  setCredentialsTtl(seconds: number): void;
  close(): Promise<void>;
}

const JSON_11 = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSCognitoIdentityService.';

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const notAuthorized = (message: string) => new CognitoError('NotAuthorizedException', message);
const invalidParameter = (message: string) => new CognitoError('InvalidParameterException', message);

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  send(res, status, { 'content-type': JSON_11, 'x-amzn-requestid': randomUUID(), ...extra }, JSON.stringify(body));
}

/** Starts the Cognito Identity emulator on 127.0.0.1. */
export async function startCognito(options: CognitoOptions): Promise<CognitoServer> {
  const keys = createLocalJWKSet(options.jwks);
  const identityBySub = new Map<string, string>();
  let credentialsTtlSeconds = options.credentialsTtlSeconds;
  const subByIdentity = new Map<string, string>();

  /** Checks one login token as Cognito does, returning its subject. */
  async function verifyLogins(logins: unknown, unauthenticatedMessage: string): Promise<string> {
    if (logins === undefined || logins === null || (typeof logins === 'object' && Object.keys(logins).length === 0)) {
      throw notAuthorized(unauthenticatedMessage);
    }
    if (typeof logins !== 'object' || Array.isArray(logins)) throw new CognitoError('SerializationException', 'Logins must be a map');
    const entries = Object.entries(logins as Record<string, unknown>);
    if (entries.length !== 1 || entries[0]?.[0] !== options.loginsKey) {
      throw notAuthorized('Invalid login token. Token is not from a supported provider of this identity pool.');
    }
    const token = entries[0][1];
    if (typeof token !== 'string') throw new CognitoError('SerializationException', 'Logins values must be strings');

    let payload: Record<string, unknown>;
    try {
      const [, body = ''] = token.split('.');
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof payload !== 'object' || payload === null) throw new Error('not an object');
    } catch {
      throw notAuthorized('Invalid login token. Not a valid OpenId Connect identity token.');
    }
    if (payload.iss !== options.issuer) throw notAuthorized("Invalid login token. Issuer doesn't match providerName");
    try {
      await compactVerify(token, keys, { algorithms: ['RS256'] });
    } catch {
      throw notAuthorized("Invalid login token. Couldn't verify signed token.");
    }
    const aud = payload.aud;
    if (!(aud === options.clientId || (Array.isArray(aud) && aud.includes(options.clientId)))) {
      throw notAuthorized('Invalid login token. Incorrect token audience.');
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number' || now >= payload.exp) {
      throw notAuthorized(`Invalid login token. Token expired: ${now} >= ${String(payload.exp)}`);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw notAuthorized('Invalid login token. Not a valid OpenId Connect identity token.');
    }
    return payload.sub;
  }

  function checkPool(input: Record<string, unknown>): void {
    const poolId = input.IdentityPoolId;
    if (typeof poolId !== 'string' || poolId === '') {
      throw invalidParameter("1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null");
    }
    if (poolId !== options.identityPoolId) throw new CognitoError('ResourceNotFoundException', `IdentityPool '${poolId}' not found.`);
  }

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    async GetId(input) {
      checkPool(input);
      if (options.rejects()) throw notAuthorized('Invalid login token. Token is not from a supported provider of this identity pool.');
      const sub = await verifyLogins(input.Logins, 'Unauthenticated access is not supported for this identity pool.');
      let identityId = identityBySub.get(sub);
      if (!identityId) {
        identityId = `${options.region}:${randomUUID()}`;
        identityBySub.set(sub, identityId);
        subByIdentity.set(identityId, sub);
      }
      return { IdentityId: identityId };
    },

    async GetCredentialsForIdentity(input) {
      const identityId = input.IdentityId;
      if (typeof identityId !== 'string' || identityId === '') {
        throw invalidParameter("1 validation error detected: Value null at 'identityId' failed to satisfy constraint: Member must not be null");
      }
      const owner = subByIdentity.get(identityId);
      if (!owner) throw new CognitoError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
      if (options.rejects()) throw notAuthorized('Invalid login token. Token is not from a supported provider of this identity pool.');
      const logins = "Logins don't match. Please include at least one valid login for this identity or identity pool.";
      const sub = await verifyLogins(input.Logins, logins);
      if (sub !== owner) throw notAuthorized(logins);
      if (input.CustomRoleArn !== undefined && input.CustomRoleArn !== options.roleArn) {
        throw invalidParameter('CustomRoleArn is not a role this identity pool may assume.');
      }
      const credentials = options.registry.issue(identityId, options.roleArn, credentialsTtlSeconds);
      return {
        IdentityId: identityId,
        Credentials: {
          AccessKeyId: credentials.accessKeyId,
          SecretKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          // Epoch seconds as a JSON number: the JSON protocols' timestamp format.
          Expiration: credentials.expiration.getTime() / 1000,
        },
      };
    },
  };

  const hold = new NextRequestHold();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    await hold.pass();
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const operation = req.method === 'POST' ? operations[name] : undefined;
    try {
      if (!operation) throw new CognitoError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw new CognitoError('SerializationException', 'Start of structure or map found where not expected.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new CognitoError('SerializationException', 'Start of structure or map found where not expected.');
      }
      const output = await operation(input as Record<string, unknown>);
      options.stats.inc(`cognito:${name}`);
      sendJson(res, 200, output);
    } catch (error) {
      if (!(error instanceof CognitoError)) throw error;
      options.stats.inc(`cognito:${name || 'unknown'}:${error.type}`);
      // The SDK reads the error name from __type, or from x-amzn-ErrorType when the body lacks it.
      sendJson(res, error.status, { __type: error.type, message: error.message }, { 'x-amzn-errortype': `${error.type}:` });
    }
  };

  const server = await startLoopbackServer(
    'cognito',
    options.port,
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        console.error('[sandbox:cognito] internal error', error);
        if (!res.headersSent) sendJson(res, 500, { __type: 'InternalErrorException', message: 'Internal error' });
        else res.destroy();
      });
    },
    options.log,
  );
  return {
    endpoint: server.origin,
    holdNext: () => hold.arm(),
    setCredentialsTtl: (seconds) => {
      credentialsTtlSeconds = seconds;
    },
    close: () => server.stop(),
  };
}
