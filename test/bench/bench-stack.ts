/**
 * The benchmarks' stack, one process per server: the sandbox provider (API and S3 stand-in) in one child
 * process, each proxy in another (compiled, or through tsx as `npm run proxy`), and the SMTP catcher the
 * proxy's configuration points at in the benchmark's own process (idle for the route benchmarks, whose
 * investors sign in through host sessions; the load runs of `test/hardening/load/` read their codes from
 * it). The proxy is configured as in the test stack (`test/proxy/support/proxy-stack.ts`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtpCatcher, type SmtpCatcher, type SmtpCatcherOptions } from '../../demo/mail-catcher/smtp-catcher.js';
import { freePort, INTEGRATOR_KEY, SALE_ID, SALE_ORIGIN, WEBHOOK_SECRET } from '../proxy/support/proxy-stack.js';
import type { BuiltProxy } from './build-proxy.js';
import { startChild, type BenchChild } from './child-process.js';
import type { SandboxReady } from './sandbox-process.js';

/** The sandbox client the proxy's sale uses (a local stand-in: these are not secrets). */
const CLIENT = {
  clientId: 7,
  apiKey: 'a1'.repeat(16),
  apiSecret: 'b2'.repeat(16),
  kycFields: ['ethereum_address', 'estimated_participation_amount', 'street_address', 'city', 'state', 'postal_code', 'residence_proof_file_path', 'investor_proof_files_path'],
  residencyProofNationalities: ['INDIAN'],
  blacklistedCountries: ['KOREA, NORTH'],
};
const OPTIONAL_FIELDS = ['ethereumAddress', 'estimatedParticipationAmount', 'streetAddress', 'city', 'state', 'postalCode', 'residenceProofFile', 'investorProofFiles'];

/** Node flags for every proxy the benchmarks start, from the environment. */
const extraNodeArgs = (process.env['BENCH_PROXY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

/** A proxy in its own process. */
export interface BenchProxy extends BenchChild {
  url: string;
}

/** How to start a proxy: compiled (`buildProxy()`), or through tsx as `npm run proxy` does. */
export type ProxyBuild = BuiltProxy | 'tsx';

/** A running stack. */
export interface BenchStack {
  sandbox: BenchChild & { url: string; s3Url: string };
  catcher: SmtpCatcher;
  /** The sale's provider credentials, to sign requests straight to the sandbox. */
  credentials: { apiKey: string; apiSecret: string };
  /**
   * Start a proxy on this stack; resolves once `/healthz` answers. `nodeArgs` go before the script, and
   * so do the flags in `BENCH_PROXY_NODE_ARGS` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where
   * its time goes, or `--heapsnapshot-signal=SIGUSR2`).
   */
  startProxy(build: ProxyBuild, options?: { nodeArgs?: string[]; env?: Record<string, string> }): Promise<BenchProxy>;
  /** Stop every proxy started, the sandbox and the catcher, and remove the files. Never rejects. */
  close(): Promise<void>;
}

/** Options of {@link startBenchStack}; the benchmarks of one route need none. */
export interface BenchStackOptions {
  /**
   * The sandbox delivers its webhooks (register the proxy's URL with `askSandbox(stack.sandbox, { reviewer:
   * 'webhook', … })`) and answers the reviewer's commands (`sandbox-reviewer.ts`). Default false.
   */
  webhooks?: boolean;
  /** Extra top-level keys of the proxy's config file (e.g. `codes` limits). */
  config?: Record<string, unknown>;
  /** Keys merged over the sale's config-file entry (e.g. `webhook` with a `forward`). */
  sale?: Record<string, unknown>;
  /** Options of the SMTP catcher (e.g. `maxMessages` when many investors sign up by code). */
  catcher?: SmtpCatcherOptions;
  /**
   * Keep the sandbox's SQLite databases in memory (`/dev/shm`, when the machine has it). Each of the
   * sandbox's commits waits for the disk (fsync); under a load of many writes on a shared disk, that
   * wait is what a run would measure instead of the proxy. The S3 stand-in's files stay on disk.
   */
  databasesInMemory?: boolean;
}

/** Where the sandbox's databases go when they are kept in memory. */
const MEMORY_DIR = '/dev/shm';

/** Start the sandbox process and the catcher. */
export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-bench-'));
  const databaseDir = options.databasesInMemory === true && existsSync(MEMORY_DIR) ? mkdtempSync(join(MEMORY_DIR, 'kyc-bench-')) : undefined;
  const children: BenchChild[] = [];
  let catcher: SmtpCatcher | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(children.map((child) => child.stop()));
    await catcher?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (databaseDir !== undefined) rmSync(databaseDir, { recursive: true, force: true });
  };
  try {
    const sandboxChild = startChild({
      args: ['--import', 'tsx', 'test/bench/sandbox-process.ts'],
      env: { BENCH_SANDBOX_DIR: join(dir, 'sandbox'), BENCH_SANDBOX_CLIENT: JSON.stringify(CLIENT),
        ...(options.webhooks === true ? { BENCH_SANDBOX_WEBHOOKS: '1' } : {}), ...(databaseDir === undefined ? {} : { BENCH_SANDBOX_DB_DIR: databaseDir }) },
    });
    children.push(sandboxChild);
    const ready = await sandboxChild.message((message) => (message as Partial<SandboxReady> | null)?.sandbox, 30_000);
    catcher = await startSmtpCatcher(options.catcher);
    const smtpPort = catcher.port;

    const configFile = join(dir, 'proxy.json');
    writeFileSync(configFile, JSON.stringify({
      ...options.config,
      sales: [{
        id: SALE_ID,
        name: 'Acme Token Sale',
        provider: { url: ready.url, apiKey: CLIENT.apiKey, apiSecret: { env: 'BENCH_PROVIDER_SECRET' } },
        origins: [SALE_ORIGIN],
        fields: { optional: OPTIONAL_FIELDS },
        countries: { blocked: ['NORTH KOREA'] },
        residenceProofNationalities: ['INDIAN'],
        webhook: { secrets: [{ env: 'BENCH_WEBHOOK_SECRET' }] },
        integratorKeys: [INTEGRATOR_KEY],
        confirmations: [{ id: 'terms', label: 'I accept the terms of the sale.' }],
        ...options.sale,
      }],
    }));

    let proxies = 0;
    return {
      sandbox: Object.assign(sandboxChild, ready),
      catcher,
      credentials: { apiKey: CLIENT.apiKey, apiSecret: CLIENT.apiSecret },
      async startProxy(build, options = {}) {
        proxies += 1;
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const script = build === 'tsx' ? ['--import', 'tsx', '--import', './test/bench/process-probe.ts', 'proxy/server.ts'] : ['--import', build.probe, build.server];
        const child = startChild({
          args: [...(options.nodeArgs ?? []), ...extraNodeArgs, ...script],
          env: {
            PROXY_CONFIG_FILE: configFile,
            PROXY_DATA_DIR: join(dir, `proxy-${proxies}`),
            PROXY_HOST: '127.0.0.1',
            PROXY_PORT: String(port),
            PROXY_PUBLIC_URL: url,
            SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
            MAIL_FROM: 'Acme KYC <kyc@acme.test>',
            BENCH_PROVIDER_SECRET: CLIENT.apiSecret,
            BENCH_WEBHOOK_SECRET: WEBHOOK_SECRET,
            LOG_LEVEL: 'warn',
            ...options.env,
          },
        });
        children.push(child);
        const deadline = Date.now() + 30_000;
        for (;;) {
          try {
            if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) break;
          } catch {
            // Not listening yet.
          }
          if (Date.now() > deadline) {
            await child.stop();
            throw new Error(`the proxy did not answer /healthz within 30 s: ${child.output()}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return Object.assign(child, { url });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A widget token for a new investor, vouched for by the sale's backend (host-authenticated mode). */
export async function hostSession(proxyUrl: string, email: string): Promise<{ token: string; userId: string }> {
  const response = await fetch(`${proxyUrl}/v1/sales/${SALE_ID}/host-sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${INTEGRATOR_KEY}` },
    body: JSON.stringify({ email, origin: SALE_ORIGIN }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { token?: unknown; userId?: unknown };
  assert.equal(response.status, 201, JSON.stringify(body));
  assert.ok(typeof body.token === 'string' && typeof body.userId === 'string');
  return { token: body.token, userId: body.userId };
}
