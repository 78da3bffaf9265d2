/**
 * What the proxy does with a verified provider webhook (upstream §4): a case event (`kyc_submit`,
 * `kyc_status_update`, `kyc_reopen`, `update_ethereum_address`) updates the investor's status for their
 * open streams. Webhooks may arrive late, twice or out of order, so an event older than the newest one
 * already applied is not pushed, and the case is then read back from the provider (the authority) and
 * that status pushed: whatever order events arrive in, the investor ends on the provider's state.
 */
import type { QueryParams, QueryValue } from '../ost-query.js';
import type { SharedStore } from '../store/shared-store.js';
import { investorStatus, type ProviderKycCase } from './investor-status.js';
import type { StatusHub } from './status-hub.js';

/** The parts of a webhook event the proxy uses. */
export interface WebhookCase {
  eventId: string;
  name: string;
  /** The provider user the event is about, when it is a case or user event. */
  userId: string | undefined;
  /** The event time (unix seconds). */
  createdAt: number;
  /** The case, for `user_kyc` events. */
  kyc: ProviderKycCase | undefined;
}

function field(value: QueryValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function object(value: QueryValue | undefined): QueryParams | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** Read the parts we use from a verified event; undefined when it lacks an id or a name. */
export function readWebhookCase(event: QueryParams): WebhookCase | undefined {
  const eventId = field(event['id']);
  const name = field(event['name']);
  if (eventId === undefined || name === undefined || !/^[0-9A-Za-z_-]{1,64}$/.test(eventId)) return undefined;
  const data = object(event['data']);
  const kyc = object(data?.['user_kyc']);
  const user = object(data?.['user']);
  const userIdText = field(kyc?.['user_id']) ?? field(user?.['id']);
  const userId = userIdText !== undefined && /^[0-9]{1,20}$/.test(userIdText) ? userIdText : undefined;
  const createdAt = Number(field(event['created_at']) ?? 0);
  return { eventId, name, userId, createdAt: Number.isFinite(createdAt) ? createdAt : 0, kyc: kyc as ProviderKycCase | undefined };
}

/** Options of {@link applyWebhookCase}. */
export interface ApplyOptions {
  sale: string;
  store: SharedStore;
  hub: StatusHub;
  /** Keep the newest-event time this long (longer than the provider's 63 h of retries). */
  retentionMs?: number;
}

/**
 * Push the status carried by a case event unless a newer event was already applied.
 * @returns whether the event's status was pushed.
 */
export async function applyWebhookCase(webhook: WebhookCase, options: ApplyOptions): Promise<boolean> {
  if (webhook.userId === undefined || webhook.kyc === undefined) return false;
  const key = `webhook-newest:${options.sale}:${webhook.userId}`;
  const newest = Number((await options.store.get(key)) ?? 0);
  if (webhook.createdAt < newest) return false;
  await options.store.set(key, String(webhook.createdAt), { ttlMs: options.retentionMs ?? 5 * 24 * 3600 * 1000 });
  await options.hub.publish(options.sale, webhook.userId, investorStatus(webhook.kyc));
  return true;
}
