/**
 * What the sandbox provider has stored, counted straight from its SQLite file through a read-only
 * connection (not through the store's own code, which the fuzz is testing): users, KYC submissions and
 * cases. A refused request must leave every count as it was.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Row counts of the sandbox's tables. */
export interface SandboxRows {
  users: number;
  /** Submissions (one `user_extended_details` row each). */
  submissions: number;
  /** KYC cases, with their total submission count and a digest of their review state. */
  cases: number;
  caseState: string;
}

/** A read-only view of a sandbox's store in `dataDir` (the sandbox's `dataDir` option). */
export interface SandboxRowReader {
  count(): SandboxRows;
  close(): void;
}

/** Open the sandbox database in `dataDir` read-only. */
export function openSandboxRows(dataDir: string): SandboxRowReader {
  const db = new Database(join(dataDir, 'sandbox.sqlite'), { readonly: true, fileMustExist: true });
  const statement = db.prepare(`SELECT
    (SELECT count(*) FROM users WHERE status = 'active') AS users,
    (SELECT count(*) FROM user_extended_details) AS submissions,
    (SELECT count(*) FROM user_kyc_details) AS cases,
    (SELECT coalesce(group_concat(id || ':' || submission_count || ':' || admin_status || ':' || aml_status || ':' || whitelist_status || ':' || admin_action_types || ':' || status, ','), '') FROM user_kyc_details) AS caseState`);
  return {
    count: () => statement.get() as SandboxRows,
    close: () => db.close(),
  };
}
