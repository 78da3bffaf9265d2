import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { keepAliveAgent, percentile, runClosedLoop, summarize, type LoadRun } from './load-loop.js';

describe('percentile', () => {
  test('is the nearest-rank value of sorted samples', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile(values, 0), 1);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([1, 2, 3], 50), 2);
  });

  test('of no samples is NaN, not zero', () => {
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});

describe('summarize', () => {
  test('adds the runs up: rate over the total time, percentiles over every sample', () => {
    const runs: LoadRun[] = [
      { requests: 3, failures: 0, seconds: 1, latenciesMs: [3, 1, 2] },
      { requests: 1, failures: 2, seconds: 1, latenciesMs: [10], firstFailure: 'HTTP 503: busy' },
    ];
    const summary = summarize(runs);
    assert.equal(summary.requests, 4);
    assert.equal(summary.failures, 2);
    assert.equal(summary.perSecond, 2);
    assert.equal(summary.p50Ms, 2);
    assert.equal(summary.p99Ms, 10);
    assert.deepEqual(summary.perSecondByRun, [3, 1]);
    assert.equal(summary.firstFailure, 'HTTP 503: busy');
  });
});

describe('runClosedLoop', () => {
  let server: Server;
  let origin: string;
  const seenPaths: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const sockets = new Set<unknown>();

  before(async () => {
    server = createServer((req, res) => {
      seenPaths.push(req.url ?? '');
      sockets.add(req.socket);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      // A short delay so that clients overlap and the concurrency is visible to the server.
      setTimeout(() => {
        inFlight -= 1;
        const ok = req.url?.startsWith('/ok') === true;
        res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain' });
        res.end(ok ? 'fine' : 'broken on purpose');
      }, 3);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('keeps exactly `concurrency` requests going over reused connections, building each request afresh', async () => {
    seenPaths.length = 0;
    mostInFlight = 0;
    sockets.clear();
    const agent = keepAliveAgent(4);
    let built = 0;
    try {
      const run = await runClosedLoop({
        origin,
        agent,
        concurrency: 4,
        durationMs: 300,
        nextRequest: () => ({ path: `/ok?n=${(built += 1)}`, headers: { Accept: 'text/plain' } }),
      });
      assert.ok(run.requests > 4, `some rounds were made (${run.requests})`);
      assert.equal(run.failures, 0);
      assert.equal(run.latenciesMs.length, run.requests);
      assert.ok(run.latenciesMs.every((ms) => ms > 0));
      assert.equal(seenPaths.length, run.requests);
      assert.equal(new Set(seenPaths).size, seenPaths.length, 'every request was built afresh');
      assert.equal(mostInFlight, 4);
      assert.equal(sockets.size, 4, 'one keep-alive connection per client');
    } finally {
      agent.destroy();
    }
  });

  test('counts answers with another status as failures, with the first one described', async () => {
    const agent = keepAliveAgent(2);
    try {
      const run = await runClosedLoop({ origin, agent, concurrency: 2, durationMs: 50, nextRequest: () => ({ path: '/broken', headers: {} }) });
      assert.equal(run.requests, 0);
      assert.ok(run.failures > 0);
      assert.deepEqual(run.latenciesMs, []);
      assert.equal(run.firstFailure, 'HTTP 500: broken on purpose');
    } finally {
      agent.destroy();
    }
  });

  test('counts a refused connection as a failure instead of throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const agent = keepAliveAgent(1);
    try {
      const run = await runClosedLoop({ origin: `http://127.0.0.1:${port}`, agent, concurrency: 1, durationMs: 30, nextRequest: () => ({ path: '/', headers: {} }) });
      assert.equal(run.requests, 0);
      assert.ok(run.failures > 0);
      assert.match(run.firstFailure ?? '', /ECONNREFUSED/);
    } finally {
      agent.destroy();
    }
  });
});
