/**
 * The demo site's own backend for `/host.html`, the host-authenticated mode: what a sale's server does
 * when it already knows its investors. Here its "login" is a stand-in that believes any email typed
 * into the form (the page says so); a real sale has its own accounts.
 *
 * - `POST /demo-backend/sign-in` `{ email }`: starts a demo session (an HttpOnly cookie).
 * - `GET /demo-backend/me`: `{ email }` of the session, or `{ email: null }`.
 * - `POST /demo-backend/widget-token`: asks the proxy's host-session route for a widget token for the
 *   session's email, with the integrator key only this server holds, and answers `{ token, expiresAt,
 *   userId }` (what the page's `tokenProvider` hands to the widget).
 * - `POST /demo-backend/sign-out`: ends the demo session.
 *
 * POSTs must come from the site's own pages (`Origin`) with a JSON body, so another site cannot sign a
 * visitor in or fetch tokens for them. Sessions live in memory: a restart signs everyone out.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './sandbox/read-body.js';

/** Options of {@link createHostBackend}. */
export interface HostBackendOptions {
  /** The proxy's URL, e.g. `http://127.0.0.1:3000`. */
  proxyUrl: string;
  saleId: string;
  /** The sale's integrator key: sent to the proxy only, never to a browser. */
  integratorKey: string;
  /** The site's own origins (the pages allowed to call these routes, and the origins tokens are bound to). */
  siteOrigins: readonly string[];
  /** How many demo sessions are kept (oldest dropped first). Default 1000. */
  maxSessions?: number;
}

/** A request handler for `/demo-backend/*`: answers and returns true, or returns false for other paths. */
export type HostBackend = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/** The path prefix of the backend's routes. */
export const HOST_BACKEND_PREFIX = '/demo-backend/';

const SESSION_COOKIE = 'demo_session';
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
const MAX_BODY_BYTES = 4096;
const PROXY_TIMEOUT_MS = 10_000;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

function sessionIdOf(req: IncomingMessage): string | undefined {
  const cookies = (req.headers.cookie ?? '').split(';').map((part) => part.trim());
  const pair = cookies.find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
  return pair?.slice(SESSION_COOKIE.length + 1) || undefined;
}

/** The calling page's origin when it is one of the site's own, else undefined. */
function ownOrigin(req: IncomingMessage, siteOrigins: readonly string[]): string | undefined {
  const origin = req.headers.origin;
  return origin !== undefined && siteOrigins.includes(origin) ? origin : undefined;
}

async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  try {
    const body = await readBody(req, MAX_BODY_BYTES);
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Build the demo backend. */
export function createHostBackend(options: HostBackendOptions): HostBackend {
  const { proxyUrl, saleId, integratorKey, siteOrigins, maxSessions = 1000 } = options;
  const sessions = new Map<string, string>();
  const cookieFor = (value: string, maxAge: number): string => `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}`;

  /** Ask the proxy for a widget token for `email`, bound to the page's `origin`. */
  async function widgetToken(res: ServerResponse, email: string, origin: string): Promise<void> {
    let answer: Response;
    try {
      answer = await fetch(`${proxyUrl}/v1/sales/${encodeURIComponent(saleId)}/host-sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${integratorKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, origin }),
        signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
      });
    } catch {
      return sendError(res, 502, 'proxy_unreachable', 'The demo backend could not reach the KYC proxy.');
    }
    const body = (await answer.json().catch(() => ({}))) as { token?: unknown; expiresAt?: unknown; userId?: unknown; error?: { code?: unknown; message?: unknown } };
    if (answer.status !== 201 || typeof body.token !== 'string') {
      // The proxy's error body names the problem and never a secret; pass its words on.
      const message = typeof body.error?.message === 'string' ? body.error.message : `The KYC proxy answered ${answer.status}.`;
      return sendError(res, 502, 'proxy_refused', `The KYC proxy refused the token request: ${message}`);
    }
    // Only what the widget needs: the answer is rebuilt rather than relayed.
    sendJson(res, 200, { token: body.token, expiresAt: body.expiresAt, userId: body.userId });
  }

  return async (req, res, path) => {
    if (!path.startsWith(HOST_BACKEND_PREFIX)) return false;
    const route = path.slice(HOST_BACKEND_PREFIX.length);
    const sessionId = sessionIdOf(req);
    const email = sessionId === undefined ? undefined : sessions.get(sessionId);

    if (route === 'me' && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, 200, { email: email ?? null });
      return true;
    }
    if (route !== 'sign-in' && route !== 'sign-out' && route !== 'widget-token') {
      sendError(res, 404, 'not_found', 'No such demo backend route.');
      return true;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(res, 405, 'method_not_allowed', 'Use POST.');
      return true;
    }
    const origin = ownOrigin(req, siteOrigins);
    if (origin === undefined) {
      sendError(res, 403, 'forbidden', 'Only the demo site\'s own pages may call its backend.');
      return true;
    }
    const body = await readJsonObject(req);
    if (body === undefined) {
      sendError(res, 400, 'bad_request', 'Send a JSON object with Content-Type: application/json (at most 4 KB).');
      return true;
    }

    if (route === 'sign-in') {
      const typed = typeof body['email'] === 'string' ? body['email'].trim().toLowerCase() : '';
      if (typed.length > 254 || !EMAIL.test(typed)) {
        sendError(res, 400, 'invalid_email', 'Type an email address like name@example.com.');
        return true;
      }
      const id = randomBytes(24).toString('base64url');
      sessions.set(id, typed);
      if (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value as string);
      sendJson(res, 200, { email: typed }, { 'Set-Cookie': cookieFor(id, 12 * 3600) });
    } else if (route === 'sign-out') {
      if (sessionId !== undefined) sessions.delete(sessionId);
      sendJson(res, 200, { email: null }, { 'Set-Cookie': cookieFor('', 0) });
    } else if (email === undefined) {
      sendError(res, 401, 'signed_out', 'Sign in on this page first.');
    } else {
      await widgetToken(res, email, origin);
    }
    return true;
  };
}
