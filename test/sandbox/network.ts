/**
 * The sandbox's network: a certificate authority of its own, HTTPS fronts
 * for the AWS emulators (TLS ends there; the bytes go on to the emulator's
 * port, so HTTP/2 and HTTP/1.1 both pass), an HTTP CONNECT proxy that counts
 * the tunnels it opened, and a black hole that takes connections and never
 * answers. All on 127.0.0.1.
 *
 * Host names under `.sandbox.test` exist only for the proxy: it connects
 * `<anything>.sandbox.test:PORT` to 127.0.0.1:PORT, as a company proxy
 * resolves the names its clients cannot. The certificate covers them,
 * `localhost` and 127.0.0.1.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import forge from 'node-forge';
import type { Stats } from './http-util.js';

/** The sandbox's certificate authority and the server certificate it issued. */
export interface SandboxCertificates {
  /** PEM of the CA certificate: the "company certificates" a client must trust. */
  caPem: string;
  /** PEM of the server certificate and its key. */
  certPem: string;
  keyPem: string;
}

const DAY = 24 * 60 * 60 * 1000;

function keyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privatePem: string } {
  // Node makes the key (fast, native); forge only builds and signs the certificates.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privatePem);
  return { publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privateKey: forgeKey, privatePem };
}

function certificate(
  subject: string,
  publicKey: forge.pki.PublicKey,
  issuer: { name: string; key: forge.pki.rsa.PrivateKey },
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 30 * DAY);
  cert.setSubject([{ name: 'commonName', value: subject }, { name: 'organizationName', value: 'Strata Sandbox' }]);
  cert.setIssuer([{ name: 'commonName', value: issuer.name }, { name: 'organizationName', value: 'Strata Sandbox' }]);
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

/** A fresh CA and a server certificate for localhost, 127.0.0.1, *.sandbox.test and *.sso.sandbox.test. */
export function makeCertificates(): SandboxCertificates {
  const caName = 'Strata Sandbox CA';
  const ca = keyPair();
  const caCert = certificate(caName, ca.publicKey, { name: caName, key: ca.privateKey }, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const server = keyPair();
  const serverCert = certificate('sandbox.test', server.publicKey, { name: caName, key: ca.privateKey }, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 2, value: '*.sandbox.test' },
        // A wildcard covers one label: the access portal's portal.sso.sandbox.test needs its own.
        { type: 2, value: '*.sso.sandbox.test' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  return { caPem: forge.pki.certificateToPem(caCert), certPem: forge.pki.certificateToPem(serverCert), keyPem: server.privatePem };
}

/** A server on 127.0.0.1 whose open sockets close with it. */
async function listen(server: Server, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Ends TLS on a port of its own and passes the bytes to `backendPort`: the emulator behind it sees plain HTTP. */
export async function startTlsFront(
  certificates: SandboxCertificates,
  backendPort: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = tls.createServer(
    { key: certificates.keyPem, cert: certificates.certPem, ALPNProtocols: ['h2', 'http/1.1'] },
    (socket) => {
      const backend = net.connect(backendPort, '127.0.0.1');
      socket.pipe(backend).pipe(socket);
      const end = () => {
        socket.destroy();
        backend.destroy();
      };
      socket.on('error', end).on('close', end);
      backend.on('error', end).on('close', end);
    },
  );
  // A client that does not trust the CA hangs up during the handshake: that is the test, not a fault.
  server.on('tlsClientError', () => {});
  return listen(server);
}

export interface SandboxProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Refuses connections (ECONNREFUSED) while down; listens again on the same port when set back. */
  setDown(down: boolean): Promise<void>;
  /** From now on, a tunnel needs this Basic sign-in (407 without it, counted as 'proxy:CONNECT:407'); undefined: none. */
  requireSignIn(credentials: { username: string; password: string } | undefined): void;
  close(): Promise<void>;
}

const PROXY_TARGET = /^(?:127\.0\.0\.1|localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.sandbox\.test):(\d{1,5})$/i;

/**
 * An HTTP CONNECT proxy on 127.0.0.1. It tunnels to 127.0.0.1, localhost and *.sandbox.test (each to
 * 127.0.0.1 on the port asked for) and answers 403 for anywhere else; every tunnel counts in stats
 * as 'proxy:CONNECT' and 'proxy:CONNECT:<host>', every refusal as 'proxy:CONNECT:refused'.
 */
export async function startProxy(stats: Stats, log: boolean): Promise<SandboxProxy> {
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('This proxy only tunnels (CONNECT).');
  });
  let required: string | undefined;
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const match = PROXY_TARGET.exec(target);
    if (log) console.log(`[sandbox:proxy] CONNECT ${target}`);
    if (required && req.headers['proxy-authorization'] !== required) {
      stats.inc('proxy:CONNECT:407');
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="sandbox"\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    if (!match) {
      stats.inc('proxy:CONNECT:refused');
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    stats.inc('proxy:CONNECT');
    stats.inc(`proxy:CONNECT:${target.replace(/:\d+$/, '')}`);
    const upstream = net.connect(Number(match[1]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    });
    client.on('error', end).on('close', end);
  });
  let listening = await listen(server);
  const port = listening.port;
  let down = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async setDown(value) {
      if (value === down) return;
      down = value;
      if (value) await listening.close();
      else listening = await listen(server, port);
    },
    requireSignIn(credentials) {
      required = credentials
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : undefined;
    },
    close: async () => {
      if (!down) await listening.close();
    },
  };
}

/** Takes connections and never answers, like a firewall that drops packets after the handshake. */
export async function startBlackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer(() => {});
  const listening = await listen(server);
  return { url: `http://127.0.0.1:${listening.port}`, close: listening.close };
}
