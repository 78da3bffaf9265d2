// `npm run proxy:build` makes the proxy a deployment runs with plain `node`: this builds it into a
// temporary folder, starts it as a child process configured by the environment alone (as the README's
// deployment section says), and checks that it serves, finds its data files and stops cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildProxyBundle } from '../../build/build-proxy.mjs';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function waitForListening(url: string, child: ReturnType<typeof spawn>, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the built proxy exited with ${child.exitCode}: ${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the built proxy did not listen within 20 s: ${output()}`);
}

describe('the built proxy (npm run proxy:build)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-bundle-test-'));
  let child: ReturnType<typeof spawn>;
  let url: string;
  let output = '';

  before(async () => {
    const { server } = await buildProxyBundle({ outdir: join(dir, 'proxy') });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [server], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'],
        PROXY_PORT: String(port),
        PROXY_DATA_DIR: join(dir, 'data'),
        SALE_ID: 'acme',
        SALE_NAME: 'Acme Token Sale',
        SALE_ORIGINS: 'https://sale.test',
        PROVIDER_URL: 'http://127.0.0.1:9',
        PROVIDER_API_KEY: 'a1'.repeat(16),
        PROVIDER_API_SECRET: 'b2'.repeat(16),
        SMTP_URL: 'smtp://127.0.0.1:9',
        MAIL_FROM: 'Acme KYC <kyc@acme.test>',
      },
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitForListening(url, child, () => output);
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the sale configuration with the country lists it reads from its data folder', async () => {
    const response = await fetch(`${url}/v1/sales/acme/config`, { headers: { origin: 'https://sale.test' } });
    assert.equal(response.status, 200);
    const config = (await response.json()) as { sale: { name: string }; countries: { value: string; label: string }[] };
    assert.equal(config.sale.name, 'Acme Token Sale');
    assert.ok(config.countries.length > 200, `expected the provider's country list, got ${config.countries.length} countries`);
  });

  it('serves its OpenAPI document and its metrics', async () => {
    const openapi = await fetch(`${url}/openapi.json`);
    assert.equal(openapi.status, 200);
    assert.equal(((await openapi.json()) as { openapi: string }).openapi, '3.1.0');
    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^# HELP /m);
  });

  it('logs JSON lines with no secret, and stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    assert.ok(!output.includes('b2'.repeat(16)), 'the provider secret appeared in the logs');
  });
});
