/**
 * A clock that only moves when told to: for deterministic tests of schedules measured in hours.
 */
import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** A {@link Clock} whose time advances only through {@link ManualClock.advance} or {@link ManualClock.set}. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: PendingTimer[] = [];

  /** @param startMs the initial time, in milliseconds since the epoch. */
  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const timer: PendingTimer = { at: this.#now + Math.max(delayMs, 0), seq: this.#seq++, callback };
    this.#timers.push(timer);
    return { cancel: () => (this.#timers = this.#timers.filter((t) => t !== timer)) };
  }

  /** How many timers are waiting. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Move time forward by `ms`, running every timer that falls due, in order, synchronously. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  /** Move time forward to `targetMs` (never backwards), running due timers in order. */
  set(targetMs: number): void {
    for (;;) {
      const due = this.#timers
        .filter((t) => t.at <= targetMs)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
    }
    this.#now = Math.max(this.#now, targetMs);
  }
}
