/**
 * The list endpoints' common params (upstream §2.3): `page_number`, `limit`, `order`, `filters`, their
 * errors, and the `meta` block with `next_page_payload` (absent on the last page).
 */
import type { QueryParams, QueryValue } from '../../../proxy/ost-query.js';
import type { ErrorDatum } from '../envelope.js';
import { isBlank, rubyInteger } from '../ruby-values.js';
import type { Order, Page } from '../store.js';

/** The list errors, by identifier (`params_errors.yml`). */
export const LIST_ERRORS = {
  invalid_order: { parameter: 'order', msg: "Please provide a valid value in Order. Default is 'desc' another possible value is 'asc'." },
  invalid_page_number: { parameter: 'page_number', msg: 'Page number is invalid. Must be a positive integer greater than 0' },
  invalid_limit: { parameter: 'limit', msg: 'Limit is invalid. Default: 10, min:1, max: 100' },
  invalid_filters: { parameter: 'filters', msg: 'Filters is invalid.' },
} as const satisfies Record<string, ErrorDatum>;

/** Paging as read from the params, with the page number kept for the next page's payload. */
export interface ListParams {
  page: Page;
  pageNumber: number;
  /** The `filters` hash (empty when absent). */
  filters: QueryParams;
}

function positiveInteger(value: QueryValue | undefined): number | undefined {
  return typeof value === 'string' ? rubyInteger(value) : undefined;
}

/**
 * Read the paging params. Errors are pushed onto `errors` in the order of the server's list of
 * identifiers; the caller validates each filter and answers one 400 with all of them.
 */
export function readListParams(params: QueryParams, errors: ErrorDatum[]): ListParams {
  let order: Order = 'desc';
  if (!isBlank(params['order'])) {
    const value = params['order'];
    if (value === 'asc' || value === 'desc') order = value;
    else errors.push(LIST_ERRORS.invalid_order);
  }
  let pageNumber = 1;
  if (!isBlank(params['page_number'])) {
    const value = positiveInteger(params['page_number']);
    if (value !== undefined && value > 0) pageNumber = value;
    else errors.push(LIST_ERRORS.invalid_page_number);
  }
  let limit = 10;
  if (!isBlank(params['limit'])) {
    const value = positiveInteger(params['limit']);
    if (value !== undefined && value >= 1 && value <= 100) limit = value;
    else errors.push(LIST_ERRORS.invalid_limit);
  }
  let filters: QueryParams = {};
  const rawFilters = params['filters'];
  if (!isBlank(rawFilters)) {
    if (typeof rawFilters === 'object' && rawFilters !== null && !Array.isArray(rawFilters)) filters = rawFilters;
    else errors.push(LIST_ERRORS.invalid_filters);
  }
  return { page: { offset: (pageNumber - 1) * limit, limit, order }, pageNumber, filters };
}

/** The `meta` block: total, and the next page's payload unless this is the last page. */
export function listMeta(list: ListParams, total: number, appliedFilters: Record<string, string>): Record<string, unknown> {
  const meta: Record<string, unknown> = { total };
  if (list.page.offset + list.page.limit < total) {
    meta['next_page_payload'] = { page_number: list.pageNumber + 1, filters: appliedFilters, order: list.page.order, limit: list.page.limit };
  }
  return meta;
}
