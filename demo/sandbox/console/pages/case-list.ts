/**
 * The case list: a filter form (GET, so a filtered list can be bookmarked), a table of the page's cases
 * with their statuses, and links to the previous and next page.
 */
import { ADMIN_ACTION_TYPES, bitNames, kycStatus } from '../../kyc-model.js';
import { CASE_FILTER_VALUES, type CaseFilterName, type CaseListEntry, type CasePage, type CaseQuery } from '../case-query.js';
import { html, type SafeHtml } from '../html.js';
import { layout, wideTable, type Notice } from './layout.js';

/** Everything the list page needs. */
export interface CaseListView {
  clientIds: readonly number[];
  query: CaseQuery;
  page: CasePage;
  entries: CaseListEntry[];
  notice?: Notice | undefined;
}

const FILTER_LABELS: Record<CaseFilterName, string> = {
  status: 'KYC status',
  admin_status: 'Admin status',
  aml_status: 'AML status',
  whitelist_status: 'Whitelist status',
  admin_action_types: 'Reported issue',
};

function select(name: string, label: string, options: readonly string[], current: string | undefined, anyLabel = 'any'): SafeHtml {
  return html`<div class="field">
<label for="filter-${name}">${label}</label>
<select id="filter-${name}" name="${name}">
<option value="">${anyLabel}</option>
${options.map((value) => html`<option value="${value}"${value === current ? html` selected` : ''}>${value}</option>
`)}</select>
</div>
`;
}

/** The URL of the list with the same filters on another page. */
export function caseListHref(query: CaseQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.clientId !== undefined) params.set('client', String(query.clientId));
  for (const [name, value] of Object.entries(query.filters)) if (value !== undefined) params.set(name, value);
  if (page > 1) params.set('page', String(page));
  const search = params.toString();
  return `/console/${search ? `?${search}` : ''}`;
}

/** The HTML of `/console/`. */
export function caseListPage(view: CaseListView): SafeHtml {
  const { query, page } = view;
  const filters = html`<form class="filters" method="get" action="/console/" aria-label="Filter the cases">
${select('client', 'Client', view.clientIds.map(String), query.clientId === undefined ? undefined : String(query.clientId), 'all')}
${(Object.keys(CASE_FILTER_VALUES) as CaseFilterName[]).map((name) => select(name, FILTER_LABELS[name], CASE_FILTER_VALUES[name], query.filters[name]))}
<div class="field actions"><button type="submit">Filter</button> <a href="/console/">Clear</a></div>
</form>
`;
  const rows = view.entries.map(({ kyc, email, firstName, lastName }) => {
    const href = `/console/clients/${kyc.client_id}/cases/${kyc.user_id}`;
    const status = kycStatus(kyc);
    return html`<tr>
<td>${kyc.client_id}</td>
<td><a href="${href}">User ${kyc.user_id}</a></td>
<td>${firstName} ${lastName}</td>
<td>${email ?? '—'}</td>
<td><span class="status status-${status}">${status}</span></td>
<td>${kyc.admin_status}</td>
<td>${kyc.aml_status}</td>
<td>${kyc.whitelist_status}</td>
<td>${bitNames(ADMIN_ACTION_TYPES, kyc.admin_action_types).join(', ') || '—'}</td>
<td>${kyc.submission_count}</td>
<td>${kyc.last_acted_by || '—'}</td>
</tr>
`;
  });
  const table =
    view.entries.length === 0
      ? html`<p class="empty">No case matches. Cases appear here once a user has submitted KYC through the API.</p>`
      : wideTable('Cases', html`<table>
<caption>${page.total} case${page.total === 1 ? '' : 's'}, page ${page.page} of ${page.pageCount}, latest submission first</caption>
<thead><tr>
<th scope="col">Client</th><th scope="col">Case</th><th scope="col">Name</th><th scope="col">E-mail</th>
<th scope="col">KYC status</th><th scope="col">Admin</th><th scope="col">AML</th><th scope="col">Whitelist</th>
<th scope="col">Issues</th><th scope="col">Submissions</th><th scope="col">Last acted by</th>
</tr></thead>
<tbody>
${rows}</tbody>
</table>`);
  const paging = html`<nav class="paging" aria-label="Pages">
${page.page > 1 ? html`<a rel="prev" href="${caseListHref(query, page.page - 1)}">Previous page</a>` : ''}
${page.page < page.pageCount ? html`<a rel="next" href="${caseListHref(query, page.page + 1)}">Next page</a>` : ''}
</nav>
`;
  return layout({ title: 'Cases', section: 'cases', notice: view.notice, body: html`${filters}${table}${paging}` });
}
