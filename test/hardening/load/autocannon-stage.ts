/**
 * One stage of a load run: one route, requested once for each item (investor) by autocannon over
 * `connections` keep-alive connections, each request built for its item (`setupRequest`) and each answer
 * handed back with its item (`onResponse`), so a route gets its own latency histogram while every
 * investor carries on with their own token, file keys and answers.
 *
 * autocannon ships no types; the few parts of its programmatic API used here are typed below and it is
 * loaded with `require` (it is a CommonJS package).
 */
import { createRequire } from 'node:module';
import type { Deadline } from './deadline.js';
import { DeadlineExceeded } from './deadline.js';

/** A request as autocannon's `setupRequest` sees and returns it. */
interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

type Context = Record<string, unknown>;

interface AutocannonOptions {
  url: string;
  connections: number;
  amount: number;
  /** Seconds an answer may take before the request counts as a timeout. */
  timeout: number;
  requests: Array<{
    setupRequest(request: RawRequest, context: Context): RawRequest;
    onResponse(status: number, body: string, context: Context): void;
  }>;
}

interface Histogram {
  p50: number;
  p99: number;
  average: number;
  max: number;
}

interface AutocannonResult {
  latency: Histogram;
  errors: number;
  timeouts: number;
}

interface Tracker {
  stop(): void;
}

type Autocannon = (options: AutocannonOptions, done: (error: Error | null, result: AutocannonResult) => void) => Tracker;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** What to send for one item. */
export interface StageRequest {
  method: 'GET' | 'POST';
  /** Path and query on the stage's origin. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Options of {@link runStage}. */
export interface StageOptions<T> {
  /** The route, as printed (e.g. `POST /v1/sales/:sale/codes`). */
  route: string;
  /** `http://127.0.0.1:<port>` of the server. */
  origin: string;
  items: readonly T[];
  connections: number;
  /** The request for one item. */
  request(item: T): StageRequest;
  /** The status of a successful answer. */
  expectStatus: number;
  /** Called with each successful answer's body (e.g. to keep the token it carries). */
  onAnswer?(item: T, body: string): void;
  deadline: Deadline;
  /** Seconds one answer may take. Default 60. */
  timeoutSeconds?: number;
}

/** What one stage measured. */
export interface StageResult {
  route: string;
  /** Items requested. */
  requests: number;
  /** Answers with the expected status. */
  ok: number;
  /** Everything else, by kind: an HTTP status (`503`), `timeout`, `connection error`, or `no answer`. */
  errors: Record<string, number>;
  /** The first unexpected answer (status and the start of its body), for the report. */
  firstFailure?: string;
  /** Indexes (into `items`) of the items whose request failed. */
  failedItems: number[];
  /** Latency of every answer (autocannon's histogram), ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Successful answers per second over the stage. */
  perSecond: number;
  /** From the first request to the last answer. */
  seconds: number;
}

/** Run one stage: every item's request once, at most `connections` at a time. */
export async function runStage<T>(options: StageOptions<T>): Promise<StageResult> {
  const { items, deadline } = options;
  const connections = Math.max(1, Math.min(options.connections, items.length));
  const errors: Record<string, number> = {};
  const answered = new Array<boolean>(items.length).fill(false);
  let ok = 0;
  let firstFailure: string | undefined;
  let next = 0;
  if (items.length === 0) return { route: options.route, requests: 0, ok: 0, errors, failedItems: [], p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN, perSecond: 0, seconds: 0 };

  const remaining = deadline.remainingMs(options.route);
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    let capped = false;
    const tracker = autocannon({
      url: options.origin,
      connections,
      amount: items.length,
      timeout: options.timeoutSeconds ?? 60,
      requests: [{
        setupRequest(request, context) {
          // autocannon builds exactly one request per item (`amount`); each carries its item's index.
          const index = next;
          next += 1;
          context['index'] = index;
          const wanted = options.request(items[index] as T);
          // A copy of the headers: autocannon writes the body's Content-Length into the object it is given,
          // which would stay behind in a caller's shared headers and corrupt a later request without a body.
          return { ...request, method: wanted.method, path: wanted.path, headers: { ...wanted.headers }, ...(wanted.body === undefined ? {} : { body: wanted.body }) };
        },
        onResponse(status, body, context) {
          const index = context['index'] as number;
          lastAnswerAt = performance.now();
          answered[index] = true;
          let failure: string | undefined;
          if (status !== options.expectStatus) {
            failure = String(status);
            firstFailure ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          } else {
            try {
              options.onAnswer?.(items[index] as T, body);
            } catch (error) {
              // Thrown into autocannon, it would break the connection's parser and every later request on it.
              failure = 'unreadable answer';
              firstFailure ??= `HTTP ${status} unreadable: ${(error as Error).message}: ${body.slice(0, 200)}`;
            }
          }
          if (failure === undefined) {
            ok += 1;
          } else {
            errors[failure] = (errors[failure] ?? 0) + 1;
            answered[index] = false;
          }
        },
      }],
    }, (error, value) => {
      clearTimeout(cap);
      if (capped) return;
      if (error) reject(error);
      else resolve(value);
    });
    const cap = setTimeout(() => {
      capped = true;
      tracker.stop();
      reject(new DeadlineExceeded(`the run passed its hard cap of ${deadline.seconds} s during ${options.route} (a hang guard, not a speed goal)`));
    }, remaining);
  });

  // Not autocannon's duration: it ends on its next one-second tick after the last answer.
  const seconds = (lastAnswerAt - startedAt) / 1000;
  const failedItems = answered.flatMap((done, index) => (done ? [] : [index]));
  const unanswered = failedItems.length - Object.values(errors).reduce((sum, count) => sum + count, 0);
  if (result.timeouts > 0) errors['timeout'] = result.timeouts;
  if (result.errors - result.timeouts > 0) errors['connection error'] = result.errors - result.timeouts;
  const explained = (errors['timeout'] ?? 0) + (errors['connection error'] ?? 0);
  if (unanswered > explained) errors['no answer'] = unanswered - explained;
  return {
    route: options.route,
    requests: items.length,
    ok,
    errors,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    failedItems,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    perSecond: seconds > 0 ? ok / seconds : 0,
    seconds,
  };
}
