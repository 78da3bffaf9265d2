/**
 * The sandbox's durable state: users, their KYC cases and submissions, in SQLite (`better-sqlite3`) in the
 * data dir. Every write is one synchronous transaction, so concurrent requests cannot interleave inside
 * a check-then-write (duplicate email, closed case) and a restart loses nothing.
 *
 * Table names never start with `webhook_`: that prefix belongs to the webhook dispatcher.
 *
 * Also holds the review actions a console will call (qualify, deny, report issue, AML and whitelist
 * status, reopen, ethereum address, delete), each emitting its §4 event.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName, EventSink, EventSource } from './ports.js';
import {
  ADMIN_ACTION_TYPES,
  bitOf,
  formatUser,
  formatUserKyc,
  isCaseClosed,
  type AdminActionType,
  type AmlStatus,
  type ExtendedDetailRow,
  type KycSubmission,
  type UserKycRow,
  type UserRow,
  type WhitelistStatus,
} from './kyc-model.js';

/** Sort direction of the list endpoints. */
export type Order = 'asc' | 'desc';

/** Paging of the list endpoints. */
export interface Page {
  offset: number;
  limit: number;
  order: Order;
}

/** Filters of `GET /users`, already validated. */
export interface UserFilters {
  email?: string;
  is_kyc_submitted?: boolean;
  is_doptin_done?: boolean;
  is_doptin_mail_sent?: boolean;
}

/** Filters of `GET /users-kyc`, already validated. */
export interface KycFilters {
  admin_status?: string;
  aml_status?: string;
  whitelist_status?: string;
  admin_action_types?: string;
}

/** What a KYC submission came to. */
export type SubmitOutcome =
  | { kind: 'ok'; kyc: UserKycRow }
  /** A case exists for this user id under another client or is inactive: 404 `um_ks_vs_3`. */
  | { kind: 'other_client' }
  /** The case is approved or denied: 422 `um_ks_vs_4`. */
  | { kind: 'closed' }
  /** No active user of this client: 404 `um_ks_4`. */
  | { kind: 'no_user' };

/** Who acted on a case, for `last_acted_by`: an admin name, or the auto-approver. */
export const KYC_SYSTEM_ACTOR = 'KYC system';

/** Thrown by the review actions when the user or case does not exist or the action does not apply. */
export class ReviewError extends Error {
  override name = 'ReviewError';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  client_id INTEGER NOT NULL,
  email TEXT COLLATE NOCASE,
  properties INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active',
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS users_client_email ON users (client_id, email);
CREATE TABLE IF NOT EXISTS user_extended_details (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  client_id INTEGER NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS user_kyc_details (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL UNIQUE,
  client_id INTEGER NOT NULL,
  user_extended_detail_id INTEGER NOT NULL,
  submission_count INTEGER NOT NULL,
  admin_status TEXT NOT NULL,
  aml_status TEXT NOT NULL,
  whitelist_status TEXT NOT NULL,
  admin_action_types INTEGER NOT NULL DEFAULT 0,
  kyc_duplicate_status TEXT NOT NULL DEFAULT 'unprocessed',
  last_acted_by TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active',
  created_at INTEGER NOT NULL
);
`;

/** Options of {@link openStore}. */
export interface StoreOptions {
  dataDir: string;
  events: EventSink;
  /** The clock, in ms (tests pin it). Default `Date.now`. */
  now?: () => number;
}

/** The sandbox store. Create with {@link openStore}; `close()` when done. */
export type SandboxStore = ReturnType<typeof openStore>;

/** Open (creating if needed) the store in `dataDir/sandbox.sqlite`. */
export function openStore(options: StoreOptions) {
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(join(options.dataDir, 'sandbox.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  const now = options.now ?? Date.now;
  const seconds = (): number => Math.floor(now() / 1000);

  const userById = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
  const kycByUser = db.prepare<[number], UserKycRow>('SELECT * FROM user_kyc_details WHERE user_id = ?');

  function activeUser(clientId: number, userId: number): UserRow | undefined {
    const user = userById.get(userId);
    return user && user.client_id === clientId && user.status === 'active' ? user : undefined;
  }

  function activeKyc(clientId: number, userId: number): UserKycRow | undefined {
    const kyc = kycByUser.get(userId);
    return kyc && kyc.client_id === clientId && kyc.status === 'active' && activeUser(clientId, userId) ? kyc : undefined;
  }

  function emit(clientId: number, name: EventName, source: EventSource, data: Record<string, unknown>): void {
    options.events.emit({ clientId, name, source, data, createdAt: seconds() });
  }

  function emitKyc(name: EventName, source: EventSource, kyc: UserKycRow): void {
    emit(kyc.client_id, name, source, { result_type: 'user_kyc', user_kyc: formatUserKyc(kyc) });
  }

  function pageClause(page: Page, column: string): string {
    return ` ORDER BY ${column} ${page.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ${page.limit} OFFSET ${page.offset}`;
  }

  /** Apply `change` to the active case of a user in one transaction and return the updated row. */
  function updateCase(clientId: number, userId: number, change: (kyc: UserKycRow) => Partial<UserKycRow>): UserKycRow {
    return db.transaction(() => {
      const kyc = activeKyc(clientId, userId);
      if (!kyc) throw new ReviewError(`no KYC case for user ${userId} of client ${clientId}`);
      const updates = change(kyc);
      const columns = Object.keys(updates);
      if (columns.length > 0) {
        db.prepare(`UPDATE user_kyc_details SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...updates, id: kyc.id });
      }
      return kycByUser.get(userId) as UserKycRow;
    })();
  }

  return {
    /** Close the database. */
    close(): void {
      db.close();
    },

    /**
     * Create a user (§2.1). Returns `'duplicate'` when an active user of the client has that email,
     * compared case-insensitively. Emits `user_register` (source api).
     */
    createUser(clientId: number, email: string): UserRow | 'duplicate' {
      const user = db.transaction((): UserRow | 'duplicate' => {
        const existing = db.prepare("SELECT 1 FROM users WHERE client_id = ? AND email = ? AND status = 'active'").get(clientId, email);
        if (existing) return 'duplicate';
        const info = db.prepare('INSERT INTO users (client_id, email, properties, status, created_at) VALUES (?, ?, 0, ?, ?)').run(clientId, email, 'active', seconds());
        return userById.get(Number(info.lastInsertRowid)) as UserRow;
      })();
      if (user !== 'duplicate') emit(clientId, 'user_register', 'api', { result_type: 'user', user: formatUser(user) });
      return user;
    },

    /** The active user `userId` of the client. */
    getUser: activeUser,

    /** A page of the client's active users and their total (§2.3). */
    listUsers(clientId: number, filters: UserFilters, page: Page): { rows: UserRow[]; total: number } {
      let where = "client_id = ? AND status = 'active'";
      const args: unknown[] = [clientId];
      // The server's `email like 'val%'` leaves % and _ as wildcards; SQLite's LIKE is case-insensitive like MySQL's collation.
      if (filters.email !== undefined) (where += ' AND email LIKE ?'), args.push(filters.email + '%');
      const bits: [keyof UserFilters, number][] = [['is_kyc_submitted', 1], ['is_doptin_mail_sent', 4], ['is_doptin_done', 8]];
      for (const [name, bit] of bits) {
        const value = filters[name];
        if (value !== undefined) where += ` AND (properties & ${bit}) ${value ? '!=' : '='} 0`;
      }
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM users WHERE ${where}`).get(...args) as { n: number }).n;
      const rows = db.prepare<unknown[], UserRow>(`SELECT * FROM users WHERE ${where}` + pageClause(page, 'id')).all(...args);
      return { rows, total };
    },

    /**
     * Record a KYC submission (§2.4) after field validation, with the server's checks in order: a case of
     * another client, a closed case, then the user. Emits `kyc_submit` (source api).
     */
    submitKyc(clientId: number, userId: number, submission: KycSubmission): SubmitOutcome {
      const outcome = db.transaction((): SubmitOutcome => {
        const existing = kycByUser.get(userId);
        if (existing && (existing.client_id !== clientId || existing.status !== 'active')) return { kind: 'other_client' };
        if (existing && isCaseClosed(existing)) return { kind: 'closed' };
        const user = activeUser(clientId, userId);
        if (!user) return { kind: 'no_user' };
        const at = seconds();
        const detail = db.prepare('INSERT INTO user_extended_details (user_id, client_id, data, created_at) VALUES (?, ?, ?, ?)').run(userId, clientId, JSON.stringify(submission), at);
        const detailId = Number(detail.lastInsertRowid);
        if (existing) {
          db.prepare(
            "UPDATE user_kyc_details SET user_extended_detail_id = ?, submission_count = submission_count + 1, aml_status = 'unprocessed', admin_status = 'unprocessed', kyc_duplicate_status = 'unprocessed', admin_action_types = 0 WHERE id = ?",
          ).run(detailId, existing.id);
        } else {
          db.prepare(
            "INSERT INTO user_kyc_details (user_id, client_id, user_extended_detail_id, submission_count, admin_status, aml_status, whitelist_status, created_at) VALUES (?, ?, ?, 1, 'unprocessed', 'unprocessed', 'unprocessed', ?)",
          ).run(userId, clientId, detailId, at);
        }
        db.prepare('UPDATE users SET properties = properties | 1 WHERE id = ?').run(userId);
        return { kind: 'ok', kyc: kycByUser.get(userId) as UserKycRow };
      })();
      if (outcome.kind === 'ok') emitKyc('kyc_submit', 'api', outcome.kyc);
      return outcome;
    },

    /** The active KYC case of a user of the client. */
    getKyc: activeKyc,

    /** The case and its latest submission (§2.6). */
    getKycDetail(clientId: number, userId: number): { kyc: UserKycRow; detail: ExtendedDetailRow } | undefined {
      const kyc = activeKyc(clientId, userId);
      if (!kyc) return undefined;
      const row = db.prepare('SELECT * FROM user_extended_details WHERE id = ?').get(kyc.user_extended_detail_id) as
        | { id: number; user_id: number; client_id: number; data: string; created_at: number }
        | undefined;
      if (!row) return undefined;
      const data = JSON.parse(row.data) as KycSubmission;
      return { kyc, detail: { ...data, id: row.id, user_id: row.user_id, client_id: row.client_id, created_at: row.created_at } };
    },

    /** A page of the client's active cases, ordered by latest submission (§2.5). */
    listKyc(clientId: number, filters: KycFilters, page: Page): { rows: UserKycRow[]; total: number } {
      let where = "k.client_id = ? AND k.status = 'active' AND u.status = 'active'";
      const args: unknown[] = [clientId];
      if (filters.admin_status !== undefined) (where += ' AND k.admin_status = ?'), args.push(filters.admin_status);
      if (filters.aml_status === 'cleared:approved') where += " AND k.aml_status IN ('cleared', 'approved')";
      else if (filters.aml_status !== undefined) (where += ' AND k.aml_status = ?'), args.push(filters.aml_status);
      if (filters.whitelist_status !== undefined) (where += ' AND k.whitelist_status = ?'), args.push(filters.whitelist_status);
      if (filters.admin_action_types === 'no_admin_action') where += ' AND k.admin_action_types = 0';
      else if (filters.admin_action_types !== undefined) where += ` AND (k.admin_action_types & ${bitOf(ADMIN_ACTION_TYPES, filters.admin_action_types) ?? 0}) != 0`;
      const from = 'FROM user_kyc_details k JOIN users u ON u.id = k.user_id';
      const total = (db.prepare(`SELECT COUNT(*) AS n ${from} WHERE ${where}`).get(...args) as { n: number }).n;
      const rows = db.prepare<unknown[], UserKycRow>(`SELECT k.* ${from} WHERE ${where}` + pageClause(page, 'k.user_extended_detail_id')).all(...args);
      return { rows, total };
    },

    // ---- review actions (the console) ----

    /** An admin qualifies the case: admin_status qualified. Emits `kyc_status_update` (web). */
    qualify(clientId: number, userId: number, adminName: string): UserKycRow {
      const kyc = updateCase(clientId, userId, (k) => {
        if (isCaseClosed(k)) throw new ReviewError('case is closed');
        return { admin_status: 'qualified', admin_action_types: 0, last_acted_by: adminName };
      });
      emitKyc('kyc_status_update', 'web', kyc);
      return kyc;
    },

    /** An admin denies the case: admin_status denied. Emits `kyc_status_update` (web). */
    deny(clientId: number, userId: number, adminName: string): UserKycRow {
      const kyc = updateCase(clientId, userId, (k) => {
        if (isCaseClosed(k)) throw new ReviewError('case is closed');
        return { admin_status: 'denied', last_acted_by: adminName };
      });
      emitKyc('kyc_status_update', 'web', kyc);
      return kyc;
    },

    /** An admin reports issues (the user must resubmit). Emits `kyc_status_update` (web). */
    reportIssue(clientId: number, userId: number, types: readonly AdminActionType[], adminName: string): UserKycRow {
      if (types.length === 0) throw new ReviewError('at least one issue type is required');
      const mask = types.reduce((m, t) => m | (bitOf(ADMIN_ACTION_TYPES, t) ?? 0), 0);
      const kyc = updateCase(clientId, userId, (k) => {
        if (isCaseClosed(k)) throw new ReviewError('case is closed');
        return { admin_action_types: k.admin_action_types | mask, last_acted_by: adminName };
      });
      emitKyc('kyc_status_update', 'web', kyc);
      return kyc;
    },

    /**
     * Set the AML status, as the AML provider (`kyc_system`) or an admin (`web`) would. The auto-approver
     * qualifies a cleared case itself, so `approveAutomatically` also sets admin_status qualified and
     * `last_acted_by` "KYC system". Emits `kyc_status_update`.
     */
    setAmlStatus(clientId: number, userId: number, status: AmlStatus, source: 'web' | 'kyc_system', approveAutomatically = false): UserKycRow {
      const kyc = updateCase(clientId, userId, () =>
        approveAutomatically ? { aml_status: status, admin_status: 'qualified', last_acted_by: KYC_SYSTEM_ACTOR } : { aml_status: status },
      );
      emitKyc('kyc_status_update', source, kyc);
      return kyc;
    },

    /** Set the whitelist status (the whitelisting job, source kyc_system). Emits `kyc_status_update`. */
    setWhitelistStatus(clientId: number, userId: number, status: WhitelistStatus): UserKycRow {
      const kyc = updateCase(clientId, userId, () => ({ whitelist_status: status }));
      emitKyc('kyc_status_update', 'kyc_system', kyc);
      return kyc;
    },

    /** An admin reopens a closed case: back to unprocessed. Emits `kyc_reopen` (web). */
    reopen(clientId: number, userId: number, adminName: string): UserKycRow {
      const kyc = updateCase(clientId, userId, (k) => {
        if (!isCaseClosed(k)) throw new ReviewError('case is not closed');
        return {
          admin_status: 'unprocessed',
          // A rejection by AML would keep the case denied; reopening sends it back to AML.
          aml_status: k.aml_status === 'rejected' ? 'unprocessed' : k.aml_status,
          whitelist_status: 'unprocessed',
          admin_action_types: 0,
          last_acted_by: adminName,
        };
      });
      emitKyc('kyc_reopen', 'web', kyc);
      return kyc;
    },

    /** An admin changes the user's ethereum address on the latest submission. Emits `update_ethereum_address` (web). */
    updateEthereumAddress(clientId: number, userId: number, address: string, adminName: string): UserKycRow {
      const kyc = updateCase(clientId, userId, (k) => {
        const row = db.prepare('SELECT data FROM user_extended_details WHERE id = ?').get(k.user_extended_detail_id) as { data: string } | undefined;
        if (!row) throw new ReviewError('no submission');
        const data = JSON.parse(row.data) as KycSubmission;
        db.prepare('UPDATE user_extended_details SET data = ? WHERE id = ?').run(JSON.stringify({ ...data, ethereum_address: address }), k.user_extended_detail_id);
        return { last_acted_by: adminName };
      });
      emitKyc('update_ethereum_address', 'web', kyc);
      return kyc;
    },

    /**
     * An admin deletes a user: the email is cleared (so it can register again) and the case deactivated.
     * Emits `user_deleted` (web) with the user as it was.
     */
    deleteUser(clientId: number, userId: number): UserRow {
      const before = db.transaction(() => {
        const user = activeUser(clientId, userId);
        if (!user) throw new ReviewError(`no user ${userId} of client ${clientId}`);
        db.prepare("UPDATE users SET email = NULL, status = 'deleted' WHERE id = ?").run(userId);
        db.prepare("UPDATE user_kyc_details SET status = 'inactive' WHERE user_id = ?").run(userId);
        return user;
      })();
      emit(clientId, 'user_deleted', 'web', { result_type: 'user', user: formatUser(before) });
      return before;
    },
  };
}
