/**
 * Where an EC2 instance and a container get their role's credentials, as AWS
 * serves them, on one loopback port:
 * - the Instance Metadata Service, v2 only (a session token from
 *   `PUT /latest/api/token` first; a PUT that came through a proxy, with
 *   X-Forwarded-For, is refused; a GET without a good token is 401):
 *   `/latest/meta-data/iam/security-credentials/` names the instance's role,
 *   `…/<role>` gives its credentials;
 * - the ECS/EKS container credentials endpoint (`/v2/credentials/<id>`, what
 *   AWS_CONTAINER_CREDENTIALS_FULL_URI names), which wants the
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN in Authorization.
 * The credentials come from the registry, so STS and Bedrock take them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ACCOUNT_ID } from './constants.js';
import type { CredentialsRegistry } from './credentials-registry.js';
import type { Stats } from './http-util.js';

export const INSTANCE_ROLE = 'StrataInstanceRole';
export const TASK_ROLE = 'StrataTaskRole';
const MAX_TOKEN_TTL = 21_600;

export interface InstanceMetadataServer {
  /** http://127.0.0.1:PORT: what AWS_EC2_METADATA_SERVICE_ENDPOINT names. */
  endpoint: string;
  instanceId: string;
  /** What AWS_CONTAINER_CREDENTIALS_FULL_URI names, and the token AWS_CONTAINER_AUTHORIZATION_TOKEN holds. */
  container: { uri: string; authorizationToken: string };
  /** Credentials issued from now on last `seconds`. */
  setCredentialsTtl(seconds: number): void;
  close(): Promise<void>;
}

export async function startInstanceMetadata(options: {
  registry: CredentialsRegistry;
  stats: Stats;
  credentialsTtlSeconds: number;
  log: boolean;
}): Promise<InstanceMetadataServer> {
  const { registry, stats } = options;
  const instanceId = `i-${randomBytes(8).toString('hex').slice(0, 17)}`;
  const containerPath = `/v2/credentials/${randomUUID()}`;
  const authorizationToken = randomBytes(24).toString('base64url');
  const tokens = new Map<string, number>();
  let ttlSeconds = options.credentialsTtlSeconds;

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain') => {
    res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };
  const issue = (role: string, sessionName: string) => {
    const credentials = registry.issue('', `arn:aws:iam::${ACCOUNT_ID}:role/${role}`, ttlSeconds, Date.now(), sessionName);
    const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { credentials, iso };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (options.log) console.log(`[sandbox:instance-metadata] ${req.method} ${req.url}`);
    const url = req.url ?? '/';
    if (url === containerPath) {
      if (req.headers.authorization !== authorizationToken) {
        stats.inc('container:credentials:401');
        return send(res, 401, JSON.stringify({ message: 'Unauthorized' }), 'application/json');
      }
      stats.inc('container:credentials');
      const { credentials, iso } = issue(TASK_ROLE, `task-${instanceId.slice(2, 10)}`);
      return send(
        res,
        200,
        JSON.stringify({
          RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/${TASK_ROLE}`,
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          Token: credentials.sessionToken,
          Expiration: iso(credentials.expiration),
        }),
        'application/json',
      );
    }
    if (url === '/latest/api/token') {
      if (req.method !== 'PUT') return send(res, 405, '');
      // A token request that passed through a proxy is refused: the token must not leave the instance.
      if (req.headers['x-forwarded-for'] !== undefined) {
        stats.inc('imds:token:403');
        return send(res, 403, '');
      }
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL) {
        stats.inc('imds:token:400');
        return send(res, 400, '');
      }
      const token = randomBytes(32).toString('base64');
      tokens.set(token, Date.now() + ttl * 1000);
      stats.inc('imds:token');
      return send(res, 200, token);
    }
    if (url.startsWith('/latest/meta-data/')) {
      // IMDSv2 only, as an instance with HttpTokens=required answers.
      const token = req.headers['x-aws-ec2-metadata-token'];
      const good = typeof token === 'string' && (tokens.get(token) ?? 0) > Date.now();
      if (!good) {
        stats.inc('imds:401');
        return send(res, 401, '');
      }
      if (req.method !== 'GET') return send(res, 405, '');
      if (url === '/latest/meta-data/iam/security-credentials/') {
        stats.inc('imds:role');
        return send(res, 200, INSTANCE_ROLE);
      }
      if (url === `/latest/meta-data/iam/security-credentials/${INSTANCE_ROLE}`) {
        stats.inc('imds:credentials');
        const { credentials, iso } = issue(INSTANCE_ROLE, instanceId);
        return send(
          res,
          200,
          JSON.stringify({
            Code: 'Success',
            LastUpdated: iso(credentials.issuedAt),
            Type: 'AWS-HMAC',
            AccessKeyId: credentials.accessKeyId,
            SecretAccessKey: credentials.secretAccessKey,
            Token: credentials.sessionToken,
            Expiration: iso(credentials.expiration),
          }),
        );
      }
    }
    return send(res, 404, '');
  };

  const server = http.createServer(handle);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    instanceId,
    container: { uri: `${endpoint}${containerPath}`, authorizationToken },
    setCredentialsTtl: (seconds) => {
      ttlSeconds = seconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
