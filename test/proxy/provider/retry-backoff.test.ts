// Exponential backoff with full jitter: the wait is uniform below a bound that doubles and is capped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelayMs } from '../../../proxy/provider/retry-backoff.js';

describe('retry backoff', () => {
  it('doubles the bound with each retry', () => {
    const almostOne = (): number => 0.999_999;
    assert.deepEqual([0, 1, 2].map((retry) => backoffDelayMs(retry, almostOne)), [BACKOFF_BASE_MS - 1, 2 * BACKOFF_BASE_MS - 1, 4 * BACKOFF_BASE_MS - 1]);
  });

  it('never waits longer than the cap, however many retries', () => {
    assert.equal(backoffDelayMs(30, () => 0.999_999), BACKOFF_CAP_MS - 1);
  });

  it('spreads the wait over the whole range (full jitter), down to no wait at all', () => {
    assert.equal(backoffDelayMs(2, () => 0), 0);
    assert.equal(backoffDelayMs(2, () => 0.25), BACKOFF_BASE_MS);
  });
});
