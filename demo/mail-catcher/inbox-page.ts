/**
 * The demo's inbox: a small web page over an {@link SmtpCatcher}, so a person trying `npm start` can read
 * the code email the proxy sent, and `GET /messages.json` for tools.
 *
 * - `GET /`: every message, newest first, with its one-time code (from the `OTP-Token` header) so the code
 *   can be read at a glance; a small script reloads it when a new message arrives, and only then
 *   (`?refresh=off` turns that off).
 * - `GET /messages/<id>`: one message: headers, the one-time code header if any, and the text part. The
 *   html part is never rendered (a caught email is untrusted content); it is only counted.
 * - `GET /messages.json`: the caught messages, newest first, as {@link CaughtMessage} objects.
 * - `POST /clear`: forget every message (same-origin form only), then back to `/`.
 *
 * Everything from a message is HTML-escaped; the CSP allows only the page's own stylesheet and watcher
 * script, by their hashes.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CaughtMessage, SmtpCatcher } from './smtp-catcher.js';

const STYLE = `
:root { color-scheme: light dark; background: Canvas; color: CanvasText; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid #8888; vertical-align: top; }
caption { text-align: left; }
td.time { white-space: nowrap; }
form { margin-top: 1rem; }
@media (max-width: 40rem) {
  td.to { overflow-wrap: anywhere; }
  /* On a phone each message is a short card: date, recipient, code, subject, one under the other. */
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  tbody, tr, td { display: block; }
  tr { padding: 0.5rem 0; border-bottom: 1px solid #8888; }
  td { border: 0; padding: 0.1rem 0; }
}
td.code { font-family: ui-monospace, monospace; font-size: 1.25rem; letter-spacing: 0.1em; white-space: nowrap; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; padding: 1rem; border: 1px solid #8888; border-radius: 0.4rem; }
dt { font-weight: 600; } dd { margin: 0 0 0.5rem 0; overflow-wrap: anywhere; }
a { color: light-dark(#0645ad, #9cc0ff); }
a:focus-visible, button:focus-visible { outline: 3px solid; outline-offset: 2px; }
.otp { font-family: ui-monospace, monospace; font-size: 1.5rem; letter-spacing: 0.2em; }
`;

/**
 * The list's watcher: every 2 s it asks for the newest message's id and reloads the page only when it
 * changed, so a code appears without a reload by hand, and a page with nothing new stays still (no timed
 * refresh moving a reader's place, which WCAG 2.2.1 and axe's meta-refresh rule forbid).
 */
const WATCH_SCRIPT = `const shown = document.querySelector('main').dataset.newest;
setInterval(async () => {
  try {
    const messages = await (await fetch('/messages.json', { cache: 'no-store' })).json();
    if ((messages[0]?.id ?? '') !== shown) location.reload();
  } catch {}
}, 2000);`;

// The stylesheet and the watcher are allowed by their hashes, so the policy needs no 'unsafe-inline'.
const hashOf = (text: string): string => createHash('sha256').update(text).digest('base64');
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${hashOf(STYLE)}'`,
  `script-src 'sha256-${hashOf(WATCH_SCRIPT)}'`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** A whole page; `watchNewest` (the newest message's id, '' for none) turns the list's watcher on. */
function page(title: string, body: string, watchNewest?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main${watchNewest === undefined ? '' : ` data-newest="${escapeHtml(watchNewest)}"`}>
${body}
</main>
${watchNewest === undefined ? '' : `<script>${WATCH_SCRIPT}</script>\n`}</body>
</html>
`;
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function listPage(messages: CaughtMessage[], refresh: boolean): string {
  const rows = messages
    .map(
      (message) => `<tr>
<td class="time"><time datetime="${escapeHtml(message.date)}">${escapeHtml(message.date.replace('T', ' ').slice(0, 19))}</time></td>
<td class="to">${escapeHtml(message.to.join(', '))}</td>
<td class="code">${escapeHtml(message.otp?.code ?? '—')}</td>
<td><a href="/messages/${encodeURIComponent(message.id)}">${escapeHtml(message.subject || '(no subject)')}</a></td>
</tr>`,
    )
    .join('\n');
  const table =
    messages.length === 0
      ? '<p>No messages yet. Code emails sent to this catcher appear here.</p>'
      : `<table>
<caption>${messages.length} message${messages.length === 1 ? '' : 's'}, newest first</caption>
<thead><tr><th scope="col">Received (UTC)</th><th scope="col">To</th><th scope="col">Code</th><th scope="col">Subject</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  const refreshLink = refresh
    ? '<p>New messages appear by themselves. <a href="/?refresh=off">Stop watching for new messages</a></p>'
    : '<p>Watching for new messages is off: reload the page to see them. <a href="/">Watch for new messages</a></p>';
  return page(
    'Inbox: demo mail catcher',
    `<h1>Inbox</h1>
${refreshLink}
${table}
<form method="post" action="/clear"><button type="submit">Delete all messages</button></form>`,
    refresh ? (messages[0]?.id ?? '') : undefined,
  );
}

function messagePage(message: CaughtMessage): string {
  const otp = message.otp
    ? `<h2>One-time code header</h2>
<p>OTP-Token for <strong>${escapeHtml(message.otp.origin)}</strong>: <span class="otp">${escapeHtml(message.otp.code)}</span></p>`
    : '';
  return page(
    `${message.subject || '(no subject)'}: demo mail catcher`,
    `<p><a href="/">Back to the inbox</a></p>
<h1>${escapeHtml(message.subject || '(no subject)')}</h1>
<dl>
<dt>From</dt><dd>${escapeHtml(message.from)}</dd>
<dt>To</dt><dd>${escapeHtml(message.to.join(', '))}</dd>
<dt>Received</dt><dd><time datetime="${escapeHtml(message.date)}">${escapeHtml(message.date)}</time></dd>
</dl>
${otp}
<h2>Text</h2>
<pre>${escapeHtml(message.text)}</pre>
${message.html === undefined ? '' : '<p>This message also has an html part, which this page does not display.</p>'}`,
  );
}

function notFound(res: ServerResponse): void {
  send(res, 404, 'text/html; charset=utf-8', page('Not found: demo mail catcher', '<h1>Not found</h1>\n<p><a href="/">Back to the inbox</a></p>'));
}

/** True when a POST came from a page of this same server (or from a tool that sends no Origin). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return req.headers['sec-fetch-site'] !== 'cross-site';
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** A `node:http` request handler serving the inbox of `catcher` (see the module comment for the routes). */
export function createInboxHandler(catcher: SmtpCatcher): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://inbox.invalid');
    const newestFirst = () => catcher.messages().reverse();
    const isRead = req.method === 'GET' || req.method === 'HEAD';

    if (url.pathname === '/clear') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'POST' });
      if (!sameOrigin(req)) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden\n');
      catcher.clear();
      return send(res, 303, 'text/plain; charset=utf-8', 'See /\n', { Location: '/' });
    }
    if (!isRead) return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD' });

    if (url.pathname === '/') {
      return send(res, 200, 'text/html; charset=utf-8', listPage(newestFirst(), url.searchParams.get('refresh') !== 'off'));
    }
    if (url.pathname === '/messages.json') {
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(newestFirst()));
    }
    const match = /^\/messages\/([^/]+)$/.exec(url.pathname);
    const message = match?.[1] === undefined ? undefined : catcher.messages().find((caught) => caught.id === match[1]);
    if (message === undefined) return notFound(res);
    return send(res, 200, 'text/html; charset=utf-8', messagePage(message));
  };
}

/** Options of {@link startInboxPage}. */
export interface InboxPageOptions {
  catcher: SmtpCatcher;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
}

/** A running inbox page. */
export interface InboxPage {
  port: number;
  /** The page's address, e.g. `http://127.0.0.1:4025/`. */
  url: string;
  close(): Promise<void>;
}

/** Serve the inbox of a catcher over HTTP; resolves once it listens. */
export async function startInboxPage(options: InboxPageOptions): Promise<InboxPage> {
  const { catcher, port = 0, host = '127.0.0.1' } = options;
  const server = createServer(createInboxHandler(catcher));
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const address = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    port: address.port,
    url: `http://${hostForUrl}:${address.port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
