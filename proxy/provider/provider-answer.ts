/**
 * Reading the provider's answer to one attempt: its JSON envelope (`{ success, data }` or
 * `{ success: false, err }`, upstream §2.0), by HTTP status, into the data or a classified failure.
 * Auth errors come as `text/plain` although their body is JSON (§1.5), so the body is parsed whatever
 * the content type says.
 */
import type { ProviderErrorInit } from './provider-error.js';

/** The provider's internal id for "request_timestamp outside the ±10 s window" (upstream §1.5). */
const TIMESTAMP_OUT_OF_WINDOW = 'um_vac_1';

/** What a success must hold: `data.result_type` and an object under `data[key]`. */
export interface ExpectedResult {
  resultType: string;
  key: string;
}

/** How one attempt failed, before we know how many attempts there were. */
export interface AttemptFailure {
  error: Omit<ProviderErrorInit, 'attempts' | 'method' | 'path'>;
  /** Worth trying again for an idempotent request (timeouts, connection failures, 5xx, 429). */
  transient: boolean;
  /** The provider refused our timestamp. */
  clockRefused: boolean;
}

/** One attempt's result: the envelope's `data`, or how it failed. */
export type AttemptOutcome = { ok: true; data: unknown } | { ok: false; failure: AttemptFailure };

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Read an answer: the envelope's data, or why it is a failure. */
export function interpretAnswer(status: number, text: string, expect: ExpectedResult | undefined): AttemptOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const err = isRecord(body) && body['success'] === false && isRecord(body['err']) ? body['err'] : undefined;
  const envelopeError = err !== undefined && typeof err['code'] === 'string' && typeof err['internal_id'] === 'string' ? err : undefined;

  if (status >= 200 && status < 300 && isRecord(body) && body['success'] === true) {
    const data = body['data'];
    if (expect === undefined) return { ok: true, data };
    if (isRecord(data) && data['result_type'] === expect.resultType && isRecord(data[expect.key])) return { ok: true, data };
    return badResponse(status, `answered without the expected ${expect.resultType} result`);
  }
  if (status === 429 || (status >= 400 && status < 500 && envelopeError !== undefined)) {
    const internalId = envelopeError?.['internal_id'] as string | undefined;
    const errorData = Array.isArray(envelopeError?.['error_data'])
      ? (envelopeError['error_data'] as unknown[]).filter(isRecord).map((d) => ({ parameter: String(d['parameter']), msg: String(d['msg']) }))
      : [];
    const code = (envelopeError?.['code'] as string | undefined) ?? 'TOO_MANY_REQUESTS';
    return {
      ok: false,
      failure: {
        error: {
          kind: 'rejected',
          maybeProcessed: false,
          providerStatus: status,
          code,
          ...(internalId === undefined ? {} : { internalId }),
          ...(typeof envelopeError?.['msg'] === 'string' ? { providerMessage: envelopeError['msg'] } : {}),
          errorData,
          detail: `refused the request: HTTP ${status} ${code}${internalId === undefined ? '' : ` (${internalId})`}`,
        },
        transient: status === 429,
        clockRefused: status === 401 && internalId === TIMESTAMP_OUT_OF_WINDOW,
      },
    };
  }
  if (status >= 500) {
    const internalId = envelopeError?.['internal_id'] as string | undefined;
    return {
      ok: false,
      failure: {
        error: {
          kind: 'server_error',
          // A server that failed half-way may have stored something first.
          maybeProcessed: true,
          providerStatus: status,
          ...(envelopeError === undefined ? {} : { code: envelopeError['code'] as string, providerMessage: String(envelopeError['msg']) }),
          ...(internalId === undefined ? {} : { internalId }),
          detail: `failed: HTTP ${status}${internalId === undefined ? '' : ` (${internalId})`}`,
        },
        transient: true,
        clockRefused: false,
      },
    };
  }
  return badResponse(status, `answered HTTP ${status} with a body that is not its JSON envelope`);
}

function badResponse(status: number, detail: string): AttemptOutcome {
  // A 4xx from something in front of the provider refused the request; any other garbled answer may
  // follow a request that was processed.
  const refused = status >= 400 && status < 500;
  return { ok: false, failure: { error: { kind: 'bad_response', maybeProcessed: !refused, providerStatus: status, detail }, transient: false, clockRefused: false } };
}
