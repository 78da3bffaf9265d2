/**
 * The webhook delivery log of one client: each delivery (event × webhook URL) with its state, and each
 * attempt with its HTTP status or error, time and the next retry, newest first.
 */
import type { DeliveryAttempt, DeliverySummary } from '../../webhooks/delivery-log.js';
import { html, type SafeHtml } from '../html.js';
import { formatTime, layout, wideTable } from './layout.js';

/** Everything the delivery log page needs. */
export interface DeliveryLogView {
  clientIds: readonly number[];
  clientId: number;
  /** Undefined when no dispatcher is wired (the sandbox only logs its events). */
  log: { deliveries: DeliverySummary[]; attempts: DeliveryAttempt[] } | undefined;
}

function outcome(attempt: DeliveryAttempt): string {
  if (attempt.httpStatus !== null) return `HTTP ${attempt.httpStatus}`;
  return attempt.error ?? 'no response';
}

/** The HTML of `/console/deliveries`. */
export function deliveryLogPage(view: DeliveryLogView): SafeHtml {
  const picker = html`<form class="filters" method="get" action="/console/deliveries" aria-label="Choose the client">
<div class="field"><label for="delivery-client">Client</label>
<select id="delivery-client" name="client">${view.clientIds.map(
    (id) => html`<option value="${id}"${id === view.clientId ? html` selected` : ''}>${id}</option>`,
  )}</select></div>
<div class="field actions"><button type="submit">Show</button></div>
</form>
`;
  if (view.log === undefined) {
    return layout({
      title: 'Webhook delivery log',
      section: 'deliveries',
      body: html`${picker}<p class="empty">No webhook dispatcher is wired into this sandbox: events are only logged.</p>`,
    });
  }
  const { deliveries, attempts } = view.log;
  const deliveryTable =
    deliveries.length === 0
      ? html`<p class="empty">No delivery yet. Events are queued for the client's webhooks that subscribe to their source and type.</p>`
      : wideTable('Deliveries', html`<table>
<caption>Deliveries of client ${view.clientId}, newest first</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Event</th><th scope="col">Source</th><th scope="col">URL</th><th scope="col">State</th><th scope="col">Failed attempts</th><th scope="col">Queued</th><th scope="col">Next attempt</th></tr></thead>
<tbody>
${deliveries.map(
  (d) => html`<tr><td>${d.deliveryId}</td><td>${d.eventName}</td><td>${d.source}</td><td><code>${d.url}</code></td><td><span class="state state-${d.state}">${d.state}</span></td><td>${d.failedCount}</td><td>${formatTime(d.createdAt)}</td><td>${formatTime(d.nextAttemptAt)}</td></tr>
`,
)}</tbody>
</table>`);
  const attemptTable =
    attempts.length === 0
      ? html`<p class="empty">No attempt yet.</p>`
      : wideTable('Attempts', html`<table>
<caption>Attempts for client ${view.clientId}, newest first</caption>
<thead><tr><th scope="col">Delivery</th><th scope="col">Event</th><th scope="col">URL</th><th scope="col">Attempt</th><th scope="col">Result</th><th scope="col">Time</th><th scope="col">State after</th><th scope="col">Next retry</th></tr></thead>
<tbody>
${attempts.map(
  (a) => html`<tr><td>${a.deliveryId}</td><td>${a.eventName}</td><td><code>${a.url}</code></td><td>${a.attempt}</td><td>${outcome(a)}</td><td>${formatTime(a.attemptedAt)}</td><td><span class="state state-${a.state}">${a.state}</span></td><td>${formatTime(a.nextAttemptAt)}</td></tr>
`,
)}</tbody>
</table>`);
  return layout({
    title: 'Webhook delivery log',
    section: 'deliveries',
    body: html`${picker}<section aria-labelledby="deliveries-heading"><h2 id="deliveries-heading">Deliveries</h2>
${deliveryTable}</section>
<section aria-labelledby="attempts-heading"><h2 id="attempts-heading">Attempts</h2>
<p class="hint">Only HTTP 200 counts as delivered; failures are retried after 1, 2, 4 … 32 hours (divided by SANDBOX_WEBHOOK_TIME_FACTOR).</p>
${attemptTable}</section>
`,
  });
}
