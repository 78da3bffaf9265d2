/**
 * The one error the Redis store throws. `kind` says what went wrong; callers answer all of them as a
 * temporary failure (HTTP 503) and retry later.
 *
 * Messages name the Redis command and the server's host and port only: never a key, a value, a channel
 * or the connection URL (keys carry hashed emails, values carry code hashes, and the URL may carry the
 * Redis password). The underlying error is not attached as `cause`, because ioredis attaches the
 * command's arguments to its reply errors and a logger would print them.
 */

/**
 * - `unavailable`: no connection to Redis within the time limit, the connection dropped before Redis
 *   answered, or Redis did not answer in time;
 * - `failed`: Redis answered with an error (a bug on our side, e.g. a key of the wrong type);
 * - `closed`: the store was closed.
 */
export type RedisStoreErrorKind = 'unavailable' | 'failed' | 'closed';

/** A failed Redis store operation. */
export class RedisStoreError extends Error {
  override readonly name = 'RedisStoreError';
  readonly kind: RedisStoreErrorKind;

  constructor(kind: RedisStoreErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
