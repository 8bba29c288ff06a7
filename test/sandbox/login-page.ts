/** The sandbox's own HTML: the identity provider's sign-in and error pages, and IAM Identity Center's pages. */
import { COMPANY_NAME } from './constants.js';
import { escapeHtml } from './http-util.js';

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
    font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
  main{width:22rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:2rem}
  h1{margin:0 0 .25rem;font-size:1.5rem}
  p.lead{margin:0 0 1.5rem;color:#4b5563;font-size:.95rem}
  label{display:block;font-size:.875rem;font-weight:600;margin:0 0 .25rem}
  input{display:block;width:100%;padding:.6rem .7rem;margin:0 0 1rem;border:1px solid #d1d5db;border-radius:6px;font-size:1rem}
  button{width:100%;padding:.65rem;border:0;border-radius:6px;font-size:1rem;font-weight:600;cursor:pointer}
  button.primary{background:#1d4ed8;color:#fff}
  button.secondary{background:transparent;color:#4b5563;margin-top:.5rem}
  .error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;border-radius:6px;padding:.6rem .7rem;margin:0 0 1rem;font-size:.9rem}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** The one page a person sees: username, password, "Sign in" (and "Cancel", which denies the request). */
export function loginPage(options: { action: string; clientName: string; username?: string; error?: string }): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  // After a failed attempt the username is kept, so the cursor goes to the password.
  const focusPassword = Boolean(options.username);
  return page(
    `${COMPANY_NAME} account`,
    `<h1>${escapeHtml(COMPANY_NAME)}</h1>
<p class="lead">Use your company account to continue to ${escapeHtml(options.clientName)}.</p>
${error}<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocapitalize="none" spellcheck="false" required${focusPassword ? '' : ' autofocus'} value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required${focusPassword ? ' autofocus' : ''}>
<button class="primary" type="submit" name="action" value="login">Sign in</button>
</form>
<form method="post" action="${escapeHtml(options.action)}">
<button class="secondary" type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>`,
  );
}

/** What the provider shows when a request cannot go on (bad client, bad redirect URI, expired interaction). */
export function errorPage(fields: Record<string, unknown>): string {
  const rows = Object.entries(fields)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`)
    .join('\n');
  return page(`${COMPANY_NAME} – something went wrong`, `<h1>${escapeHtml(COMPANY_NAME)}</h1>
<p class="lead">Something went wrong.</p>
${rows}`);
}

/** Shown after RP-initiated logout, and as the logout confirmation. */
export function logoutPage(form: string | undefined): string {
  if (form === undefined) return page(`${COMPANY_NAME}`, `<h1>${escapeHtml(COMPANY_NAME)}</h1><p class="lead">You are signed out.</p>`);
  return page(
    `${COMPANY_NAME}`,
    `<h1>${escapeHtml(COMPANY_NAME)}</h1><p class="lead">Sign out of your company account?</p>
${form}
<button class="primary" autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
<button class="secondary" type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

const PORTAL_TITLE = `AWS access portal – ${COMPANY_NAME}`;

function alert(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

/**
 * IAM Identity Center's sign-in page for the authorization code flow: "Sign in" approves, "Deny"
 * refuses. `fields` (the /authorize request) travel along in hidden inputs.
 */
export function ssoSignInPage(options: { action: string; clientName: string; fields: URLSearchParams; username?: string; error?: string }): string {
  const focusPassword = Boolean(options.username);
  const hidden = [...options.fields].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('\n');
  return page(
    PORTAL_TITLE,
    `<h1>${escapeHtml(COMPANY_NAME)}</h1>
<p class="lead">Sign in to the AWS access portal to allow ${escapeHtml(options.clientName)} to use your AWS accounts.</p>
${alert(options.error)}<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
${hidden}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocapitalize="none" spellcheck="false" required${focusPassword ? '' : ' autofocus'} value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required${focusPassword ? ' autofocus' : ''}>
<button class="primary" type="submit" name="action" value="login">Sign in</button>
<button class="secondary" type="submit" name="action" value="deny" formnovalidate>Deny</button>
</form>`,
  );
}

/** IAM Identity Center's device page: the code (prefilled from the link, editable), username, password, "Allow" or "Deny". */
export function ssoDevicePage(options: { action: string; userCode: string; username?: string; error?: string }): string {
  return page(
    PORTAL_TITLE,
    `<h1>${escapeHtml(COMPANY_NAME)}</h1>
<p class="lead">AWS access portal: check that this code is the one the app shows, then sign in to allow it.</p>
${alert(options.error)}<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocapitalize="characters" spellcheck="false" required value="${escapeHtml(options.userCode)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocapitalize="none" spellcheck="false" required autofocus value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button class="primary" type="submit" name="action" value="allow">Allow</button>
<button class="secondary" type="submit" name="action" value="deny" formnovalidate>Deny</button>
</form>`,
  );
}

/** After the device page: the app goes on by itself. */
export function ssoDonePage(approved: boolean): string {
  return page(
    PORTAL_TITLE,
    `<h1>${escapeHtml(COMPANY_NAME)}</h1>
<p class="lead">${approved ? 'Request approved.' : 'Request denied.'} You can close this window.</p>`,
  );
}
