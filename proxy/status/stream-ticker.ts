/**
 * One timer for every open status stream: it sends their heartbeats and ends the streams whose token is
 * about to expire.
 *
 * Why not a timer per stream: that is a heartbeat interval and an expiry timeout per stream, each with its
 * closure, and since every expiry has its own duration, a timer list each as well. With thousands of open
 * streams a single ticker walking the set holds nothing per stream but two numbers. Heartbeats are spread
 * over the ticks (each stream has a phase), so a proxy holding many streams writes a few of them at each
 * tick rather than all of them at once. The ticker runs only while a stream is open.
 */

/** What the ticker needs of a stream. */
export interface TickedStream {
  /** When the stream must end (ms, on the proxy's clock): shortly before its token expires. */
  readonly endsAt: number;
  /** Write a heartbeat (an SSE comment). */
  heartbeat(): void;
  /** End the stream (the ticker says `token_expired`); it removes itself from the set. */
  close(reason: string): void;
}

/** Options of {@link createStreamTicker}. */
export interface StreamTickerOptions {
  /** At most this long between two heartbeats of a stream, ms. */
  heartbeatMs: number;
  /** The proxy's clock (ms), the one tokens are checked on. */
  now: () => number;
  /** How late at most a stream is ended after `endsAt`, ms. Default 1000 (or `heartbeatMs` if shorter). */
  resolutionMs?: number;
}

/** The ticker. */
export interface StreamTicker<T extends TickedStream> {
  /** Add a stream to the set and keep the ticker running while the set is not empty. */
  add(stream: T): void;
  /** Whether its timer runs (it stops at the first tick after the last stream closed). */
  readonly running: boolean;
}

/**
 * A ticker over `streams`. Streams are added with {@link StreamTicker.add} and delete themselves from the
 * set when they close; shutdown can walk the same set.
 */
export function createStreamTicker<T extends TickedStream>(streams: Set<T>, options: StreamTickerOptions): StreamTicker<T> {
  const tickMs = Math.max(1, Math.min(options.heartbeatMs, options.resolutionMs ?? 1000));
  // A tick is never longer than the heartbeat, so a stream's beats (every ticksPerBeat ticks) are at most
  // heartbeatMs apart, give or take the timer's drift of a few ms.
  const ticksPerBeat = Math.max(1, Math.floor(options.heartbeatMs / tickMs));
  const phases = new WeakMap<T, number>();
  let timer: NodeJS.Timeout | undefined;
  let tick = 0;
  let nextPhase = 0;

  function onTick(): void {
    timer = undefined;
    if (streams.size === 0) return;
    tick += 1;
    const phase = tick % ticksPerBeat;
    const now = options.now();
    for (const stream of streams) {
      if (now >= stream.endsAt) stream.close('token_expired');
      else if (phases.get(stream) === phase) stream.heartbeat();
    }
    schedule();
  }

  /** The next tick, while a stream is open (a timeout re-armed at each tick rather than an interval cleared from within). */
  function schedule(): void {
    if (timer !== undefined || streams.size === 0) return;
    timer = setTimeout(onTick, tickMs);
    // Open streams keep the process alive through their sockets; the ticker alone never should.
    timer.unref();
  }

  return {
    get running() {
      return timer !== undefined;
    },
    add(stream) {
      phases.set(stream, nextPhase);
      nextPhase = (nextPhase + 1) % ticksPerBeat;
      streams.add(stream);
      schedule();
    },
  };
}
