/**
 * The console's HTML pages and form actions. Forms POST, and a done action answers 303 to the page it
 * came from with `?done=<action>` (redirect-after-post), where a fixed sentence says what happened.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseReviewAction, runReviewAction, DEFAULT_ADMIN_NAME, type ReviewActionName } from './actions.js';
import type { ConsoleDeps, ConsoleState } from './console-deps.js';
import { ConsoleError } from './console-error.js';
import { describeCases, listCases, parseCaseQuery } from './case-query.js';
import { loadCase } from './case-record.js';
import type { CaseTarget } from './case-target.js';
import { caseDetailPage } from './pages/case-detail.js';
import { caseListPage } from './pages/case-list.js';
import { deliveryLogPage } from './pages/deliveries.js';
import type { Notice } from './pages/layout.js';
import { webhookTestPage } from './pages/webhook-test.js';
import { htmlReply, redirectReply, type Reply } from './reply.js';
import { checkFormPost } from './request-guard.js';
import { originOf } from './security-headers.js';
import { runTestSend } from './test-sends.js';

/** What each action did, said once it is done (the event is queued, delivery follows in the background). */
const DONE: Record<ReviewActionName, string> = {
  qualify: 'The case is qualified; a kyc_status_update event was queued for the client’s webhooks.',
  deny: 'The case is denied; a kyc_status_update event was queued for the client’s webhooks.',
  report: 'The issues are reported; a kyc_status_update event was queued for the client’s webhooks.',
  aml: 'The AML status is set; a kyc_status_update event was queued for the client’s webhooks.',
  whitelist: 'The whitelist status is set; a kyc_status_update event was queued for the client’s webhooks.',
  reopen: 'The case is reopened; a kyc_reopen event was queued for the client’s webhooks.',
  eth: 'The Ethereum address is updated; an update_ethereum_address event was queued for the client’s webhooks.',
  delete: 'The user is deleted; a user_deleted event was queued for the client’s webhooks.',
};

function doneNotice(url: URL): Notice | undefined {
  const done = url.searchParams.get('done');
  return done !== null && Object.hasOwn(DONE, done) ? { kind: 'success', text: DONE[done as ReviewActionName] } : undefined;
}

function clientIds(deps: ConsoleDeps): number[] {
  return deps.clients.map((client) => client.clientId);
}

/** `GET /console/`: the filtered, paged case list. */
export function showCaseList(deps: ConsoleDeps, url: URL): Reply {
  const ids = clientIds(deps);
  const query = parseCaseQuery(url.searchParams, ids);
  const page = listCases(deps.store, ids, query);
  return htmlReply(200, caseListPage({ clientIds: ids, query, page, entries: describeCases(deps.store, page.rows), notice: doneNotice(url) }));
}

/** `GET /console/clients/:client/cases/:user`: one case, with its documents and the actions that apply. */
export async function showCase(deps: ConsoleDeps, state: ConsoleState, target: CaseTarget, url: URL): Promise<Reply> {
  const record = await loadCase(deps.store, deps.fileStore, target.clientId, target.userId);
  const imageOrigins = record.files
    .map((file) => (file.kind === 'image' && file.url !== undefined ? originOf(file.url) : undefined))
    .filter((origin): origin is string => origin !== undefined);
  return htmlReply(200, caseDetailPage({ record, csrfToken: state.csrfToken, notice: doneNotice(url) }), imageOrigins);
}

/** `POST /console/clients/:client/cases/:user/:action`: run a review action from its form. */
export async function postCaseAction(deps: ConsoleDeps, state: ConsoleState, headers: IncomingHttpHeaders, form: URLSearchParams, target: CaseTarget, actionName: string): Promise<Reply> {
  const guard = checkFormPost(headers, form.get('csrf'), state.csrfToken);
  if (!guard.ok) throw new ConsoleError(403, guard.reason);
  const action = parseReviewAction(actionName, {
    status: form.get('status') ?? undefined,
    types: form.getAll('types'),
    address: form.get('address') ?? undefined,
  });
  runReviewAction(deps.store, target.clientId, target.userId, action, deps.adminName ?? DEFAULT_ADMIN_NAME);
  if (action.name === 'delete') return redirectReply(`/console/?client=${target.clientId}&done=delete`);
  return redirectReply(`/console/clients/${target.clientId}/cases/${target.userId}?done=${action.name}`);
}

/** `GET /console/deliveries?client=N`: the client's webhook deliveries and attempts. */
export function showDeliveries(deps: ConsoleDeps, url: URL): Reply {
  const ids = clientIds(deps);
  const wanted = url.searchParams.get('client');
  const clientId = wanted === null || wanted === '' ? ids[0] : Number(wanted);
  if (clientId === undefined || !ids.includes(clientId)) throw new ConsoleError(404, 'The sandbox has no such client.');
  const log = deps.webhooks && { deliveries: deps.webhooks.listDeliveries(clientId), attempts: deps.webhooks.listAttempts(clientId) };
  return htmlReply(200, deliveryLogPage({ clientIds: ids, clientId, log }));
}

/** `GET /console/webhooks`: each client's webhooks with a test form, and the recent test results. */
export function showWebhooks(deps: ConsoleDeps, state: ConsoleState, url: URL): Reply {
  const webhooks = deps.webhooks;
  const clients = webhooks && deps.clients.map((client) => ({ clientId: client.clientId, webhooks: webhooks.settings.list(client.clientId) }));
  const latest = state.testSends[0];
  const notice: Notice | undefined =
    url.searchParams.get('sent') === '1' && latest
      ? { kind: latest.delivered ? 'success' : 'error', text: latest.delivered ? 'The test webhook was delivered (HTTP 200).' : 'The test webhook was not delivered: see the result below.' }
      : undefined;
  return htmlReply(200, webhookTestPage({ clients, results: state.testSends, csrfToken: state.csrfToken, notice }));
}

/** `POST /console/webhooks/test`: send one test webhook, then show the page with its result. */
export async function postTestSend(deps: ConsoleDeps, state: ConsoleState, headers: IncomingHttpHeaders, form: URLSearchParams): Promise<Reply> {
  const guard = checkFormPost(headers, form.get('csrf'), state.csrfToken);
  if (!guard.ok) throw new ConsoleError(403, guard.reason);
  await runTestSend(deps, state, { clientId: form.get('client'), index: form.get('index'), type: form.get('type') });
  return redirectReply('/console/webhooks?sent=1');
}
