// Every published and derived signing vector (shared/upstream/ost-kyc-v2-behaviour.md §4, §6.3, §9).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hmacHex, parseQuery, signRequest, signWebhook, stringToSign, toQuery, verifyRequest, verifyWebhook } from '../../proxy/signer.js';

const SDK_SECRET = '35f346e5ef825ed4499da98a6ac6b401';
const README_KEY = '28ad8ebb00c8469e1e32156849e94b3f';
const README_TS = 1542027534;

describe('V1: the JS/Python/Ruby SDK vector', () => {
  const params = {
    k1: 'Rachin',
    k2: 'tejas',
    list2: [{ a: 'L21A', b: 'L21B' }, { a: 'L22A', b: 'L22B' }, { a: 'L23A', b: 'L23B' }],
    make_mistakes: null,
    nice_param: [],
    empty_obj: {},
    empty_str: '',
    garbage_str: "~^[]%$#@!&*~,./?~()-_'this is garbage",
    id: 11003,
    email: 'mayur+67@ost.com',
  };
  const expectedString = '/api/v2/users?email=mayur%2B67%40ost.com&empty_str=&garbage_str=%7E%5E%5B%5D%25%24%23%40%21%26%2A%7E%2C.%2F%3F%7E%28%29-_%27this+is+garbage&id=11003&k1=Rachin&k2=tejas&list2%5B%5D%5Ba%5D=L21A&list2%5B%5D%5Bb%5D=L21B&list2%5B%5D%5Ba%5D=L22A&list2%5B%5D%5Bb%5D=L22B&list2%5B%5D%5Ba%5D=L23A&list2%5B%5D%5Bb%5D=L23B&make_mistakes=';

  it('builds the documented string to sign', () => {
    assert.equal(stringToSign('/api/v2/users', params), expectedString);
  });
  it('gives the documented signature', () => {
    assert.equal(hmacHex(SDK_SECRET, expectedString), 'c42188c53bfdf84e542a0a9c0a78d19c9f497c61e816f169e1907bc98477eb82');
  });
  it('gives the same with the Ruby SDK form (make_mistakes: "")', () => {
    assert.equal(hmacHex(SDK_SECRET, stringToSign('/api/v2/users', { ...params, make_mistakes: '' })), 'c42188c53bfdf84e542a0a9c0a78d19c9f497c61e816f169e1907bc98477eb82');
  });
});

describe('V2: the Java SDK vector', () => {
  const params = {
    a: null,
    b: [],
    c: '',
    d: ['', null],
    e: {},
    k1: 125.45,
    k2: 'Tejas',
    aaaaa: { a: { a: 'L21A', b: 'L21B' }, b: { a: 'L22A', b: 'L22B' }, c: { a: 'L23A', b: 'L23B' } },
    arrayValues: ['Hello', 'There', '12345'],
    garbage_str: '~!@#$%^&*()_+-= {}[]:";\'?/<>,. this is garbage',
    apiSecret: 'a0431203671f42c079b2154066fd04ba',
    apiKey: 'd437535591587e8df4dd30b771651ebb',
    apiEndpoint: 'https://kyc.ost.com',
  };
  const expectedString = '/api/v2/users?a=&aaaaa%5Ba%5D%5Ba%5D=L21A&aaaaa%5Ba%5D%5Bb%5D=L21B&aaaaa%5Bb%5D%5Ba%5D=L22A&aaaaa%5Bb%5D%5Bb%5D=L22B&aaaaa%5Bc%5D%5Ba%5D=L23A&aaaaa%5Bc%5D%5Bb%5D=L23B&apiEndpoint=https%3A%2F%2Fkyc.ost.com&apiKey=d437535591587e8df4dd30b771651ebb&apiSecret=a0431203671f42c079b2154066fd04ba&arrayValues%5B%5D=Hello&arrayValues%5B%5D=There&arrayValues%5B%5D=12345&c=&d%5B%5D=&d%5B%5D=&garbage_str=%7E%21%40%23%24%25%5E%26%2A%28%29_%2B-%3D+%7B%7D%5B%5D%3A%22%3B%27%3F%2F%3C%3E%2C.+this+is+garbage&k1=125.45&k2=Tejas';

  it('builds the documented string and signature', () => {
    const text = stringToSign('/api/v2/users', params);
    assert.equal(text, expectedString);
    assert.equal(hmacHex('a0431203671f42c079b2154066fd04ba', text), 'ca84293b5b901a8c9972b873a224ce05db28d36471bedf613ae451a5a80b8f99');
  });
});

describe('V3: the webhook example from the docs', () => {
  const url = 'https://webhook.ost.com/test/';
  const event = {
    created_at: '1541144915',
    data: { result_type: 'user', user: { created_at: '1541144915', email: 'yogesh+13233@ost.com', id: '11493', properties: ['doptin_mail_sent'] } },
    description: 'User has signed up',
    id: '236',
    name: 'user_register',
    source: 'web',
    type: 'user',
    version: 'v1',
  };
  const sentAtMs = 1542185198_000;
  const expectedString = 'https://webhook.ost.com/test/?created_at=1541144915&data%5Bresult_type%5D=user&data%5Buser%5D%5Bcreated_at%5D=1541144915&data%5Buser%5D%5Bemail%5D=yogesh%2B13233%40ost.com&data%5Buser%5D%5Bid%5D=11493&data%5Buser%5D%5Bproperties%5D%5B%5D=doptin_mail_sent&description=User+has+signed+up&id=236&name=user_register&request_timestamp=1542185198&source=web&type=user&version=v1';
  const expectedSignature = '34e852b1bb2b73357483ce7d35a837611f098f9e7df580edb0bb735993868c0a';

  it('signs the documented string with the documented result', () => {
    assert.equal(stringToSign(url, { ...event, request_timestamp: 1542185198 }), expectedString);
    const signed = signWebhook(url, event, 'WEBHOOK_SECRET_KEY', sentAtMs);
    assert.equal(signed.signature, expectedSignature);
    assert.equal(signed.requestTimestamp, 1542185198);
  });

  it('sends a sorted form body that the receiver verifies back into the event', () => {
    const signed = signWebhook(url, event, 'WEBHOOK_SECRET_KEY', sentAtMs);
    assert.equal(signed.body, expectedString.slice(url.length + 1).replace('&source=', `&signature=${expectedSignature}&source=`));
    const checked = verifyWebhook(url, signed.body, 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs + 2000 });
    assert.ok(checked.ok);
    assert.deepEqual(checked.event, { ...event, request_timestamp: '1542185198' });
  });

  it('verifies the documented received params, and refuses them for another URL or secret', () => {
    const body = toQuery({ ...event, request_timestamp: 1542185198, signature: expectedSignature });
    assert.ok(verifyWebhook(url, body, 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs }).ok);
    // The registered URL is signed as is: without its trailing slash it is another string.
    assert.deepEqual(verifyWebhook('https://webhook.ost.com/test', body, 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs }), { ok: false, rejection: 'bad_signature' });
    assert.deepEqual(verifyWebhook(url, body, 'API_SECRET', { nowMs: sentAtMs }), { ok: false, rejection: 'bad_signature' });
  });

  it('refuses stale and future timestamps, and bodies without a signature', () => {
    const body = toQuery({ ...event, request_timestamp: 1542185198, signature: expectedSignature });
    assert.deepEqual(verifyWebhook(url, body, 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs + 301_000 }), { ok: false, rejection: 'timestamp_out_of_window' });
    assert.deepEqual(verifyWebhook(url, body, 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs - 301_000 }), { ok: false, rejection: 'timestamp_out_of_window' });
    assert.ok(verifyWebhook(url, body, 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs + 300_000 }).ok);
    assert.deepEqual(verifyWebhook(url, toQuery(event), 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs }), { ok: false, rejection: 'missing_signature' });
    assert.deepEqual(verifyWebhook(url, 'a=%zz', 'WEBHOOK_SECRET_KEY', { nowMs: sentAtMs }), { ok: false, rejection: 'malformed_body' });
  });

  it('does not transmit empty arrays, as the provider does not', () => {
    const signed = signWebhook(url, { ...event, data: { ...event.data, user: { ...event.data.user, properties: [] } } }, 's', sentAtMs);
    assert.ok(!signed.body.includes('properties'));
  });
});

describe('D1–D5: derived vectors of the Rails 5.1.6 rules', () => {
  const credentials = { apiKey: README_KEY, apiSecret: SDK_SECRET };

  it('D1: the KYC submission from the Ruby README', () => {
    const signed = signRequest('/api/v2/users-kyc/11007', {
      birthdate: '29/07/1992', city: 'pune', country: 'INDIA', document_id_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd1',
      document_id_number: 'ABCD123', estimated_participation_amount: 1.2, ethereum_address: '0x04d39e0b112c20917868ffd5c42372ecc5df577b',
      first_name: 'YOGESH', investor_proof_files_path: ['10/i/4ae058629d4b384edcda8decdfbf0da1', '10/i/4ae058629d4b384edcda8decdfbf0da2'],
      last_name: 'SAWANT', nationality: 'INDIAN', postal_code: 411028, residence_proof_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd3',
      selfie_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd2', state: 'maharashtra', street_address: 'hadapsar',
    }, credentials, README_TS * 1000);
    assert.equal(stringToSign('/api/v2/users-kyc/11007', signed), '/api/v2/users-kyc/11007?api_key=28ad8ebb00c8469e1e32156849e94b3f&birthdate=29%2F07%2F1992&city=pune&country=INDIA&document_id_file_path=10%2Fi%2F4ae058629d4b384edcda8decdfbf0dd1&document_id_number=ABCD123&estimated_participation_amount=1.2&ethereum_address=0x04d39e0b112c20917868ffd5c42372ecc5df577b&first_name=YOGESH&investor_proof_files_path%5B%5D=10%2Fi%2F4ae058629d4b384edcda8decdfbf0da1&investor_proof_files_path%5B%5D=10%2Fi%2F4ae058629d4b384edcda8decdfbf0da2&last_name=SAWANT&nationality=INDIAN&postal_code=411028&request_timestamp=1542027534&residence_proof_file_path=10%2Fi%2F4ae058629d4b384edcda8decdfbf0dd3&selfie_file_path=10%2Fi%2F4ae058629d4b384edcda8decdfbf0dd2&state=maharashtra&street_address=hadapsar');
    assert.equal(signed.signature, 'b9899e5a7c77d120cb1e99fab98eb001274a2827a0fc0357ed6c39f128deec05');
  });

  it('D2: presigned POST for three files', () => {
    const signed = signRequest('/api/v2/users-kyc/pre-signed-urls/for-post', {
      files: { selfie: 'image/jpeg', document_id: 'application/pdf', investor_proof_file1: 'application/pdf' },
    }, credentials, README_TS * 1000);
    assert.equal(stringToSign('/api/v2/users-kyc/pre-signed-urls/for-post', signed), '/api/v2/users-kyc/pre-signed-urls/for-post?api_key=28ad8ebb00c8469e1e32156849e94b3f&files%5Bdocument_id%5D=application%2Fpdf&files%5Binvestor_proof_file1%5D=application%2Fpdf&files%5Bselfie%5D=image%2Fjpeg&request_timestamp=1542027534');
    assert.equal(signed.signature, 'e3968c6aaa251a0ee65d0e8a252df4f1f382a5e7a733afd6eb169aae641ce9df');
  });

  it('D3: a filtered user list', () => {
    const signed = signRequest('/api/v2/users', {
      page_number: 2, limit: 5, order: 'asc', filters: { email: 'kyc user', is_kyc_submitted: 'true' },
    }, credentials, README_TS * 1000);
    assert.equal(stringToSign('/api/v2/users', signed), '/api/v2/users?api_key=28ad8ebb00c8469e1e32156849e94b3f&filters%5Bemail%5D=kyc+user&filters%5Bis_kyc_submitted%5D=true&limit=5&order=asc&page_number=2&request_timestamp=1542027534');
    assert.equal(signed.signature, 'bacedc479d5a21bcfdab174593173c8de32626016afdbd085e5ef11c74ff0ae5');
  });

  it('D4: encoded pairs are sorted, not raw keys (where every SDK is wrong)', () => {
    const params = { api_key: 'k', request_timestamp: 1, a: 1, a1: 2, 'a-b': 3, B: 4 };
    const text = stringToSign('/api/v2/users', params);
    assert.equal(text, '/api/v2/users?B=4&a-b=3&a1=2&a=1&api_key=k&request_timestamp=1');
    assert.equal(hmacHex(SDK_SECRET, text), '61ee946608bc008b4cf28f488ca2e6b7a344eb73c5c0f99c3e249dd069db7833');
  });

  it('D5: Rails 5.1.6 sorts inside hashes that sit in arrays', () => {
    const text = stringToSign('/api/v2/users', { api_key: 'k', request_timestamp: 1, l: [{ b: 1, a: 2 }] });
    assert.equal(text, '/api/v2/users?api_key=k&l%5B%5D%5Ba%5D=2&l%5B%5D%5Bb%5D=1&request_timestamp=1');
    assert.equal(hmacHex(SDK_SECRET, text), '83462e148839c6a3c36e094814b4472729edb020dc57100d18230d73a47dd304');
  });
});

describe('verifyRequest: the server side of the same rules (upstream §1.3–§1.5)', () => {
  const secret = SDK_SECRET;
  const path = '/api/v2/users';
  const nowMs = 1_700_000_000_500;
  const wire = (params: Record<string, unknown>) => parseQuery(toQuery(params as never), { semicolons: true });

  it('accepts a request signed now, and a timestamp exactly 10 s early or late', () => {
    for (const offsetMs of [0, -10_000, 10_000]) {
      const signed = signRequest(path, { email: 'a@b.co' }, { apiKey: 'k', apiSecret: secret }, nowMs + offsetMs);
      // Signed for a second boundary: floor() of nowMs ± 10 s may land just inside or on the edge.
      const result = verifyRequest(path, wire(signed), secret, { nowMs: signed.request_timestamp * 1000 - offsetMs });
      assert.ok(result.ok, `offset ${offsetMs}`);
    }
  });

  it('refuses 11 s early or late as timestamp_out_of_window', () => {
    for (const offsetMs of [-11_000, 11_000]) {
      const signed = signRequest(path, {}, { apiKey: 'k', apiSecret: secret }, nowMs + offsetMs);
      assert.deepEqual(verifyRequest(path, wire(signed), secret, { nowMs }), { ok: false, rejection: 'timestamp_out_of_window' });
    }
  });

  it('tells apart missing and blank auth params', () => {
    const signed = signRequest(path, {}, { apiKey: 'k', apiSecret: secret }, nowMs);
    for (const name of ['api_key', 'signature', 'request_timestamp'] as const) {
      const { [name]: _dropped, ...without } = signed;
      assert.deepEqual(verifyRequest(path, wire(without), secret, { nowMs }), { ok: false, rejection: 'missing_params' }, name);
      assert.deepEqual(verifyRequest(path, wire({ ...signed, [name]: '  ' }), secret, { nowMs }), { ok: false, rejection: 'missing_params' }, `${name} blank`);
    }
  });

  it('reads the timestamp as Ruby String#to_i does', () => {
    const seconds = Math.floor(nowMs / 1000);
    const params = { api_key: 'k', request_timestamp: `${seconds}abc` };
    const signature = hmacHex(secret, stringToSign(path, params));
    assert.ok(verifyRequest(path, wire({ ...params, signature }), secret, { nowMs }).ok);
    const garbage = { api_key: 'k', request_timestamp: 'soon' };
    assert.deepEqual(verifyRequest(path, wire({ ...garbage, signature: hmacHex(secret, stringToSign(path, garbage)) }), secret, { nowMs }), { ok: false, rejection: 'timestamp_out_of_window' });
  });

  it('signs the path as received: a trailing slash is another request', () => {
    const signed = signRequest('/api/v2/users/', {}, { apiKey: 'k', apiSecret: secret }, nowMs);
    assert.ok(verifyRequest('/api/v2/users/', wire(signed), secret, { nowMs }).ok);
    assert.deepEqual(verifyRequest('/api/v2/users', wire(signed), secret, { nowMs }), { ok: false, rejection: 'bad_signature' });
  });

  it('compares signatures case-sensitively, as Ruby String#== does', () => {
    const signed = signRequest(path, {}, { apiKey: 'k', apiSecret: secret }, nowMs);
    assert.deepEqual(verifyRequest(path, wire({ ...signed, signature: signed.signature.toUpperCase() }), secret, { nowMs }), { ok: false, rejection: 'bad_signature' });
  });

  it('accepts the junk params the Python and PHP SDK tests send', () => {
    // Python: ac[]=dsds&ac[]=&ac[]= ; PHP: nested list2[][a], an empty array, an empty string, garbage.
    const params = { ac: ['dsds', '', ''], list2: [{ a: 'L21A', b: 'L21B' }, { a: 'L22A' }], nice_param: [], empty_str: '', garbage_str: "~^[]%$#@!&*~,./?~()-_'x" };
    const signed = signRequest('/api/v2/users/11003', params, { apiKey: 'k', apiSecret: secret }, nowMs);
    assert.ok(verifyRequest('/api/v2/users/11003', wire(signed), secret, { nowMs }).ok);
  });

  it('drops a signature passed in the params before signing', () => {
    const signed = signRequest(path, { signature: 'forged', email: 'x@y.z' }, { apiKey: 'k', apiSecret: secret }, nowMs);
    assert.notEqual(signed.signature, 'forged');
    assert.ok(verifyRequest(path, wire(signed), secret, { nowMs }).ok);
  });
});
