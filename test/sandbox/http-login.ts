/**
 * Test helper: sign in at the sandbox identity provider with plain HTTP
 * requests, the way a browser would (redirects, cookies, the login form).
 */

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** A minimal cookie jar for one origin: enough for oidc-provider's session and interaction cookies. */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Remembers the Set-Cookie headers of `response` to a request for `url`. */
  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', attributeValue = ''] = attribute.split('=').map((part) => part.trim());
        if (key.toLowerCase() === 'path' && attributeValue.startsWith('/')) path = attributeValue;
        if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  /** The Cookie header for a request to `url`, or undefined when there is none. */
  header(url: URL): string | undefined {
    const matching = [...this.#cookies.values()]
      .filter((cookie) => url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      // Longer paths first, as browsers send them.
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') : undefined;
  }
}

export interface LoginOverHttpOptions {
  /** Reuse a jar to keep the IdP session between sign-ins (single sign-on); a fresh one by default. */
  cookies?: CookieJar;
  /** Give up after this many requests (default 20). */
  maxRequests?: number;
}

/** Thrown when the sign-in cannot finish, e.g. "Wrong username or password". */
export class HttpLoginError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
    this.name = 'HttpLoginError';
  }
}

function formAction(html: string, base: URL): URL | undefined {
  // The first form is the sign-in form; its action is the interaction URL.
  const match = /<form[^>]*\saction="([^"]*)"/i.exec(html);
  return match?.[1] === undefined ? undefined : new URL(match[1].replace(/&amp;/g, '&'), base);
}

function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Follows `authorizationUrl` through the identity provider, submits the
 * username and password on its sign-in page, and returns the URL the IdP
 * finally redirects to (the app's loopback redirect URI, with code and state,
 * or error). Nothing is requested at that final URL.
 */
export async function loginOverHttp(authorizationUrl: URL | string, username: string, password: string, options: LoginOverHttpOptions = {}): Promise<URL> {
  const jar = options.cookies ?? new CookieJar();
  const start = new URL(authorizationUrl);
  const idpOrigin = start.origin;
  let url = start;
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;
  let submitted = false;

  for (let i = 0; i < (options.maxRequests ?? 20); i += 1) {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    jar.store(url, response);

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== idpOrigin) return next;
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }

    const html = await response.text();
    if (response.status !== 200) {
      throw new HttpLoginError(`Identity provider answered ${response.status} at ${url.pathname}: ${visibleText(html).slice(0, 300)}`, response.status, html);
    }
    if (submitted) {
      // The sign-in page came back instead of a redirect: the credentials were refused.
      const message = /role="alert"[^>]*>([^<]*)</.exec(html)?.[1] ?? 'sign-in page shown again';
      throw new HttpLoginError(message, response.status, html);
    }
    const action = formAction(html, url);
    if (!action) throw new HttpLoginError(`No sign-in form at ${url.pathname}`, response.status, html);
    url = action;
    method = 'POST';
    body = new URLSearchParams({ username, password, action: 'login' });
    submitted = true;
  }
  throw new Error(`Sign-in did not finish within ${options.maxRequests ?? 20} requests`);
}
