/**
 * `POST /webhooks/:sale`: the provider's signed webhooks (upstream §4). The signature is checked exactly
 * as the provider makes it (the URL as registered there + `?` + the sorted form body without
 * `signature`, HMAC-SHA256 with the webhook's secret; several secrets during a rotation), stale and
 * future timestamps are refused, and a repeated event id is acknowledged without being applied again.
 *
 * The answer is 200 as soon as the status is recorded (the provider gives up after 10 s and only 200
 * counts); reading the case back from the provider and forwarding to the sale happen afterwards.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { ApiError } from '../http/api-error.js';
import { saleOf } from '../http/widget-session.js';
import type { ProxyDeps, SaleServices } from '../proxy-deps.js';
import { verifyWebhook, type WebhookRejection } from '../signer.js';
import { refreshStatus } from '../status/provider-status.js';
import { applyWebhookCase, readWebhookCase } from '../status/webhook-events.js';

/** Event ids are remembered longer than the provider retries (1+2+…+32 h = 63 h). */
const SEEN_EVENT_TTL_MS = 4 * 24 * 3600 * 1000;

/** The URL the provider signs: as registered there, or this proxy's own webhook URL for the sale. */
export function webhookUrl(deps: ProxyDeps, sale: SaleServices): string {
  return sale.config.webhook.registeredUrl ?? `${deps.config.publicUrl}/webhooks/${sale.config.id}`;
}

/** Read the case back from the provider and push that status: the provider is the authority. */
async function settleFromProvider(deps: ProxyDeps, sale: SaleServices, userId: string, log: Logger): Promise<void> {
  try {
    await refreshStatus(deps, sale, Number(userId));
  } catch (error) {
    log.warn({ sale: sale.config.id, err: error as Error }, 'webhook: could not read the case back');
  }
}

/** Add the webhook route to `router`. */
export function addWebhookRoute(router: Router, deps: ProxyDeps): void {
  router.post('/webhooks/:sale', async (ctx: Context) => {
    const sale = saleOf(ctx, deps);
    const body = ctx.request.body;
    if (typeof body !== 'string') throw new ApiError(415, 'unsupported_media_type', 'Webhooks are form-encoded (application/x-www-form-urlencoded).');
    if (sale.config.webhook.secrets.length === 0) throw new ApiError(404, 'webhooks_disabled', 'This sale accepts no webhooks.');

    const url = webhookUrl(deps, sale);
    let verified: ReturnType<typeof verifyWebhook> = { ok: false, rejection: 'bad_signature' };
    for (const secret of sale.config.webhook.secrets) {
      verified = verifyWebhook(url, body, secret.reveal(), { nowMs: deps.now() });
      if (verified.ok || verified.rejection !== 'bad_signature') break;
    }
    if (!verified.ok) {
      deps.metrics.webhooksReceived.inc({ sale: sale.config.id, outcome: 'rejected' });
      const messages: Record<WebhookRejection, string> = {
        malformed_body: 'The webhook body is not a valid form body.',
        missing_signature: 'The webhook has no signature or request_timestamp.',
        timestamp_out_of_window: 'The webhook request_timestamp is too old or in the future.',
        bad_signature: 'The webhook signature does not match.',
      };
      throw new ApiError(verified.rejection === 'malformed_body' ? 400 : 401, `webhook_${verified.rejection}`, messages[verified.rejection]);
    }
    const webhook = readWebhookCase(verified.event);
    if (webhook === undefined) throw new ApiError(400, 'webhook_malformed', 'The webhook has no valid id or name.');

    const seenKey = `webhook-seen:${sale.config.id}:${webhook.eventId}`;
    const first = await deps.store.set(seenKey, '1', { ttlMs: SEEN_EVENT_TTL_MS, onlyIfAbsent: true });
    if (!first) {
      deps.metrics.webhooksReceived.inc({ sale: sale.config.id, outcome: 'duplicate' });
      ctx.body = { received: true, duplicate: true };
      return;
    }
    try {
      await applyWebhookCase(webhook, { sale: sale.config.id, store: deps.store, hub: deps.statusHub });
    } catch (error) {
      // Not recorded: forget the id so the provider's retry is applied.
      await deps.store.delete(seenKey).catch(() => undefined);
      throw new ApiError(503, 'temporarily_unavailable', 'The webhook could not be recorded; retry later.', { cause: error });
    }
    deps.metrics.webhooksReceived.inc({ sale: sale.config.id, outcome: 'accepted' });
    ctx.body = { received: true };

    const userId = webhook.userId;
    if (userId !== undefined && webhook.kyc !== undefined) {
      // Follow-up lines carry the webhook request's id, so they can be matched to it.
      const log = (ctx.state['log'] as Logger | undefined) ?? deps.logger;
      const followUp = settleFromProvider(deps, sale, userId, log).then(async () => {
        const forward = sale.config.webhook.forward;
        if (forward === undefined) return;
        const latest = await deps.statusHub.latest(sale.config.id, userId);
        if (latest === undefined) return;
        deps.forwarder.forward({ url: forward.url, secret: forward.secret.reveal() }, { eventId: webhook.eventId, event: webhook.name, sale: sale.config.id, userId, status: latest.status });
      }).catch((error: unknown) => log.warn({ err: error as Error, eventId: webhook.eventId }, 'webhook follow-up failed'))
        .finally(() => deps.background.delete(followUp));
      deps.background.add(followUp);
    }
  });
}
