/**
 * Whether two response-time samples can be told apart, for the email-enumeration check: an attacker
 * timing the code route for a known and an unknown address learns something only when the two
 * distributions sit apart. The check compares their medians (robust to the scheduler's outliers on a
 * shared machine) against their spread (the interquartile range, averaged over the two samples), so the
 * threshold means the same on a fast and a slow machine, unlike a fixed number of milliseconds.
 *
 * With n samples per side from one distribution, the difference of the medians has a standard error of
 * about 0.13 IQR at n = 100 (normal data); a tolerance of half an IQR is then about four standard errors,
 * so the same route never looks "separated" by chance, while any extra step taken only for one kind of
 * address (a provider lookup, an SMTP round trip) moves the median by several IQRs.
 */

/** The comparison of two samples. */
export interface TimingComparison {
  medianA: number;
  medianB: number;
  /** `medianA - medianB`. */
  medianDifference: number;
  /** The mean of the two samples' interquartile ranges (at least `minSpread`). */
  spread: number;
  /** `|medianDifference| / spread`: how many spreads apart the medians are. */
  shiftInSpreads: number;
  /** Whether the medians are further apart than the tolerance allows. */
  separated: boolean;
}

/** Options of {@link compareTimings}. */
export interface TimingComparisonOptions {
  /** How many spreads the medians may differ by before the samples count as separated. Default 0.5. */
  toleranceInSpreads?: number;
  /** A floor for the spread (the clock's resolution), so identical samples do not divide by zero. Default 0.001. */
  minSpread?: number;
}

/** The `q`-quantile of sorted `values` (linear interpolation between closest ranks). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile: no values');
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

/** Compare two samples of durations (any unit; both the same). */
export function compareTimings(a: readonly number[], b: readonly number[], options: TimingComparisonOptions = {}): TimingComparison {
  const { toleranceInSpreads = 0.5, minSpread = 0.001 } = options;
  if (a.length < 20 || b.length < 20) throw new RangeError('compareTimings: at least 20 samples per side');
  const sortedA = [...a].sort((x, y) => x - y);
  const sortedB = [...b].sort((x, y) => x - y);
  const iqr = (sorted: number[]) => quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const medianA = quantile(sortedA, 0.5);
  const medianB = quantile(sortedB, 0.5);
  const spread = Math.max(minSpread, (iqr(sortedA) + iqr(sortedB)) / 2);
  const shiftInSpreads = Math.abs(medianA - medianB) / spread;
  return { medianA, medianB, medianDifference: medianA - medianB, spread, shiftInSpreads, separated: shiftInSpreads > toleranceInSpreads };
}
