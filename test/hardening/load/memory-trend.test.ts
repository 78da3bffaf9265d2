import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { leastSquaresSlope, memoryTrend, MIN_TREND_SAMPLES, type MemoryPoint } from './memory-trend.js';

const MB = 1024 * 1024;

/** Samples every 15 s for `minutes`, `bytes(seconds)` each. */
function series(minutes: number, bytes: (seconds: number) => number): MemoryPoint[] {
  return Array.from({ length: (minutes * 60) / 15 + 1 }, (_, index) => ({ seconds: index * 15, bytes: bytes(index * 15) }));
}

describe('leastSquaresSlope', () => {
  test('is the slope of a straight line exactly', () => {
    assert.equal(leastSquaresSlope([{ seconds: 0, bytes: 10 }, { seconds: 10, bytes: 30 }, { seconds: 20, bytes: 50 }]), 2);
  });

  test('fits noisy points between their extremes', () => {
    const slope = leastSquaresSlope([{ seconds: 0, bytes: 0 }, { seconds: 1, bytes: 3 }, { seconds: 2, bytes: 2 }, { seconds: 3, bytes: 5 }]);
    assert.ok(Math.abs(slope - 1.4) < 1e-9, String(slope));
  });

  test('is NaN when there is no line to fit', () => {
    assert.ok(Number.isNaN(leastSquaresSlope([])));
    assert.ok(Number.isNaN(leastSquaresSlope([{ seconds: 5, bytes: 1 }])));
    assert.ok(Number.isNaN(leastSquaresSlope([{ seconds: 5, bytes: 1 }, { seconds: 5, bytes: 2 }])));
  });
});

describe('memoryTrend', () => {
  test('reads only the second half: a warm-up climb does not count', () => {
    // Climbs 40 MB over the first 5 minutes, then holds with a sawtooth of ±1 MB.
    const points = series(10, (seconds) => (seconds < 300 ? (40 * MB * seconds) / 300 : 40 * MB + ((seconds / 15) % 2 === 0 ? MB : -MB)));
    const trend = memoryTrend(points, 0.5);
    assert.equal(trend.samples, 21);
    assert.ok(Math.abs(trend.mbPerMinute) < 0.5, String(trend.mbPerMinute));
    assert.equal(trend.flat, true);
  });

  test('a steady leak in the second half is not flat, and is measured in MB per minute', () => {
    const points = series(10, (seconds) => 50 * MB + (2 * MB * seconds) / 60);
    const trend = memoryTrend(points, 0.5);
    assert.ok(Math.abs(trend.mbPerMinute - 2) < 1e-9, String(trend.mbPerMinute));
    assert.equal(trend.flat, false);
  });

  test('a shrinking heap beyond the tolerance is not called flat either', () => {
    assert.equal(memoryTrend(series(10, (seconds) => 80 * MB - (MB * seconds) / 60), 0.5).flat, false);
  });

  test('too few samples give no verdict of flat', () => {
    const points = series(1, () => 50 * MB);
    const trend = memoryTrend(points, 0.5);
    assert.ok(trend.samples < MIN_TREND_SAMPLES);
    assert.equal(trend.flat, false);
  });
});
