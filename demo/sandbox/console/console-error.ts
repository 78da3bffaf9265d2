/**
 * The console's one error: something the reviewer asked for could not be done, with the HTTP status to
 * answer and a message meant for them (never internals, never a secret).
 */

/** Statuses the console answers a refused request with. */
export type ConsoleErrorStatus = 400 | 403 | 404 | 405 | 409 | 413 | 415;

/**
 * A refused request: 400 bad input, 403 refused by the request guard, 404 no such page, client, case or
 * user, 405 wrong method, 409 the action does not apply to the case as it is, 413 body too large, 415
 * wrong content type.
 */
export class ConsoleError extends Error {
  override name = 'ConsoleError';
  constructor(
    readonly status: ConsoleErrorStatus,
    message: string,
  ) {
    super(message);
  }
}
