/**
 * The presigned URL endpoints (upstream §3) and the ethereum address validation (§5).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, raw, startHarness, type Harness } from './helpers.js';
import { signRequest, toQuery } from '../../../proxy/signer.js';

const INVALID = "At least one parameter is invalid or missing. See 'err.error_data' array for more details.";
const SUPPORTED = "Please provide a supported file type. Supported types : 'application/pdf', 'image/jpeg', 'image/png', 'image/jpg'. ";

describe('sandbox uploads and ethereum address', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('for-post: one presigned form per key, keys <client>/i|d/<md5>, content type as sent', async () => {
    const files = { selfie: 'image/jpeg', document_id: 'application/pdf', odd: 'IMAGE/PNG' };
    const reply = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc/pre-signed-urls/for-post', { files });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.data.result_type, 'file_upload_post');
    const out = reply.json.data.file_upload_post;
    assert.deepEqual(Object.keys(out).sort(), ['document_id', 'odd', 'selfie']);
    assert.match(out.selfie.fields.key, /^7\/i\/[0-9a-f]{32}$/);
    assert.match(out.document_id.fields.key, /^7\/d\/[0-9a-f]{32}$/);
    // The quirk: validation downcases, the directory test does not.
    assert.match(out.odd.fields.key, /^7\/\/[0-9a-f]{32}$/);
    assert.equal(out.odd.fields['Content-Type'], 'IMAGE/PNG');
    assert.equal(out.selfie.url, 'http://files.test/bucket');
  });

  it('for-put: presigned PUT URLs with fields.key', async () => {
    const reply = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc/pre-signed-urls/for-put', { files: { selfie: 'image/png' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.json.data.result_type, 'file_upload_put');
    const entry = reply.json.data.file_upload_put.selfie;
    assert.match(entry.fields.key, /^7\/i\/[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(entry.fields), ['key']);
    assert.ok(h.files.presigned.some((p) => p.kind === 'put' && p.key === entry.fields.key && p.contentType === 'image/png'));
  });

  const errors: { name: string; query: () => string; internalId: string; msg: string; entry?: string }[] = [
    { name: 'files missing', query: () => '', internalId: 'sb_1', msg: 'At least one mandatory parameter is missing. Check documentation for details.', entry: `Files is a mandatory field. ${SUPPORTED}` },
    { name: 'files a string', query: () => 'files=image%2Fjpeg', internalId: 'um_gup_v_2', msg: INVALID },
    { name: 'files an array', query: () => 'files%5B%5D=image%2Fjpeg', internalId: 'um_gup_v_2', msg: INVALID },
    { name: '21 files', query: () => Array.from({ length: 21 }, (_, i) => `files%5Bf${i}%5D=image%2Fjpeg`).join('&'), internalId: 'um_gup_v_3', msg: INVALID },
    { name: 'a gif', query: () => 'files%5Ba%5D=image%2Fjpeg&files%5Bb%5D=image%2Fgif', internalId: 'um_gup_v_5', msg: INVALID },
    { name: 'a nested type', query: () => 'files%5Ba%5D%5Bb%5D=image%2Fjpeg', internalId: 'um_gup_v_5', msg: INVALID },
  ];
  for (const row of errors) {
    it(`for-post: ${row.name} → 400 ${row.internalId}`, async () => {
      // Build the params from the wire form so that arrays and nested hashes are signed as sent.
      const { parseQuery } = await import('../../../proxy/ost-query.js');
      const params = parseQuery(row.query());
      const path = '/api/v2/users-kyc/pre-signed-urls/for-post';
      const reply = await raw(h.sandbox.url, 'GET', `${path}?${toQuery(signRequest(path, params, { apiKey: '28ad8ebb00c8469e1e32156849e94b3f', apiSecret: '35f346e5ef825ed4499da98a6ac6b401' }))}`);
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.json.err.internal_id, row.internalId);
      assert.equal(reply.json.err.msg, row.msg);
      assert.equal(reply.json.err.error_data[0].parameter, 'files');
      if (row.entry) assert.equal(reply.json.err.error_data[0].msg, row.entry);
    });
  }

  it('exactly 20 files are accepted', async () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'application/pdf']));
    const reply = await call(h.sandbox.url, 'GET', '/api/v2/users-kyc/pre-signed-urls/for-post', { files });
    assert.equal(reply.status, 200);
    assert.equal(Object.keys(reply.json.data.file_upload_post).length, 20);
  });

  const addresses: { value: string | undefined; status: number; internalId?: string }[] = [
    { value: '0x32be343b94f860124dc4fee278fdcbd38c102d88', status: 200 },
    { value: '0x7f2ED21D1702057C7d9f163cB7e5458FA2B6B7c4', status: 200 },
    { value: '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', status: 200 },
    { value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', status: 400, internalId: 'um_cea_2' },
    { value: '0x1234', status: 400, internalId: 'um_cea_1' },
    { value: undefined, status: 400, internalId: 'sb_1' },
  ];
  for (const row of addresses) {
    it(`ethereum-address-validation: ${String(row.value)} → ${row.status}${row.internalId ? ' ' + row.internalId : ''}`, async () => {
      const reply = await call(h.sandbox.url, 'GET', '/api/v2/ethereum-address-validation', row.value === undefined ? {} : { ethereum_address: row.value });
      assert.equal(reply.status, row.status, reply.text);
      if (row.status === 200) assert.equal(reply.text, '{"success":true}');
      else {
        assert.equal(reply.json.err.internal_id, row.internalId);
        assert.equal(reply.json.err.error_data[0].parameter, 'ethereum_address');
      }
    });
  }
});
