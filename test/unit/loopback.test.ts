import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StrataError } from '../../main/errors';
import { startLoopbackReceiver, type LoopbackOptions, type LoopbackReceiver } from '../../main/auth/loopback';
import { renderPage, pages } from '../../main/auth/loopback-pages';
import { ERROR_CODES, type ErrorCode } from '../../preload/contract';

const STATE = 'st4te-Value_xyz';
const CODE = 'auth-c0de-secret';

const receivers: LoopbackReceiver[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function start(overrides: Partial<LoopbackOptions> = {}): Promise<LoopbackReceiver & { port: number }> {
  const receiver = await startLoopbackReceiver({
    port: 0,
    expectedState: STATE,
    timeoutMs: 10_000,
    companyName: 'Acme',
    ...overrides,
  });
  receivers.push(receiver);
  return { ...receiver, port: Number(new URL(receiver.redirectUri).port) };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection, like a browser tab would make. */
function get(port: number, path: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        headers: { host: options.host ?? `127.0.0.1:${port}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const callbackPath = (query: Record<string, string>): string => `/callback?${new URLSearchParams(query)}`;

function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with everything the server sent once it ends the connection. */
function readUntilClosed(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
}

function rawRequest(path: string, port: number): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;
}

async function expectRefused(port: number, host = '127.0.0.1'): Promise<void> {
  await expect(connect(port, host)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
}

async function expectStrataError(promise: Promise<unknown>, code: ErrorCode): Promise<StrataError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StrataError);
  const strata = error as StrataError;
  expect(ERROR_CODES).toContain(code);
  expect(strata.code).toBe(code);
  expect(strata.message.length).toBeGreaterThan(10);
  expect(strata.action?.length).toBeGreaterThan(5);
  for (const text of [strata.message, strata.action]) {
    expect(text).not.toContain(STATE);
    expect(text).not.toContain(CODE);
    expect(text).not.toMatch(/[a-z]+-[a-z]+-[a-z]+/); // no error code leaks into words meant for people
  }
  return strata;
}

describe('loopback receiver', () => {
  it('listens on 127.0.0.1 only', async () => {
    const listen = vi.spyOn(net.Server.prototype, 'listen');
    const { redirectUri, port } = await start();

    const server = listen.mock.contexts[0] as net.Server;
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port });
    expect(redirectUri).toBe(`http://127.0.0.1:${port}/callback`);
    // Another loopback address reaches a 0.0.0.0 or :: listener on Linux, never a 127.0.0.1 one.
    await expectRefused(port, '127.0.0.2');
    await expectRefused(port, '::1');
  });

  it('accepts the callback, shows the signed-in page and stops listening', async () => {
    const receiver = await start();

    const reply = await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('You&#39;re signed in');
    expect(reply.body).toContain('You can close this tab and return to Strata.');
    expect(reply.body).toContain('Sign in with Acme');
    expect(reply.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });

    const url = await receiver.callback;
    expect(url.origin + url.pathname).toBe(receiver.redirectUri);
    expect(url.searchParams.get('code')).toBe(CODE);
    expect(url.searchParams.get('state')).toBe(STATE);
    await expectRefused(receiver.port);
    await receiver.close();
  });

  it('closes kept-alive browser connections once the sign-in is done', async () => {
    const receiver = await start();
    const favicon = await connect(receiver.port);
    const faviconText = readUntilClosed(favicon);
    favicon.write(rawRequest('/favicon.ico', receiver.port));
    await vi.waitFor(() => expect(favicon.bytesRead).toBeGreaterThan(0));

    const tab = await connect(receiver.port);
    const tabText = readUntilClosed(tab);
    tab.write(rawRequest(callbackPath({ code: CODE, state: STATE }), receiver.port));

    expect(await faviconText).toMatch(/^HTTP\/1\.1 404/);
    const signedIn = await tabText;
    expect(signedIn).toMatch(/^HTTP\/1\.1 200/);
    expect(signedIn).toMatch(/\r\nConnection: close\r\n/i);
    expect(signedIn).toContain('You&#39;re signed in');
    await receiver.close();
  });

  it('answers a second callback that arrives while closing without changing the outcome', async () => {
    const receiver = await start();
    const late = await connect(receiver.port);
    const lateReply = readUntilClosed(late);
    // Headers started but not finished: this request is in flight while the first callback completes.
    late.write(`GET ${callbackPath({ code: 'other-code', state: STATE })} HTTP/1.1\r\nHost: 127.0.0.1:${receiver.port}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));

    await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    late.write('\r\n');

    const text = await lateReply;
    expect(text).toMatch(/^HTTP\/1\.1 409/);
    expect(text).toContain('This sign-in has already finished');
    expect((await receiver.callback).searchParams.get('code')).toBe(CODE);
    await receiver.close();
    await expectRefused(receiver.port);
  });

  it('does not let an idle or stalled connection keep the port open', async () => {
    const receiver = await start();
    const silent = await connect(receiver.port); // browsers open spare connections they may never use
    const silentClosed = readUntilClosed(silent);

    await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    await receiver.close();

    expect(await silentClosed).toBe('');
  });

  it('turns away a callback without this attempt\'s state, says why, and keeps waiting for the real one', async () => {
    const ignored: string[] = [];
    const receiver = await start({ onIgnored: (reason) => ignored.push(reason) });
    let settled = false;
    void receiver.callback.finally(() => {
      settled = true;
    });

    // What any local web page could send: a forged state, none, a repeated one, an error without state.
    for (const path of [
      callbackPath({ code: CODE, state: 'someone-elses-state' }),
      callbackPath({ code: CODE }),
      `/callback?code=${CODE}&state=${STATE}&state=${STATE}`,
      callbackPath({ error: 'access_denied' }),
      `/other?code=${CODE}&state=forged`,
    ]) {
      const reply = await get(receiver.port, path);
      expect(reply.status).toBe(400);
      expect(reply.body).toContain('Not part of your sign-in');
      expect(reply.body).not.toContain(CODE);
    }
    expect(settled).toBe(false);
    expect(ignored).toHaveLength(5);
    expect(ignored.join(' ')).not.toContain(CODE);
    expect(ignored[0]).toMatch(/turned away/);

    await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    expect((await receiver.callback).searchParams.get('code')).toBe(CODE);
  });

  it('ends the attempt when the code is missing', async () => {
    const receiver = await start();

    const reply = await get(receiver.port, callbackPath({ state: STATE }));
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('Return to Strata');

    await expectStrataError(receiver.callback, 'sign-in-callback-invalid');
  });

  it('reports access_denied as a declined sign-in', async () => {
    const receiver = await start();

    const reply = await get(
      receiver.port,
      callbackPath({ error: 'access_denied', error_description: 'User cancelled', state: STATE }),
    );
    expect(reply.body).toContain('Sign-in was cancelled');
    expect(reply.body).toContain('Return to Strata');

    const error = await expectStrataError(receiver.callback, 'sign-in-denied');
    expect(error.message).toBe("You declined the sign-in, or your company account isn't allowed to use Strata.");
    expect(error.action).toBe('Sign in again, or ask IT for access.');
  });

  it('reports other provider errors with the provider error in the details', async () => {
    const receiver = await start();

    const reply = await get(
      receiver.port,
      callbackPath({ error: 'invalid_scope', error_description: 'Scope <bedrock> is unknown', state: STATE }),
    );
    expect(reply.body).toContain('Return to Strata');
    expect(reply.body).not.toContain('<bedrock>');

    const error = await expectStrataError(receiver.callback, 'idp-rejected');
    expect(error.details).toContain('invalid_scope');
    expect(error.details).toContain('Scope <bedrock> is unknown');
  });

  it('ends the attempt when the sign-in answer arrives at another path', async () => {
    const receiver = await start();
    const reply = await get(receiver.port, `/callback/extra?code=${CODE}&state=${STATE}`);
    expect(reply.status).toBe(404);
    expect(reply.body).toContain('wrong address');
    const error = await expectStrataError(receiver.callback, 'sign-in-callback-invalid');
    expect(error.message).toMatch(/wrong address/);
    expect(error.action).toMatch(/redirect address/);
  });

  it("waits at the path it was given (IAM Identity Center's /oauth/callback), and nowhere else", async () => {
    const receiver = await start({ path: '/oauth/callback' });
    expect(receiver.redirectUri).toBe(`http://127.0.0.1:${receiver.port}/oauth/callback`);
    const elsewhere = await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    expect(elsewhere.status).toBe(404);
    const error = await expectStrataError(receiver.callback, 'sign-in-callback-invalid');
    expect(error.details).toBe('Expected the answer at /oauth/callback.');

    const second = await start({ path: '/oauth/callback' });
    const reply = await get(second.port, `/oauth/callback?code=${CODE}&state=${STATE}`);
    expect(reply.status).toBe(200);
    expect((await second.callback).searchParams.get('code')).toBe(CODE);
  });

  it('answers stray requests with 404 and keeps waiting', async () => {
    const receiver = await start();

    for (const path of ['/favicon.ico', '/', '/callback/extra', '/robots.txt?x=1']) {
      const reply = await get(receiver.port, path);
      expect(reply.status).toBe(404);
      expect(reply.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    }

    await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    expect((await receiver.callback).searchParams.get('code')).toBe(CODE);
  });

  it('refuses other methods on /callback with 405 and keeps waiting', async () => {
    const receiver = await start();

    const reply = await get(receiver.port, callbackPath({ code: 'posted', state: STATE }), { method: 'POST' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET');

    await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    expect((await receiver.callback).searchParams.get('code')).toBe(CODE);
  });

  it('refuses requests for other host names (DNS rebinding) and keeps waiting', async () => {
    const receiver = await start();
    const query = callbackPath({ code: 'rebound', state: STATE });

    for (const host of ['attacker.example', `attacker.example:${receiver.port}`, `127.0.0.1:${receiver.port + 1}`]) {
      expect((await get(receiver.port, query, { host })).status).toBe(400);
    }

    const reply = await get(receiver.port, callbackPath({ code: CODE, state: STATE }), {
      host: `localhost:${receiver.port}`,
    });
    expect(reply.status).toBe(200);
    expect((await receiver.callback).searchParams.get('code')).toBe(CODE);
  });

  it('gives up after the timeout and stops listening', async () => {
    const receiver = await start({ timeoutMs: 50 });

    const error = await expectStrataError(receiver.callback, 'sign-in-timeout');
    expect(error.message).toMatch(/took too long/);
    await receiver.close();
    await expectRefused(receiver.port);
  });

  it('stops when the person cancels', async () => {
    const controller = new AbortController();
    const receiver = await start({ signal: controller.signal });

    controller.abort();

    await expectStrataError(receiver.callback, 'sign-in-cancelled');
    await receiver.close();
    await expectRefused(receiver.port);
  });

  it('does not start for an already-cancelled sign-in', async () => {
    await expectStrataError(start({ signal: AbortSignal.abort() }), 'sign-in-cancelled');
  });

  it('reports a port another program is using, naming the port', async () => {
    const other = net.createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as net.AddressInfo;
    try {
      const error = await expectStrataError(start({ port }), 'redirect-port-in-use');
      expect(error.message).toContain(String(port));
      expect(error.action).toMatch(/close the other program/i);
      expect(error.action).toMatch(/IT/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('close() before any callback cancels the attempt, and can be called twice', async () => {
    const receiver = await start();

    await receiver.close();
    await receiver.close();

    await expectStrataError(receiver.callback, 'sign-in-cancelled');
    await expectRefused(receiver.port);
  });

  it('does not raise an unhandled rejection when nobody awaits the callback yet', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const receiver = await start({ timeoutMs: 10 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).not.toHaveBeenCalled();
      await expectStrataError(receiver.callback, 'sign-in-timeout');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('leaves no timer running once the sign-in is done', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const receiver = await start({ timeoutMs: 60_000 });
    expect(timers()).toBeGreaterThan(before);

    await get(receiver.port, callbackPath({ code: CODE, state: STATE }));
    await receiver.callback;
    await receiver.close();

    expect(timers()).toBe(before);
  });
});

describe('loopback pages', () => {
  it('are self-contained: inline style only, no scripts, no external resources', () => {
    for (const page of Object.values(pages)) {
      const html = renderPage(page, 'Acme');
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<style>');
      expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(|https?:\/\//i);
      expect(html).toContain(page.title.replace(/'/g, '&#39;'));
    }
  });

  it('mention returning to Strata or closing the tab', () => {
    for (const page of Object.values(pages)) {
      expect(page.message).toMatch(/Strata/);
    }
  });

  it('escape the company name', () => {
    const html = renderPage(pages.signedIn, '<script>alert("x")</script> & Co');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Co');
  });
});
