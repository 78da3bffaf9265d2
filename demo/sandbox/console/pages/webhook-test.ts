/**
 * The test webhooks page: each client's registered webhooks (URL, sources, types; never the secret),
 * a "send a test" form per webhook, and the results of the recent test sends.
 */
import type { WebhookConfig } from '../../webhooks/config.js';
import { html, type SafeHtml } from '../html.js';
import type { TestSendResult } from '../webhook-test-send.js';
import { csrfField, formatTime, layout, wideTable, type Notice } from './layout.js';

/** Everything the page needs. */
export interface WebhookTestView {
  /** Each client's webhooks; undefined when no dispatcher is wired. */
  clients: { clientId: number; webhooks: WebhookConfig[] }[] | undefined;
  /** The latest test sends, newest first. */
  results: readonly (TestSendResult & { clientId: number })[];
  csrfToken: string;
  notice?: Notice | undefined;
}

function resultText(result: TestSendResult): string {
  if ('status' in result.outcome) return `HTTP ${result.outcome.status}${result.delivered ? ' (delivered)' : ' (counts as failed: only 200 is success)'}`;
  return result.outcome.error;
}

function webhookRow(clientId: number, webhook: WebhookConfig, index: number, token: string): SafeHtml {
  const typeId = `test-type-${clientId}-${index}`;
  return html`<tr>
<td><code>${webhook.url}</code></td>
<td>${webhook.sources.join(', ')}</td>
<td>${webhook.types.join(', ')}</td>
<td><form class="inline" method="post" action="/console/webhooks/test">
${csrfField(token)}
<input type="hidden" name="client" value="${clientId}">
<input type="hidden" name="index" value="${index}">
<label for="${typeId}">Event type</label>
<select id="${typeId}" name="type">${webhook.types.map((type) => html`<option value="${type}">${type}</option>`)}</select>
<button type="submit">Send a test</button>
</form></td>
</tr>
`;
}

/** The HTML of `/console/webhooks`. */
export function webhookTestPage(view: WebhookTestView): SafeHtml {
  if (view.clients === undefined) {
    return layout({
      title: 'Test webhooks',
      section: 'webhooks',
      notice: view.notice,
      body: html`<p class="empty">No webhook dispatcher is wired into this sandbox.</p>`,
    });
  }
  const sections = view.clients.map(
    ({ clientId, webhooks }) => html`<section aria-labelledby="client-${clientId}-heading">
<h2 id="client-${clientId}-heading">Client ${clientId}</h2>
${
  webhooks.length === 0
    ? html`<p class="empty">No webhook registered (set <code>webhooks</code> in the sandbox config).</p>`
    : wideTable(`Webhooks of client ${clientId}`, html`<table>
<caption>Webhooks of client ${clientId}</caption>
<thead><tr><th scope="col">URL</th><th scope="col">Sources</th><th scope="col">Types</th><th scope="col">Test</th></tr></thead>
<tbody>
${webhooks.map((webhook, index) => webhookRow(clientId, webhook, index, view.csrfToken))}</tbody>
</table>`)
}
</section>
`,
  );
  const results =
    view.results.length === 0
      ? ''
      : html`<section aria-labelledby="results-heading">
<h2 id="results-heading">Recent test sends</h2>
${wideTable('Recent test sends', html`<table>
<caption>Newest first; test sends are not retried and not in the delivery log</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Client</th><th scope="col">URL</th><th scope="col">Event</th><th scope="col">Id</th><th scope="col">Result</th></tr></thead>
<tbody>
${view.results.map(
  (r) => html`<tr><td>${formatTime(r.at)}</td><td>${r.clientId}</td><td><code>${r.url}</code></td><td>${r.eventName}</td><td>${r.id}</td><td>${resultText(r)}</td></tr>
`,
)}</tbody>
</table>`)}
</section>
`;
  return layout({
    title: 'Test webhooks',
    section: 'webhooks',
    notice: view.notice,
    body: html`<p class="hint">A test sends fixed sample data, signed with the webhook's secret exactly like a real event, once.</p>
${results}${sections}`,
  });
}
