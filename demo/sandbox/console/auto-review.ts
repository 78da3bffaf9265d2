/**
 * The demo's optional auto-review: the AML vendor and the auto-approver of the real provider, reduced to
 * one rule, so that a KYC submitted in the demo reaches "approved" (or "denied") with nobody at the
 * console. Off unless `SANDBOX_AUTO_REVIEW_SECONDS` is set.
 *
 * The rule, `delaySeconds` after each `kyc_submit`:
 * - last name `DENY` (any case, surrounding spaces ignored): AML `rejected` (source kyc_system), so the
 *   case's `kyc_status` becomes `denied`;
 * - any other name: AML `cleared` and admin `qualified` by "KYC system" in one step, as the provider's
 *   auto-approver does (source kyc_system), so `kyc_status` becomes `approved`.
 * A case a reviewer acted on first (qualified, denied, issue reported, AML set), resubmitted since (the
 * new submission gets its own delay), or deleted is left alone.
 *
 * The actions go through the store, so the `kyc_status_update` webhooks are sent as for any other change.
 * Pending decisions are kept in `<dataDir>/auto-review.sqlite`: after a restart, those past due are made
 * at once and the rest when due.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSink, SandboxEvent } from '../ports.js';
import { ReviewError, type SandboxStore } from '../store.js';
import { systemClock, type Clock, type TimerHandle } from '../webhooks/clock.js';

/** What the rule decides for a case. */
export type AutoReviewDecision = 'approve' | 'reject';

/** The rule: reject the last name `DENY`, approve everyone else. */
export function autoReviewDecision(lastName: string): AutoReviewDecision {
  return lastName.trim().toUpperCase() === 'DENY' ? 'reject' : 'approve';
}

/** Options of {@link createAutoReview}. */
export interface AutoReviewOptions {
  /** Where `auto-review.sqlite` is kept (the sandbox's data dir). */
  dataDir: string;
  /** Seconds from a submission to the decision (0: at once). */
  delaySeconds: number;
  /** Time and timers; default the system clock (tests pass a `ManualClock`). */
  clock?: Clock;
  /** Told about each decision, with ids only (no personal data). Default: nothing. */
  log?: (line: string) => void;
  /** Told about unexpected errors. Default console.error. */
  onError?: (error: unknown) => void;
}

/** A running auto-review. */
export interface AutoReview {
  /** An event sink that forwards every event to `sink` and notes each `kyc_submit` for a decision. */
  observe(sink: EventSink): EventSink;
  /** Begin deciding with `store`: what is already due at once (also from before a restart), the rest when due. */
  start(store: SandboxStore): void;
  /** How many submissions wait for a decision. */
  pendingCount(): number;
  /** Stop the timer and close the database (pending decisions stay for the next start). */
  close(): void;
}

interface Job {
  client_id: number;
  user_id: number;
  detail_id: number;
  due_at: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS auto_review_jobs (
  client_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  detail_id INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, user_id)
)`;

/** The submission an event is about, when it is a `kyc_submit`. */
function submissionOf(event: SandboxEvent): { userId: number; detailId: number } | undefined {
  if (event.name !== 'kyc_submit') return undefined;
  const kyc = (event.data as { user_kyc?: { user_id?: unknown; user_kyc_detail_id?: unknown } }).user_kyc;
  const userId = Number(kyc?.user_id);
  const detailId = Number(kyc?.user_kyc_detail_id);
  return Number.isSafeInteger(userId) && Number.isSafeInteger(detailId) ? { userId, detailId } : undefined;
}

/** Create the auto-review (it decides nothing before {@link AutoReview.start}). */
export function createAutoReview(options: AutoReviewOptions): AutoReview {
  if (!(options.delaySeconds >= 0)) throw new RangeError('delaySeconds must be >= 0');
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const onError = options.onError ?? ((error: unknown) => console.error('auto-review:', error));
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(join(options.dataDir, 'auto-review.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  let store: SandboxStore | undefined;
  let timer: { handle: TimerHandle; at: number } | undefined;
  let closed = false;

  /** Decide one due submission, or drop it when it no longer waits for a decision. */
  function decide(job: Job): void {
    if (!store) return;
    const found = store.getKycDetail(job.client_id, job.user_id);
    const kyc = found?.kyc;
    const untouched =
      kyc !== undefined &&
      kyc.user_extended_detail_id === job.detail_id &&
      kyc.admin_status === 'unprocessed' &&
      kyc.admin_action_types === 0 &&
      (kyc.aml_status === 'unprocessed' || kyc.aml_status === 'pending');
    if (!found || !untouched) return;
    const decision = autoReviewDecision(found.detail.last_name);
    if (decision === 'approve') store.setAmlStatus(job.client_id, job.user_id, 'cleared', 'kyc_system', true);
    else store.setAmlStatus(job.client_id, job.user_id, 'rejected', 'kyc_system');
    log(`auto-review: client ${job.client_id} user ${job.user_id} ${decision === 'approve' ? 'approved (AML cleared, qualified)' : 'denied (AML rejected)'}`);
  }

  function runDue(): void {
    if (closed || !store) return;
    const due = db.prepare('SELECT * FROM auto_review_jobs WHERE due_at <= ? ORDER BY due_at, client_id, user_id').all(clock.now()) as Job[];
    for (const job of due) {
      // Removed first: whatever happens, a job is tried once and can never loop.
      db.prepare('DELETE FROM auto_review_jobs WHERE client_id = ? AND user_id = ? AND detail_id = ?').run(job.client_id, job.user_id, job.detail_id);
      try {
        decide(job);
      } catch (error) {
        // A reviewer (or the CLI) changed the case between the check and the write: theirs wins.
        if (!(error instanceof ReviewError)) onError(error);
      }
    }
    arm();
  }

  function arm(): void {
    if (closed || !store) return;
    const next = (db.prepare('SELECT MIN(due_at) AS at FROM auto_review_jobs').get() as { at: number | null }).at;
    if (next === null) {
      timer?.handle.cancel();
      timer = undefined;
      return;
    }
    if (timer?.at === next) return;
    timer?.handle.cancel();
    const handle = clock.setTimer(() => {
      timer = undefined;
      runDue();
    }, next - clock.now());
    timer = { handle, at: next };
  }

  function note(event: SandboxEvent): void {
    const submission = submissionOf(event);
    if (!submission || closed) return;
    // A resubmission replaces the earlier pending decision: the delay starts again from the new submission.
    db.prepare('INSERT OR REPLACE INTO auto_review_jobs (client_id, user_id, detail_id, due_at) VALUES (?, ?, ?, ?)').run(
      event.clientId,
      submission.userId,
      submission.detailId,
      clock.now() + options.delaySeconds * 1000,
    );
    // The store emits inside the API request: decide later, never in the middle of it.
    if (store) setImmediate(runDue);
  }

  return {
    observe(sink) {
      return {
        emit(event) {
          sink.emit(event);
          try {
            note(event);
          } catch (error) {
            onError(error);
          }
        },
      };
    },
    start(reviewStore) {
      if (closed) throw new Error('The auto-review is closed');
      store = reviewStore;
      runDue();
    },
    pendingCount() {
      return (db.prepare('SELECT COUNT(*) AS n FROM auto_review_jobs').get() as { n: number }).n;
    },
    close() {
      closed = true;
      timer?.handle.cancel();
      timer = undefined;
      db.close();
    },
  };
}
