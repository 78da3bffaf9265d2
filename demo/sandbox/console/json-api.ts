/**
 * The console's JSON API under `/console/api/`, which the CLI (`cli.ts`) calls, so that the running
 * sandbox (its store and its webhook dispatcher) does every action and no second process writes the
 * SQLite files. Same actions and rules as the HTML pages; errors are `{ "error": { "code", "message" } }`.
 *
 * - `GET  /console/api/cases?client&status&admin_status&aml_status&whitelist_status&admin_action_types&page&limit`
 * - `GET  /console/api/clients/:client/cases/:user`
 * - `POST /console/api/clients/:client/cases/:user/:action` with `{ "status"?, "types"?, "address"?, "admin"? }`
 * - `GET  /console/api/deliveries?client`
 * - `POST /console/api/webhooks/test` with `{ "client", "index", "type" }`
 */
import type { IncomingHttpHeaders } from 'node:http';
import { formatUser, formatUserKyc } from '../kyc-model.js';
import { availableActions, DEFAULT_ADMIN_NAME, parseReviewAction, runReviewAction } from './actions.js';
import type { ConsoleDeps, ConsoleState } from './console-deps.js';
import { ConsoleError } from './console-error.js';
import { describeCases, listCases, parseCaseQuery } from './case-query.js';
import { loadCase } from './case-record.js';
import type { CaseTarget } from './case-target.js';
import { jsonReply, type Reply } from './reply.js';
import { checkJsonPost } from './request-guard.js';
import { runTestSend } from './test-sends.js';

/** The error codes of the JSON API, by HTTP status. */
const CODES: Record<number, string> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'not_applicable',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  500: 'internal_error',
};

/** The JSON error body for `status`. */
export function jsonError(status: number, message: string): Reply {
  return jsonReply(status, { error: { code: CODES[status] ?? 'error', message } });
}

function clientIds(deps: ConsoleDeps): number[] {
  return deps.clients.map((client) => client.clientId);
}

/**
 * Refuse an API POST that a browser page on another site could have sent (checked before the body is read).
 *
 * @throws ConsoleError 403 for another origin, 415 without `Content-Type: application/json`.
 */
export function ensureJsonPost(headers: IncomingHttpHeaders): void {
  const guard = checkJsonPost(headers);
  if (!guard.ok) throw new ConsoleError(guard.reason.includes('Content-Type') ? 415 : 403, guard.reason);
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConsoleError(400, `"${name}" must be a string.`);
  return value;
}

function adminName(body: Record<string, unknown>, fallback: string): string {
  const name = optionalString(body, 'admin');
  if (name === undefined) return fallback;
  // It becomes `last_acted_by` in every webhook: one short printable line.
  if (!/^[^\p{Cc}]{1,64}$/u.test(name) || name.trim() === '') throw new ConsoleError(400, '"admin" must be 1 to 64 printable characters.');
  return name.trim();
}

/** `GET /console/api/cases`. */
export function apiListCases(deps: ConsoleDeps, url: URL): Reply {
  const ids = clientIds(deps);
  const query = parseCaseQuery(url.searchParams, ids);
  const page = listCases(deps.store, ids, query);
  return jsonReply(200, {
    total: page.total,
    page: page.page,
    page_count: page.pageCount,
    cases: describeCases(deps.store, page.rows).map((entry) => ({
      client_id: entry.kyc.client_id,
      email: entry.email,
      first_name: entry.firstName,
      last_name: entry.lastName,
      user_kyc: formatUserKyc(entry.kyc),
    })),
  });
}

/** `GET /console/api/clients/:client/cases/:user`. */
export async function apiShowCase(deps: ConsoleDeps, target: CaseTarget): Promise<Reply> {
  const record = await loadCase(deps.store, deps.fileStore, target.clientId, target.userId);
  return jsonReply(200, {
    client_id: record.clientId,
    user: formatUser(record.user),
    user_kyc: formatUserKyc(record.kyc),
    submission: record.detail,
    files: record.files,
    available_actions: availableActions(record.kyc),
  });
}

/** `POST /console/api/clients/:client/cases/:user/:action` (after {@link ensureJsonPost}). */
export function apiRunAction(deps: ConsoleDeps, body: Record<string, unknown>, target: CaseTarget, actionName: string): Reply {
  const types = body['types'];
  if (types !== undefined && (!Array.isArray(types) || !types.every((type) => typeof type === 'string'))) {
    throw new ConsoleError(400, '"types" must be a list of strings.');
  }
  const action = parseReviewAction(actionName, { status: optionalString(body, 'status'), types: types as string[] | undefined, address: optionalString(body, 'address') });
  const result = runReviewAction(deps.store, target.clientId, target.userId, action, adminName(body, deps.adminName ?? DEFAULT_ADMIN_NAME));
  return jsonReply(200, { action: result.action, client_id: target.clientId, user_id: target.userId, user_kyc: result.kyc ? formatUserKyc(result.kyc) : null });
}

/** `GET /console/api/deliveries?client=N` (default: every client). */
export function apiDeliveries(deps: ConsoleDeps, url: URL): Reply {
  const webhooks = deps.webhooks;
  if (webhooks === undefined) throw new ConsoleError(404, 'No webhook dispatcher is wired into this sandbox.');
  const wanted = url.searchParams.get('client');
  const ids = clientIds(deps);
  const selected = wanted === null || wanted === '' ? ids : ids.filter((id) => String(id) === wanted);
  if (selected.length === 0) throw new ConsoleError(404, 'The sandbox has no such client.');
  return jsonReply(200, {
    clients: selected.map((clientId) => ({
      client_id: clientId,
      deliveries: webhooks.listDeliveries(clientId),
      attempts: webhooks.listAttempts(clientId),
    })),
  });
}

/** `POST /console/api/webhooks/test` (after {@link ensureJsonPost}). */
export async function apiTestSend(deps: ConsoleDeps, state: ConsoleState, body: Record<string, unknown>): Promise<Reply> {
  const result = await runTestSend(deps, state, { clientId: body['client'], index: body['index'], type: body['type'] });
  return jsonReply(200, result);
}
