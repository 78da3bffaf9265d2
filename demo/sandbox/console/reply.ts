/**
 * A console response before it is written: status, headers, body. Pages, the stylesheet, redirects and
 * the JSON API all carry the console's security headers.
 */
import type { ServerResponse } from 'node:http';
import { toHtmlString, type SafeHtml } from './html.js';
import { securityHeaders } from './security-headers.js';

/** A response to send. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An HTML page; `imageOrigins` are the only other origins its images may come from. */
export function htmlReply(status: number, page: SafeHtml, imageOrigins: readonly string[] = []): Reply {
  return { status, headers: { ...securityHeaders(imageOrigins), 'Content-Type': 'text/html; charset=utf-8' }, body: toHtmlString(page) };
}

/** A JSON body (for the CLI). */
export function jsonReply(status: number, value: unknown): Reply {
  return { status, headers: { ...securityHeaders(), 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) };
}

/** A 303 See Other to `location` (redirect-after-post, so reloading never repeats an action). */
export function redirectReply(location: string, status = 303): Reply {
  return { status, headers: { ...securityHeaders(), Location: location }, body: '' };
}

/** Write `reply` to `res`. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}
