import type { ServerResponse } from 'node:http';

/** What the browser tab shows after the identity provider sends the person back. */
export interface LoopbackPage {
  title: string;
  /** One sentence: what to do next. */
  message: string;
  tone: 'success' | 'failure' | 'neutral';
}

export const pages = {
  signedIn: {
    title: "You're signed in",
    message: 'You can close this tab and return to Strata.',
    tone: 'success',
  },
  denied: {
    title: 'Sign-in was cancelled',
    message: 'Return to Strata to sign in again, or ask IT for access.',
    tone: 'failure',
  },
  rejected: {
    title: "Sign-in didn't work",
    message: 'Return to Strata to see the details and try again.',
    tone: 'failure',
  },
  notThisSignIn: {
    title: 'Not part of your sign-in',
    message: "This page didn't come from Strata's current sign-in, so it was ignored. If you're signing in, finish on the sign-in page Strata opened.",
    tone: 'neutral',
  },
  incomplete: {
    title: "Sign-in couldn't be completed",
    message: 'The sign-in page sent back an incomplete answer. Return to Strata and sign in again.',
    tone: 'failure',
  },
  wrongAddress: {
    title: "Sign-in couldn't be completed",
    message: 'The sign-in came back to the wrong address. Return to Strata to see what to do.',
    tone: 'failure',
  },
  badRequest: {
    title: 'Not understood',
    message: 'This address only finishes signing in to Strata. You can close this tab.',
    tone: 'neutral',
  },
  alreadyFinished: {
    title: 'This sign-in has already finished',
    message: 'You can close this tab and return to Strata.',
    tone: 'neutral',
  },
  notFound: {
    title: 'Nothing here',
    message: 'This address only finishes signing in to Strata. You can close this tab.',
    tone: 'neutral',
  },
  methodNotAllowed: {
    title: 'Not supported',
    message: 'This address only finishes signing in to Strata. Return to Strata and sign in again.',
    tone: 'neutral',
  },
  badHost: {
    title: 'Wrong address',
    message: 'Return to Strata and sign in from there.',
    tone: 'neutral',
  },
} as const satisfies Record<string, LoopbackPage>;

const ICONS: Record<LoopbackPage['tone'], string> = { success: '✓', failure: '!', neutral: 'i' };

// Self-contained on purpose: the server is gone moments after this page is sent,
// and the CSP below forbids anything but inline styles.
const STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1d2330;--muted:#5b6473;--accent:#5b6473}
@media (prefers-color-scheme:dark){:root{--bg:#16181d;--card:#22252c;--text:#eceef2;--muted:#a3a9b5}}
.success{--accent:#1f883d}.failure{--accent:#c4432b}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px;
background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:420px;width:100%;padding:40px 32px;border-radius:16px;background:var(--card);text-align:center;
box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}
.icon{width:56px;height:56px;margin:0 auto 20px;border-radius:50%;display:flex;align-items:center;justify-content:center;
font-size:28px;font-weight:700;color:#fff;background:var(--accent)}
.context{margin:0 0 4px;font-size:14px;color:var(--muted)}
h1{margin:0 0 12px;font-size:22px;line-height:1.3}
p{margin:0;color:var(--muted)}
`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders a small, self-contained HTML page (no scripts, no external resources). */
export function renderPage(page: LoopbackPage, companyName: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} – Strata</title>
<style>${STYLE}</style>
</head>
<body>
<main class="${page.tone}">
<div class="icon" aria-hidden="true">${ICONS[page.tone]}</div>
<p class="context">Sign in with ${escapeHtml(companyName)}</p>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
</main>
</body>
</html>
`;
}

/** Sends a page; the headers keep the callback URL (it carries the authorization code) out of caches and referrers. */
export function sendPage(
  res: ServerResponse,
  status: number,
  page: LoopbackPage,
  companyName: string,
  headers: Record<string, string> = {},
): void {
  const body = renderPage(page, companyName);
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  res.end(body);
}
