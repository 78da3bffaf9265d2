/**
 * A small closed-loop HTTP load generator for the benchmarks: `concurrency` virtual clients, each sending
 * its next request as soon as the previous answer is fully read, over keep-alive connections, for a fixed
 * time. Closed loop (not a fixed arrival rate) because what we compare is how much one server can do with
 * the same number of clients waiting on it; latency is timed per request with `process.hrtime`.
 * It predates autocannon, which the journey load test (test/hardening/load/) now uses; the status and
 * streams figures in the README were measured with this loop, so it stays until they are measured again.
 */
import { Agent, request } from 'node:http';

/** One request to send: built afresh for every request (so a signature can carry a fresh timestamp). */
export interface LoadRequest {
  /** Path and query, e.g. `/v1/sales/acme/kyc`. */
  path: string;
  headers: Record<string, string>;
}

/** What a run measured. */
export interface LoadRun {
  /** Requests answered with the expected status. */
  requests: number;
  /** Answers with another status, or transport errors. */
  failures: number;
  /** Wall-clock time of the run, seconds. */
  seconds: number;
  /** Latency of each successful request, ms, in completion order. */
  latenciesMs: number[];
  /** The first failure seen (status and a bit of the body, or the error message), for the report. */
  firstFailure?: string;
}

/** Options of {@link runClosedLoop}. */
export interface LoadLoopOptions {
  /** `http://host:port` of the server. */
  origin: string;
  /** A keep-alive agent; give it `maxSockets >= concurrency` so no client queues for a socket. */
  agent: Agent;
  concurrency: number;
  durationMs: number;
  /** The next request to send. */
  nextRequest: () => LoadRequest;
  /** The status a successful answer has. Default 200. */
  expectStatus?: number;
}

/** A keep-alive agent with one socket per virtual client (reused across runs, so connections stay warm). */
export function keepAliveAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

interface Answer {
  status: number;
  body: string;
}

function send(origin: URL, agent: Agent, spec: LoadRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: origin.hostname, port: origin.port, path: spec.path, method: 'GET', headers: spec.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Drive the server with `concurrency` clients for `durationMs` and return what was measured. */
export async function runClosedLoop(options: LoadLoopOptions): Promise<LoadRun> {
  const origin = new URL(options.origin);
  const expectStatus = options.expectStatus ?? 200;
  const latenciesMs: number[] = [];
  let requests = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(options.durationMs) * 1_000_000n;

  async function client(): Promise<void> {
    while (process.hrtime.bigint() < deadline) {
      const sentAt = process.hrtime.bigint();
      try {
        const answer = await send(origin, options.agent, options.nextRequest());
        if (answer.status === expectStatus) {
          requests += 1;
          latenciesMs.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
        } else {
          failures += 1;
          firstFailure ??= `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
        }
      } catch (error) {
        failures += 1;
        firstFailure ??= (error as Error).message;
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { requests, failures, seconds, latenciesMs, ...(firstFailure !== undefined ? { firstFailure } : {}) };
}

/** The `p`-th percentile (0–100) of ascending-sorted values, nearest-rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Several runs of one target taken together. */
export interface LoadSummary {
  requests: number;
  failures: number;
  /** Successful requests per second over all runs' time. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests per second of each run, in order (to see the spread between rounds). */
  perSecondByRun: number[];
  firstFailure?: string;
}

/** Sum up the runs of one target. */
export function summarize(runs: readonly LoadRun[]): LoadSummary {
  const sorted = runs.flatMap((run) => run.latenciesMs).sort((a, b) => a - b);
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const firstFailure = runs.find((run) => run.firstFailure !== undefined)?.firstFailure;
  return {
    requests,
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    perSecond: seconds > 0 ? requests / seconds : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    perSecondByRun: runs.map((run) => (run.seconds > 0 ? run.requests / run.seconds : 0)),
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}
