/**
 * What keeps other web pages away from the console. It has no login (a local developer tool on
 * 127.0.0.1), so the threats are a page in the developer's browser that
 * - rebinds its own host name to 127.0.0.1 to read the console (DNS rebinding): refused by accepting only
 *   loopback `Host` headers;
 * - submits a form to an action (CSRF): refused by a per-process random token in every form, checked in
 *   constant time, plus the browser's `Origin` and `Sec-Fetch-Site` when it sends them;
 * - calls the JSON API the CLI uses: refused because a cross-site page cannot send
 *   `Content-Type: application/json` without a CORS preflight, which the console never approves.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The outcome of a check: fine, or why the request is refused (safe to show: no secret in it). */
export type GuardResult = { ok: true } | { ok: false; reason: string };

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

/** A fresh anti-CSRF token: 32 random bytes in hex, for the lifetime of one console. */
export function createCsrfToken(): string {
  return randomBytes(32).toString('hex');
}

/** Refuse a request whose `Host` is not the loopback address (DNS rebinding). */
export function checkHost(headers: IncomingHttpHeaders): GuardResult {
  const host = headers.host ?? '';
  return LOOPBACK_HOST.test(host) ? { ok: true } : { ok: false, reason: 'The console answers only on 127.0.0.1 or localhost.' };
}

/** Refuse a state-changing request that the browser says comes from another site. */
export function checkSameOrigin(headers: IncomingHttpHeaders): GuardResult {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, reason: 'Cross-site requests are refused.' };
  }
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${headers.host ?? ''}`) {
    return { ok: false, reason: 'Requests from another origin are refused.' };
  }
  return { ok: true };
}

/** True when `submitted` is exactly `expected`, compared in constant time. */
export function tokenMatches(submitted: string | null | undefined, expected: string): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The checks for an HTML form POST: same origin and the form's token. */
export function checkFormPost(headers: IncomingHttpHeaders, submittedToken: string | null, expectedToken: string): GuardResult {
  const origin = checkSameOrigin(headers);
  if (!origin.ok) return origin;
  if (!tokenMatches(submittedToken, expectedToken)) {
    return { ok: false, reason: 'The form has expired or did not come from this console. Reload the page and try again.' };
  }
  return { ok: true };
}

/** The checks for a JSON API POST (the CLI): same origin and a JSON content type. */
export function checkJsonPost(headers: IncomingHttpHeaders): GuardResult {
  const origin = checkSameOrigin(headers);
  if (!origin.ok) return origin;
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return { ok: false, reason: 'The console API accepts only Content-Type: application/json.' };
  return { ok: true };
}
