/**
 * The "send a test webhook" action as the console runs it: find the client's webhook, send the sample
 * event of the chosen type, and remember the result for the page.
 */
import type { WebhookResultType } from '../webhooks/events.js';
import { WEBHOOK_RESULT_TYPES } from '../webhooks/events.js';
import { MAX_REMEMBERED_TEST_SENDS, type ClientTestSend, type ConsoleDeps, type ConsoleState } from './console-deps.js';
import { ConsoleError } from './console-error.js';
import { sendTestWebhook } from './webhook-test-send.js';

/** What to test: the client, the webhook's position in its list (0-based), and the event type. */
export interface TestSendRequest {
  clientId: unknown;
  index: unknown;
  type: unknown;
}

function integer(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/**
 * Send a test webhook and remember the result.
 *
 * @throws ConsoleError 404 without a dispatcher, or for an unknown client or webhook; 400 for a type the
 *   webhook does not subscribe to.
 */
export async function runTestSend(deps: ConsoleDeps, state: ConsoleState, request: TestSendRequest): Promise<ClientTestSend> {
  if (deps.webhooks === undefined) throw new ConsoleError(404, 'No webhook dispatcher is wired into this sandbox.');
  const clientId = integer(request.clientId);
  if (clientId === undefined || !deps.clients.some((client) => client.clientId === clientId)) throw new ConsoleError(404, 'The sandbox has no such client.');
  const index = integer(request.index);
  const webhook = index === undefined ? undefined : deps.webhooks.settings.list(clientId)[index];
  if (webhook === undefined) throw new ConsoleError(404, `Client ${clientId} has no such webhook.`);
  const type = request.type;
  if (!WEBHOOK_RESULT_TYPES.includes(type as WebhookResultType) || !webhook.types.includes(type as WebhookResultType)) {
    throw new ConsoleError(400, `The event type must be one the webhook receives: ${webhook.types.join(', ')}.`);
  }
  const result = await sendTestWebhook(webhook, type as WebhookResultType, { now: deps.now, ...(deps.testSendTimeoutMs !== undefined ? { timeoutMs: deps.testSendTimeoutMs } : {}) });
  const remembered: ClientTestSend = { ...result, clientId };
  state.testSends.unshift(remembered);
  state.testSends.length = Math.min(state.testSends.length, MAX_REMEMBERED_TEST_SENDS);
  return remembered;
}
