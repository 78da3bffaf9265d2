/**
 * Issue 7, bad input: property-based fuzzing of the sandbox provider over real HTTP: every OST KYC API v2
 * endpoint (read from the sandbox's own route table) and the review console's pages, form posts and
 * JSON API. Most API cases are signed with the project's signer (`signRequest`), so they get past the
 * authentication gate and reach each endpoint's validation; the rest are unsigned, forged, stale, for an
 * inactive or web-host client, or not even UTF-8. Console form posts carry the page's anti-CSRF token in
 * most cases, so review actions really run.
 *
 * Properties: never a 5xx (`swr`) and never a hang; every refusal is the provider's envelope
 * `{ success: false, err: { internal_id, msg, error_data?, code } }` in that key order (the console: an
 * HTML page, or `{ error: { code, message } }` for its API); when exactly one parameter is wrong, the
 * `error_data` names it; a refused request stores nothing (the SQLite rows, read apart, and the events
 * that would become webhooks).
 *
 * `FUZZ_SEED` replays another seed, `FUZZ_RUNS` sets the number of cases.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createSandbox, type Sandbox } from '../../../demo/sandbox/app.js';
import { ROUTES } from '../../../demo/sandbox/routes.js';
import { signRequest, toQuery, type ParamValue } from '../../../proxy/signer.js';
import { CREDS, MemoryFileStore, RecordingEvents, testClients } from '../../sandbox/api/helpers.js';
import { csrfFrom } from '../../sandbox/console/helpers.js';
import { countAnswer, countCase, createTally, describeTally, fuzzBudget, fuzzSeed, runProperty } from './support/fuzz-run.js';
import { BROKEN_UTF8, HTML_PAYLOADS, headerText, nastyQuery, nastyText } from './support/nasty-values.js';
import { closeRawConnections, describeRequest, isParserRefusal, sendRaw, type RawAnswer, type RawRequest } from './support/raw-request.js';
import { openSandboxRows, type SandboxRowReader } from './support/sandbox-rows.js';

const SEED = fuzzSeed();
const CASES = fuzzBudget(4200);
const MAX_BODY_BYTES = 1024 * 1024;

/** Client 7's files in the fake store, each the provider's minimum size or more. */
const FILES = { document: '7/i/aaaa0001', selfie: '7/i/aaaa0002', residence: '7/d/aaaa0003', proof: '7/d/aaaa0004' };

let dataDir: string;
let sandbox: Sandbox;
let files: MemoryFileStore;
let events: RecordingEvents;
let rows: SandboxRowReader;
/** A user of client 7 with a KYC case (API cases), and users whose cases the console cases review. */
let userId: number;
let reviewed: number[] = [];
let csrf: string;
const tally = createTally();

/** A signed request as the project's signer makes it: GET params in the query, POST params in the body. */
function signed(method: 'GET' | 'POST', path: string, params: Record<string, ParamValue>, credentials = CREDS, nowMs = Date.now()): RawRequest {
  const wire = toQuery(signRequest(path, params, credentials, nowMs));
  return method === 'GET'
    ? { method, target: `${path}?${wire}` }
    : { method, target: path, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new TextEncoder().encode(wire) };
}

async function call(method: 'GET' | 'POST', path: string, params: Record<string, ParamValue>): Promise<{ status: number; json: any }> {
  const answer = await sendRaw(sandbox.url, signed(method, path, params));
  return { status: answer.status, json: answer.json };
}

/** A valid submission for client 7 (every field it collects, its extra field, the files in the store). */
function validKyc(): Record<string, ParamValue> {
  return {
    first_name: 'Ada', last_name: 'Lovelace', birthdate: '10/12/1990', country: 'france', nationality: 'french', document_id_number: 'P1234567',
    document_id_file_path: FILES.document, selfie_file_path: FILES.selfie, residence_proof_file_path: FILES.residence, investor_proof_files_path: [FILES.proof],
    ethereum_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', estimated_participation_amount: '10.5', street_address: '1 Main St', city: 'Pune',
    state: 'MH', postal_code: '411028', occupation: 'Engineer',
  };
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fuzz-sandbox-'));
  files = new MemoryFileStore();
  for (const key of Object.values(FILES)) files.put(key, 300_000, key.includes('/d/') ? 'application/pdf' : 'image/jpeg');
  events = new RecordingEvents();
  sandbox = await createSandbox({ port: 0, dataDir, clients: testClients(), fileStore: files, events, reviewConsole: {} });
  rows = openSandboxRows(dataDir);
  const ids: number[] = [];
  for (const label of ['api', 'review-1', 'review-2', 'review-3', 'review-4']) {
    const created = await call('POST', '/api/v2/users', { email: `${label}.${process.pid}@example.com` });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const id = created.json.data.user.id as number;
    const submitted = await call('POST', `/api/v2/users-kyc/${id}`, validKyc());
    assert.equal(submitted.status, 200, JSON.stringify(submitted.json));
    ids.push(id);
  }
  [userId = 0, ...reviewed] = ids;
  const page = await sendRaw(sandbox.url, { method: 'GET', target: `/console/clients/7/cases/${reviewed[0]}` });
  csrf = csrfFrom(page.text);
});

after(async () => {
  rows?.close();
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  closeRawConnections();
});

// ---------------------------------------------------------------------------------------------------
// Parameters.

/** A parameter value: text of any kind, a list, a hash, or nothing. */
const paramValue = (good: readonly ParamValue[] = []): fc.Arbitrary<ParamValue> => fc.oneof(
  { weight: good.length > 0 ? 5 : 0, arbitrary: good.length > 0 ? fc.constantFrom(...good) : fc.constant('') },
  { weight: 5, arbitrary: nastyText() },
  { weight: 1, arbitrary: fc.array(nastyText(), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', '0', '1', 'x', '__proto__', 'constructor'), nastyText(), { maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom<ParamValue>(null, '', 0, -0, 1e21, Number.MAX_SAFE_INTEGER + 2, true, []) },
);

/** What each endpoint reads, with valid values (for one-parameter-wrong cases), by method and path template. */
function endpointParams(method: 'GET' | 'POST', template: string): Record<string, readonly ParamValue[]> {
  if (template.includes('pre-signed-urls')) return { files: [{ document_id: 'image/jpeg', selfie: 'IMAGE/PNG' }, { proof: 'application/pdf' }] };
  if (template.includes('/email/')) return { template_vars: [{ name: 'Ada' }] };
  if (template.includes('ethereum')) return { ethereum_address: ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '32be343b94f860124dc4fee278fdcbd38c102d88'] };
  if (method === 'POST' && template === '/api/v2/users') return { email: ['new.user@example.com'] };
  if (method === 'POST' && template.startsWith('/api/v2/users-kyc/')) return Object.fromEntries(Object.entries(validKyc()).map(([name, value]) => [name, [value]]));
  if (template === '/api/v2/users') return { page_number: ['1', '2'], limit: ['1', '100'], order: ['asc', 'desc'], filters: [{ email: 'api' }, { is_kyc_submitted: 'true' }] };
  if (template === '/api/v2/users-kyc') return { page_number: ['1'], limit: ['10'], order: ['asc'], filters: [{ admin_status: 'unprocessed' }, { aml_status: 'cleared:approved' }] };
  return {};
}

/** The path template of a route (`/api/v2/users-kyc/([0-9a-zA-Z.-]+)`), from its pattern. */
function templateOf(pattern: RegExp): string {
  return pattern.source.replace(/\\\//g, '/').replace(/\\-/g, '-').replace(/\\\./g, '.').replace(/^\^/, '').replace(/\/\?\$$/, '');
}

/** Id path segments: the right user, another, none there, and what the `/[0-9a-z.\-]+/i` constraint lets through. */
const idSegment = (): fc.Arbitrary<string> => fc.oneof(
  { weight: 6, arbitrary: fc.constant(String(userId)) },
  { weight: 3, arbitrary: fc.constantFrom('0', '-1', '1.5', '1e3', '0x1f', '007', 'abc', '99999999999999999999', '9007199254740993', '1-2', '.', '-', '1.', String(userId + 1000)) },
);

/** A path of the route table with its id segment filled in, and a trailing slash sometimes. */
function routePath(template: string): fc.Arbitrary<string> {
  return fc.tuple(idSegment(), fc.boolean()).map(([id, slash]) => template.replace(/\([^)]*\)/, id) + (slash ? '/' : ''));
}

type Signing = 'signed' | 'wrong-secret' | 'inactive' | 'web-host' | 'minimal' | 'stale' | 'unsigned' | 'tampered';
const signing = (): fc.Arbitrary<Signing> => fc.oneof(
  { weight: 12, arbitrary: fc.constant<Signing>('signed') },
  { weight: 1, arbitrary: fc.constantFrom<Signing>('wrong-secret', 'inactive', 'web-host', 'minimal', 'stale', 'unsigned', 'tampered') },
);

/** Build a request the way `how` says, from params and a path. */
function request(method: 'GET' | 'POST', path: string, params: Record<string, ParamValue>, how: Signing): RawRequest {
  const credentials = how === 'wrong-secret' ? { ...CREDS, apiSecret: 'f'.repeat(32) } : how === 'inactive' ? { apiKey: 'inactivekey', apiSecret: 'inactivesecret' } : how === 'web-host' ? { apiKey: 'webhostkey', apiSecret: 'webhostsecret' } : how === 'minimal' ? { apiKey: 'minimalkey', apiSecret: 'minimalsecret' } : CREDS;
  if (how === 'unsigned') {
    const wire = toQuery(params);
    return method === 'GET' ? { method, target: `${path}?${wire}` } : { method, target: path, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new TextEncoder().encode(wire) };
  }
  const built = signed(method, path, params, credentials, how === 'stale' ? Date.now() - 60_000 : Date.now());
  if (how !== 'tampered') return built;
  // One parameter changed after signing.
  return method === 'GET' ? { ...built, target: built.target.replace('request_timestamp=', 'request_timestamp=1') } : { ...built, body: new TextEncoder().encode(`${new TextDecoder().decode(built.body)}&extra=1`) };
}

// ---------------------------------------------------------------------------------------------------
// Cases.

interface ApiCase {
  endpoint: string;
  request: RawRequest;
  /** The one parameter that is wrong (in an otherwise valid, signed request). */
  fault?: string;
}

function endpointCases(route: (typeof ROUTES)[number]): fc.Arbitrary<ApiCase> {
  const template = templateOf(route.pattern);
  const endpoint = `${route.method} ${template.replace(/\([^)]*\)/, ':id')}`;
  const known = endpointParams(route.method, template);
  const names = Object.keys(known);
  const params: fc.Arbitrary<Record<string, ParamValue>> = fc.tuple(
    names.length === 0 ? fc.constant({}) : fc.record(Object.fromEntries(names.map((name) => [name, paramValue(known[name])])), { requiredKeys: [] }),
    fc.dictionary(fc.oneof(fc.constantFrom('api_key', 'signature', 'request_timestamp', 'a[b]', 'a[]', 'user_id', 'client_id'), fc.string({ maxLength: 8 })), paramValue(), { maxKeys: 2 }),
  ).map(([own, extra]) => ({ ...extra, ...own }));
  const messy: fc.Arbitrary<ApiCase> = fc
    .record({
      path: routePath(template),
      params,
      how: signing(),
      raw: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...BROKEN_UTF8) }),
      contentType: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', '') }),
    })
    .map(({ path, params: values, how, raw, contentType }) => {
      let built = request(route.method, path, values, how);
      if (raw !== undefined) {
        // Bytes that are not UTF-8, in the body of a POST or (percent-encoded) in a GET's query.
        built = route.method === 'POST'
          ? { ...built, body: Uint8Array.from([...(built.body ?? []), ...new TextEncoder().encode('&x='), ...raw]) }
          : { ...built, target: `${built.target}&x=${raw.map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')}` };
      }
      if (contentType !== undefined && built.body !== undefined) built = { ...built, headers: { 'Content-Type': contentType } };
      return { endpoint, request: built };
    });
  if (names.length === 0) return messy;
  // Exactly one parameter wrong, signed, for the right user.
  const rightPath = template.replace(/\([^)]*\)/, String(userId));
  const oneWrong: fc.Arbitrary<ApiCase> = fc
    .tuple(fc.constantFrom(...names), fc.oneof({ weight: 4, arbitrary: nastyText() }, { weight: 1, arbitrary: fc.array(nastyText(), { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.constantFrom<ParamValue>({ a: 'b' }, { 0: 'x' }) }))
    .map(([name, wrong]) => {
      const values: Record<string, ParamValue> = Object.fromEntries(Object.entries(known).map(([key, options]) => [key, options[0] as ParamValue]));
      values[name] = wrong;
      return { endpoint, fault: name, request: signed(route.method, rightPath, values) };
    });
  return fc.oneof({ weight: 2, arbitrary: messy }, { weight: 1, arbitrary: oneWrong });
}

/** Unknown paths under the API: the 404 `ac_1` without authentication. */
function unknownApiPaths(): fc.Arbitrary<ApiCase> {
  return fc.tuple(fc.array(fc.oneof(fc.constantFrom('api', 'v2', 'v1', 'users', 'users-kyc', '..', '%2e%2e', '%zz', '%00', '%ff', ''), nastyText().map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')).slice(0, 30))), { maxLength: 5 }), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), nastyQuery())
    .map(([segments, method, query]) => ({ endpoint: 'unknown paths', request: { method, target: `/${segments.join('/')}${query === '' ? '' : `?${query}`}` } }));
}

// ---------------------------------------------------------------------------------------------------
// Checks.

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Assert the provider's error envelope, with its key order. */
function assertProviderError(request: RawRequest, answer: RawAnswer, fault?: string): void {
  const where = (): string => `${describeRequest(request)}\n→ ${answer.status} ${answer.text.slice(0, 400)}`;
  // Auth refusals are rendered as text/plain (upstream §1.5), with the same JSON envelope.
  const body = (answer.json ?? parseOrUndefined(answer.text)) as { success?: unknown; err?: Record<string, unknown> } | undefined;
  assert.ok(body !== undefined && body.success === false && typeof body.err === 'object' && body.err !== null, `a refusal without the provider's envelope:\n${where()}`);
  const keys = Object.keys(body.err);
  assert.deepEqual(keys.filter((key) => key !== 'error_data'), ['internal_id', 'msg', 'code'], `the err keys are out of the server's order:\n${where()}`);
  if (keys.includes('error_data')) assert.deepEqual(keys, ['internal_id', 'msg', 'error_data', 'code'], `error_data out of place:\n${where()}`);
  assert.ok(typeof body.err['internal_id'] === 'string' && body.err['internal_id'] !== '' && body.err['internal_id'] !== 'swr', `no internal_id (or swr):\n${where()}`);
  assert.ok(typeof body.err['msg'] === 'string' && body.err['msg'] !== '', `no msg:\n${where()}`);
  assert.match(String(body.err['code']), /^[A-Z_]+$/, `no code:\n${where()}`);
  const errorData = body.err['error_data'] as { parameter?: unknown; msg?: unknown }[] | undefined;
  for (const datum of errorData ?? []) assert.ok(typeof datum.parameter === 'string' && typeof datum.msg === 'string', `an error_data entry without parameter and msg:\n${where()}`);
  if (fault !== undefined && answer.status === 400) {
    const named = (errorData ?? []).map((datum) => datum.parameter);
    assert.ok(named.includes(fault), `only "${fault}" was wrong, but error_data names ${JSON.stringify(named)}:\n${where()}`);
  }
}

async function exercise(target: string, raw: RawRequest, check: (answer: RawAnswer) => void): Promise<RawAnswer> {
  countCase(tally, target);
  const rowsBefore = rows.count();
  const eventsBefore = events.events.length;
  let answer: RawAnswer;
  try {
    answer = await sendRaw(sandbox.url, raw);
  } catch (error) {
    assert.fail(`no answer (${(error as Error).message}) to ${describeRequest(raw)}`);
  }
  countAnswer(tally, answer.status);
  const where = `${describeRequest(raw)}\n→ ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status < 500, `a server error:\n${where}`);
  if (isParserRefusal(answer)) tally.parserRefusals += 1;
  else check(answer);
  if (answer.status >= 400) {
    assert.deepEqual(rows.count(), rowsBefore, `a refused request changed the sandbox's users or cases:\n${where}`);
    assert.equal(events.events.length, eventsBefore, `a refused request emitted an event:\n${where}`);
  }
  return answer;
}

async function exerciseApi(apiCase: ApiCase): Promise<void> {
  await exercise(apiCase.endpoint, apiCase.request, (answer) => {
    if (answer.status >= 400 && apiCase.request.method !== 'HEAD') assertProviderError(apiCase.request, answer, apiCase.fault);
    else if (answer.status === 200) assert.equal((answer.json as { success?: unknown } | undefined)?.success, true, `a 200 that is not a success envelope:\n${describeRequest(apiCase.request)}`);
  });
}

test('every sandbox API endpoint: no 5xx, no hang, the provider\'s errors naming the parameter, nothing stored when refused', { timeout: 180_000 }, async () => {
  const kinds = [
    ...ROUTES.map((route) => ({ name: `${route.method} ${templateOf(route.pattern)}`, weight: route.method === 'POST' ? 3 : 2, cases: endpointCases(route) })),
    { name: 'unknown API paths', weight: 1, cases: unknownApiPaths() },
  ];
  const apiShare = Math.round(CASES * 0.7);
  const totalWeight = kinds.reduce((sum, kind) => sum + kind.weight, 0);
  for (const kind of kinds) await runProperty(kind.name, kind.cases, exerciseApi, { seed: SEED, runs: Math.max(5, Math.round((apiShare * kind.weight) / totalWeight)) });
  for (const route of ROUTES) {
    const endpoint = `${route.method} ${templateOf(route.pattern).replace(/\([^)]*\)/, ':id')}`;
    assert.ok((tally.targets.get(endpoint) ?? 0) > 0, `${endpoint} was never fuzzed`);
  }
});

// ---------------------------------------------------------------------------------------------------
// The review console.

interface ConsoleCase {
  page: string;
  request: RawRequest;
}

const ACTIONS = ['qualify', 'deny', 'report', 'aml', 'whitelist', 'reopen', 'eth', 'delete'] as const;

/** Form posts of the review actions: mostly with the page's token and same-origin headers. */
function actionCases(api: boolean): fc.Arbitrary<ConsoleCase> {
  const user = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...reviewed.map(String)) }, { weight: 1, arbitrary: fc.constantFrom('0', '999999', '1e3', '%31', 'abc', '-1', String(userId), '9999999999999999') });
  const action = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ACTIONS) }, { weight: 1, arbitrary: fc.constantFrom('approve', 'x', 'qualifyy', 'delete%00') });
  const value = (good: readonly string[]): fc.Arbitrary<string> => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good) }, { weight: 2, arbitrary: nastyText() });
  const fields = fc.record({
    status: value(['cleared', 'approved', 'rejected', 'failed', 'started', 'done']),
    types: fc.array(value(['data_mismatch', 'document_issue', 'other_issue']), { maxLength: 3 }),
    address: value(['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x32be343b94f860124dc4fee278fdcbd38c102d88']),
    admin: value(['Reviewer', ...HTML_PAYLOADS]),
  }, { requiredKeys: [] });
  const guard = fc.oneof({ weight: 8, arbitrary: fc.constant('valid') }, { weight: 1, arbitrary: fc.constantFrom('no-token', 'wrong-token', 'cross-site', 'other-origin', 'other-host') });
  const client = fc.oneof({ weight: 8, arbitrary: fc.constant('7') }, { weight: 1, arbitrary: fc.constantFrom('8', '1', '0', 'x') });
  const body = fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...BROKEN_UTF8).map((bytes) => Uint8Array.from([...new TextEncoder().encode('status='), ...bytes])) }, { weight: 1, arbitrary: fc.integer({ min: 64 * 1024 + 1, max: 200_000 }).map((size) => new Uint8Array(size).fill(0x61)) });
  return fc.record({ user, action, fields, guard, client, body }).map(({ user: userText, action: name, fields: values, guard: how, client: clientText, body: rawBody }) => {
    const path = `/console/${api ? 'api/' : ''}clients/${clientText}/cases/${userText}/${name}`;
    const headers: Record<string, string> = {};
    let bytes: Uint8Array;
    if (api) {
      headers['Content-Type'] = how === 'wrong-token' ? 'text/plain' : 'application/json';
      bytes = new TextEncoder().encode(JSON.stringify(values));
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      const form = new URLSearchParams();
      if (how !== 'no-token') form.append('csrf', how === 'wrong-token' ? 'ab'.repeat(32) : csrf);
      for (const [key, value] of Object.entries(values)) for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item).replace(/[\ud800-\udfff]/g, ''));
      bytes = new TextEncoder().encode(form.toString());
    }
    if (how === 'cross-site') headers['Sec-Fetch-Site'] = 'cross-site';
    else headers['Sec-Fetch-Site'] = 'same-origin';
    headers['Origin'] = how === 'other-origin' ? 'https://evil.test' : sandbox.url;
    if (how === 'other-host') headers['Host'] = 'rebound.evil.test';
    return { page: api ? 'POST /console/api/clients/:client/cases/:user/:action' : 'POST /console/clients/:client/cases/:user/:action', request: { method: 'POST', target: path, headers, body: rawBody ?? bytes } };
  });
}

/** The pages, the test-send form and its API, with any query. */
function pageCases(): fc.Arbitrary<ConsoleCase> {
  const pages = ['/console', '/console/', '/console/deliveries', '/console/webhooks', '/console/api/cases', '/console/api/deliveries', '/console/style.css', '/console/favicon.svg', '/console/nope', '/console/api/nope', '/console/clients/7/cases/USER', '/console/api/clients/7/cases/USER', '/console/clients/7/cases/%ff', '/console/clients/%zz/cases/1', '/console/%2e%2e/%2e%2e/etc/passwd'];
  const query = nastyQuery(['client', 'status', 'admin_status', 'aml_status', 'whitelist_status', 'admin_action_types', 'page', 'limit', 'done', 'sent']);
  const testSend = fc.record({ client: nastyText(), index: nastyText(), type: fc.oneof(fc.constantFrom('user', 'user_kyc'), nastyText()) }).map((fields) => new URLSearchParams([['csrf', csrf], ...Object.entries(fields).map(([key, value]) => [key, value.replace(/[\ud800-\udfff]/g, '')] as [string, string])]).toString());
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...pages), fc.constantFrom(...reviewed.map(String)), query, fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE')).map(([page, user, q, method]) => ({ page: `${method} /console pages`, request: { method, target: `${page.replace('USER', user)}${q === '' ? '' : `?${q}`}` } })) },
    { weight: 1, arbitrary: fc.tuple(testSend, fc.boolean()).map(([form, api]) => ({ page: `POST /console/${api ? 'api/' : ''}webhooks/test`, request: { method: 'POST', target: `/console/${api ? 'api/' : ''}webhooks/test`, headers: { 'Content-Type': api ? 'application/json' : 'application/x-www-form-urlencoded', Origin: sandbox.url }, body: new TextEncoder().encode(api ? JSON.stringify(Object.fromEntries(new URLSearchParams(form))) : form) } })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('/console/', '/console/api/cases'), headerText()).map(([page, host]) => ({ page: `GET ${page} with another Host`, request: { method: 'GET', target: page, headers: { Host: host === '' ? 'x' : host } } })) },
  );
}

async function exerciseConsole(consoleCase: ConsoleCase): Promise<void> {
  await exercise(consoleCase.page, consoleCase.request, (answer) => {
    if (answer.status < 400 || consoleCase.request.method === 'HEAD') return;
    const where = `${describeRequest(consoleCase.request)}\n→ ${answer.status} ${answer.text.slice(0, 300)}`;
    if (consoleCase.request.target.startsWith('/console/api/')) {
      const error = (answer.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      assert.ok(typeof error?.code === 'string' && typeof error.message === 'string' && error.message !== '', `a console API refusal without { error: { code, message } }:\n${where}`);
    } else {
      assert.match(String(answer.headers['content-type']), /^text\/html/, `a console refusal that is not a page:\n${where}`);
      assert.match(answer.text, /<main[\s>]/, `a console refusal page without its message:\n${where}`);
    }
  });
}

test('the review console: no 5xx, no hang, refusals as pages or JSON errors, nothing stored when refused', { timeout: 120_000 }, async () => {
  const share = CASES - Math.round(CASES * 0.7);
  await runProperty('console form posts', actionCases(false), exerciseConsole, { seed: SEED, runs: Math.round(share * 0.45) });
  await runProperty('console API posts', actionCases(true), exerciseConsole, { seed: SEED, runs: Math.round(share * 0.25) });
  await runProperty('console pages', pageCases(), exerciseConsole, { seed: SEED, runs: Math.round(share * 0.3) });
  console.log(describeTally(`sandbox (${ROUTES.length} API endpoints and the review console)`, tally, SEED));
  console.log(`  cases per endpoint: ${[...tally.targets.entries()].map(([endpoint, count]) => `${endpoint} ${count}`).join(', ')}`);
  assert.equal(tally.serverErrors, 0);
});
