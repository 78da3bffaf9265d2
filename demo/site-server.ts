/**
 * The demo token-sale site: the static pages of `demo/site/` and the built widget from `dist/`, as a
 * sale's own web server would serve them, under a strict Content-Security-Policy (no inline script or
 * style anywhere, scripts and styles from the site itself, network calls to the proxy and the S3
 * stand-in only), plus the demo backend of the host-authenticated page (`host-backend.ts`).
 *
 * The pages are plain HTML files with `{{name}}` placeholders (the proxy's URL, the sale, the inbox and
 * console links), filled in at each request from {@link SiteServerOptions.pageValues}, HTML-escaped.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import type { HostBackend } from './host-backend.js';

/** Options of {@link startSiteServer}. */
export interface SiteServerOptions {
  port: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** The pages, stylesheet and scripts (`demo/site/`). */
  siteDir: string;
  /** The widget build (`dist/`): `kyc-onboarding.js`, `wallet.js` and `locales/*.js` are served from the site's root. */
  distDir: string;
  /** The values of the pages' `{{name}}` placeholders. */
  pageValues: Readonly<Record<string, string>>;
  /** Origins the pages may call besides their own (the proxy, the S3 stand-in): the CSP's `connect-src`. */
  connectOrigins: readonly string[];
  /** The demo backend for `/demo-backend/*`. */
  backend?: HostBackend;
}

/** A running site. */
export interface SiteServer {
  /** e.g. `http://127.0.0.1:8080` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Files of `siteDir` that may be asked for by name: one path segment, no dot files, known types only. */
const SITE_FILE = /^\/([a-z0-9][a-z0-9-]*\.(?:html|css|js|svg))$/;
/** The widget files served from `distDir`. */
const DIST_FILE = /^\/((?:kyc-onboarding|wallet)\.js(?:\.map)?|locales\/[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\.js)$/;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Fill `{{name}}` placeholders; an unknown one is left as it is, so a typo shows on the page. */
export function fillPlaceholders(page: string, values: Readonly<Record<string, string>>): string {
  return page.replace(/\{\{([A-Za-z]+)\}\}/g, (placeholder, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return value === undefined ? placeholder : escapeHtml(value);
  });
}

/** The site's Content-Security-Policy: nothing inline, and network calls only to `connectOrigins`. */
export function siteContentSecurityPolicy(connectOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${connectOrigins.join(' ')}`.trim(),
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Start the site; resolves once it listens. Rejects with the listen error (EADDRINUSE…) otherwise. */
export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const { siteDir, distDir, pageValues, backend, host = '127.0.0.1' } = options;
  const headers = {
    'Content-Security-Policy': siteContentSecurityPolicy(options.connectOrigins),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // A local demo that is edited while it runs: always revalidate.
    'Cache-Control': 'no-cache',
  };

  function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return notFound(req, res);
    }
    send(req, res, 200, type, type.startsWith('text/html') ? fillPlaceholders(body.toString('utf8'), pageValues) : body);
  }

  function notFound(req: IncomingMessage, res: ServerResponse): void {
    send(req, res, 404, 'text/html; charset=utf-8', '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found: Acme Token sale</title><link rel="stylesheet" href="/site.css"></head>\n<body><main class="section"><h1>Not found</h1><p><a href="/">Back to the Acme Token sale</a></p></main></body></html>\n');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://site.invalid').pathname;
    if (backend !== undefined && (await backend(req, res, path))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD' });
    if (path === '/') return sendFile(req, res, join(siteDir, 'index.html'));
    const dist = DIST_FILE.exec(path)?.[1];
    if (dist !== undefined) return sendFile(req, res, join(distDir, dist));
    const site = SITE_FILE.exec(path)?.[1];
    if (site !== undefined) return sendFile(req, res, join(siteDir, site));
    notFound(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(req, res, 500, 'text/plain; charset=utf-8', 'The demo site failed to answer this request.\n');
      else res.destroy();
    });
  });
  server.listen(options.port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
