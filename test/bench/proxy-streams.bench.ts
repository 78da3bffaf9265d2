// Memory of the proxy holding 2,000 open status streams (`GET /v1/sales/acme/kyc/events`), one per
// investor. The proxy runs alone in a child process, compiled as a deployment runs it (`build-proxy.ts`;
// the tsx-run proxy of `npm run proxy` is measured at start too, for comparison), one instance, in-memory
// store; the sandbox runs in another child process, and the 2,000 stream clients live in this one. Memory
// as the operator sees it comes from the proxy's own `/metrics` (prom-client's
// `process_resident_memory_bytes` and `nodejs_heap_size_used_bytes`, cross-checked against
// `/proc/<pid>/status`); memory actually held comes from `process-probe.ts`, preloaded into the child,
// after a full garbage collection.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { SALE_ID, SALE_ORIGIN } from '../proxy/support/proxy-stack.js';
import { startBenchStack, hostSession, type BenchProxy, type BenchStack } from './bench-stack.js';
import { buildProxy, type BuiltProxy } from './build-proxy.js';
import { inPool } from '../support/in-pool.js';

/** The goal: the proxy's resident memory with 2,000 open streams. */
const GOAL_BYTES = 150 * 1024 * 1024;
const MB = 1024 * 1024;

/** Options of {@link benchProxyStreams}. */
export interface ProxyStreamsBenchOptions {
  /** Open streams. Default 2000. */
  streams?: number;
  /** Investors the streams are spread over (a token each, minted through host sessions). Default: one per stream. */
  investors?: number;
  /** Streams being opened at once. Default 50. */
  openConcurrency?: number;
}

/** The proxy's memory at one moment, bytes: as the operator sees it, and after a full garbage collection. */
export interface ProxyMemory {
  rss: number;
  heapUsed: number;
  rssAfterGc: number;
  heapUsedAfterGc: number;
  /** V8's young generation after the collection (it grows with the allocation rate and is kept). */
  newSpaceAfterGc: number;
}

/** The figures of {@link benchProxyStreams}. */
export interface ProxyStreamsBenchResult {
  streams: number;
  investors: number;
  /** The tsx-run proxy (`npm run proxy`) just started, for comparison. */
  startThroughTsx: ProxyMemory;
  /** Just started. */
  start: ProxyMemory;
  /** Every investor signed in, no stream open. */
  baseline: ProxyMemory;
  /** Every stream open. */
  withStreams: ProxyMemory;
  /** Bytes per stream, (withStreams − baseline) / streams, after a full garbage collection. */
  perStream: { rss: number; heapUsed: number };
  /** `withStreams.rss` within the goal. */
  goalMet: boolean;
}

/** The soft and hard limits on open files of a process, from `/proc/<pid>/limits`. */
function openFileLimits(pid: number | 'self'): { soft: number; hard: number } | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((text) => text.startsWith('Max open files'));
    const [soft, hard] = (line ?? '').replace('Max open files', '').trim().split(/\s+/);
    const parse = (text: string | undefined): number => (text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text));
    return line === undefined ? undefined : { soft: parse(soft), hard: parse(hard) };
  } catch {
    return undefined;
  }
}

/** Resident memory of a process from the kernel (`VmRSS`), bytes. */
function kernelRss(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match?.[1] !== undefined, 'VmRSS is in /proc/<pid>/status');
  return Number(match[1]) * 1024;
}

/** The unlabelled samples of a Prometheus text exposition. */
async function metricsOf(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** Read the proxy's memory: `/metrics` first (as it is), then the probe (after collecting garbage). */
async function memoryOf(proxy: BenchProxy): Promise<ProxyMemory & { openStreams: number }> {
  const samples = await metricsOf(proxy.url);
  const read = (name: string): number => {
    const value = samples.get(name);
    assert.ok(value !== undefined, `/metrics has ${name}`);
    return value;
  };
  const rss = read('kyc_proxy_process_resident_memory_bytes');
  // prom-client reads /proc/self/status too: the same figure, give or take what changed in between.
  const kernel = kernelRss(proxy.pid);
  assert.ok(Math.abs(kernel - rss) < 0.1 * rss, `/metrics RSS ${rss} agrees with VmRSS ${kernel}`);
  const collected = await proxy.probe({ gc: true });
  return {
    rss,
    heapUsed: read('kyc_proxy_nodejs_heap_size_used_bytes'),
    rssAfterGc: collected.memory.rss,
    heapUsedAfterGc: collected.memory.heapUsed,
    newSpaceAfterGc: collected.newSpaceBytes,
    openStreams: read('kyc_proxy_status_streams_open'),
  };
}


/** Open one status stream; resolves once its first `status` event has arrived, with the request to end it. */
function openStream(url: string, token: string, timeoutMs: number): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}/v1/sales/${SALE_ID}/kyc/events`);
    // One connection per stream, as every investor's browser has its own.
    const req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      agent: false,
      headers: { Accept: 'text/event-stream', Origin: SALE_ORIGIN, Authorization: `Bearer ${token}` },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no first status event within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        req.destroy();
        reject(new Error(`the stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      // Keep reading (heartbeats) after the first event so the socket never backs up.
      let text: string | undefined = '';
      res.on('data', (chunk: string) => {
        if (text === undefined) return;
        text += chunk;
        if (/^event: status$/m.test(text)) {
          clearTimeout(timer);
          text = undefined;
          resolve(req);
        }
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

function memoryLine(label: string, memory: ProxyMemory): string {
  return `  ${label.padEnd(34)} RSS ${mb(memory.rss).padStart(9)}, heap used ${mb(memory.heapUsed).padStart(8)}`
    + ` | after a full GC: RSS ${mb(memory.rssAfterGc).padStart(9)}, heap used ${mb(memory.heapUsedAfterGc).padStart(8)}, young generation ${mb(memory.newSpaceAfterGc).padStart(8)}`;
}

/** The memory of the tsx-run proxy (`npm run proxy`) at start, for comparison with the compiled one. */
async function startMemoryThroughTsx(stack: BenchStack): Promise<ProxyMemory> {
  const proxy = await stack.startProxy('tsx', { nodeArgs: ['--expose-gc'] });
  try {
    return pick(await memoryOf(proxy));
  } finally {
    await proxy.stop();
  }
}

const pick = ({ rss, heapUsed, rssAfterGc, heapUsedAfterGc, newSpaceAfterGc }: ProxyMemory): ProxyMemory => ({ rss, heapUsed, rssAfterGc, heapUsedAfterGc, newSpaceAfterGc });

/** Run the status streams memory benchmark and return its figures. */
export async function benchProxyStreams(options: ProxyStreamsBenchOptions = {}): Promise<ProxyStreamsBenchResult> {
  const streamCount = options.streams ?? 2000;
  const investorCount = Math.min(options.investors ?? streamCount, streamCount);
  const openConcurrency = options.openConcurrency ?? 50;

  // Each stream is one socket here and one in the child (which inherits this limit), plus the provider's
  // connections, the sandbox's and the stack's files.
  const needed = streamCount + 500;
  const ours = openFileLimits('self');
  if (ours !== undefined && ours.soft < needed) {
    throw new Error(`this process may open ${ours.soft} files and the benchmark needs about ${needed}: run \`ulimit -n ${Math.max(needed, 8192)}\` first`);
  }

  let stack: BenchStack | undefined;
  let built: BuiltProxy | undefined;
  const streams: ClientRequest[] = [];
  try {
    [stack, built] = await Promise.all([startBenchStack(), buildProxy()]);
    const startThroughTsx = await startMemoryThroughTsx(stack);
    const proxy = await stack.startProxy(built, { nodeArgs: ['--expose-gc'] });
    const childLimits = openFileLimits(proxy.pid);
    const start = await memoryOf(proxy);

    const tokensStarted = performance.now();
    const emails = Array.from({ length: investorCount }, (_, index) => `bench.stream.${index}@example.com`);
    const tokens = await inPool(emails, 16, async (email) => (await hostSession(proxy.url, email)).token);
    const mintSeconds = (performance.now() - tokensStarted) / 1000;
    const baseline = await memoryOf(proxy);

    const openStarted = performance.now();
    await inPool(Array.from({ length: streamCount }, (_, index) => tokens[index % tokens.length] as string), openConcurrency, async (token) => {
      streams.push(await openStream(proxy.url, token, 30_000));
    });
    const openSeconds = (performance.now() - openStarted) / 1000;
    await waitUntil(async () => (await metricsOf(proxy.url)).get('kyc_proxy_status_streams_open') === streamCount, 10_000, 'the proxy to count every stream');
    // Let the burst of opening settle before reading memory.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const loaded = await memoryOf(proxy);
    assert.equal(loaded.openStreams, streamCount);
    assert.equal((await metricsOf(proxy.url)).get('kyc_proxy_status_streams_open'), streamCount, 'every stream is still open after the collection');

    const perStream = {
      rss: (loaded.rssAfterGc - baseline.rssAfterGc) / streamCount,
      heapUsed: (loaded.heapUsedAfterGc - baseline.heapUsedAfterGc) / streamCount,
    };
    const goalMet = loaded.rss <= GOAL_BYTES;
    console.log('proxyStreams: memory of the proxy in its own process, compiled (esbuild bundle, run with node), in-memory store, LOG_LEVEL=warn;');
    console.log('  the sandbox in another process, the stream clients in this one');
    console.log(`  ${streamCount.toLocaleString('en')} status streams over ${investorCount.toLocaleString('en')} investors, one connection each, all past their first status event`);
    console.log(`  open files allowed: this process ${ours?.soft ?? '?'}, the proxy ${childLimits?.soft ?? '?'} (needs about ${needed})`);
    console.log(`  ${investorCount.toLocaleString('en')} host-session tokens minted in ${mintSeconds.toFixed(1)} s; streams opened in ${openSeconds.toFixed(1)} s (${openConcurrency} at a time)`);
    console.log(memoryLine('through tsx (npm run proxy), start:', startThroughTsx));
    console.log(memoryLine('at start:', start));
    console.log(memoryLine(`${investorCount.toLocaleString('en')} signed in, no stream:`, baseline));
    console.log(memoryLine(`with ${streamCount.toLocaleString('en')} streams:`, loaded));
    console.log(`  per stream (after GC, with − without): ${(perStream.rss / 1024).toFixed(1)} KB RSS, ${(perStream.heapUsed / 1024).toFixed(1)} KB heap`);
    console.log(`  goal RSS <= ${mb(GOAL_BYTES)} with ${streamCount.toLocaleString('en')} streams (as /metrics reports it): ${mb(loaded.rss)}, ${goalMet ? 'goal MET' : 'goal NOT met'}`);

    for (const stream of streams.splice(0)) stream.destroy();
    await waitUntil(async () => (await metricsOf(proxy.url)).get('kyc_proxy_status_streams_open') === 0, 15_000, 'the proxy to close every stream');
    return { streams: streamCount, investors: investorCount, startThroughTsx, start: pick(start), baseline: pick(baseline), withStreams: pick(loaded), perStream, goalMet };
  } finally {
    for (const stream of streams) stream.destroy();
    await stack?.close();
    built?.remove();
  }
}
