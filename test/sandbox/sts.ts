/**
 * STS emulator: GetCallerIdentity over the awsQuery protocol (form-encoded
 * Action/Version in, XML out), which is what @aws-sdk/client-sts 3.x speaks.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACCOUNT_ID, ROLE_ID, ROLE_NAME, ROLE_SESSION_NAME } from './constants.js';
import type { CredentialsRegistry } from './credentials-registry.js';
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
}

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
    if (action !== 'GetCallerIdentity' || (params.get('Version') ?? VERSION) !== VERSION) {
      options.stats.inc(`sts:${action}:InvalidAction`);
      sendError(res, 400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      return;
    }

    options.stats.inc('sts:GetCallerIdentity');
    const requestId = randomUUID();
    const roleName = verified.credentials.credentials.roleArn.split('/').pop() ?? ROLE_NAME;
    sendXml(
      res,
      200,
      requestId,
      `<GetCallerIdentityResponse xmlns="${XMLNS}">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::${ACCOUNT_ID}:assumed-role/${xml(roleName)}/${ROLE_SESSION_NAME}</Arn>
    <UserId>${ROLE_ID}:${ROLE_SESSION_NAME}</UserId>
    <Account>${ACCOUNT_ID}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`,
    );
  };

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
