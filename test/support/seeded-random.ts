/**
 * Reproducible randomness for tests that shuffle or sample: the same seed gives the same sequence on
 * every run and machine, so a failing order can be replayed.
 */

/** A seeded pseudo-random generator in [0, 1) (mulberry32), for reproducible orders and synthetic samples. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
