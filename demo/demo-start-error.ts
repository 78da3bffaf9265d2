/**
 * Why `npm start` could not start, in words a newcomer can act on (a port in use, a failed widget
 * build, a setting out of range). `demo/start.ts` prints the message alone, with no stack trace, and
 * exits with a non-zero code; any other error is a bug and keeps its stack.
 */
export class DemoStartError extends Error {
  override name = 'DemoStartError';
}

/** True when `error` is a {@link DemoStartError}. */
export function isDemoStartError(error: unknown): error is DemoStartError {
  return error instanceof DemoStartError;
}
