/**
 * Client config loading (`demo/sandbox/config.ts`) and the start-up path of `demo/sandbox/main.ts`.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseClient } from '../../../demo/sandbox/config.js';
import { runSandbox } from '../../../demo/sandbox/main.js';
import { call, MemoryFileStore, RecordingEvents } from './helpers.js';

describe('sandbox config and main', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-config-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('generates a 32-hex key and secret for a local run and keeps them in the data dir', () => {
    const dataDir = tempDir();
    const first = loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_PORT: '0' });
    assert.equal(first.generatedCredentials, true);
    assert.match(first.clients[0]?.apiKey ?? '', /^[0-9a-f]{32}$/);
    assert.match(first.clients[0]?.apiSecret ?? '', /^[0-9a-f]{32}$/);
    const second = loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_PORT: '0' });
    assert.equal(second.clients[0]?.apiSecret, first.clients[0]?.apiSecret);
    assert.match(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8'), new RegExp(first.clients[0]?.apiSecret ?? 'x'));
  });

  it('takes the default client from env vars, and several clients from a file', () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'clients.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 4999,
        clients: [
          { client_id: 3, api_key: 'k3', api_secret: 's3', kyc_fields: ['city'], blacklisted_countries: ['cuba'], webhooks: [{ url: 'https://x.example.com/h' }] },
          { clientId: 4, apiKey: 'k4', apiSecret: 's4', active: false, webHost: true },
        ],
      }),
    );
    const config = loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_API_SECRET: 'envsecret' }, file);
    assert.equal(config.port, 4999);
    assert.equal(config.generatedCredentials, false);
    assert.equal(config.clients.length, 2);
    assert.equal(config.clients[0]?.apiSecret, 'envsecret');
    assert.deepEqual(config.clients[0]?.blacklistedCountries, ['CUBA']);
    assert.deepEqual(config.clients[0]?.webhooks, [{ url: 'https://x.example.com/h' }]);
    assert.equal(config.clients[1]?.active, false);
    assert.equal(config.clients[1]?.webHost, true);
    assert.throws(() => loadConfig({}, (writeFileSync(file, '{"clients":[{"clientId":1}]}'), file)), /apiKey/);
  });

  it('stores blacklisted countries and residence-proof nationalities by their canonical names', () => {
    const client = parseClient({ clientId: 3, apiKey: 'a'.repeat(32), apiSecret: 'b'.repeat(32), blacklistedCountries: ['north korea', ' france '], residencyProofNationalities: ['indian'] }, 0);
    assert.deepEqual(client.blacklistedCountries, ['KOREA, NORTH', 'FRANCE']);
    assert.deepEqual(client.residencyProofNationalities, ['INDIAN']);
    assert.throws(() => parseClient({ clientId: 3, apiKey: 'a'.repeat(32), apiSecret: 'b'.repeat(32), blacklistedCountries: ['ATLANTIS'] }, 0), /clients\[0\]\.blacklistedCountries: "ATLANTIS" is not on the provider's list/);
  });

  it('main prints the URL and key, the secret only when generated, and serves requests', async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const config = loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_PORT: '0', SANDBOX_API_KEY: 'abc', SANDBOX_API_SECRET: 'configured-secret' });
    const sandbox = await runSandbox(config, { fileStore: new MemoryFileStore(), events: new RecordingEvents() }, (l) => lines.push(l));
    try {
      assert.ok(lines.some((l) => l.includes(sandbox.url)));
      assert.ok(lines.some((l) => l.includes('API key abc')));
      assert.ok(!lines.some((l) => l.includes('configured-secret')));
      const reply = await call(sandbox.url, 'GET', '/api/v2/users', {}, { apiKey: 'abc', apiSecret: 'configured-secret' });
      assert.equal(reply.status, 200);
    } finally {
      await sandbox.close();
    }
  });
});
