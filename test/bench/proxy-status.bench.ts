// Throughput and latency of the status route through the proxy (`GET /v1/sales/acme/kyc`, which makes one
// signed `GET /api/v2/users-kyc/<id>` to the provider) against that same signed provider request sent
// straight to the sandbox, measured side by side in one run, in alternating rounds so that machine noise
// hits both alike. The proxy path includes the provider call, so the ratio proxy/direct shows what the
// proxy itself costs on top of the provider.
//
// Everything runs in this one process (sandbox, proxy and the load generator), as in the test stack: on a
// shared 2-core machine the figures are CPU-bound, so the ratio is the provider's work over the provider's
// plus the proxy's, per request; against a remote provider the proxy's share of a request's time is smaller.
import assert from 'node:assert/strict';
import { signRequest, toQuery } from '../../proxy/signer.js';
import { SALE_ID, SALE_ORIGIN, startStack, type Stack } from '../proxy/support/proxy-stack.js';
import { keepAliveAgent, runClosedLoop, summarize, type LoadRequest, type LoadRun, type LoadSummary } from './load-loop.js';

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
  /** The median of each round's ratio (the two runs of a round are back to back, so drift cancels). */
  medianRoundRatio: number;
  /** Process CPU time per request (user + system, all of sandbox, proxy and load generator), ms. */
  cpuMsPerRequest: { proxy: number; direct: number };
  goalMet: boolean;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Origin: SALE_ORIGIN };

async function postJson(stack: Stack, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.proxyUrl}${path}`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Sign one investor in with a mailed code and submit a KYC case, so the provider has a case to return. */
async function investorWithCase(stack: Stack): Promise<{ token: string; userId: string }> {
  const email = 'bench.investor@example.com';
  assert.equal((await postJson(stack, `/v1/sales/${SALE_ID}/codes`, { email })).status, 202);
  const mail = await stack.catcher.waitForMessage({ to: email }, 10_000);
  const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1];
  assert.ok(code !== undefined, 'the code mail holds a six-digit code');
  const session = await postJson(stack, `/v1/sales/${SALE_ID}/sessions`, { email, code });
  assert.equal(session.status, 201);
  const token = String(session.body['token']);
  const userId = String(session.body['userId']);

  const tickets = await postJson(stack, `/v1/sales/${SALE_ID}/uploads`, {
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
  const submitted = await postJson(stack, `/v1/sales/${SALE_ID}/kyc`, { submission, confirmations: { terms: true } }, token);
  assert.ok(submitted.status < 300, `submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  return { token, userId };
}

function format(summary: LoadSummary): string {
  return `${Math.round(summary.perSecond).toLocaleString('en')} req/s, p50 ${summary.p50Ms.toFixed(2)} ms, p99 ${summary.p99Ms.toFixed(2)} ms`
    + ` (${summary.requests.toLocaleString('en')} requests${summary.failures > 0 ? `, ${summary.failures} FAILED: ${summary.firstFailure ?? ''}` : ''})`;
}

/** Run the status route benchmark and return its figures. */
export async function benchProxyStatus(options: ProxyStatusBenchOptions = {}): Promise<ProxyStatusBenchResult> {
  const rounds = options.rounds ?? 8;
  const roundMs = options.roundMs ?? 2000;
  const concurrency = options.concurrency ?? 16;
  // Debug logging (the stack's default) would make the proxy's log lines the main cost; production runs at info or warn.
  const stack = await startStack({ env: { LOG_LEVEL: 'warn' } });
  const agent = keepAliveAgent(concurrency * 2);
  try {
    const { token, userId } = await investorWithCase(stack);
    const provider = stack.proxies[0]?.deps.config.sales.get(SALE_ID)?.provider;
    assert.ok(provider !== undefined, 'the stack has the sale');
    const credentials = { apiKey: provider.apiKey, apiSecret: provider.apiSecret.reveal() };
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

    // Both answer what we think before anything is timed.
    const viaProxy = await fetch(`${stack.proxyUrl}${throughProxy().path}`, { headers: throughProxy().headers });
    const statusBody = (await viaProxy.json()) as Record<string, unknown>;
    assert.equal(viaProxy.status, 200, JSON.stringify(statusBody));
    const direct = await fetch(`${stack.sandbox.url}${straightToSandbox().path}`, { headers: { Accept: 'application/json' } });
    const directBody = (await direct.json()) as { success?: boolean; data?: { result_type?: string } };
    assert.equal(direct.status, 200, JSON.stringify(directBody));
    assert.equal(directBody.data?.result_type, 'user_kyc');

    const targets = {
      proxy: { origin: stack.proxyUrl, nextRequest: throughProxy },
      direct: { origin: stack.sandbox.url, nextRequest: straightToSandbox },
    };
    const runs: Record<keyof typeof targets, LoadRun[]> = { proxy: [], direct: [] };
    const cpuMicros = { proxy: 0, direct: 0 };
    const measure = async (name: keyof typeof targets, durationMs: number, keep: boolean): Promise<void> => {
      const cpuBefore = process.cpuUsage();
      const run = await runClosedLoop({ ...targets[name], agent, concurrency, durationMs });
      const cpu = process.cpuUsage(cpuBefore);
      if (!keep) return;
      runs[name].push(run);
      cpuMicros[name] += cpu.user + cpu.system;
    };

    await measure('proxy', 1000, false); // warm-up: JIT, connection pools, the provider's clock estimate
    await measure('direct', 1000, false);
    for (let round = 0; round < rounds; round += 1) {
      // A B, B A, …: neither always runs first, on the warmer or the quieter half of a round.
      const order: Array<keyof typeof targets> = round % 2 === 0 ? ['proxy', 'direct'] : ['direct', 'proxy'];
      for (const name of order) await measure(name, roundMs, true);
    }

    const proxy = summarize(runs.proxy);
    const straight = summarize(runs.direct);
    const ratio = proxy.perSecond / straight.perSecond;
    const roundRatios = proxy.perSecondByRun.map((perSecond, round) => perSecond / (straight.perSecondByRun[round] ?? Number.NaN)).sort((a, b) => a - b);
    const medianRoundRatio = roundRatios[Math.floor(roundRatios.length / 2)] ?? Number.NaN;
    const cpuMsPerRequest = { proxy: cpuMicros.proxy / 1000 / proxy.requests, direct: cpuMicros.direct / 1000 / straight.requests };
    const goalMet = ratio >= GOAL_RATIO && proxy.failures === 0 && straight.failures === 0;

    console.log(`proxyStatus: GET /v1/sales/${SALE_ID}/kyc through the proxy vs the same signed GET ${'/api/v2/users-kyc/<id>'} straight to the sandbox`);
    console.log(`  ${concurrency} concurrent keep-alive clients, ${rounds} alternating rounds of ${roundMs} ms each (after a 1 s warm-up each);`);
    console.log('  sandbox, proxy and load generator share this one process; proxy LOG_LEVEL=warn (the test stack logs at debug)');
    console.log(`  through the proxy:    ${format(proxy)}`);
    console.log(`  straight to sandbox:  ${format(straight)}`);
    console.log(`  req/s by round, proxy:  ${proxy.perSecondByRun.map((value) => Math.round(value)).join(' ')}`);
    console.log(`  req/s by round, direct: ${straight.perSecondByRun.map((value) => Math.round(value)).join(' ')}`);
    console.log(`  CPU per request (whole process): proxy path ${cpuMsPerRequest.proxy.toFixed(3)} ms, direct ${cpuMsPerRequest.direct.toFixed(3)} ms;`
      + ` the proxy adds ${(cpuMsPerRequest.proxy - cpuMsPerRequest.direct).toFixed(3)} ms`);
    console.log(`  ratio proxy / direct: ${ratio.toFixed(2)} (median of the rounds' ratios ${medianRoundRatio.toFixed(2)}; goal >= ${GOAL_RATIO}): ${goalMet ? 'goal MET' : 'goal NOT met'}`);
    if (!goalMet) console.log('  where the time goes: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx test/bench/run.ts proxyStatus');
    return { proxy, direct: straight, ratio, medianRoundRatio, cpuMsPerRequest, goalMet };
  } finally {
    agent.destroy();
    await stack.close();
  }
}
