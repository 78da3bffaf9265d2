/**
 * One allowlist export, the same for the integrator route and the command line: gather the sale's
 * approved and whitelisted investors with their addresses and proofs, build the document with its Merkle
 * tree, and render it as JSON or CSV with the file name and media type to serve or save it under.
 */
import type { SaleServices } from '../proxy-deps.js';
import type { SharedStore } from '../store/shared-store.js';
import { walletProofRecords } from '../wallet/wallet-proof-records.js';
import { allowlistCsv } from './allowlist-csv.js';
import { allowlistDocument, type AllowlistDocument } from './allowlist-document.js';
import { gatherAllowlistInvestors } from './allowlist-investors.js';

/** The export formats. */
export const ALLOWLIST_FORMATS = ['json', 'csv'] as const;
export type AllowlistFormat = (typeof ALLOWLIST_FORMATS)[number];

/** Options of {@link exportAllowlist}. */
export interface ExportOptions {
  /** List only investors who proved owning their address. Default false. */
  provenOnly?: boolean;
  /** The export's time. Default now. */
  now?: Date;
  /** Provider page size (tests make it small to cross pages). Default 100. */
  pageSize?: number;
}

/** A rendered export. */
export interface AllowlistFile {
  document: AllowlistDocument;
  /** `application/json; charset=utf-8` or `text/csv; charset=utf-8; header=present`. */
  contentType: string;
  /** e.g. `acme-allowlist-20250102T030405Z.csv` (sale ids are `[a-z0-9-]`, safe in a header). */
  filename: string;
  text: string;
}

/**
 * Export the allowlist of `sale`, with the proof records kept in `store`.
 * @throws ProviderError when the provider cannot answer; RedisStoreError when the store cannot.
 */
export async function exportAllowlist(sale: Pick<SaleServices, 'config' | 'provider'>, store: SharedStore, options: ExportOptions = {}): Promise<AllowlistDocument> {
  const provenOnly = options.provenOnly ?? false;
  const gathered = await gatherAllowlistInvestors({
    sale: sale.config.id,
    provider: sale.provider,
    proofs: walletProofRecords(store),
    provenOnly,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
  });
  return allowlistDocument(gathered, { sale: sale.config.id, generatedAt: options.now ?? new Date(), provenOnly });
}

/** Render a document in `format`. */
export function renderAllowlist(document: AllowlistDocument, format: AllowlistFormat): AllowlistFile {
  const stamp = document.generatedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const filename = `${document.sale}-allowlist-${stamp}.${format}`;
  return format === 'csv'
    ? { document, contentType: 'text/csv; charset=utf-8; header=present', filename, text: allowlistCsv(document) }
    : { document, contentType: 'application/json; charset=utf-8', filename, text: `${JSON.stringify(document, null, 2)}\n` };
}
