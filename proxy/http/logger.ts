/**
 * Structured logs (pino, one JSON object per line). What we log is chosen, not dumped: request id,
 * method, the matched route pattern (not the raw URL), status, duration and sale. Bodies, headers, emails,
 * codes, tokens and document keys are never passed to the logger; the redaction list is a second net for
 * the day someone logs an object carelessly.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths pino replaces with `[redacted]` in any logged object. */
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'token',
  '*.token',
  'code',
  '*.code_value',
  'email',
  '*.email',
  'apiSecret',
  '*.apiSecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'signature',
  '*.signature',
];

/** Create the proxy's logger. `destination` lets tests capture every line. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kyc-proxy' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Error objects are logged by name and message only: provider errors may quote request details.
      serializers: { err: (error: Error) => ({ type: error.name, message: error.message, code: (error as { code?: unknown }).code }) },
    },
    destination,
  );
}
