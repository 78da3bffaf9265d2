/**
 * Time as the dispatcher sees it, injectable so that tests can jump through a 63-hour retry schedule
 * without waiting (see {@link ManualClock} in `manual-clock.ts`).
 */

/** A timer handle returned by {@link Clock.setTimer}. */
export interface TimerHandle {
  cancel(): void;
}

/** A source of time and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `callback` once, `delayMs` from now. */
  setTimer(callback: () => void, delayMs: number): TimerHandle;
}

/** Node's own timers cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The real clock. Its timers are unref'd: a pending retry alone does not keep the process alive (the
 * sandbox's HTTP server does).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, Math.min(Math.max(delayMs, 0), MAX_TIMER_MS));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
