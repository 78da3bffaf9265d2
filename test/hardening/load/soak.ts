// The soak (issue 7): whole journeys and status streams against the compiled proxy in its own process for
// 10 minutes, its memory sampled every 15 s, then the series and a verdict on whether it stayed flat.
//
//   npm run soak                      # 10 minutes
//   SOAK_MINUTES=3 npm run soak       # shorter
//
// Options (environment): SOAK_MINUTES (10), SOAK_SAMPLE_SECONDS (15), SOAK_INVESTORS_PER_ROUND (50: each
// round is the whole journey of that many new investors, as in `journeys-load.test.ts`, back to back),
// SOAK_STREAMS (200 status streams held open all along, reopened when the proxy ends them),
// SOAK_TOKEN_SECONDS (120: the sale's widget-token lifetime, 60 to 900), SOAK_STORE
// (`redis`, the default: the proxy's shared state in a redis-server of its own, as a deployment behind a
// load balancer keeps it; `memory`: the single-instance default, in the proxy's own heap).
//
// Why Redis by default: the shared state (seen webhook ids for 4 days, upload keys for 90 days, sent
// submissions for a day, rate-limit windows) is kept on purpose, for its time to live, and grows with
// every new investor. In the proxy's own memory it makes the heap rise with the investors served (the
// soak prints how much per journey), which says nothing about leaks; in Redis, what is left in the
// proxy's memory is its own, and that is what must stay flat.
//
// Memory is read inside the proxy (`process-probe.ts`): as it is, and after a full garbage collection.
// The verdict is on the collected figures, whose trend is what is really held (the figures as they are
// rise and fall with the collector's timing): the least-squares slope over the second half of the run
// (the first half is warm-up), within MEMORY_TOLERANCE_MB_PER_MINUTE. Exit status 0 when memory is flat
// and every journey and stream succeeded, 1 otherwise.
import { availableParallelism } from 'node:os';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { deadlineIn } from './deadline.js';
import { startJourneyStack, type JourneyStack } from './journey-stack.js';
import { journeyProblems } from './journeys-report.js';
import { runJourneys } from './journeys.js';
import { memoryTrend, type MemoryPoint } from './memory-trend.js';
import { startStreamPool, type StreamPool } from './stream-pool.js';

/** How much a series may rise or fall per minute over the second half and still be called flat. */
const MEMORY_TOLERANCE_MB_PER_MINUTE = { heapUsedAfterGc: 0.5, rssAfterGc: 2 } as const;
const MB = 1024 * 1024;

function setting(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

const minutes = setting('SOAK_MINUTES', 10);
const sampleSeconds = setting('SOAK_SAMPLE_SECONDS', 15);
const perRound = Math.round(setting('SOAK_INVESTORS_PER_ROUND', 50));
const streamCount = Math.round(setting('SOAK_STREAMS', 200));
// Short-lived tokens, so that a 10-minute run sees several lifetimes: streams renewed with fresh tokens,
// and the proxy's cache of verified tokens dropping the expired ones (at the 15-minute default it only fills).
const tokenLifetimeSeconds = Math.round(setting('SOAK_TOKEN_SECONDS', 120));
const store = process.env['SOAK_STORE'] ?? 'redis';
if (store !== 'redis' && store !== 'memory') throw new Error(`SOAK_STORE must be redis or memory, got "${store}"`);
const withRedis = store === 'redis';

/** One memory sample of the proxy. */
interface Sample {
  seconds: number;
  rss: number;
  heapUsed: number;
  rssAfterGc: number;
  heapUsedAfterGc: number;
  streams: number;
  journeys: number;
}

const mb = (bytes: number): string => (bytes / MB).toFixed(1).padStart(7);
const sampleLine = (sample: Sample): string =>
  `  ${sample.seconds.toFixed(0).padStart(5)} s  RSS ${mb(sample.rss)}  heap ${mb(sample.heapUsed)}  | after GC: RSS ${mb(sample.rssAfterGc)}  heap ${mb(sample.heapUsedAfterGc)}  | streams ${String(sample.streams).padStart(4)}  journeys ${String(sample.journeys).padStart(6)}`;

let redis: RedisServer | undefined;
let stack: JourneyStack | undefined;
let pool: StreamPool | undefined;
let sampler: NodeJS.Timeout | undefined;
let exitCode = 1;
try {
  redis = withRedis ? await startRedisServer() : undefined;
  stack = await startJourneyStack({
    mailsKept: perRound * 4,
    proxyNodeArgs: ['--expose-gc'],
    tokenLifetimeSeconds,
    ...(redis === undefined ? {} : { proxyEnv: { REDIS_URL: redis.url } }),
  });
  const running = stack;
  console.log(`soak: ${minutes} min of whole journeys (${perRound} new investors a round, back to back) and ${streamCount} status streams held open,`);
  console.log(`  against the compiled proxy in its own process (${withRedis ? 'shared state in redis-server' : 'in-memory store'}, LOG_LEVEL=warn); widget tokens live ${tokenLifetimeSeconds} s; memory sampled every ${sampleSeconds} s; ${availableParallelism()} CPU cores`);
  console.log('  MB:    time          as it is             | after a full garbage collection |');

  const started = performance.now();
  const samples: Sample[] = [];
  let journeys = 0;
  const sample = async (): Promise<void> => {
    const asItIs = await running.proxy.probe();
    const collected = await running.proxy.probe({ gc: true });
    const taken: Sample = {
      seconds: (performance.now() - started) / 1000,
      rss: asItIs.memory.rss,
      heapUsed: asItIs.memory.heapUsed,
      rssAfterGc: collected.memory.rss,
      heapUsedAfterGc: collected.memory.heapUsed,
      streams: pool?.open() ?? 0,
      journeys,
    };
    samples.push(taken);
    console.log(sampleLine(taken));
  };
  await sample();
  pool = await startStreamPool(running.proxy.url, streamCount, 'held');
  let sampling = Promise.resolve();
  sampler = setInterval(() => {
    sampling = sampling.then(sample).catch((error: unknown) => console.log(`  sample failed: ${(error as Error).message}`));
  }, sampleSeconds * 1000);

  // Journeys back to back until the time is up; a round that has started finishes.
  const endAt = Date.now() + minutes * 60_000;
  const deadline = deadlineIn(minutes * 60 + 600);
  const problems: string[] = [];
  let rounds = 0;
  while (Date.now() < endAt) {
    rounds += 1;
    const report = await runJourneys(running, { investors: perRound, runLabel: `round${rounds}`, connections: 8, deadline });
    journeys += report.completed;
    problems.push(...journeyProblems(report).map((problem) => `round ${rounds}: ${problem}`));
  }
  clearInterval(sampler);
  await sampling;
  await sample();

  const streamFailures = pool.failures();
  const reopened = pool.reopened();
  const firstStreamFailure = pool.firstFailure();
  pool.close();
  if (streamFailures > 0) problems.push(`status streams that could not be opened: ${streamFailures} (first: ${firstStreamFailure ?? ''})`);

  const series = (pick: (sample: Sample) => number): MemoryPoint[] => samples.map((taken) => ({ seconds: taken.seconds, bytes: pick(taken) }));
  const heapTrend = memoryTrend(series((taken) => taken.heapUsedAfterGc), MEMORY_TOLERANCE_MB_PER_MINUTE.heapUsedAfterGc);
  const rssTrend = memoryTrend(series((taken) => taken.rssAfterGc), MEMORY_TOLERANCE_MB_PER_MINUTE.rssAfterGc);
  const rawRss = memoryTrend(series((taken) => taken.rss), MEMORY_TOLERANCE_MB_PER_MINUTE.rssAfterGc);
  const first = samples[0];
  const last = samples.at(-1);
  const slope = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(2)} MB/min`;

  console.log(`soak: ${journeys.toLocaleString('en')} journeys completed in ${rounds} rounds over ${((performance.now() - started) / 60_000).toFixed(1)} min; ${streamCount} streams held, ${reopened} reopened after the proxy ended them`);
  if (first !== undefined && last !== undefined) {
    console.log(`  RSS ${mb(first.rss).trim()} → ${mb(last.rss).trim()} MB as it is, ${mb(first.rssAfterGc).trim()} → ${mb(last.rssAfterGc).trim()} MB after GC; heap after GC ${mb(first.heapUsedAfterGc).trim()} → ${mb(last.heapUsedAfterGc).trim()} MB`);
  }
  console.log(`  trend over the second half (${heapTrend.samples} samples, least squares): heap after GC ${slope(heapTrend.mbPerMinute)} (tolerance ±${heapTrend.toleranceMbPerMinute}),`
    + ` RSS after GC ${slope(rssTrend.mbPerMinute)} (tolerance ±${rssTrend.toleranceMbPerMinute}); RSS as it is ${slope(rawRss.mbPerMinute)} (for information)`);
  const journeysPerMinute = (journeys * 60) / Math.max(1, (last?.seconds ?? 0) - (first?.seconds ?? 0));
  console.log(`  heap after GC per journey over the second half: ${((heapTrend.mbPerMinute * 1024) / journeysPerMinute).toFixed(2)} KB (${journeysPerMinute.toFixed(0)} journeys/min)`);
  const flat = heapTrend.flat && rssTrend.flat;
  console.log(`  memory: ${flat ? 'FLAT' : heapTrend.samples < 4 ? 'too few samples to say (run longer)' : 'NOT flat'}`);
  console.log(problems.length === 0 ? '  errors: none' : `  errors (${problems.length}):`);
  for (const problem of problems.slice(0, 20)) console.log(`    ${problem}`);
  exitCode = flat && problems.length === 0 ? 0 : 1;
} catch (error) {
  console.error('soak failed:', error);
} finally {
  if (sampler !== undefined) clearInterval(sampler);
  pool?.close();
  await stack?.close();
  await redis?.stop();
}
process.exit(exitCode);
