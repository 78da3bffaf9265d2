// The one timer of every open status stream, on mocked timers and a controlled clock: heartbeats at most
// `heartbeatMs` apart and spread over the ticks, streams ended once their end time has passed, and no
// timer while no stream is open.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { createStreamTicker, type TickedStream } from '../../../proxy/status/stream-ticker.js';

/** A stream that records what the ticker did to it, and leaves the set when closed as real ones do. */
interface FakeStream extends TickedStream {
  name: string;
  beats: number;
  closedWith?: string;
}

function fakeStream(streams: Set<TickedStream>, name: string, endsAt = Number.POSITIVE_INFINITY): FakeStream {
  const stream: FakeStream = {
    name,
    endsAt,
    beats: 0,
    heartbeat() {
      stream.beats += 1;
    },
    close(reason) {
      stream.closedWith = reason;
      streams.delete(stream);
    },
  };
  return stream;
}

describe('createStreamTicker', () => {
  let clock = 0;
  const now = (): number => clock;
  /** Move the clock and the timers together. */
  const advance = (ms: number): void => {
    for (let step = 0; step < ms; step += 100) {
      clock += 100;
      mock.timers.tick(100);
    }
  };
  beforeEach(() => {
    clock = 1_000_000;
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => mock.timers.reset());

  test('each stream beats once per heartbeat interval, and the beats are spread over the ticks', () => {
    const streams = new Set<TickedStream>();
    const ticker = createStreamTicker(streams, { heartbeatMs: 3000, resolutionMs: 1000, now });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => fakeStream(streams, name)) as [FakeStream, FakeStream, FakeStream];
    for (const stream of [a, b, c]) ticker.add(stream);
    advance(1000);
    assert.equal(a.beats + b.beats + c.beats, 1, 'one stream beats at the first tick');
    advance(1000);
    assert.equal(a.beats + b.beats + c.beats, 2, 'another at the second');
    advance(1000);
    assert.deepEqual([a.beats, b.beats, c.beats], [1, 1, 1]);
    advance(3000);
    assert.deepEqual([a.beats, b.beats, c.beats], [2, 2, 2]);
  });

  test('a heartbeat shorter than the resolution beats every stream at every tick', () => {
    const streams = new Set<TickedStream>();
    const ticker = createStreamTicker(streams, { heartbeatMs: 200, now });
    const a = fakeStream(streams, 'a');
    const b = fakeStream(streams, 'b');
    ticker.add(a);
    ticker.add(b);
    advance(1000);
    assert.deepEqual([a.beats, b.beats], [5, 5]);
  });

  test('a stream is ended as token_expired at the first tick after its end time, and beats no more', () => {
    const streams = new Set<TickedStream>();
    const ticker = createStreamTicker(streams, { heartbeatMs: 1000, resolutionMs: 1000, now });
    const expiring = fakeStream(streams, 'expiring', clock + 2500);
    const staying = fakeStream(streams, 'staying');
    ticker.add(expiring);
    ticker.add(staying);
    advance(2000);
    assert.equal(expiring.closedWith, undefined);
    advance(1000);
    assert.equal(expiring.closedWith, 'token_expired');
    assert.deepEqual([...streams], [staying]);
    const beats = expiring.beats;
    advance(2000);
    assert.equal(expiring.beats, beats);
    assert.equal(staying.closedWith, undefined);
  });

  test('the timer runs only while a stream is open', () => {
    const streams = new Set<TickedStream>();
    const ticker = createStreamTicker(streams, { heartbeatMs: 1000, now });
    assert.equal(ticker.running, false);
    const first = fakeStream(streams, 'first');
    ticker.add(first);
    assert.equal(ticker.running, true);
    first.close('client_closed');
    advance(1000);
    assert.equal(ticker.running, false);
    const second = fakeStream(streams, 'second');
    ticker.add(second);
    assert.equal(ticker.running, true);
    advance(1000);
    assert.equal(second.beats, 1);
  });
});
