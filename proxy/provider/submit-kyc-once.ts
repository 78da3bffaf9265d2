/**
 * Submit an investor's KYC once, even when the provider's answer is lost.
 *
 * The provider has no idempotency key, and every accepted `POST /users-kyc/{user_id}` is a new
 * submission (`submission_count` + 1, a new review for the compliance team, a `kyc_submit` webhook).
 * Blindly resending after a timeout or a dropped connection could therefore submit twice. Instead:
 *
 * 1. read the case first and note its `submission_count` (0 when there is none yet: 404);
 * 2. submit;
 * 3. if the answer is lost in a way that means the provider may have processed it (a timeout, a
 *    connection dropped after sending, a 5xx, a garbled answer: `maybeProcessed`), read the case again.
 *    If `submission_count` went up, the submission landed: succeed with the case as read, without
 *    resending. Otherwise, when the failure is over (the provider answered, or the connection is gone),
 *    it did not land: send once more, and check the same way if that answer is lost too.
 *
 * A timeout is different: the request may still be on its way (held by a congested network or a queue
 * in front of the provider) and land after the read, so a resend could make it two submissions. It is
 * never resent here; its error is thrown, and the investor's retry (seconds later) checks the case
 * again before sending (the KYC route recognises a resend of the same answers).
 *
 * A refusal (4xx) or a failure before connecting is final or already retried by the call itself.
 * If the case cannot be read afterwards, the outcome is unknown and the submit's own error is thrown.
 * This guards against our own retries, not against two submissions of the same user at the same time
 * (two browser tabs): the caller serialises submissions per user.
 */
import type { ProviderClient } from './provider-client.js';
import { isProviderRejection, ProviderError } from './provider-error.js';
import type { KycFields, ProviderUserKyc } from './provider-types.js';

/** The parts of the client this needs. */
export type KycCases = Pick<ProviderClient, 'getKyc' | 'submitKyc'>;

/** The outcome of {@link submitKycOnce}. */
export interface SubmitOnceResult {
  /** The case after the submission. */
  kyc: ProviderUserKyc;
  /** How many times the submission was sent (1, or 2 when the first one proved not to have landed). */
  sends: number;
  /** True when the answer was lost and the case was read back to confirm the submission landed. */
  confirmedByReading: boolean;
}

/** How many sends at most: the first, and one more when the first proved not to have landed. */
const MAX_SENDS = 2;

/** The case, or undefined when nothing was submitted yet. */
async function readCase(cases: KycCases, userId: number): Promise<ProviderUserKyc | undefined> {
  try {
    return await cases.getKyc(userId);
  } catch (error) {
    if (isProviderRejection(error, 404)) return undefined;
    throw error;
  }
}

/** Submit `fields` for `userId` so that it lands exactly once (see the module comment). */
export async function submitKycOnce(cases: KycCases, userId: number, fields: KycFields): Promise<SubmitOnceResult> {
  const countBefore = (await readCase(cases, userId))?.submission_count ?? 0;
  let lostAnswer: ProviderError | undefined;
  for (let sends = 1; sends <= MAX_SENDS; sends++) {
    try {
      return { kyc: await cases.submitKyc(userId, fields), sends, confirmedByReading: false };
    } catch (error) {
      if (!(error instanceof ProviderError) || !error.maybeProcessed) throw error;
      lostAnswer = error;
    }
    let after: ProviderUserKyc | undefined;
    try {
      after = await readCase(cases, userId);
    } catch {
      // Whether the submission landed is unknown: report the submit's failure, not the read's.
      throw lostAnswer;
    }
    if (after !== undefined && after.submission_count > countBefore) return { kyc: after, sends, confirmedByReading: true };
    // Not landed yet, but a timed-out request may still arrive (see the module comment).
    if (lostAnswer.kind === 'timeout') throw lostAnswer;
  }
  throw lostAnswer;
}
