/**
 * STS emulator: GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity
 * over the awsQuery protocol (form-encoded Action/Version in, XML out), which
 * is what @aws-sdk/client-sts 3.x and botocore speak. Any role of the sandbox
 * account can be assumed with credentials the sandbox issued, unless denied; a
 * role asked for with an MFA device needs the code SANDBOX_MFA_CODE. A role is
 * taken with a web identity (unsigned, as in AWS) with an id_token of the
 * sandbox's identity provider for its client, checked against its keys.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { ACCOUNT_ID, ROLE_ID, ROLE_NAME } from './constants.js';

/** 'AIDA' + 17 characters, the shape of a real IAM user id. */
const USER_ID = 'AIDASTRATASANDBOX0001';
import type { CredentialsRegistry, IssuedCredentials } from './credentials-registry.js';
import { readBody, send, startLoopbackServer, type Stats } from './http-util.js';
import { verifySigV4 } from './sigv4.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';

export interface StsOptions {
  port: number;
  region: string;
  registry: CredentialsRegistry;
  stats: Stats;
  log: boolean;
  /** Role names AssumeRole refuses (AccessDenied), read at each request. */
  deniedRoles?: () => ReadonlySet<string>;
  /** The identity provider web identities come from (IAM's OIDC provider): its issuer, keys and client; undefined until it runs. */
  webIdentityProvider?: () => { issuer: string; jwks: JSONWebKeySet; clientId: string } | undefined;
}

/** The one-time code the sandbox's MFA devices always show. */
export const SANDBOX_MFA_CODE = '123456';

/** The running STS emulator. */
export interface StsServer {
  endpoint: string;
  close(): Promise<void>;
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function sendXml(res: ServerResponse, status: number, requestId: string, body: string): void {
  send(res, status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const requestId = randomUUID();
  // Sender/Receiver as AWS does: 4xx is the caller's fault.
  const type = status >= 500 ? 'Receiver' : 'Sender';
  sendXml(
    res,
    status,
    requestId,
    `<ErrorResponse xmlns="${XMLNS}">
  <Error>
    <Type>${type}</Type>
    <Code>${xml(code)}</Code>
    <Message>${xml(message)}</Message>
  </Error>
  <RequestId>${requestId}</RequestId>
</ErrorResponse>`,
  );
}

/** Issued credentials as STS's answers carry them (Expiration in whole seconds). */
function credentialsXml(issued: IssuedCredentials): string {
  return `<Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${xml(issued.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${xml(issued.sessionToken ?? '')}</SessionToken>
      <Expiration>${issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>
    </Credentials>`;
}

/** Starts the STS emulator on 127.0.0.1. */
export async function startSts(options: StsOptions): Promise<StsServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const params = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    const contentType = req.headers['content-type'] ?? '';
    if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
      for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.set(key, value);
    }
    const action = params.get('Action') ?? 'Unknown';

    // The web identity token is the proof: this call is not signed.
    if (action === 'AssumeRoleWithWebIdentity' && (params.get('Version') ?? VERSION) === VERSION) {
      return assumeRoleWithWebIdentity(params, res);
    }

    const verified = await verifySigV4(req, body, options.registry.lookup, 'sts', { region: options.region });
    if (!verified.ok) {
      options.stats.inc(`sts:${action}:${verified.code}`);
      sendError(res, verified.status, verified.code, verified.message);
      return;
    }

    if (params.get('Action') === null) {
      options.stats.inc('sts:MissingAction');
      sendError(res, 400, 'MissingAction', 'Missing Action');
      return;
    }
    if ((action !== 'GetCallerIdentity' && action !== 'AssumeRole') || (params.get('Version') ?? VERSION) !== VERSION) {
      options.stats.inc(`sts:${action}:InvalidAction`);
      sendError(res, 400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      return;
    }
    const caller = verified.credentials.credentials;
    const requestId = randomUUID();

    if (action === 'AssumeRole') {
      const roleArn = params.get('RoleArn') ?? '';
      const sessionName = params.get('RoleSessionName') ?? '';
      const duration = Number(params.get('DurationSeconds') ?? 3600);
      const roleName = new RegExp(`^arn:aws:iam::${ACCOUNT_ID}:role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})$`).exec(roleArn)?.[1];
      const refuse = (status: number, code: string, message: string) => {
        options.stats.inc(`sts:AssumeRole:${code}`);
        sendError(res, status, code, message);
      };
      if (!/^[\w+=,.@-]{2,64}$/.test(sessionName) || !Number.isInteger(duration) || duration < 900 || duration > 43_200) {
        return refuse(400, 'ValidationError', '1 validation error detected: RoleSessionName or DurationSeconds does not satisfy its constraint.');
      }
      const callerArn = caller.kind === 'user' ? `arn:aws:iam::${ACCOUNT_ID}:user/${caller.sessionName}` : `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${caller.roleArn.split('/').pop()}/${caller.sessionName}`;
      if (!roleName || options.deniedRoles?.().has(roleName)) {
        return refuse(403, 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      const serial = params.get('SerialNumber');
      if (serial !== null && params.get('TokenCode') !== SANDBOX_MFA_CODE) {
        return refuse(403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
      }
      const issued = options.registry.issue('', roleArn, duration, Date.now(), sessionName);
      options.stats.inc('sts:AssumeRole');
      sendXml(
        res,
        200,
        requestId,
        `<AssumeRoleResponse xmlns="${XMLNS}">
  <AssumeRoleResult>
    ${credentialsXml(issued)}
    <AssumedRoleUser>
      <AssumedRoleId>${ROLE_ID}:${xml(sessionName)}</AssumedRoleId>
      <Arn>arn:aws:sts::${ACCOUNT_ID}:assumed-role/${xml(roleName)}/${xml(sessionName)}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`,
      );
      return;
    }

    options.stats.inc('sts:GetCallerIdentity');
    const roleName = caller.roleArn.split('/').pop() ?? ROLE_NAME;
    const arn =
      caller.kind === 'user'
        ? `arn:aws:iam::${ACCOUNT_ID}:user/${xml(caller.sessionName)}`
        : `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${xml(roleName)}/${xml(caller.sessionName)}`;
    const userId = caller.kind === 'user' ? USER_ID : `${ROLE_ID}:${xml(caller.sessionName)}`;
    sendXml(
      res,
      200,
      requestId,
      `<GetCallerIdentityResponse xmlns="${XMLNS}">
  <GetCallerIdentityResult>
    <Arn>${arn}</Arn>
    <UserId>${userId}</UserId>
    <Account>${ACCOUNT_ID}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`,
    );
  };

  /** Checks the token as STS checks one from an IAM OIDC provider, and issues the role's credentials. */
  async function assumeRoleWithWebIdentity(params: URLSearchParams, res: ServerResponse): Promise<void> {
    const refuse = (status: number, code: string, message: string) => {
      options.stats.inc(`sts:AssumeRoleWithWebIdentity:${code}`);
      sendError(res, status, code, message);
    };
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const duration = Number(params.get('DurationSeconds') ?? 3600);
    const roleName = new RegExp(`^arn:aws:iam::${ACCOUNT_ID}:role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})$`).exec(roleArn)?.[1];
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName) || !Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      return refuse(400, 'ValidationError', '1 validation error detected: RoleSessionName or DurationSeconds does not satisfy its constraint.');
    }
    const provider = options.webIdentityProvider?.();
    const token = params.get('WebIdentityToken') ?? '';
    let claims: { iss?: unknown; aud?: unknown; sub?: unknown; exp?: unknown };
    try {
      if (!provider) throw new Error('no provider');
      const { payload } = await compactVerify(token, createLocalJWKSet(provider.jwks));
      claims = JSON.parse(new TextDecoder().decode(payload)) as typeof claims;
    } catch {
      return refuse(400, 'InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (claims.iss !== provider.issuer) return refuse(400, 'InvalidIdentityToken', 'No OpenIDConnect provider found in your account for ' + String(claims.iss));
    if (!audiences.includes(provider.clientId)) return refuse(400, 'InvalidIdentityToken', 'Incorrect token audience');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return refuse(400, 'ExpiredTokenException', 'Token expired: current date/time is later than the token expiration');
    if (!roleName || options.deniedRoles?.().has(roleName)) {
      return refuse(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    const issued = options.registry.issue('', roleArn, duration, Date.now(), sessionName);
    options.stats.inc('sts:AssumeRoleWithWebIdentity');
    const requestId = randomUUID();
    sendXml(
      res,
      200,
      requestId,
      `<AssumeRoleWithWebIdentityResponse xmlns="${XMLNS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xml(String(claims.sub ?? ''))}</SubjectFromWebIdentityToken>
    <Audience>${xml(provider.clientId)}</Audience>
    <AssumedRoleUser>
      <AssumedRoleId>${ROLE_ID}:${xml(sessionName)}</AssumedRoleId>
      <Arn>arn:aws:sts::${ACCOUNT_ID}:assumed-role/${xml(roleName)}/${xml(sessionName)}</Arn>
    </AssumedRoleUser>
    ${credentialsXml(issued)}
    <Provider>${xml(provider.issuer.replace(/^https?:\/\//, ''))}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`,
    );
  }

  const server = await startLoopbackServer(
    'sts',
    options.port,
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        console.error('[sandbox:sts] internal error', error);
        if (!res.headersSent) sendError(res, 500, 'InternalFailure', 'The request processing has failed because of an unknown error.');
        else res.destroy();
      });
    },
    options.log,
  );
  return { endpoint: server.origin, close: () => server.stop() };
}
