/**
 * "Send a test webhook", as the provider's admin UI offers it (`lib/crons/webhooks/test_send.rb`, upstream
 * §4): fixed sample data, signed with the webhook's own secret over its registered URL exactly as a real
 * delivery, sent once with no retry, and the result shown to the admin. It goes straight to the receiver
 * and is not part of the dispatcher's queue or delivery log.
 */
import { randomInt } from 'node:crypto';
import { signWebhook, type ParamValue } from '../../../proxy/signer.js';
import type { EventName, EventSource } from '../ports.js';
import type { WebhookConfig } from '../webhooks/config.js';
import type { WebhookResultType } from '../webhooks/events.js';
import { buildWebhookPayload } from '../webhooks/payload.js';
import { postForm, WEBHOOK_TIMEOUT_MS, type PostOutcome } from '../webhooks/transport.js';

/** The sample event sent for each result type: recognisably fake data in the §4 shapes. */
export const TEST_EVENTS: Readonly<Record<WebhookResultType, { name: EventName; source: EventSource; data: (createdAt: number) => Record<string, ParamValue> }>> = {
  user: {
    name: 'user_register',
    source: 'web',
    data: (createdAt) => ({
      result_type: 'user',
      user: { id: 0, email: 'test.webhook@example.com', properties: ['doptin_mail_sent'], created_at: createdAt },
    }),
  },
  user_kyc: {
    name: 'kyc_status_update',
    source: 'kyc_system',
    data: (createdAt) => ({
      result_type: 'user_kyc',
      user_kyc: {
        id: 0,
        user_kyc_detail_id: 0,
        user_id: 0,
        kyc_status: 'pending',
        admin_status: 'unprocessed',
        aml_status: 'cleared',
        whitelist_status: 'unprocessed',
        admin_action_types: [],
        submission_count: 1,
        last_acted_by: '',
        created_at: createdAt,
      },
    }),
  },
};

/** What one test send came to. */
export interface TestSendResult {
  /** When it was sent, ms since the epoch. */
  at: number;
  url: string;
  type: WebhookResultType;
  eventName: EventName;
  /** The payload's `id`: random, so a receiver that drops duplicate ids still takes every test. */
  id: number;
  outcome: PostOutcome;
  /** True only for HTTP 200, the one status the provider counts as delivered. */
  delivered: boolean;
}

/** Options of {@link sendTestWebhook}. */
export interface TestSendOptions {
  /** The clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Timeout of the POST. Default 10 s, as the provider. */
  timeoutMs?: number;
}

/** Sign the sample event of `type` for `webhook` and POST it once. Never rejects. */
export async function sendTestWebhook(webhook: WebhookConfig, type: WebhookResultType, options: TestSendOptions = {}): Promise<TestSendResult> {
  const now = options.now ?? Date.now;
  const at = now();
  const sample = TEST_EVENTS[type];
  const id = randomInt(1_000_000_000, 2_000_000_000);
  const createdAt = Math.floor(at / 1000);
  const payload = buildWebhookPayload(id, { name: sample.name, source: sample.source, data: sample.data(createdAt), createdAt });
  const signed = signWebhook(webhook.url, payload, webhook.secret, at);
  const outcome = await postForm(webhook.url, signed.body, options.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
  return { at, url: webhook.url, type, eventName: sample.name, id, outcome, delivered: 'status' in outcome && outcome.status === 200 };
}
