// Memory of the proxy holding 2,000 open status streams (`GET /v1/sales/acme/kyc/events`), one per
// investor. The proxy runs alone in a child process, started as `npm run proxy` starts it (`node --import
// tsx proxy/server.ts`, one instance, in-memory store), so its memory is measured by itself; the sandbox,
// the SMTP catcher and the 2,000 stream clients live in this process. Memory as the operator sees it comes
// from the proxy's own `/metrics` (prom-client's `process_resident_memory_bytes` and
// `nodejs_heap_size_used_bytes`, cross-checked against `/proc/<pid>/status`); memory actually held comes
// from `memory-probe.ts`, preloaded into the child, after a full garbage collection.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, INTEGRATOR_KEY, SALE_ID, SALE_ORIGIN, startStack, WEBHOOK_SECRET, type Stack } from '../proxy/support/proxy-stack.js';
import type { MemoryProbeAnswer, MemoryProbeRequest } from './memory-probe.js';

/** The goal: the proxy's resident memory with 2,000 open streams. */
const GOAL_BYTES = 150 * 1024 * 1024;
const MB = 1024 * 1024;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

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
}

/** The figures of {@link benchProxyStreams}. */
export interface ProxyStreamsBenchResult {
  streams: number;
  investors: number;
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

/** A proxy running in its own process. */
interface ChildProxy {
  url: string;
  pid: number;
  /** `process.memoryUsage()` in the child after a full garbage collection. */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  /** Stop it (SIGTERM, then SIGKILL after 10 s) and wait for it to exit. */
  stop(): Promise<void>;
}

/** Read the proxy's memory: `/metrics` first (as it is), then the probe (after collecting garbage). */
async function memoryOf(proxy: ChildProxy): Promise<ProxyMemory & { openStreams: number }> {
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
  const collected = await proxy.memoryAfterGc();
  return {
    rss,
    heapUsed: read('kyc_proxy_nodejs_heap_size_used_bytes'),
    rssAfterGc: collected.rss,
    heapUsedAfterGc: collected.heapUsed,
    openStreams: read('kyc_proxy_status_streams_open'),
  };
}

/** Start `proxy/server.ts` in a child process on the stack's sandbox and catcher; resolves once `/healthz` answers. */
async function startChildProxy(stack: Stack): Promise<ChildProxy> {
  const provider = stack.proxies[0]?.deps.config.sales.get(SALE_ID)?.provider;
  assert.ok(provider !== undefined, 'the stack has the sale');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    PROXY_CONFIG_FILE: join(stack.dir, 'proxy.json'),
    PROXY_DATA_DIR: join(stack.dir, 'child-proxy-data'),
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: String(port),
    PROXY_PUBLIC_URL: url,
    SMTP_URL: `smtp://127.0.0.1:${stack.catcher.port}`,
    MAIL_FROM: 'Acme KYC <kyc@acme.test>',
    TEST_PROVIDER_SECRET: provider.apiSecret.reveal(),
    TEST_WEBHOOK_SECRET: WEBHOOK_SECRET,
    LOG_LEVEL: 'warn',
  };
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', './test/bench/memory-probe.ts', 'proxy/server.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // `once` rejects on an 'error' event (e.g. a failed kill); stopping only needs to know it is over.
  const exited = once(child, 'exit').catch(() => undefined);
  const memoryAfterGc = async (): Promise<NodeJS.MemoryUsage> => {
    const answered = new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the memory probe did not answer within 10 s')), 10_000);
      const onMessage = (message: unknown): void => {
        const answer = message as Partial<MemoryProbeAnswer>;
        if (answer.probe !== 'memory' || answer.memory === undefined) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if (answer.collected !== true) reject(new Error('the proxy could not collect garbage (is --expose-gc given?)'));
        else resolve(answer.memory);
      };
      child.on('message', onMessage);
    });
    child.send({ probe: 'memory', gc: true } satisfies MemoryProbeRequest);
    return answered;
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the child proxy exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the child proxy did not answer /healthz within 30 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(child.pid !== undefined);
  return { url, pid: child.pid, memoryAfterGc, stop };
}

/** Run `task` over `items` with at most `concurrency` at once, keeping the results' order. */
async function inPool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  }));
  return results;
}

/** A widget token for a new investor, vouched for by the sale's backend (host-authenticated mode). */
async function hostSessionToken(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/v1/sales/${SALE_ID}/host-sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${INTEGRATOR_KEY}` },
    body: JSON.stringify({ email, origin: SALE_ORIGIN }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { token?: string };
  assert.equal(response.status, 201, JSON.stringify(body));
  assert.ok(typeof body.token === 'string');
  return body.token;
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
    + ` | after a full GC: RSS ${mb(memory.rssAfterGc).padStart(9)}, heap used ${mb(memory.heapUsedAfterGc).padStart(8)}`;
}

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

  const stack = await startStack({ env: { LOG_LEVEL: 'warn' } });
  let proxy: ChildProxy | undefined;
  const streams: ClientRequest[] = [];
  try {
    proxy = await startChildProxy(stack);
    const childLimits = openFileLimits(proxy.pid);
    const start = await memoryOf(proxy);

    const tokensStarted = performance.now();
    const emails = Array.from({ length: investorCount }, (_, index) => `bench.stream.${index}@example.com`);
    const tokens = await inPool(emails, 16, (email) => hostSessionToken(proxy!.url, email));
    const mintSeconds = (performance.now() - tokensStarted) / 1000;
    const baseline = await memoryOf(proxy);

    const openStarted = performance.now();
    await inPool(Array.from({ length: streamCount }, (_, index) => tokens[index % tokens.length] as string), openConcurrency, async (token) => {
      streams.push(await openStream(proxy!.url, token, 30_000));
    });
    const openSeconds = (performance.now() - openStarted) / 1000;
    const proxyUrl = proxy.url;
    await waitUntil(async () => (await metricsOf(proxyUrl)).get('kyc_proxy_status_streams_open') === streamCount, 10_000, 'the proxy to count every stream');
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
    console.log('proxyStreams: memory of the proxy in its own process (as `npm run proxy`: node --import tsx proxy/server.ts), in-memory store, LOG_LEVEL=warn');
    console.log(`  ${streamCount.toLocaleString('en')} status streams over ${investorCount.toLocaleString('en')} investors, one connection each, all past their first status event`);
    console.log(`  open files allowed: this process ${ours?.soft ?? '?'}, the proxy ${childLimits?.soft ?? '?'} (needs about ${needed})`);
    console.log(`  ${investorCount.toLocaleString('en')} host-session tokens minted in ${mintSeconds.toFixed(1)} s; streams opened in ${openSeconds.toFixed(1)} s (${openConcurrency} at a time)`);
    console.log(memoryLine('at start:', start));
    console.log(memoryLine(`${investorCount.toLocaleString('en')} signed in, no stream:`, baseline));
    console.log(memoryLine(`with ${streamCount.toLocaleString('en')} streams:`, loaded));
    console.log(`  per stream (after GC, with − without): ${(perStream.rss / 1024).toFixed(1)} KB RSS, ${(perStream.heapUsed / 1024).toFixed(1)} KB heap`);
    console.log(`  goal RSS <= ${mb(GOAL_BYTES)} with ${streamCount.toLocaleString('en')} streams (as /metrics reports it): ${mb(loaded.rss)}, ${goalMet ? 'goal MET' : 'goal NOT met'}`);

    for (const stream of streams.splice(0)) stream.destroy();
    await waitUntil(async () => (await metricsOf(proxyUrl)).get('kyc_proxy_status_streams_open') === 0, 15_000, 'the proxy to close every stream');
    const pick = ({ rss, heapUsed, rssAfterGc, heapUsedAfterGc }: ProxyMemory): ProxyMemory => ({ rss, heapUsed, rssAfterGc, heapUsedAfterGc });
    return { streams: streamCount, investors: investorCount, start: pick(start), baseline: pick(baseline), withStreams: pick(loaded), perStream, goalMet };
  } finally {
    for (const stream of streams) stream.destroy();
    await proxy?.stop();
    await stack.close();
  }
}
