/**
 * `proxy/allowlist-cli.ts` as a child process, configured exactly as the stack's proxy is (its config
 * file and environment), with the proxy keeping wallet proofs in a real redis-server so that the command
 * reads the same proofs: the file it writes and what it prints match the route's export; a bad argument,
 * an unknown sale, a configuration it cannot use and an unreachable provider end with a message and
 * their exit code.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { AllowlistDocument } from '../../../proxy/allowlist/allowlist-document.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { INTEGRATOR_KEY, SALE_ID, WEBHOOK_SECRET, freePort, startStack, type Stack } from '../support/proxy-stack.js';
import { proveAddress, review, submitInvestor, type CaseInvestor } from './investor-cases.js';

const CLI = join(import.meta.dirname, '../../../proxy/allowlist-cli.ts');

let redis: RedisServer;
let stack: Stack;
let outDir: string;
let proven: CaseInvestor;
let plain: CaseInvestor;

/** What a run of the command did. */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The proxy's environment, as the stack configured it (config file, secrets, SMTP, Redis). */
function proxyEnvironment(): NodeJS.ProcessEnv {
  const proxy = stack.proxies[0] as Stack['proxies'][number];
  return {
    PATH: process.env['PATH'],
    PROXY_CONFIG_FILE: join(stack.dir, 'proxy.json'),
    PROXY_DATA_DIR: join(stack.dir, 'proxy-data'),
    SMTP_URL: `smtp://127.0.0.1:${stack.catcher.port}`,
    MAIL_FROM: 'Acme KYC <kyc@acme.test>',
    TEST_PROVIDER_SECRET: proxy.deps.config.sales.get(SALE_ID)?.provider.apiSecret.reveal(),
    TEST_WEBHOOK_SECRET: WEBHOOK_SECRET,
    REDIS_URL: redis.url,
  };
}

/** Run the command with `args` (bounded: a hung child is killed and fails the test). */
function runCli(args: string[], env: NodeJS.ProcessEnv = proxyEnvironment()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env, timeout: 20_000, cwd: join(import.meta.dirname, '../../..') }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The route's export, for comparison. */
async function routeExport(query: string): Promise<Response> {
  const response = await fetch(`${stack.proxyUrl}/v1/sales/${SALE_ID}/allowlist${query}`, { headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  return response;
}

before(async () => {
  redis = await startRedisServer();
  stack = await startStack({ env: { REDIS_URL: redis.url } });
  outDir = mkdtempSync(join(tmpdir(), 'allowlist-cli-'));
  let pending: CaseInvestor;
  [proven, plain, pending] = await Promise.all([
    submitInvestor(stack, { before: (investor) => proveAddress(stack, investor) }),
    submitInvestor(stack),
    submitInvestor(stack),
  ]);
  review(stack, proven.id, 'whitelisted');
  review(stack, plain.id, 'whitelisted');
  review(stack, pending.id, 'pending');
});

after(async () => {
  await stack?.close();
  await redis?.stop();
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe('npm run allowlist', () => {
  test('writes the CSV to --out, the same as the route\'s, and prints a summary with the root', async () => {
    const out = join(outDir, 'acme.csv');
    const run = await runCli(['--sale', SALE_ID, '--format', 'csv', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    const route = await routeExport('?format=csv');
    const root = route.headers.get('x-allowlist-merkle-root') ?? assert.fail('no root header');
    assert.equal(readFileSync(out, 'utf8'), await route.text());
    assert.match(run.stderr, new RegExp(`^2 investors \\(1 proven\\) on the allowlist of acme; Merkle root ${root}; written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\n$`));
  });

  test('prints JSON to stdout; --proven-only reads the proofs the proxy keeps in Redis', async () => {
    const run = await runCli(['--sale', SALE_ID, '--format', 'json', '--proven-only']);
    assert.equal(run.code, 0, run.stderr);
    const exported = JSON.parse(run.stdout) as AllowlistDocument;
    assert.equal(exported.provenOnly, true);
    assert.deepEqual(exported.investors.map((row) => [row.userId, row.address, row.proven, row.proofMethod]), [[proven.userId, proven.wallet.address, true, 'eip191']]);
    assert.deepEqual(exported.skipped, [{ userId: plain.userId, reason: 'unproven' }]);
    assert.equal(exported.merkle.root, StandardMerkleTree.of([[proven.wallet.address]], ['address']).root);
    const route = await (await routeExport('?proven=only')).json() as AllowlistDocument;
    assert.deepEqual({ ...exported, generatedAt: '' }, { ...route, generatedAt: '' });
    assert.match(run.stderr, /Left out: 1 unproven/);
  });

  test('a bad argument or an unknown sale exits 64 with the reason; nothing is written', async () => {
    // Every argument refusal is covered in-process (cli-arguments.test.ts); this proves the exit code.
    const out = join(outDir, 'never.csv');
    const [badFormat, unknownSale] = await Promise.all([
      runCli(['--sale', SALE_ID, '--format', 'xml', '--out', out]),
      runCli(['--sale', 'nope', '--format', 'csv', '--out', out]),
    ]);
    for (const run of [badFormat, unknownSale]) {
      assert.equal(run.code, 64, run.stderr);
      assert.equal(run.stdout, '');
    }
    assert.match(badFormat.stderr, /^--format must be csv or json, not "xml"\.\nUsage: npm run allowlist -- --sale <id>/);
    assert.match(unknownSale.stderr, /^There is no sale "nope" in the configuration; configured: acme\.\n$/);
    assert.equal(existsSync(out), false);
  });

  test('an unusable configuration exits 78 (--proven-only without Redis); an unreachable provider exits 69', async () => {
    const { REDIS_URL: _redis, ...withoutRedis } = proxyEnvironment();
    // A single sale from environment variables, its provider on a port nothing listens on.
    const { PROXY_CONFIG_FILE: _file, ...noFile } = proxyEnvironment();
    const unreachable = { ...noFile, SALE_ID: 'solo', PROVIDER_URL: `http://127.0.0.1:${await freePort()}`, PROVIDER_API_KEY: 'k', PROVIDER_API_SECRET: 'provider-secret-0123456789', SALE_ORIGINS: 'https://solo.test' };
    const out = join(outDir, 'unreachable.json');
    const [memoryOnly, down] = await Promise.all([
      runCli(['--sale', SALE_ID, '--format', 'csv', '--proven-only'], withoutRedis),
      runCli(['--sale', 'solo', '--format', 'json', '--out', out], unreachable),
    ]);
    assert.equal(memoryOnly.code, 78);
    assert.equal(memoryOnly.stdout, '');
    assert.match(memoryOnly.stderr, /^--proven-only needs the proxy to keep wallet proofs in Redis \(REDIS_URL\)/);
    assert.equal(down.code, 69, down.stderr);
    assert.match(down.stderr, /^The KYC provider could not be read \(unreachable\)\. Nothing was written; try again\.\n$/);
    assert.ok(!down.stderr.includes('provider-secret-0123456789'), 'no secret');
    assert.equal(existsSync(out), false);
  });
});
