/**
 * The provider's clock, as seen from ours. The provider accepts `request_timestamp` within ±10 s of its
 * own time only, so a proxy whose clock is off by more than that is refused on every call. Every
 * response carries a `Date` header; we learn the offset from it and sign with `now() + offset`.
 *
 * `Date` has a 1-second resolution (it is the server's time rounded down) and we do not know when,
 * between sending and receiving, the server read its clock. So one response does not give an offset; it
 * gives an interval the offset lies in:
 *
 *     offset ∈ [date − receivedAt, date + 1000 − sentAt]      (ms)
 *
 * which is about 1 s plus the round trip wide. Intersecting the intervals of successive responses
 * narrows it (the server's clock ticks at different points of our requests), and the middle of the
 * interval is our estimate, at most half its width off: well inside the 10 s window. When a new interval
 * does not overlap the current one, one of the clocks was stepped (NTP, a VM resumed): the old knowledge
 * is wrong and the new interval replaces it (slow drift ends the same way once the interval is narrow).
 *
 * No dead band ("ignore offsets under 2 s") is needed: the midpoint's error is at most half the
 * interval's width, about 0.5 s plus half a round trip, far inside the 10 s window, and it needs no
 * threshold to tune. A bogus `Date` (from something between us and the provider) costs at most one
 * refused request: the provider's 401 `um_vac_1` makes the caller `forget()` and learn afresh.
 */

/** An interval of plausible offsets, in ms (provider time − our time). */
interface OffsetBounds {
  low: number;
  high: number;
}

/** The skew-corrected clock of one provider. */
export interface ProviderClock {
  /** Our time corrected to the provider's, in ms: what to sign with. */
  now(): number;
  /** The current estimate of provider time − our time, in ms (0 until a `Date` was seen). */
  offsetMs(): number;
  /**
   * Learn from a response's `Date` header. `sentAt` and `receivedAt` are our (uncorrected) times just
   * before the request was sent and when the response headers arrived. A missing or invalid header is
   * ignored.
   */
  observe(dateHeader: string | null | undefined, sentAt: number, receivedAt: number): void;
  /** Forget what was learnt (the provider said our timestamp is out of its window): trust only what comes next. */
  forget(): void;
}

/** A provider clock over our clock `now` (ms). */
export function createProviderClock(now: () => number): ProviderClock {
  let bounds: OffsetBounds | undefined;
  // Successive answers mostly carry the same second: parse each header text once.
  let lastHeader: string | undefined;
  let lastDate = Number.NaN;

  const offsetMs = (): number => (bounds === undefined ? 0 : Math.round((bounds.low + bounds.high) / 2));

  return {
    now: () => now() + offsetMs(),
    offsetMs,
    observe(dateHeader, sentAt, receivedAt) {
      if (!dateHeader) return;
      if (dateHeader !== lastHeader) {
        lastHeader = dateHeader;
        lastDate = Date.parse(dateHeader);
      }
      const date = lastDate;
      if (Number.isNaN(date)) return;
      const seen: OffsetBounds = { low: date - receivedAt, high: date + 1000 - sentAt };
      if (bounds === undefined) {
        bounds = seen;
        return;
      }
      const low = Math.max(bounds.low, seen.low);
      const high = Math.min(bounds.high, seen.high);
      bounds = low <= high ? { low, high } : seen;
    },
    forget() {
      bounds = undefined;
    },
  };
}
