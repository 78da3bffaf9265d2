/**
 * One case: its statuses, everything the user submitted, the uploaded files (images inline, PDFs as
 * links, through presigned GET URLs), and a form per action that applies to the case as it is; the
 * actions that do not apply are listed with the reason.
 */
import { ADMIN_ACTION_TYPES, bitNames, kycStatus, type ExtendedDetailRow } from '../../kyc-model.js';
import { allowedAmlStatuses, allowedWhitelistStatuses, availableActions, ISSUE_TYPES, refusalFor, type ReviewActionName } from '../actions.js';
import type { CaseFile, CaseRecord } from '../case-record.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, formatTime, layout, type Notice } from './layout.js';

/** Everything the detail page needs. */
export interface CaseDetailView {
  record: CaseRecord;
  csrfToken: string;
  notice?: Notice | undefined;
}

/** The submission's text fields, in the provider's order, with the labels shown. */
const TEXT_FIELDS: readonly [keyof ExtendedDetailRow, string][] = [
  ['first_name', 'First name'],
  ['last_name', 'Last name'],
  ['birthdate', 'Birthdate'],
  ['country', 'Country of residence'],
  ['nationality', 'Nationality'],
  ['document_id_number', 'Document ID number'],
  ['ethereum_address', 'Ethereum address'],
  ['estimated_participation_amount', 'Estimated participation amount'],
  ['street_address', 'Street address'],
  ['city', 'City'],
  ['state', 'State'],
  ['postal_code', 'Postal code'],
];

const FILE_LABELS: Record<string, string> = {
  document_id_file_path: 'ID document',
  selfie_file_path: 'Selfie',
  residence_proof_file_path: 'Proof of residence',
};

function fileLabel(field: string): string {
  const investor = /^investor_proof_files_path\[(\d+)\]$/.exec(field);
  if (investor) return `Investor proof ${Number(investor[1]) + 1}`;
  return FILE_LABELS[field] ?? field;
}

function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return String(value);
}

function fileBlock(file: CaseFile): SafeHtml {
  const label = fileLabel(file.field);
  const size = file.size === undefined ? 'not found in the file store' : `${Math.round(file.size / 1024)} KB`;
  const caption = html`<figcaption><strong>${label}</strong> <code>${file.key}</code> (${size})</figcaption>`;
  if (file.url === undefined) return html`<figure class="file">${caption}<p>The file store could not give a link to this file.</p></figure>\n`;
  if (file.kind === 'image') {
    return html`<figure class="file">${caption}<a href="${file.url}"><img src="${file.url}" alt="${label} uploaded by the user"></a></figure>\n`;
  }
  return html`<figure class="file">${caption}<p><a href="${file.url}">Open the ${label} (${file.kind === 'pdf' ? 'PDF' : 'file'})</a></p></figure>\n`;
}

function actionForm(path: string, action: ReviewActionName, token: string, label: string, fields: SafeHtml | string = '', buttonClass = ''): SafeHtml {
  return html`<form class="action" method="post" action="${path}/${action}">
${csrfField(token)}
${fields}
<button type="submit"${buttonClass ? html` class="${buttonClass}"` : ''}>${label}</button>
</form>
`;
}

function actionsSection(record: CaseRecord, token: string): SafeHtml {
  const { kyc, detail } = record;
  const path = `/console/clients/${kyc.client_id}/cases/${kyc.user_id}`;
  const available = new Set(availableActions(kyc));
  const forms: SafeHtml[] = [];
  if (available.has('qualify')) forms.push(actionForm(path, 'qualify', token, 'Qualify'));
  if (available.has('deny')) forms.push(actionForm(path, 'deny', token, 'Deny', '', 'danger'));
  if (available.has('reopen')) forms.push(actionForm(path, 'reopen', token, 'Reopen the case'));
  if (available.has('report')) {
    forms.push(
      actionForm(
        path,
        'report',
        token,
        'Report the issues',
        html`<fieldset><legend>Report an issue (the user must resubmit)</legend>
${ISSUE_TYPES.map((type) => html`<label class="check"><input type="checkbox" name="types" value="${type}"> ${type}</label>\n`)}</fieldset>`,
      ),
    );
  }
  if (available.has('aml')) {
    forms.push(
      actionForm(
        path,
        'aml',
        token,
        'Set AML status',
        html`<label for="aml-status">AML result</label>
<select id="aml-status" name="status">${allowedAmlStatuses(kyc).map((status) => html`<option value="${status}">${status}</option>`)}</select>`,
      ),
    );
  }
  if (available.has('whitelist')) {
    forms.push(
      actionForm(
        path,
        'whitelist',
        token,
        'Set whitelisting',
        html`<label for="whitelist-status">Whitelisting</label>
<select id="whitelist-status" name="status">${allowedWhitelistStatuses(kyc).map((status) => html`<option value="${status}">${status}</option>`)}</select>`,
      ),
    );
  }
  if (available.has('eth')) {
    forms.push(
      actionForm(
        path,
        'eth',
        token,
        'Update the address',
        html`<label for="eth-address">Ethereum address</label>
<input id="eth-address" name="address" type="text" required autocomplete="off" spellcheck="false" size="44" value="${detail.ethereum_address ?? ''}">`,
      ),
    );
  }
  if (available.has('delete')) {
    forms.push(
      actionForm(path, 'delete', token, 'Delete the user', html`<p class="hint">Clears the e-mail (it can register again) and removes the case.</p>`, 'danger'),
    );
  }
  const refused: { name: string; reason: string }[] = [];
  for (const name of ['qualify', 'deny', 'reopen'] as const) {
    const reason = refusalFor(kyc, { name });
    if (reason !== undefined) refused.push({ name, reason });
  }
  const whitelistReason = allowedWhitelistStatuses(kyc).length === 0 ? refusalFor(kyc, { name: 'whitelist', status: 'started' }) : undefined;
  if (whitelistReason !== undefined) refused.push({ name: 'whitelist', reason: whitelistReason });
  return html`<section aria-labelledby="actions-heading">
<h2 id="actions-heading">Actions</h2>
<p class="hint">Each action changes the case as the provider would and sends the matching webhook.</p>
<div class="action-grid">
${forms}</div>
${refused.length > 0 ? html`<h3>Not available now</h3><ul class="unavailable">${refused.map((item) => html`<li><strong>${item.name}</strong>: ${item.reason}</li>`)}</ul>` : ''}
</section>
`;
}

/** The HTML of `/console/clients/:client/cases/:user`. */
export function caseDetailPage(view: CaseDetailView): SafeHtml {
  const { record } = view;
  const { kyc, detail, user } = record;
  const status = kycStatus(kyc);
  const statuses = html`<section aria-labelledby="status-heading">
<h2 id="status-heading">Status</h2>
<dl class="statuses">
<div><dt>KYC status</dt><dd><span class="status status-${status}">${status}</span></dd></div>
<div><dt>Admin status</dt><dd>${kyc.admin_status}</dd></div>
<div><dt>AML status</dt><dd>${kyc.aml_status}</dd></div>
<div><dt>Whitelist status</dt><dd>${kyc.whitelist_status}</dd></div>
<div><dt>Reported issues</dt><dd>${bitNames(ADMIN_ACTION_TYPES, kyc.admin_action_types).join(', ') || 'none'}</dd></div>
<div><dt>Submissions</dt><dd>${kyc.submission_count}</dd></div>
<div><dt>Last acted by</dt><dd>${kyc.last_acted_by || '—'}</dd></div>
<div><dt>First submitted</dt><dd>${formatTime(kyc.created_at, 's')}</dd></div>
<div><dt>Latest submission</dt><dd>${formatTime(detail.created_at, 's')}</dd></div>
</dl>
</section>
`;
  const extra = Object.entries(detail.extra ?? {});
  const submitted = html`<section aria-labelledby="data-heading">
<h2 id="data-heading">Submitted data</h2>
<table class="fields">
<caption>Latest submission (values as stored, after the provider's sanitising)</caption>
<tbody>
<tr><th scope="row">E-mail</th><td>${user.email ?? '—'}</td></tr>
${TEXT_FIELDS.map(([field, label]) => html`<tr><th scope="row">${label}</th><td>${display(detail[field])}</td></tr>\n`)}${extra.map(
    ([key, value]) => html`<tr><th scope="row">${key} (extra field)</th><td>${display(value)}</td></tr>\n`,
  )}</tbody>
</table>
</section>
`;
  const files = html`<section aria-labelledby="files-heading">
<h2 id="files-heading">Documents</h2>
<p class="hint">Links are presigned and expire after an hour; reload the page for fresh ones.</p>
<div class="files">
${record.files.map(fileBlock)}</div>
</section>
`;
  return layout({
    title: `Case of user ${kyc.user_id} (client ${kyc.client_id})`,
    section: 'cases',
    notice: view.notice,
    body: html`<p><a href="/console/?client=${kyc.client_id}">Back to the cases of client ${kyc.client_id}</a></p>
${statuses}${submitted}${files}${actionsSection(record, view.csrfToken)}`,
  });
}
