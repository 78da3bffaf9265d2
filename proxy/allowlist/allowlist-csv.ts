/**
 * The allowlist as CSV (RFC 4180: CRLF line ends, a header row, a field quoted when it holds a comma, a
 * double quote, CR or LF, with inner quotes doubled), for the spreadsheet a sale's team opens it in.
 *
 * Spreadsheets run a cell starting with `=`, `+`, `-` or `@` (and tab or CR) as a formula, so such a
 * cell gets a leading `'` (OWASP "CSV injection"). None of today's columns can start that way, but a
 * guard that is always on cannot be forgotten when a column is added.
 */
import type { AllowlistDocument } from './allowlist-document.js';

/** The header row's columns, in order. */
export const CSV_COLUMNS = ['user_id', 'ethereum_address', 'proven', 'proof_method', 'proven_at', 'merkle_proof'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: formula-guarded, then quoted when RFC 4180 needs it. */
export function csvCell(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** Rows of cells as CSV text, every line ending in CRLF. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

/** The document's investors as CSV; the Merkle proof's nodes are joined with `;`. */
export function allowlistCsv(document: AllowlistDocument): string {
  return csvText([
    CSV_COLUMNS,
    ...document.investors.map((investor) => [
      investor.userId,
      investor.address,
      investor.proven ? 'true' : 'false',
      investor.proofMethod ?? '',
      investor.provenAt ?? '',
      investor.merkleProof.join(';'),
    ]),
  ]);
}
