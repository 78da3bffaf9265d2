// Throughput and latency of the status route through the proxy (`GET /v1/sales/acme/kyc`, which makes one
// signed `GET /api/v2/users-kyc/<id>` to the provider) against that same signed provider request sent
// straight to the sandbox, measured side by side in one run, in alternating rounds so that machine noise
// hits both alike. The proxy path includes the provider call, so the ratio proxy/direct shows what the
// proxy itself costs on top of the provider.
//
// One process per server, as deployed: the sandbox in one child process, the proxy (compiled, as a
// deployment runs it: `build-proxy.ts`) in another, and the load generator in this one. Each process's
// CPU time per request is read apart (`process-probe.ts`), so the output says where the time goes. On a
// machine with fewer cores than busy processes (the load generator, the proxy and the sandbox), they take
// turns on the cores, and the ratio also shows how much CPU the proxy takes from the other two.
//
// A third path, measured in the same rounds, goes through a bare `node:http` relay (`relay-process.ts`):
// one request in, one out, nothing else. It is the floor of any proxy running on Node, so the output
// shows how much of the gap to the sandbox is the proxy's own work and how much is being a proxy at all.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { signRequest, toQuery } from '../../proxy/signer.js';
import { SALE_ID, SALE_ORIGIN } from '../proxy/support/proxy-stack.js';
import { hostSession, startBenchStack, type BenchProxy, type BenchStack } from './bench-stack.js';
import { buildProxy, type BuiltProxy } from './build-proxy.js';
import { startChild, type BenchChild } from './child-process.js';
import { keepAliveAgent, runClosedLoop, summarize, type LoadRequest, type LoadRun, type LoadSummary } from './load-loop.js';
import type { RelayReady } from './relay-process.js';

/** The goal: the proxy serves at least this share of what the provider serves directly. */
const GOAL_RATIO = 0.8;

/** Options of {@link benchProxyStatus}. */
export interface ProxyStatusBenchOptions {
  /** Rounds per target (after one warm-up round each). Default 8. */
  rounds?: number;
  /** Length of one round, ms. Default 2000. */
  roundMs?: number;
  /** Virtual clients, the same for both targets. Default 16. */
  concurrency?: number;
}

/** The figures of {@link benchProxyStatus}. */
export interface ProxyStatusBenchResult {
  proxy: LoadSummary;
  direct: LoadSummary;
  /** Requests per second through the proxy over straight to the sandbox. */
  ratio: number;
  /** The median of each round's ratio (the runs of a round are back to back, so drift cancels). */
  medianRoundRatio: number;
  /** The same signed provider request through the bare relay. */
  relay: LoadSummary;
  /** Requests per second through the bare relay over straight to the sandbox: the floor's ratio. */
  relayRatio: number;
  /** CPU time per request (user + system) of each process, ms, on each path. */
  cpuMsPerRequest: { proxy: CpuPerRequest; relay: CpuPerRequest; direct: CpuPerRequest };
  goalMet: boolean;
}

/** CPU time of each process for one request, ms (`proxy` is the relay's on the relay path). */
export interface CpuPerRequest {
  loadGenerator: number;
  proxy: number;
  sandbox: number;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Origin: SALE_ORIGIN };

async function postJson(proxyUrl: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${proxyUrl}${path}`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Sign one investor in (a host session) and submit a KYC case, so the provider has a case to return. */
async function investorWithCase(proxyUrl: string): Promise<{ token: string; userId: string }> {
  const { token, userId } = await hostSession(proxyUrl, 'bench.investor@example.com');
  const tickets = await postJson(proxyUrl, `/v1/sales/${SALE_ID}/uploads`, {
    files: [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType: 'image/png' }],
  }, token);
  assert.equal(tickets.status, 200, JSON.stringify(tickets.body));
  const keys: Record<string, string> = {};
  for (const upload of tickets.body['uploads'] as Array<{ field: string; key: string; url: string; contentType: string; fields: Record<string, string> }>) {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    // S3 wants the file last; the provider's forms accept 200 KB to 20 MB.
    form.append('file', new Blob([new Uint8Array(210 * 1024)], { type: upload.contentType }), 'document');
    const stored = await fetch(upload.url, { method: 'POST', body: form });
    assert.ok(stored.status < 300, `upload answered ${stored.status}`);
    await stored.arrayBuffer();
    keys[upload.field] = upload.key;
  }
  const submission = {
    firstName: 'Bench', lastName: 'Investor', birthdate: '01/02/1990', country: 'france', nationality: 'French', documentIdNumber: 'X123',
    documentIdFile: keys['documentIdFile'], selfieFile: keys['selfieFile'], streetAddress: '1 Rue de la Paix', city: 'Paris', state: 'IDF',
    postalCode: '75001', ethereumAddress: '0x32be343b94f860124dc4fee278fdcbd38c102d88', estimatedParticipationAmount: '100',
  };
  const submitted = await postJson(proxyUrl, `/v1/sales/${SALE_ID}/kyc`, { submission, confirmations: { terms: true } }, token);
  assert.ok(submitted.status < 300, `submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  return { token, userId };
}

function format(summary: LoadSummary): string {
  return `${Math.round(summary.perSecond).toLocaleString('en')} req/s, p50 ${summary.p50Ms.toFixed(2)} ms, p99 ${summary.p99Ms.toFixed(2)} ms`
    + ` (${summary.requests.toLocaleString('en')} requests${summary.failures > 0 ? `, ${summary.failures} FAILED: ${summary.firstFailure ?? ''}` : ''})`;
}

/** CPU time so far of the load generator (this process), the process in the middle if any, and the sandbox, µs. */
async function cpuNow(middle: BenchChild | undefined, sandbox: BenchChild): Promise<CpuPerRequest> {
  const [middleCpu, sandboxCpu] = await Promise.all([middle?.probe(), sandbox.probe()]);
  const own = process.cpuUsage();
  return {
    loadGenerator: own.user + own.system,
    proxy: middleCpu === undefined ? 0 : middleCpu.cpu.user + middleCpu.cpu.system,
    sandbox: sandboxCpu.cpu.user + sandboxCpu.cpu.system,
  };
}

const busiest = (cpu: CpuPerRequest): number => Math.max(cpu.loadGenerator, cpu.proxy, cpu.sandbox);
const total = (cpu: CpuPerRequest): number => cpu.loadGenerator + cpu.proxy + cpu.sandbox;

/**
 * The ratio the CPU costs allow when CPU is all that limits: a path serves at most `cores / total CPU per
 * request`, and at most `1 / CPU per request` of its busiest process (one thread each).
 */
function cpuBoundRatio(proxy: CpuPerRequest, direct: CpuPerRequest, cores: number): number {
  const ceiling = (cpu: CpuPerRequest): number => Math.min(cores / total(cpu), 1 / busiest(cpu));
  return ceiling(proxy) / ceiling(direct);
}

const cpuLine = (cpu: CpuPerRequest, middle?: string): string => `load generator ${cpu.loadGenerator.toFixed(3)} ms, ${middle === undefined ? '' : `${middle} ${cpu.proxy.toFixed(3)} ms, `}sandbox ${cpu.sandbox.toFixed(3)} ms`
  + ` (total ${total(cpu).toFixed(3)} ms)`;

/** Run the status route benchmark and return its figures. */
export async function benchProxyStatus(options: ProxyStatusBenchOptions = {}): Promise<ProxyStatusBenchResult> {
  const rounds = options.rounds ?? 8;
  const roundMs = options.roundMs ?? 2000;
  const concurrency = options.concurrency ?? 16;
  const agent = keepAliveAgent(concurrency * 2);
  let stack: BenchStack | undefined;
  let built: BuiltProxy | undefined;
  let relay: BenchChild | undefined;
  try {
    [stack, built] = await Promise.all([startBenchStack(), buildProxy()]);
    const sandbox = stack.sandbox;
    const proxy: BenchProxy = await stack.startProxy(built);
    relay = startChild({ args: ['--import', 'tsx', 'test/bench/relay-process.ts'], env: { BENCH_RELAY_TARGET: sandbox.url } });
    const relayUrl = (await relay.message((message) => (message as Partial<RelayReady> | null)?.relay, 30_000)).url;
    const relayProcess = relay;
    const { token, userId } = await investorWithCase(proxy.url);
    const { credentials } = stack;
    const providerPath = `/api/v2/users-kyc/${userId}`;

    const throughProxy = (): LoadRequest => ({
      path: `/v1/sales/${SALE_ID}/kyc`,
      headers: { Accept: 'application/json', Origin: SALE_ORIGIN, Authorization: `Bearer ${token}` },
    });
    // The request the proxy makes, signed afresh each time as the proxy does.
    const straightToSandbox = (): LoadRequest => ({
      path: `${providerPath}?${toQuery(signRequest(providerPath, {}, credentials, Date.now()))}`,
      headers: { Accept: 'application/json' },
    });

    // All three answer what we think before anything is timed.
    const viaProxy = await fetch(`${proxy.url}${throughProxy().path}`, { headers: throughProxy().headers });
    const statusBody = (await viaProxy.json()) as Record<string, unknown>;
    assert.equal(viaProxy.status, 200, JSON.stringify(statusBody));
    const direct = await fetch(`${sandbox.url}${straightToSandbox().path}`, { headers: { Accept: 'application/json' } });
    const directBody = (await direct.json()) as { success?: boolean; data?: { result_type?: string } };
    assert.equal(direct.status, 200, JSON.stringify(directBody));
    assert.equal(directBody.data?.result_type, 'user_kyc');
    const relayed = await fetch(`${relayUrl}${straightToSandbox().path}`, { headers: { Accept: 'application/json' } });
    assert.equal(((await relayed.json()) as typeof directBody).data?.result_type, 'user_kyc');

    const targets = {
      proxy: { origin: proxy.url, nextRequest: throughProxy, middle: proxy as BenchChild | undefined },
      relay: { origin: relayUrl, nextRequest: straightToSandbox, middle: relayProcess as BenchChild | undefined },
      direct: { origin: sandbox.url, nextRequest: straightToSandbox, middle: undefined },
    };
    type Target = keyof typeof targets;
    const runs: Record<Target, LoadRun[]> = { proxy: [], relay: [], direct: [] };
    const cpuMicros: Record<Target, CpuPerRequest> = {
      proxy: { loadGenerator: 0, proxy: 0, sandbox: 0 },
      relay: { loadGenerator: 0, proxy: 0, sandbox: 0 },
      direct: { loadGenerator: 0, proxy: 0, sandbox: 0 },
    };
    const measure = async (name: Target, durationMs: number, keep: boolean): Promise<void> => {
      const { middle, ...target } = targets[name];
      const before = await cpuNow(middle, sandbox);
      const run = await runClosedLoop({ ...target, agent, concurrency, durationMs });
      const after = await cpuNow(middle, sandbox);
      if (!keep) return;
      runs[name].push(run);
      for (const key of ['loadGenerator', 'proxy', 'sandbox'] as const) cpuMicros[name][key] += after[key] - before[key];
    };

    // Warm-up: JIT, connection pools, the provider's clock estimate.
    for (const name of ['proxy', 'relay', 'direct'] as const) await measure(name, 1000, false);
    for (let round = 0; round < rounds; round += 1) {
      // A B C, C B A, …: none always runs first, on the warmer or the quieter part of a round.
      const order: Target[] = round % 2 === 0 ? ['proxy', 'relay', 'direct'] : ['direct', 'relay', 'proxy'];
      for (const name of order) await measure(name, roundMs, true);
    }

    const viaTheProxy = summarize(runs.proxy);
    const viaTheRelay = summarize(runs.relay);
    const straight = summarize(runs.direct);
    const ratio = viaTheProxy.perSecond / straight.perSecond;
    const relayRatio = viaTheRelay.perSecond / straight.perSecond;
    const roundRatios = viaTheProxy.perSecondByRun.map((perSecond, round) => perSecond / (straight.perSecondByRun[round] ?? Number.NaN)).sort((a, b) => a - b);
    const medianRoundRatio = roundRatios[Math.floor(roundRatios.length / 2)] ?? Number.NaN;
    const perRequest = (cpu: CpuPerRequest, requests: number): CpuPerRequest => ({
      loadGenerator: cpu.loadGenerator / 1000 / requests,
      proxy: cpu.proxy / 1000 / requests,
      sandbox: cpu.sandbox / 1000 / requests,
    });
    const cpuMsPerRequest = {
      proxy: perRequest(cpuMicros.proxy, viaTheProxy.requests),
      relay: perRequest(cpuMicros.relay, viaTheRelay.requests),
      direct: perRequest(cpuMicros.direct, straight.requests),
    };
    const goalMet = ratio >= GOAL_RATIO && viaTheProxy.failures === 0 && straight.failures === 0;

    console.log(`proxyStatus: GET /v1/sales/${SALE_ID}/kyc through the proxy vs the same signed GET /api/v2/users-kyc/<id> straight to the sandbox`);
    console.log(`  ${concurrency} concurrent keep-alive clients, ${rounds} alternating rounds of ${roundMs} ms each (after a 1 s warm-up each);`);
    console.log(`  one process each: load generator (this one), proxy (compiled, LOG_LEVEL=warn), sandbox; ${availableParallelism()} CPU cores`);
    console.log(`  through the proxy:      ${format(viaTheProxy)}`);
    console.log(`  through a bare relay:   ${format(viaTheRelay)}`);
    console.log(`  straight to sandbox:    ${format(straight)}`);
    console.log(`  req/s by round, proxy:  ${viaTheProxy.perSecondByRun.map((value) => Math.round(value)).join(' ')}`);
    console.log(`  req/s by round, relay:  ${viaTheRelay.perSecondByRun.map((value) => Math.round(value)).join(' ')}`);
    console.log(`  req/s by round, direct: ${straight.perSecondByRun.map((value) => Math.round(value)).join(' ')}`);
    console.log(`  CPU per request through the proxy: ${cpuLine(cpuMsPerRequest.proxy, 'proxy')}`);
    console.log(`  CPU per request through the relay: ${cpuLine(cpuMsPerRequest.relay, 'relay')}`);
    console.log(`  CPU per request straight:          ${cpuLine(cpuMsPerRequest.direct)}`);
    const cores = availableParallelism();
    console.log(`  if CPU were all that limits, these costs would allow a ratio of ${cpuBoundRatio(cpuMsPerRequest.proxy, cpuMsPerRequest.direct, cores).toFixed(2)} on ${cores} cores`
      + ` (${cpuBoundRatio(cpuMsPerRequest.proxy, cpuMsPerRequest.direct, 3).toFixed(2)} with a core for each process); the bare relay ${cpuBoundRatio(cpuMsPerRequest.relay, cpuMsPerRequest.direct, cores).toFixed(2)}`
      + ` (${cpuBoundRatio(cpuMsPerRequest.relay, cpuMsPerRequest.direct, 3).toFixed(2)})`);
    console.log(`  ratio bare relay / direct: ${relayRatio.toFixed(2)} (about the best any proxy running on Node can do here)`);
    console.log(`  ratio proxy / direct: ${ratio.toFixed(2)} (median of the rounds' ratios ${medianRoundRatio.toFixed(2)}; goal >= ${GOAL_RATIO}): ${goalMet ? 'goal MET' : 'goal NOT met'}`);
    if (!goalMet) console.log('  where the proxy\'s time goes: BENCH_PROXY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench proxyStatus');
    return { proxy: viaTheProxy, direct: straight, ratio, medianRoundRatio, relay: viaTheRelay, relayRatio, cpuMsPerRequest, goalMet };
  } finally {
    agent.destroy();
    await relay?.stop();
    await stack?.close();
    built?.remove();
  }
}
