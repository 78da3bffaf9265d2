/**
 * Whether a process's memory is flat over a soak: the least-squares slope of a series of samples, in MB
 * per minute, over the second half of the run only (the first half is warm-up: code compiled on first
 * use, pools and caches filling, the heap settling on its size), compared with a stated tolerance.
 */

/** One sample: seconds since the start, and bytes. */
export interface MemoryPoint {
  seconds: number;
  bytes: number;
}

/** The slope of the least-squares line through the points (bytes per second); NaN for fewer than two distinct times. */
export function leastSquaresSlope(points: readonly MemoryPoint[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, point) => sum + point.seconds, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.bytes, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.seconds - meanX) * (point.bytes - meanY);
    variance += (point.seconds - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : covariance / variance;
}

/** The verdict on one series. */
export interface MemoryTrend {
  /** MB (2^20 bytes) per minute over the second half. */
  mbPerMinute: number;
  /** Samples the slope was fitted to. */
  samples: number;
  toleranceMbPerMinute: number;
  /** |slope| within the tolerance (false when there were too few samples to say). */
  flat: boolean;
}

/** The fewest samples in the second half that a trend is read from. */
export const MIN_TREND_SAMPLES = 4;

/**
 * The trend of `points` (in time order) over the samples taken in the second half of the run (at or
 * after half the last sample's time).
 */
export function memoryTrend(points: readonly MemoryPoint[], toleranceMbPerMinute: number): MemoryTrend {
  const end = points.at(-1)?.seconds ?? 0;
  const secondHalf = points.filter((point) => point.seconds >= end / 2);
  const mbPerMinute = (leastSquaresSlope(secondHalf) * 60) / (1024 * 1024);
  const flat = secondHalf.length >= MIN_TREND_SAMPLES && Math.abs(mbPerMinute) <= toleranceMbPerMinute;
  return { mbPerMinute, samples: secondHalf.length, toleranceMbPerMinute, flat };
}
