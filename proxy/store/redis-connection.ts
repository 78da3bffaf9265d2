/**
 * One ioredis connection with the proxy's failure policy: Redis restarting under a running proxy is
 * survived (ioredis reconnects by itself, forever), and while it is away every operation fails within a
 * bounded time with a clear {@link RedisStoreError} instead of hanging the request that made it.
 *
 * The choices, against ioredis' defaults:
 * - `enableOfflineQueue: false`. By default a command issued while disconnected waits in an unbounded
 *   queue and is sent whenever the connection returns, possibly long after the caller gave up (an `INCR`
 *   for a request already answered 503 would still count). Instead {@link RedisConnection.run} fails at
 *   once while Redis is known to be unreachable (the last connection attempt failed), waits for the
 *   attempt under way when there is one (at start, or right after a drop), and sends nothing once the
 *   operation's deadline passed.
 * - `maxRetriesPerRequest: 0` and `autoResendUnfulfilledCommands: false`. A command in flight when the
 *   connection drops is rejected at once instead of being re-sent after the reconnect: Redis may have
 *   executed it already, and none of our writes may run twice.
 * - `connectTimeout: 2000`. A host that drops packets (instead of refusing) counts as a failed attempt
 *   after 2 s rather than ioredis' 10 s, so reconnect attempts keep their pace.
 * - `retryStrategy`: reconnect forever, 100 ms, 200 ms … then every second, so the store is back within
 *   about a second of Redis coming back. Never giving up matters: a proxy must heal without a restart.
 * - `autoResubscribe: true` (the default, stated): channels are subscribed again after a reconnect.
 * - `connectionName`: `kyc-proxy:<role>` shows in `CLIENT LIST`, for whoever operates the Redis.
 * - `disconnectTimeout: 500` (default 2000): how long `close()` lets a socket end gracefully before
 *   destroying it; ioredis keeps this timer even for a socket that is already gone, delaying exit.
 * - Every operation has a deadline (`timeoutMs`, default 2 s) covering both the wait for a connection
 *   and Redis' answer, so a server that accepts connections but stops answering cannot hang us either.
 */
import { Redis } from 'ioredis';
import { RedisStoreError } from './redis-store-error.js';

/** What {@link openRedisConnection} needs besides the URL. */
export interface RedisConnectionSettings {
  /** `commands` or `subscriber`: named in errors and in the connection name. */
  role: string;
  /** The deadline of each operation, in ms: waiting for a connection and the answer included. */
  timeoutMs: number;
  /** Told about a lost or failed connection, once per outage (the message holds host and port, no secret). */
  onError: (error: RedisStoreError) => void;
}

/** An ioredis client and the guarded way to use it. */
export interface RedisConnection {
  /** The client, for subscribing to its events. Send commands through {@link RedisConnection.run}. */
  readonly client: Redis;
  /**
   * Run `work` on the client once it is connected, all within the deadline.
   * @param command the Redis command, for error messages (never a key or value).
   * @throws {RedisStoreError} `unavailable` when there is no connection or no answer in time, `failed`
   *   when Redis answers with an error, `closed` after {@link RedisConnection.close}.
   */
  run<T>(command: string, work: (client: Redis) => Promise<T>): Promise<T>;
  /** Quit politely when connected (bounded by the deadline), then drop the socket and stop reconnecting. */
  close(): Promise<void>;
}

/** The longest pause between two reconnect attempts, in ms. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/** Open a connection to `url` (`redis://[[user]:password@]host[:port][/db]` or `rediss://…`). */
export function openRedisConnection(url: string, settings: RedisConnectionSettings): RedisConnection {
  const { role, timeoutMs, onError } = settings;
  const client = new Redis(url, {
    connectionName: `kyc-proxy:${role}`,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: true,
    disconnectTimeout: 500,
  });
  // Host and port only: the URL itself may hold the password.
  const where = client.options.path ?? `${client.options.host ?? 'localhost'}:${client.options.port ?? 6379}`;
  let closed = false;
  let lastProblem: string | undefined;
  let reportedThisOutage = false;

  /** Tell `onError` about an outage, once: ioredis emits `error` on every failed reconnect attempt. */
  function reportOutage(problem: string): void {
    if (reportedThisOutage || closed) return;
    reportedThisOutage = true;
    onError(new RedisStoreError('unavailable', `Redis ${role} connection to ${where}: ${problem}`));
  }
  client.on('error', (error: Error) => {
    lastProblem = error.message;
    reportOutage(error.message);
  });
  // A server that shuts down closes the connection without an error; a restart quicker than the first
  // reconnect attempt would otherwise go unreported.
  client.on('close', () => reportOutage('connection lost, reconnecting'));
  client.on('ready', () => {
    lastProblem = undefined;
    reportedThisOutage = false;
  });

  function unreachable(command: string, problem: string): RedisStoreError {
    return new RedisStoreError('unavailable', `Redis at ${where} is unreachable (${problem}); ${command} not sent, reconnecting`);
  }

  /**
   * Whether the connection is usable, as the problem that makes it not (`undefined`: ready). At once
   * while it is ready, and while Redis is known to be unreachable (the last attempt failed), so a long
   * outage costs a request nothing but its 503. Otherwise (starting up, or just disconnected) it waits
   * for the outcome of the connection attempt under way.
   */
  let nextAttempt: Promise<string | undefined> | undefined;
  /** Ends the wait for {@link nextAttempt} (on close: ioredis says nothing about that attempt any more). */
  let abandonAttempt: (() => void) | undefined;
  function connectionProblem(): Promise<string | undefined> {
    if (client.status === 'ready') return Promise.resolve(undefined);
    if (lastProblem !== undefined) return Promise.resolve(lastProblem);
    // One promise, and one pair of listeners, shared by every operation waiting on this attempt.
    nextAttempt ??= new Promise((resolve) => {
      const settle = (problem: string | undefined) => {
        nextAttempt = undefined;
        abandonAttempt = undefined;
        client.off('ready', onReady);
        client.off('error', onFailure);
        resolve(problem);
      };
      const onReady = () => settle(undefined);
      const onFailure = (error: Error) => settle(error.message);
      abandonAttempt = () => settle(undefined);
      client.on('ready', onReady);
      client.on('error', onFailure);
    });
    return nextAttempt;
  }

  function closedError(command: string): RedisStoreError {
    return new RedisStoreError('closed', `The Redis store is closed: ${command} not sent`);
  }

  function timeoutError(command: string): RedisStoreError {
    if (closed) return closedError(command);
    if (client.status === 'ready') {
      return new RedisStoreError('unavailable', `Redis at ${where} did not answer ${command} within ${timeoutMs} ms`);
    }
    const why = lastProblem === undefined ? '' : ` (last error: ${lastProblem})`;
    return new RedisStoreError('unavailable', `Redis at ${where} is unreachable: no connection within ${timeoutMs} ms for ${command}${why}`);
  }

  /** What a rejection from ioredis means, as our error (the original may carry the command's arguments). */
  function translate(command: string, error: unknown): RedisStoreError {
    if (error instanceof RedisStoreError) return error;
    if (closed) return closedError(command);
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    // Redis' own answers are ReplyErrors; everything else is about the connection (dropped mid-command,
    // not writable between our readiness check and the write, closed).
    if (name === 'ReplyError') return new RedisStoreError('failed', `Redis ${command} failed: ${message}`);
    return new RedisStoreError('unavailable', `Redis at ${where}: the connection was lost before ${command} was answered`);
  }

  async function run<T>(command: string, work: (client: Redis) => Promise<T>): Promise<T> {
    if (closed) throw closedError(command);
    let expired = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(timeoutError(command));
      }, timeoutMs);
    });
    const attempt = (async () => {
      const problem = await connectionProblem();
      if (closed) throw closedError(command);
      // The caller was already told "unavailable": do not send a command it no longer waits for.
      if (expired) throw timeoutError(command);
      if (problem !== undefined) throw unreachable(command, problem);
      return work(client);
    })();
    try {
      // race() handles the loser's rejection too, so a late failure is never an unhandled rejection.
      return await Promise.race([attempt, deadline]);
    } catch (error) {
      throw translate(command, error);
    } finally {
      clearTimeout(timer);
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    // ioredis stays silent about a connection closed on purpose: nobody would tell these waiters.
    abandonAttempt?.();
    if (client.status === 'ready') {
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      // QUIT lets Redis finish what it is doing for us; a dead server must not stall the shutdown.
      await Promise.race([client.quit().then(() => ended, () => undefined), deadline]);
      clearTimeout(timer);
    }
    // Drops the socket if QUIT did not, and cancels a pending reconnect attempt. Not after a clean QUIT:
    // on a closed socket ioredis would arm a timer (`disconnectTimeout`) that nothing clears.
    if (client.status !== 'end') client.disconnect();
  }

  return { client, run, close };
}
