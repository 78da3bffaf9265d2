/**
 * The case list: every client's active KYC cases (or one client's), filtered by the derived `kyc_status`
 * and by the provider's own filters (admin, AML and whitelist status, reported issues), newest
 * submission first, one page at a time.
 *
 * The provider's filters run in SQL; `kyc_status` is derived (§2.5) and cannot be one filter there, so
 * matching rows are read in batches and filtered here. That is fine for a local sandbox's few hundred
 * cases and keeps the store untouched.
 */
import { ADMIN_ACTION_TYPES, ADMIN_STATUSES, AML_STATUSES, kycStatus, WHITELIST_STATUSES, type UserKycRow } from '../kyc-model.js';
import type { KycFilters, SandboxStore } from '../store.js';
import { ConsoleError } from './console-error.js';

/** The derived statuses a case can have (§2.5). */
export const KYC_STATUSES = ['pending', 'approved', 'denied'] as const;
/** One of {@link KYC_STATUSES}. */
export type KycStatus = (typeof KYC_STATUSES)[number];

/** The filters of the list, by their query parameter names (as in the provider's `filters`, plus `status`). */
export const CASE_FILTER_VALUES = {
  status: KYC_STATUSES,
  admin_status: ADMIN_STATUSES,
  aml_status: ['cleared:approved', ...AML_STATUSES],
  whitelist_status: WHITELIST_STATUSES,
  admin_action_types: ['no_admin_action', ...ADMIN_ACTION_TYPES.map(([name]) => name)],
} as const satisfies Record<string, readonly string[]>;

/** A filter name. */
export type CaseFilterName = keyof typeof CASE_FILTER_VALUES;

/** What to list. */
export interface CaseQuery {
  /** One client, or every configured client when undefined. */
  clientId: number | undefined;
  filters: Partial<Record<CaseFilterName, string>>;
  /** 1-based. */
  page: number;
  perPage: number;
}

/** One page of cases. */
export interface CasePage {
  rows: UserKycRow[];
  total: number;
  page: number;
  pageCount: number;
}

/** A case of the list with what is shown of its user: names and e-mail. */
export interface CaseListEntry {
  kyc: UserKycRow;
  email: string | null;
  firstName: string;
  lastName: string;
}

/** Cases per page unless asked otherwise. */
export const DEFAULT_PER_PAGE = 25;
/** The most cases one page may hold (`limit`). */
export const MAX_PER_PAGE = 100;
const BATCH = 500;

function positiveInteger(raw: string | null, what: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new ConsoleError(400, `${what} must be a positive whole number.`);
  return Number(raw);
}

/**
 * Read a list query from URL parameters (`client`, `status`, `admin_status`, `aml_status`,
 * `whitelist_status`, `admin_action_types`, `page`, `limit`); empty values mean "any".
 *
 * @throws ConsoleError 400 for a value that is not allowed, 404 for a client the sandbox does not have.
 */
export function parseCaseQuery(params: URLSearchParams, clientIds: readonly number[]): CaseQuery {
  const clientId = positiveInteger(params.get('client'), 'The client');
  if (clientId !== undefined && !clientIds.includes(clientId)) throw new ConsoleError(404, `The sandbox has no client ${clientId}.`);
  const filters: CaseQuery['filters'] = {};
  for (const [name, allowed] of Object.entries(CASE_FILTER_VALUES) as [CaseFilterName, readonly string[]][]) {
    const value = params.get(name);
    if (value === null || value === '') continue;
    if (!allowed.includes(value)) throw new ConsoleError(400, `${name} must be one of ${allowed.join(', ')}.`);
    filters[name] = value;
  }
  const page = positiveInteger(params.get('page'), 'The page') ?? 1;
  const perPage = Math.min(positiveInteger(params.get('limit'), 'The limit') ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  return { clientId, filters, page, perPage };
}

function storeFilters(filters: CaseQuery['filters']): KycFilters {
  const out: KycFilters = {};
  if (filters.admin_status !== undefined) out.admin_status = filters.admin_status;
  if (filters.aml_status !== undefined) out.aml_status = filters.aml_status;
  if (filters.whitelist_status !== undefined) out.whitelist_status = filters.whitelist_status;
  if (filters.admin_action_types !== undefined) out.admin_action_types = filters.admin_action_types;
  return out;
}

function allCasesOf(store: SandboxStore, clientId: number, filters: KycFilters): UserKycRow[] {
  const rows: UserKycRow[] = [];
  for (let offset = 0; ; offset += BATCH) {
    const batch = store.listKyc(clientId, filters, { offset, limit: BATCH, order: 'desc' }).rows;
    rows.push(...batch);
    if (batch.length < BATCH) return rows;
  }
}

/** One page of the cases matching `query`, the most recent submission first (as the provider orders them). */
export function listCases(store: SandboxStore, clientIds: readonly number[], query: CaseQuery): CasePage {
  const filters = storeFilters(query.filters);
  const wanted = query.filters.status;
  const matching = (query.clientId === undefined ? clientIds : [query.clientId])
    .flatMap((clientId) => allCasesOf(store, clientId, filters))
    .filter((row) => wanted === undefined || kycStatus(row) === wanted)
    .sort((a, b) => b.user_extended_detail_id - a.user_extended_detail_id);
  const pageCount = Math.max(1, Math.ceil(matching.length / query.perPage));
  const start = (query.page - 1) * query.perPage;
  return { rows: matching.slice(start, start + query.perPage), total: matching.length, page: query.page, pageCount };
}

/** The names and e-mail of each case's user, for the rows of one page. */
export function describeCases(store: SandboxStore, rows: readonly UserKycRow[]): CaseListEntry[] {
  return rows.map((kyc) => {
    const detail = store.getKycDetail(kyc.client_id, kyc.user_id)?.detail;
    const user = store.getUser(kyc.client_id, kyc.user_id);
    return { kyc, email: user?.email ?? null, firstName: detail?.first_name ?? '', lastName: detail?.last_name ?? '' };
  });
}
