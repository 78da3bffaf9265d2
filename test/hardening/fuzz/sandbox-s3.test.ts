/**
 * Issue 7, bad input: property-based fuzzing of the sandbox's S3 stand-in over real HTTP: browser POST
 * uploads with the presigned forms the provider hands out (each case asks for a fresh one, then breaks
 * it: a field changed, dropped, added or repeated, the file too small, too large or missing, the
 * multipart body cut, unterminated, with broken part headers, oversized fields or bytes that are not
 * UTF-8), presigned PUT and GET URLs with their query and path tampered with, CORS preflights, and any
 * other method and path.
 *
 * Properties: never a 5xx and never a hang; every refusal is S3's XML `<Error><Code>…</Code><Message>…`;
 * when one form field is wrong the error names it (its name in the argument or the policy condition, or
 * the signature it breaks); a refused upload stores nothing (no object under its key, no file left in
 * the store's folders).
 *
 * `FUZZ_SEED` replays another seed, `FUZZ_RUNS` sets the number of cases.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createS3Server, type S3Server } from '../../../demo/sandbox/s3/s3-server.js';
import { countAnswer, countCase, createTally, describeTally, fuzzBudget, fuzzSeed, runProperty } from './support/fuzz-run.js';
import { BROKEN_UTF8, headerText, nastyText } from './support/nasty-values.js';
import { closeRawConnections, describeRequest, isParserRefusal, sendRaw, type RawAnswer, type RawRequest } from './support/raw-request.js';

const SEED = fuzzSeed();
const CASES = fuzzBudget(2000);
const BUCKET = 'kyc-fuzz';
const ORIGIN = 'https://sale.test';
const MIN = 204_800;
const MAX = 20_971_520;

let dataDir: string;
let s3: S3Server;
const tally = createTally();
let keysMade = 0;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fuzz-s3-'));
  s3 = await createS3Server({ dataDir, bucket: BUCKET, accessKeyId: 'FUZZACCESSKEY', secretAccessKey: 'fuzz-secret-access-key', allowedOrigins: [ORIGIN] });
});

after(async () => {
  await s3?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  closeRawConnections();
});

/** A key no case used before, in the provider's shape. */
function freshKey(): string {
  keysMade += 1;
  return `7/i/${randomBytes(8).toString('hex')}${keysMade}`;
}

/** Every file under the store's folder (objects, metadata, temp files). */
function storedFiles(): string[] {
  return readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------------
// POST uploads.

/** What a case does to a fresh presigned form. */
interface UploadRecipe {
  /** One field of the form changed (a value), removed (`null`), or none. */
  edit: { field: string; value: string | null } | undefined;
  /** Fields added to the form. */
  extra: [string, string][];
  /** Send the fields in another order. */
  shuffle: boolean;
  /** The file's size, its part name and filename. */
  fileSize: number;
  filePart: 'file' | 'FILE' | 'none' | 'twice' | 'first';
  filename: string;
  /** How the multipart body is broken. */
  breakage: 'none' | 'cut' | 'unterminated' | 'bad-part-header' | 'oversized-fields' | 'broken-utf8' | 'other-boundary' | 'no-boundary' | 'not-multipart' | 'random-bytes';
  cutAt: number;
  brokenBytes: readonly number[];
}

const FORM_FIELDS = ['key', 'Content-Type', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'policy', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date', 'x-amz-signature', 'bucket'];

function uploadRecipes(): fc.Arbitrary<UploadRecipe> {
  const value = fc.oneof(nastyText(), fc.constantFrom('', 'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1', 'FUZZACCESSKEY/20200101/us-east-1/s3/aws4_request', 'FUZZACCESSKEY/20200101/eu-west-1/s3/aws4_request', 'OTHERKEY/20200101/us-east-1/s3/aws4_request', '20200101T000000Z', 'aws:kms', 'image/png', 'e30=', 'eyJleHBpcmF0aW9uIjoiMjAwMC0wMS0wMVQwMDowMDowMFoiLCJjb25kaXRpb25zIjpbXX0=', '${filename}', '7/i/../../etc/passwd'));
  return fc.record({
    edit: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.record({ field: fc.constantFrom(...FORM_FIELDS), value: fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }) }) }),
    extra: fc.oneof({ weight: 5, arbitrary: fc.constant<[string, string][]>([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom('success_action_status', 'success_action_redirect', 'redirect', 'x-ignore-me', 'acl', 'key', 'x-amz-meta-a', 'Policy'), fc.string({ maxLength: 10 })), fc.oneof(value, fc.constantFrom('201', '200', '204', 'http://127.0.0.1/ok', 'not a url', 'javascript:alert(1)'))), { maxLength: 2 }) }),
    shuffle: fc.boolean(),
    fileSize: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: MIN, max: MIN + 2048 }) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: MIN - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(MIN - 1, MIN, MAX + 1) }),
    filePart: fc.oneof({ weight: 8, arbitrary: fc.constant<UploadRecipe['filePart']>('file') }, { weight: 1, arbitrary: fc.constantFrom<UploadRecipe['filePart']>('FILE', 'none', 'twice', 'first') }),
    filename: fc.oneof(fc.constant('upload.jpg'), nastyText().map((text) => text.replace(/["\r\n]/g, ''))),
    breakage: fc.oneof({ weight: 8, arbitrary: fc.constant<UploadRecipe['breakage']>('none') }, { weight: 3, arbitrary: fc.constantFrom<UploadRecipe['breakage']>('cut', 'unterminated', 'bad-part-header', 'oversized-fields', 'broken-utf8', 'other-boundary', 'no-boundary', 'not-multipart', 'random-bytes') }),
    cutAt: fc.nat(),
    brokenBytes: fc.constantFrom(...BROKEN_UTF8),
  });
}

/** The multipart body for `fields` and a file, as the recipe says. */
function multipartBody(boundary: string, fields: [string, string][], recipe: UploadRecipe): Uint8Array {
  const chunks: Uint8Array[] = [];
  const text = (value: string): void => void chunks.push(encoder.encode(value));
  const field = (name: string, value: string): void => {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`);
    if (recipe.breakage === 'broken-utf8' && name === 'key') chunks.push(Uint8Array.from([...encoder.encode(value), ...recipe.brokenBytes]));
    else text(value);
    text('\r\n');
  };
  const file = (name: string): void => {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${recipe.filename}"\r\nContent-Type: image/jpeg\r\n\r\n`);
    chunks.push(new Uint8Array(Math.min(recipe.fileSize, MAX + 1)).fill(0x61));
    text('\r\n');
  };
  if (recipe.filePart === 'first') file('file');
  if (recipe.breakage === 'bad-part-header') text(`--${boundary}\r\nthis line has no colon\r\n\r\nvalue\r\n`);
  if (recipe.breakage === 'oversized-fields') field('x-ignore-padding', 'p'.repeat(21 * 1024));
  for (const [name, value] of fields) field(name, value);
  if (recipe.filePart === 'file' || recipe.filePart === 'twice') file('file');
  if (recipe.filePart === 'FILE') file('FILE');
  if (recipe.filePart === 'twice') file('file');
  if (recipe.breakage !== 'unterminated') text(`--${boundary}--\r\n`);
  const body = Buffer.concat(chunks);
  if (recipe.breakage === 'cut') return body.subarray(0, recipe.cutAt % Math.max(1, body.length));
  if (recipe.breakage === 'random-bytes') return randomBytes(Math.min(4096, body.length));
  return body;
}

async function uploadCase(recipe: UploadRecipe): Promise<void> {
  const key = freshKey();
  const form = await s3.fileStore.presignPost(key, 'image/jpeg');
  let fields: [string, string][] = Object.entries(form.fields);
  if (recipe.edit !== undefined) {
    const { field, value } = recipe.edit;
    const present = fields.some(([name]) => name === field);
    fields = value === null ? fields.filter(([name]) => name !== field) : present ? fields.map(([name, old]) => [name, name === field ? value : old]) : [...fields, [field, value]];
  }
  fields = [...fields, ...recipe.extra.map(([name, value]): [string, string] => [name.replace(/["\r\n]/g, ''), value])];
  if (recipe.shuffle) fields = [...fields].reverse();
  const boundary = `----fuzz${randomBytes(6).toString('hex')}`;
  const contentType = recipe.breakage === 'other-boundary' ? 'multipart/form-data; boundary=not-the-one'
    : recipe.breakage === 'no-boundary' ? 'multipart/form-data'
      : recipe.breakage === 'not-multipart' ? 'application/x-www-form-urlencoded'
        : `multipart/form-data; boundary=${boundary}`;
  const body = multipartBody(boundary, fields, recipe);
  const url = new URL(form.url);
  const raw: RawRequest = { method: 'POST', target: url.pathname, headers: { 'Content-Type': contentType, Origin: ORIGIN }, body };
  // Which field alone is at fault, when nothing else is wrong with the upload.
  const clean = recipe.extra.length === 0 && recipe.breakage === 'none' && recipe.filePart === 'file' && recipe.fileSize >= MIN && recipe.fileSize <= MAX;
  const fault = clean && recipe.edit !== undefined && (recipe.edit.value === null || form.fields[recipe.edit.field] !== recipe.edit.value) ? recipe.edit.field : undefined;
  const before = storedFiles();
  const answer = await send('POST upload form', raw);
  if (answer.status >= 400) {
    assertS3Error(raw, answer, fault);
    assert.equal(await s3.fileStore.stat(key), undefined, `a refused upload stored an object:\n${describeRequest(raw)}`);
    assert.deepEqual(storedFiles().filter((file) => !before.includes(file)), [], `a refused upload left a file in the store:\n${describeRequest(raw)}\n→ ${answer.status} ${answer.text}`);
  } else if (answer.status < 300) {
    assert.ok(recipe.fileSize >= MIN && recipe.fileSize <= MAX, `an upload outside the size range was taken:\n${describeRequest(raw)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Presigned PUT and GET, preflights, anything else.

interface UrlRecipe {
  kind: 'PUT' | 'GET' | 'HEAD';
  /** How the URL is tampered with. */
  tamper: 'none' | 'param-changed' | 'param-dropped' | 'param-added' | 'path-changed' | 'bad-percent' | 'expired' | 'no-query';
  param: string;
  value: string;
  body: Uint8Array | undefined;
}

function urlRecipes(): fc.Arbitrary<UrlRecipe> {
  return fc.record({
    kind: fc.constantFrom<UrlRecipe['kind']>('PUT', 'GET', 'HEAD'),
    tamper: fc.oneof({ weight: 3, arbitrary: fc.constant<UrlRecipe['tamper']>('none') }, { weight: 5, arbitrary: fc.constantFrom<UrlRecipe['tamper']>('param-changed', 'param-dropped', 'param-added', 'path-changed', 'bad-percent', 'expired', 'no-query') }),
    param: fc.constantFrom('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'x-id', 'X-Amz-Content-Sha256'),
    value: fc.oneof(nastyText(), fc.constantFrom('0', '-1', '604801', '99999999999999999999', '20000101T000000Z', 'host', 'host;content-type', '%zz', 'AWS4-HMAC-SHA256')),
    body: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }) }),
  });
}

async function urlCase(recipe: UrlRecipe): Promise<void> {
  const key = freshKey();
  if (recipe.kind !== 'PUT') {
    // Something to read: a small object put through its own presigned URL.
    const put = await s3.fileStore.presignPut(key, 'image/jpeg');
    const stored = await sendRaw(s3.url, { method: 'PUT', target: new URL(put.url).pathname + new URL(put.url).search, headers: { 'Content-Type': 'image/jpeg' }, body: new Uint8Array(10) });
    assert.equal(stored.status, 200, stored.text);
  }
  const signed = new URL(recipe.kind === 'PUT' ? (await s3.fileStore.presignPut(key, 'image/jpeg')).url : await s3.fileStore.presignGet(key, 60));
  let path = signed.pathname;
  let query = signed.search.slice(1);
  const pairs = query.split('&');
  const encoded = encodeURIComponent(recipe.value.replace(/[\ud800-\udfff]/g, ''));
  if (recipe.tamper === 'param-changed') query = pairs.map((pair) => (pair.startsWith(`${recipe.param}=`) ? `${recipe.param}=${encoded}` : pair)).join('&');
  if (recipe.tamper === 'param-dropped') query = pairs.filter((pair) => !pair.startsWith(`${recipe.param}=`)).join('&');
  if (recipe.tamper === 'param-added') query = `${query}&${recipe.param}=${encoded}`;
  if (recipe.tamper === 'path-changed') path = `${path}x`;
  if (recipe.tamper === 'bad-percent') path = `${path}%zz%`;
  if (recipe.tamper === 'expired') query = query.replace(/X-Amz-Date=[^&]*/, 'X-Amz-Date=20000101T000000Z');
  if (recipe.tamper === 'no-query') query = '';
  const raw: RawRequest = { method: recipe.kind, target: `${path}${query === '' ? '' : `?${query}`}`, headers: { 'Content-Type': 'image/jpeg', Origin: ORIGIN }, ...(recipe.kind === 'PUT' ? { body: recipe.body ?? new Uint8Array(64) } : {}) };
  const before = storedFiles().length;
  const answer = await send(`${recipe.kind} presigned URL`, raw);
  if (answer.status >= 400 && recipe.kind !== 'HEAD') assertS3Error(raw, answer);
  if (answer.status >= 400 && recipe.kind === 'PUT') {
    assert.equal(await s3.fileStore.stat(key), undefined, `a refused PUT stored an object:\n${describeRequest(raw)}`);
    assert.equal(storedFiles().length, before, `a refused PUT left a file:\n${describeRequest(raw)}`);
  }
}

function otherRequests(): fc.Arbitrary<RawRequest> {
  const segment = fc.oneof(fc.constantFrom(BUCKET, 'other-bucket', '7', 'i', '..', '%2e%2e', '%zz', '%', '%ff', '%00', ''), nastyText().map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')).slice(0, 40)));
  return fc.record({
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'PROPFIND'),
    segments: fc.array(segment, { maxLength: 4 }),
    query: fc.oneof(fc.constant(''), fc.constantFrom('uploads', 'acl', 'X-Amz-Signature=x', '%zz=1', 'a=%ff')),
    origin: fc.oneof(fc.constant(ORIGIN), fc.constant(undefined), headerText()),
    requestMethod: fc.oneof(fc.constantFrom('POST', 'PUT', 'GET', 'DELETE'), headerText()),
    requestHeaders: fc.oneof(fc.constant('content-type'), headerText()),
    contentType: fc.oneof(fc.constant(undefined), fc.constantFrom('multipart/form-data; boundary=x', 'multipart/form-data; boundary="', 'image/jpeg'), headerText()),
    body: fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 512 })),
  }).map(({ method, segments, query, origin, requestMethod, requestHeaders, contentType, body }) => {
    const headers: Record<string, string> = {};
    if (origin !== undefined) headers['Origin'] = origin;
    if (method === 'OPTIONS') {
      headers['Access-Control-Request-Method'] = requestMethod;
      headers['Access-Control-Request-Headers'] = requestHeaders;
    }
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    return { method, target: `/${segments.join('/')}${query === '' ? '' : `?${query}`}`, headers, ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : { body }) };
  });
}

async function otherCase(raw: RawRequest): Promise<void> {
  const before = storedFiles().length;
  const answer = await send('other methods and paths', raw);
  if (answer.status >= 400 && raw.method !== 'HEAD') assertS3Error(raw, answer);
  if (answer.status >= 400) assert.equal(storedFiles().length, before, `a refused request left a file:\n${describeRequest(raw)}`);
}

// ---------------------------------------------------------------------------------------------------
// Checks.

async function send(target: string, raw: RawRequest): Promise<RawAnswer> {
  countCase(tally, target);
  let answer: RawAnswer;
  try {
    answer = await sendRaw(s3.url, raw);
  } catch (error) {
    assert.fail(`no answer (${(error as Error).message}) to ${describeRequest(raw)}`);
  }
  countAnswer(tally, answer.status);
  assert.ok(answer.status < 500, `a server error:\n${describeRequest(raw)}\n→ ${answer.status} ${answer.text.slice(0, 400)}`);
  if (isParserRefusal(answer)) tally.parserRefusals += 1;
  return answer;
}

/**
 * Fields whose change S3 reports by what it breaks rather than by name: the signature covers the policy
 * and the credential's scope, and a credential's unknown key is named as the `AWSAccessKeyId`.
 */
const REPORTED_AS: Readonly<Record<string, readonly string[]>> = {
  policy: ['SignatureDoesNotMatch', 'InvalidPolicyDocument'],
  'x-amz-signature': ['SignatureDoesNotMatch'],
  'x-amz-credential': ['SignatureDoesNotMatch', 'InvalidAccessKeyId'],
};

/** S3's XML error, and for a one-field fault, the field named (or its signature broken). */
function assertS3Error(raw: RawRequest, answer: RawAnswer, fault?: string): void {
  if (isParserRefusal(answer)) return;
  const where = `${describeRequest(raw)}\n→ ${answer.status} ${answer.text.slice(0, 400)}`;
  assert.match(String(answer.headers['content-type']), /^application\/xml/, `a refusal that is not XML:\n${where}`);
  const code = /<Error><Code>([A-Za-z]+)<\/Code><Message>([^<]+)<\/Message>/.exec(answer.text);
  assert.ok(code !== null, `a refusal without <Error><Code>…</Code><Message>…:\n${where}`);
  if (fault === undefined) return;
  const named = answer.text.toLowerCase().includes(fault.toLowerCase());
  const reported = (REPORTED_AS[fault.toLowerCase()] ?? []).includes(code[1] ?? '');
  assert.ok(named || reported, `only the form field "${fault}" was wrong, but the error does not name it:\n${where}`);
}

test('the S3 stand-in: no 5xx, no hang, S3\'s XML errors naming the field, nothing stored when refused', { timeout: 180_000 }, async () => {
  await runProperty('POST uploads with presigned forms', uploadRecipes(), uploadCase, { seed: SEED, runs: Math.round(CASES * 0.55) });
  await runProperty('presigned PUT and GET URLs', urlRecipes(), urlCase, { seed: SEED, runs: Math.round(CASES * 0.25) });
  await runProperty('other methods, paths and preflights', otherRequests(), otherCase, { seed: SEED, runs: Math.round(CASES * 0.2) });
  console.log(describeTally('S3 stand-in', tally, SEED));
  console.log(`  cases per kind: ${[...tally.targets.entries()].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
  assert.equal(tally.serverErrors, 0);
});
