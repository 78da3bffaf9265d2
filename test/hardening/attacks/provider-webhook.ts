/**
 * Test support: webhook bodies about an investor's case, built and signed exactly as the provider (the
 * sandbox's dispatcher) builds and signs them, so the suite can send a genuine webhook, replay it byte
 * for byte, re-sign it late, or forge one with the wrong secret, URL or body.
 */
import { formatUserKyc, type UserKycRow } from '../../../demo/sandbox/kyc-model.js';
import { buildWebhookPayload } from '../../../demo/sandbox/webhooks/payload.js';
import { signWebhook, type ParamValue, type WebhookEvent } from '../../../proxy/signer.js';

/** Far above the sandbox's own delivery ids, so the suite's events never collide with real deliveries. */
let nextDeliveryId = 7_000_000;

/** A `kyc_status_update` event about `row` (a case as the sandbox store returns it), with a fresh delivery id. */
export function caseUpdateEvent(row: UserKycRow, createdAtSeconds = Math.floor(Date.now() / 1000)): WebhookEvent {
  nextDeliveryId += 1;
  return buildWebhookPayload(nextDeliveryId, {
    name: 'kyc_status_update',
    source: 'web',
    data: { user_kyc: formatUserKyc(row) as Record<string, ParamValue> },
    createdAt: createdAtSeconds,
  });
}

/** The form body the provider would POST for `event` to `url`, signed with `secret` at `atMs`. */
export function signedWebhookBody(url: string, event: WebhookEvent, secret: string, atMs = Date.now()): string {
  return signWebhook(url, event, secret, atMs).body;
}

/** POST a form body to a webhook URL; resolves with the status and the JSON answer. */
export async function postWebhook(url: string, body: string, contentType = 'application/x-www-form-urlencoded'): Promise<{ status: number; body: { received?: boolean; duplicate?: boolean; error?: { code: string } } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) };
}
