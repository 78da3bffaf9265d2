/**
 * How a failed provider call is told to the widget: in words an investor understands, with a status a
 * program can act on (502/503/504 mean "try again later; nothing was lost"), and without any provider
 * internals. Rejections the route does not map itself are our fault towards the provider, so they are a
 * 502 too, logged for the integrator.
 */
import { ProviderError } from '../provider/provider-error.js';
import { ApiError } from './api-error.js';

const RETRY_LATER = 'Nothing you entered was lost; please try again in a moment.';

/** The {@link ApiError} for a provider failure (anything else is passed through for the error handler). */
export function providerFailure(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  if (error.kind === 'timeout') return new ApiError(504, 'provider_timeout', `The verification service did not answer in time. ${RETRY_LATER}`, { cause: error, headers: { 'Retry-After': '5' } });
  if (error.kind === 'unreachable') return new ApiError(503, 'provider_unavailable', `The verification service is unreachable. ${RETRY_LATER}`, { cause: error, headers: { 'Retry-After': '10' } });
  if (error.kind === 'rejected' && error.providerStatus === 429) return new ApiError(503, 'provider_busy', `The verification service is busy. ${RETRY_LATER}`, { cause: error, headers: { 'Retry-After': '10' } });
  // A provider fault (5xx, a garbled answer) passes; a rejection we did not map is ours and will not pass by
  // waiting, so it gets no Retry-After.
  const transient = error.kind === 'server_error' || error.kind === 'bad_response';
  return new ApiError(502, 'provider_error', `The verification service could not handle the request. ${RETRY_LATER}`, { cause: error, ...(transient ? { headers: { 'Retry-After': '10' } } : {}) });
}
