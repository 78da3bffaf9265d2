// The sandbox as `npm run sandbox` wires it: API + S3 stand-in + webhook dispatcher, driven the way an
// integrator's client drives the real provider: create a user, get presigned forms, upload the files to
// S3, submit KYC, read the detail's presigned GET URLs, and receive signed webhooks.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../demo/sandbox/config.js';
import { startLocalSandbox } from '../../demo/sandbox/main.js';
import { signRequest, toQuery, verifyWebhook, type ParamValue } from '../../proxy/signer.js';

const credentials = { apiKey: 'b'.repeat(32), apiSecret: 'c'.repeat(32) };
const webhookSecret = 'd'.repeat(32);

describe('the wired sandbox (API + S3 stand-in + webhooks)', () => {
  let dataDir: string;
  let receiver: Server;
  let webhookUrl: string;
  const received: string[] = [];
  let sandbox: Awaited<ReturnType<typeof startLocalSandbox>> | undefined;

  async function call(method: 'GET' | 'POST', path: string, params: Record<string, ParamValue> = {}): Promise<{ status: number; body: any }> {
    const wire = toQuery(signRequest(path, params, credentials));
    const response = method === 'GET'
      ? await fetch(`${sandbox!.url}${path}?${wire}`)
      : await fetch(`${sandbox!.url}${path}`, { method, body: wire, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return { status: response.status, body: await response.json() };
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wired-sandbox-'));
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => { received.push(body); response.writeHead(200).end('ok'); });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/kyc/`;
    const configFile = join(dataDir, 'sandbox.json');
    writeFileSync(configFile, JSON.stringify({
      port: 0,
      dataDir: join(dataDir, 'data'),
      clients: [{
        clientId: 7, ...credentials,
        kycFields: ['ethereum_address', 'estimated_participation_amount', 'street_address', 'city', 'state', 'postal_code'],
        webhooks: [{ url: webhookUrl, secret: webhookSecret, sources: ['api', 'web', 'kyc_system'], types: ['user', 'user_kyc'] }],
      }],
    }));
    sandbox = await startLocalSandbox(loadConfig({}, configFile), { SANDBOX_S3_PORT: '0' }, () => {});
  });

  after(async () => {
    await sandbox?.close();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a whole KYC submission with real uploads and signed webhooks', async () => {
    const created = await call('POST', '/api/v2/users', { email: 'investor@example.com' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const userId = created.body.data.user.id as number;

    const forms = await call('GET', '/api/v2/users-kyc/pre-signed-urls/for-post', { files: { document_id: 'image/jpeg', selfie: 'application/pdf' } });
    assert.equal(forms.status, 200, JSON.stringify(forms.body));
    const paths: Record<string, string> = {};
    for (const [name, form] of Object.entries(forms.body.data.file_upload_post as Record<string, { url: string; fields: Record<string, string> }>)) {
      const data = new FormData();
      for (const [field, value] of Object.entries(form.fields)) data.append(field, value);
      const type = name === 'selfie' ? 'application/pdf' : 'image/jpeg';
      data.append('file', new Blob([new Uint8Array(250 * 1024).fill(7)], { type }), `${name}.bin`);
      const upload = await fetch(form.url, { method: 'POST', body: data });
      assert.equal(upload.status, 204, await upload.text());
      paths[name] = form.fields['key'] as string;
      assert.match(paths[name] as string, name === 'selfie' ? /^7\/d\/[0-9a-f]{32}$/ : /^7\/i\/[0-9a-f]{32}$/);
    }

    const submitted = await call('POST', `/api/v2/users-kyc/${userId}`, {
      first_name: 'Ada', last_name: 'Lovelace', birthdate: '10/12/1990', country: 'united kingdom', nationality: 'british',
      document_id_number: 'P1234567', document_id_file_path: paths['document_id'] ?? '', selfie_file_path: paths['selfie'] ?? '',
      ethereum_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', estimated_participation_amount: 2.5,
      street_address: '1 Main St', city: 'London', state: 'London', postal_code: 'N1 9GU',
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.data.user_kyc.kyc_status, 'pending');
    assert.equal(submitted.body.data.user_kyc.submission_count, 1);

    const detail = await call('GET', `/api/v2/users-kyc-detail/${userId}`);
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    const documentUrl = detail.body.data.user_kyc.document_id_file_path as string;
    const file = await fetch(documentUrl);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/jpeg');
    assert.equal((await file.arrayBuffer()).byteLength, 250 * 1024);

    // Both events arrive, signed over the registered URL (trailing slash included).
    for (let waited = 0; received.length < 2 && waited < 100; waited += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const events = received.map((body) => verifyWebhook(webhookUrl, body, webhookSecret));
    assert.deepEqual(events.map((event) => event.ok && event.event['name']).sort(), ['kyc_submit', 'user_register']);
    const kycEvent = events.find((event) => event.ok && event.event['name'] === 'kyc_submit');
    assert.ok(kycEvent?.ok);
    assert.equal((kycEvent.event['data'] as any).user_kyc.user_id, String(userId));
  });
});

describe('the wired sandbox when its API port is taken', () => {
  /** Listen on `port` (0: any free one) on 127.0.0.1; the server and its port. */
  async function listen(port: number): Promise<{ server: Server; port: number }> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    return { server, port: (server.address() as AddressInfo).port };
  }
  const close = (server: Server) => new Promise((resolve) => server.close(resolve));

  it('fails with the port error and closes the S3 stand-in it had opened, leaving nothing listening', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wired-sandbox-taken-'));
    const taken = await listen(0);
    // A port free now, for the S3 stand-in; after the failed start it must be free again.
    const probe = await listen(0);
    await close(probe.server);
    try {
      const config = loadConfig({ SANDBOX_DATA_DIR: dataDir, SANDBOX_PORT: String(taken.port), SANDBOX_API_KEY: credentials.apiKey, SANDBOX_API_SECRET: credentials.apiSecret });
      await assert.rejects(startLocalSandbox(config, { SANDBOX_S3_PORT: String(probe.port) }, () => {}), { code: 'EADDRINUSE' });
      const again = await listen(probe.port);
      await close(again.server);
    } finally {
      await close(taken.server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
