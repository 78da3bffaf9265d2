/**
 * The investor's KYC case:
 * - `POST /v1/sales/:sale/kyc` (bearer) `{ submission, confirmations }`: validate with the shared rules,
 *   check every file was uploaded by this investor, then submit once: neither the proxy's retry to the
 *   provider nor the widget resending the same answers makes a second submission.
 * - `GET /v1/sales/:sale/kyc` (bearer): the status in plain terms.
 * - `GET /v1/sales/:sale/kyc/submission` (bearer): the latest submission's answers, to fix a case
 *   from another device (text fields and file keys; no document URLs).
 */
import { createHash } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { providerToday } from '../contract/birthdate-rule.js';
import type { FieldError } from '../contract/field-error.js';
import { FILE_FIELDS, kycFieldFromProviderName, type KycSubmissionInput } from '../contract/kyc-fields.js';
import { providerFieldErrors } from '../contract/provider-field-errors.js';
import { englishFieldErrorMessage } from '../contract/field-error-message.js';
import { toProviderParams, validateKycSubmission } from '../contract/kyc-rules.js';
import { walletProofNeeded } from '../contract/wallet-proof-rule.js';
import { saleFieldRules } from '../config/sale-field-rules.js';
import { ApiError, type FieldProblem } from '../http/api-error.js';
import { providerFailure } from '../http/provider-failure.js';
import { jsonObjectBody } from '../http/request-body.js';
import { requireSession, type InvestorSession } from '../http/widget-session.js';
import { isProviderRejection } from '../provider/provider-error.js';
import type { KycFields, ProviderUserKyc } from '../provider/provider-types.js';
import { toQuery } from '../ost-query.js';
import type { ProxyDeps } from '../proxy-deps.js';
import { investorStatus, type InvestorStatus } from '../status/investor-status.js';
import { refreshStatus } from '../status/provider-status.js';
import { walletProofRecords } from '../wallet/wallet-proof-records.js';
import { uploadKeysOf } from './upload-routes.js';

/** Our field errors as the HTTP body's `fields` (a whole-form error is reported on `submission`). */
function toProblems(errors: readonly FieldError[]): FieldProblem[] {
  return errors.map((error) => ({ field: error.field ?? 'submission', rule: error.rule, message: error.message, ...(error.params ? { params: error.params } : {}) }));
}

/** A provider file URL's key (`<client>/<dir>/<name>`), read from its path (presigned GET URLs). */
function keyFromFileUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const match = /(?:^|\/)([0-9]+\/[a-z]\/[0-9A-Za-z]+)$/.exec(decodeURIComponent(new URL(url).pathname));
    return match?.[1];
  } catch {
    return undefined;
  }
}

/** The investor's status now, read from the provider (authoritative), and pushed to their streams. */
export async function currentStatus(deps: ProxyDeps, session: InvestorSession): Promise<InvestorStatus> {
  try {
    return await refreshStatus(deps, session.sale, session.userId);
  } catch (error) {
    throw providerFailure(error);
  }
}

/**
 * The investor's latest submission at the provider in our terms (our field names, `dd/mm/yyyy`, file keys
 * instead of document URLs), or undefined when nothing was submitted yet.
 */
async function previousAnswers(session: InvestorSession): Promise<Partial<KycSubmissionInput> | undefined> {
  let detail: Record<string, unknown>;
  try {
    detail = (await session.sale.provider.getKycDetail(session.userId)) as unknown as Record<string, unknown>;
  } catch (error) {
    if (isProviderRejection(error, 404)) return undefined;
    throw providerFailure(error);
  }
  const answers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(detail)) {
    const field = kycFieldFromProviderName(name);
    if (field === undefined || value === null || value === undefined) continue;
    if (field === 'investorProofFiles') {
      const keys = (Array.isArray(value) ? value : [value]).map(keyFromFileUrl).filter((key) => key !== undefined);
      if (keys.length > 0) answers[field] = keys;
    } else if ((FILE_FIELDS as readonly string[]).includes(field)) {
      const key = keyFromFileUrl(value);
      if (key !== undefined) answers[field] = key;
    } else if (field === 'birthdate' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      // The provider stores ISO dates; the wire format is dd/mm/yyyy.
      const [year, month, day] = value.split('-');
      answers[field] = `${day}/${month}/${year}`;
    } else {
      answers[field] = String(value);
    }
  }
  return answers as Partial<KycSubmissionInput>;
}

/** Every file key in a submission, with the field it is in. */
function submittedFiles(value: Partial<KycSubmissionInput>): { field: string; key: string }[] {
  const files: { field: string; key: string }[] = [];
  for (const field of ['documentIdFile', 'selfieFile', 'residenceProofFile'] as const) {
    const key = value[field];
    if (key !== undefined) files.push({ field, key });
  }
  for (const key of value.investorProofFiles ?? []) files.push({ field: 'investorProofFiles', key });
  return files;
}

/** How long a sent submission is remembered, to recognise the widget resending it. */
const SENT_SUBMISSION_TTL_MS = 24 * 3600 * 1000;

/** What the proxy remembers of the last submission it sent for an investor. */
interface SentSubmission {
  /** SHA-256 of the provider parameters (no personal data kept in the store). */
  digest: string;
  /** The case's submission count before it was sent. */
  countBefore: number;
}

function sentSubmissionKey(sale: string, userId: number): string {
  return `kyc-sent:${sale}:${userId}`;
}

function submissionDigest(params: Record<string, string | string[]>): string {
  return createHash('sha256').update(toQuery(params)).digest('base64url');
}

async function readSentSubmission(deps: ProxyDeps, sale: string, userId: number): Promise<SentSubmission | undefined> {
  const text = await deps.store.get(sentSubmissionKey(sale, userId));
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SentSubmission>;
    return typeof value.digest === 'string' && typeof value.countBefore === 'number' ? { digest: value.digest, countBefore: value.countBefore } : undefined;
  } catch {
    return undefined;
  }
}

/** The investor's case, or undefined when nothing was submitted yet. */
async function readCase(session: InvestorSession): Promise<ProviderUserKyc | undefined> {
  try {
    return await session.sale.provider.getKyc(session.userId);
  } catch (error) {
    if (isProviderRejection(error, 404)) return undefined;
    throw providerFailure(error);
  }
}

/**
 * When this submission is the widget resending the one the proxy sent last (its answer was lost on the
 * way to the browser, or the proxy answered 5xx because the outcome was unknown), the status that
 * submission led to; otherwise undefined. A resend has the same answers, and the case shows that one
 * submission landed since and that no reviewer has acted on it yet.
 */
function resentStatus(sent: SentSubmission | undefined, digest: string, kyc: ProviderUserKyc | undefined): InvestorStatus | undefined {
  if (sent === undefined || sent.digest !== digest || kyc === undefined || kyc.submission_count !== sent.countBefore + 1) return undefined;
  const status = investorStatus(kyc);
  return status.state === 'pending' ? status : undefined;
}

/** Add the KYC routes to `router`. */
export function addKycRoutes(router: Router, deps: ProxyDeps): void {
  const walletProofs = walletProofRecords(deps.store);

  router.post('/v1/sales/:sale/kyc', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    const sale = session.sale.config;
    const body = jsonObjectBody(ctx);

    const checked = validateKycSubmission(body['submission'], saleFieldRules(sale), { today: providerToday(deps.now()), describe: englishFieldErrorMessage });
    const problems: FieldProblem[] = checked.ok ? [] : toProblems(checked.errors);
    const confirmations = body['confirmations'];
    for (const confirmation of sale.confirmations) {
      const ticked = typeof confirmations === 'object' && confirmations !== null && (confirmations as Record<string, unknown>)[confirmation.id] === true;
      if (!ticked) problems.push({ field: `confirmations.${confirmation.id}`, rule: 'required', message: `Please confirm: ${confirmation.label}` });
    }
    if (!checked.ok || problems.length > 0) {
      throw new ApiError(400, 'invalid_submission', 'Some answers need attention before the submission can be sent.', { fields: problems });
    }

    // The investor's proof of the submitted address, read once: checked here where the sale's wallet
    // policy needs one (only an address this investor proved is taken), kept with the submission below.
    const address = checked.value.ethereumAddress;
    const proof = sale.wallet.proof === 'off' || address === undefined ? undefined : await walletProofs.provenProof(sale.id, session.userId, address);
    if (walletProofNeeded(sale.wallet) && address !== undefined && proof === undefined) {
      const message = 'Please prove with your wallet that you control this Ethereum address.';
      throw new ApiError(400, 'wallet_proof_required', message, { fields: [{ field: 'ethereumAddress', rule: 'wallet_proof_required', message }] });
    }

    // Each file must have been uploaded by this investor: in this proxy's record of the keys it handed
    // them, or in their previous submission (a resubmission may keep documents uploaded long ago).
    const files = submittedFiles(checked.value);
    let known = await uploadKeysOf(deps, sale.id, session.userId);
    if (files.some((file) => !known.has(file.key))) {
      const previous = await previousAnswers(session);
      known = new Set([...known, ...(previous === undefined ? [] : submittedFiles(previous).map((file) => file.key))]);
    }
    const foreign = files.filter((file) => !known.has(file.key));
    if (foreign.length > 0) {
      throw new ApiError(400, 'invalid_submission', 'Some files were not uploaded in your session. Please upload them again.', {
        fields: foreign.map((file) => ({ field: file.field, rule: 'file_not_found', message: 'This file was not uploaded in your session. Please upload it again.' })),
      });
    }

    // One submission per investor at a time (two tabs, a double click): submit-once relies on reading
    // the submission count before sending, which only holds if no other submission runs meanwhile.
    const lock = `lock:kyc-submit:${sale.id}:${session.userId}`;
    if (!(await deps.store.set(lock, '1', { ttlMs: 60_000, onlyIfAbsent: true }))) {
      throw new ApiError(409, 'submission_in_progress', 'Your submission is already being sent. Please wait a moment.', { headers: { 'Retry-After': '5' } });
    }
    let status: InvestorStatus;
    try {
      // Submit-once guards against the proxy's own retries to the provider; a retry by the widget (the
      // same answers sent again after its connection dropped) is recognised here, or it would be a
      // second submission and a second review.
      const params = toProviderParams(checked.value);
      const digest = submissionDigest(params);
      const [sent, kyc] = await Promise.all([readSentSubmission(deps, sale.id, session.userId), readCase(session)]);
      const resent = resentStatus(sent, digest, kyc);
      if (resent !== undefined) {
        status = resent;
      } else {
        const record: SentSubmission = { digest, countBefore: kyc?.submission_count ?? 0 };
        await deps.store.set(sentSubmissionKey(sale.id, session.userId), JSON.stringify(record), { ttlMs: SENT_SUBMISSION_TTL_MS });
        status = investorStatus((await session.sale.provider.submitKycOnce(session.userId, params as unknown as KycFields)).kyc);
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (isProviderRejection(error, 400)) {
        const fields = toProblems(providerFieldErrors({ err: { error_data: error.errorData } }));
        throw new ApiError(400, 'invalid_submission', 'The verification service refused some answers.', { fields, cause: error });
      }
      if (isProviderRejection(error, 422)) {
        throw new ApiError(409, 'kyc_closed', 'Your verification has already been decided, so it cannot be changed. Contact the sale if something is wrong.', { cause: error });
      }
      if (isProviderRejection(error, 404)) {
        throw new ApiError(404, 'investor_not_found', 'Your account was not found at the verification service. Please sign in again.', { cause: error });
      }
      throw providerFailure(error);
    } finally {
      await deps.store.delete(lock);
    }
    // Kept with the submission for the sale's auditors (none when the address was typed, unproven).
    if (sale.wallet.proof !== 'off' && address !== undefined) {
      await walletProofs.recordSubmitted(sale.id, session.userId, proof, new Date(deps.now()).toISOString());
    }
    await deps.statusHub.publish(sale.id, String(session.userId), status);
    ctx.status = 201;
    ctx.body = { status };
  });

  router.get('/v1/sales/:sale/kyc', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    ctx.body = { status: await currentStatus(deps, session) };
  });

  router.get('/v1/sales/:sale/kyc/submission', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    const submission = await previousAnswers(session);
    if (submission === undefined) throw new ApiError(404, 'no_submission', 'Nothing has been submitted yet.');
    ctx.body = { submission };
  });
}
