/**
 * The review console, served by the sandbox under `/console/` on the API's port (`app.ts` hands it every
 * request whose path is `/console` or below, before the API router would answer 404 `ac_1`).
 *
 * A local developer tool with no login: it answers only requests addressed to 127.0.0.1 / localhost, its
 * forms carry an anti-CSRF token, and its JSON API takes only `application/json` from the same origin
 * (see `request-guard.ts`). Never expose it beyond the loopback interface.
 *
 * | route | what |
 * |---|---|
 * | `GET /console/` | case list: filter by client and statuses, paged |
 * | `GET /console/clients/:client/cases/:user` | one case: data, documents, statuses, actions |
 * | `POST /console/clients/:client/cases/:user/:action` | qualify, deny, report, aml, whitelist, reopen, eth, delete |
 * | `GET /console/deliveries?client=` | webhook delivery log |
 * | `GET /console/webhooks`, `POST /console/webhooks/test` | send a test webhook |
 * | `GET /console/style.css`, `GET /console/favicon.svg` | the stylesheet and the icon |
 * | `/console/api/…` | the same as JSON, for the CLI (`json-api.ts`) |
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleDeps, ConsoleState } from './console-deps.js';
import { ConsoleError } from './console-error.js';
import { resolveCaseTarget } from './case-target.js';
import { postCaseAction, postTestSend, showCase, showCaseList, showDeliveries, showWebhooks } from './html-routes.js';
import { apiDeliveries, apiListCases, apiRunAction, apiShowCase, apiTestSend, ensureJsonPost, jsonError } from './json-api.js';
import { messagePage } from './pages/message.js';
import { htmlReply, redirectReply, sendReply, type Reply } from './reply.js';
import { readForm, readJsonObject } from './request-body.js';
import { checkHost, createCsrfToken } from './request-guard.js';
import { securityHeaders } from './security-headers.js';

/** Where the console lives on the sandbox's origin. */
export const CONSOLE_PATH = '/console/';

/** True for a request target the console answers (`/console` and everything below it). */
export function isConsolePath(requestTarget: string): boolean {
  const path = requestTarget.split('?')[0] ?? '';
  return path === '/console' || path.startsWith('/console/');
}

/** A Node request handler for the console's paths. */
export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  run: (req: IncomingMessage, url: URL, match: RegExpExecArray) => Reply | Promise<Reply>;
}

const CASE = '/console/clients/([^/]+)/cases/([^/]+)';
const API_CASE = '/console/api/clients/([^/]+)/cases/([^/]+)';

/** Create the console for a sandbox. The CSRF token lives as long as the returned handler. */
export function createConsoleHandler(deps: ConsoleDeps): ConsoleHandler {
  const state: ConsoleState = { csrfToken: createCsrfToken(), testSends: [] };
  const stylesheet = readFileSync(new URL('./style.css', import.meta.url), 'utf8');
  const favicon = readFileSync(new URL('./favicon.svg', import.meta.url), 'utf8');
  const asset = (body: string, contentType: string): Reply => ({ status: 200, headers: { ...securityHeaders(), 'Content-Type': contentType, 'Cache-Control': 'no-cache' }, body });
  const target = (match: RegExpExecArray) => resolveCaseTarget(deps.clients, match[1] ?? '', match[2] ?? '');

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/console$/, run: () => redirectReply(CONSOLE_PATH, 301) },
    { method: 'GET', pattern: /^\/console\/$/, run: (_req, url) => showCaseList(deps, url) },
    { method: 'GET', pattern: /^\/console\/style\.css$/, run: () => asset(stylesheet, 'text/css; charset=utf-8') },
    { method: 'GET', pattern: /^\/console\/favicon\.svg$/, run: () => asset(favicon, 'image/svg+xml') },
    { method: 'GET', pattern: new RegExp(`^${CASE}$`), run: (_req, url, m) => showCase(deps, state, target(m), url) },
    {
      method: 'POST',
      pattern: new RegExp(`^${CASE}/([a-z]+)$`),
      run: async (req, _url, m) => {
        const caseTarget = target(m);
        return postCaseAction(deps, state, req.headers, await readForm(req), caseTarget, m[3] ?? '');
      },
    },
    { method: 'GET', pattern: /^\/console\/deliveries$/, run: (_req, url) => showDeliveries(deps, url) },
    { method: 'GET', pattern: /^\/console\/webhooks$/, run: (_req, url) => showWebhooks(deps, state, url) },
    { method: 'POST', pattern: /^\/console\/webhooks\/test$/, run: async (req) => postTestSend(deps, state, req.headers, await readForm(req)) },
    { method: 'GET', pattern: /^\/console\/api\/cases$/, run: (_req, url) => apiListCases(deps, url) },
    { method: 'GET', pattern: new RegExp(`^${API_CASE}$`), run: (_req, _url, m) => apiShowCase(deps, target(m)) },
    {
      method: 'POST',
      pattern: new RegExp(`^${API_CASE}/([a-z]+)$`),
      run: async (req, _url, m) => {
        ensureJsonPost(req.headers);
        const caseTarget = target(m);
        return apiRunAction(deps, await readJsonObject(req), caseTarget, m[3] ?? '');
      },
    },
    { method: 'GET', pattern: /^\/console\/api\/deliveries$/, run: (_req, url) => apiDeliveries(deps, url) },
    {
      method: 'POST',
      pattern: /^\/console\/api\/webhooks\/test$/,
      run: async (req) => {
        ensureJsonPost(req.headers);
        return apiTestSend(deps, state, await readJsonObject(req));
      },
    },
  ];

  function refusal(isApi: boolean, status: number, message: string, backHref?: string): Reply {
    if (isApi) return jsonError(status, message);
    return htmlReply(status, backHref ? messagePage(status, message, { href: backHref, label: 'Back to the case' }) : messagePage(status, message));
  }

  async function handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    const isApi = path.startsWith('/console/api/');
    const host = checkHost(req.headers);
    if (!host.ok) return refusal(isApi, 403, host.reason);
    // HEAD is answered as GET; Node leaves the body out.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const matching = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((candidate) => candidate.match !== null);
    const chosen = matching.find((candidate) => candidate.route.method === method);
    if (method !== 'POST' || !chosen) req.resume();
    if (!chosen || !chosen.match) {
      if (matching.length > 0) {
        const reply = refusal(isApi, 405, `Use ${[...new Set(matching.map((candidate) => candidate.route.method))].join(' or ')} here.`);
        return { ...reply, headers: { ...reply.headers, Allow: [...new Set(matching.map((candidate) => candidate.route.method))].join(', ') } };
      }
      return refusal(isApi, 404, 'There is no such page in the console.');
    }
    try {
      return await chosen.route.run(req, url, chosen.match);
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      req.resume();
      const caseMatch = /^(\/console\/clients\/\d+\/cases\/\d+)\//.exec(path);
      return refusal(isApi, error.status, error.message, error.status === 404 ? undefined : caseMatch?.[1]);
    }
  }

  return (req, res) => {
    handle(req).then(
      (reply) => sendReply(res, reply),
      (error: unknown) => {
        // A bug, not the reviewer's mistake: say so without internals, and keep serving.
        console.error('[sandbox console] unhandled error', error);
        if (res.headersSent) res.destroy();
        else sendReply(res, (req.url ?? '').startsWith('/console/api/') ? jsonError(500, 'Something went wrong.') : htmlReply(500, messagePage(500, 'Something went wrong; the sandbox log has the details.')));
      },
    );
  };
}
