/**
 * Issue 7, bad input: property-based fuzzing of every proxy route over real HTTP, against the whole
 * in-process stack (sandbox provider, S3 stand-in, SMTP catcher). Routes are read from the proxy's own
 * router and its OpenAPI document, so a route added later is fuzzed too (generically, from its documented
 * body, until it gets its own generator here).
 *
 * Each case sends one request: a known-good request with parts broken (the sale in the path, the method,
 * `Origin`, the bearer token, the content type and encoding, odd headers, a query string, and a body
 * that is the route's own with wrong types, missing, extra and repeated fields, or JSON of any shape,
 * broken UTF-8, cut short, deeply nested, past the size limit, random bytes), or a valid request with
 * exactly one body field wrong. Valid tokens (a signed-in investor with uploaded documents, the
 * integrator key, correctly signed webhooks) take most cases past the authentication gate.
 *
 * Properties: never a 5xx and never a hang; every 4xx is `{ error: { code, message } }`; a 400 about a
 * single wrong field names it; a refused request stores nothing (the proxy's shared store, through a
 * journal of its writes, the provider's users and KYC cases, and the mails the SMTP catcher received).
 *
 * `FUZZ_SEED` replays another seed, `FUZZ_RUNS` sets the number of cases.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import type Router from '@koa/router';
import fc from 'fast-check';
import { KYC_FIELDS } from '../../../proxy/contract/kyc-fields.js';
import { signWebhook, type ParamValue } from '../../../proxy/signer.js';
import type { HttpMethod, OpenApiDocument } from '../../../proxy/openapi/openapi-types.js';
import { api, signIn, uniqueEmail, uploadFiles, VALID_FILE_BYTES, validSubmission, type Investor, type UploadedKeys } from '../../proxy/support/investor.js';
import { CLIENT_ID, INTEGRATOR_KEY, SALE_ID, SALE_ORIGIN, startStack, WEBHOOK_SECRET, type Stack } from '../../proxy/support/proxy-stack.js';
import { countAnswer, countCase, createTally, describeTally, fuzzBudget, fuzzSeed, runProperty } from './support/fuzz-run.js';
import { contentType, fuzzedObject, headerText, jsonObject, jsonText, nastyBody, nastyJson, nastyQuery, nastyScalar, nastyText, wrongFieldValue, type JsonTree } from './support/nasty-values.js';
import { assertProxyAnswer } from './support/proxy-answer.js';
import { closeRawConnections, describeRequest, sendRaw, type RawAnswer, type RawRequest } from './support/raw-request.js';
import { openSandboxRows, type SandboxRowReader } from './support/sandbox-rows.js';
import { createJournaledStore, storedByRefusal, type JournaledStore } from './support/store-journal.js';

const SEED = fuzzSeed();
const CASES = fuzzBudget(4400);
const MAX_BODY_BYTES = 64 * 1024;
const OTHER_SALE = 'beta';
const OTHER_ORIGIN = 'https://beta.test';

/** One generated request, with the one body field at fault when all else is valid. */
interface FuzzCase {
  /** The method and route template it aims at (`POST /v1/sales/:sale/kyc`), for the tally. */
  route: string;
  request: RawRequest;
  fault?: string;
}

/** The names a wrong body field is reported by, besides its own: a wrong `submission` is reported by its fields. */
const FAULT_NAMES: Readonly<Record<string, readonly string[]>> = { submission: ['submission', ...KYC_FIELDS] };

let stack: Stack;
let journal: JournaledStore;
let rows: SandboxRowReader;
let investor: Investor;
let keys: UploadedKeys;
let otherSaleToken: string;
let document: OpenApiDocument;
const tally = createTally();
let codesAccepted = 0;

before(async () => {
  journal = createJournaledStore();
  stack = await startStack({
    // Limits high enough that valid requests keep reaching the mailer and the provider.
    config: { codes: { sendsPerIpPerHour: 100_000, sendsPerEmailPerHour: 1000, resendCooldownSeconds: 0 } },
    extraSales: [{ id: OTHER_SALE, origins: [OTHER_ORIGIN] }],
    proxyOptions: { store: journal.store },
  });
  // No webhooks from the sandbox mid-run: every write to the store is then the current request's own.
  stack.webhooks.settings.set(CLIENT_ID, []);
  rows = openSandboxRows(join(stack.dir, 'sandbox'));
  investor = await signIn(stack, uniqueEmail('fuzz'));
  keys = await uploadFiles(stack, investor.token, [
    { field: 'documentIdFile', contentType: 'image/jpeg', bytes: VALID_FILE_BYTES },
    { field: 'selfieFile', contentType: 'image/png', bytes: VALID_FILE_BYTES },
    // A residence proof in every valid submission, so no nationality makes one missing.
    { field: 'residenceProofFile', contentType: 'application/pdf', bytes: VALID_FILE_BYTES },
    { field: 'investorProofFiles', contentType: 'application/pdf', bytes: VALID_FILE_BYTES },
  ]);
  const other = await api(stack, `/v1/sales/${OTHER_SALE}/host-sessions`, { origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, body: { email: uniqueEmail('other-sale') } });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  otherSaleToken = other.body.token as string;
  document = (await api(stack, '/openapi.json')).body as OpenApiDocument;
});

after(async () => {
  rows?.close();
  await stack?.close();
  await journal?.store.close();
  closeRawConnections();
});

// ---------------------------------------------------------------------------------------------------
// The parts of a request.

const saleSegment = (): fc.Arbitrary<string> => fc.oneof(
  { weight: 14, arbitrary: fc.constant(SALE_ID) },
  { weight: 1, arbitrary: fc.constantFrom(OTHER_SALE, 'ACME', 'acme%20', 'nope', '..', '%2e%2e', '%', '%zz', '%ff', 'a'.repeat(300), 'acme%00', 'ac%6De', '\u00ff\u00fe', '\u00c3\u00a9') },
  { weight: 1, arbitrary: nastyText().map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')).slice(0, 80)) },
);

const originHeader = (): fc.Arbitrary<string | undefined> => fc.oneof(
  { weight: 12, arbitrary: fc.constant(SALE_ORIGIN) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, OTHER_ORIGIN, 'https://evil.test', 'null', `${SALE_ORIGIN}/`, 'HTTPS://SALE.TEST', `${SALE_ORIGIN}:443`) },
  { weight: 1, arbitrary: headerText() },
);

type Auth = 'investor' | 'integrator' | 'none';

/** The `Authorization` header: mostly the right credential for the route, else missing, garbled or another's. */
const authorization = (kind: Auth): fc.Arbitrary<string | undefined> => {
  const right = kind === 'investor' ? `Bearer ${investor.token}` : kind === 'integrator' ? `Bearer ${INTEGRATOR_KEY}` : undefined;
  const flipped = (token: string): fc.Arbitrary<string> => fc.nat({ max: token.length - 1 }).map((at) => `Bearer ${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`);
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(right) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer', 'Bearer ', 'bearer x', 'Basic dXNlcjpwYXNz', `Bearer ${otherSaleToken}`, `Bearer ${investor.token} extra`, `bearer ${investor.token}`, `Bearer ${INTEGRATOR_KEY}`, `Bearer ${investor.token.split('.').slice(0, 2).join('.')}.`, 'Bearer e30.e30.', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.') },
    { weight: 1, arbitrary: flipped(investor.token) },
    { weight: 1, arbitrary: headerText().map((text) => `Bearer ${text}`) },
  );
};

/** Headers nobody should trip over. */
const oddHeaders = (): fc.Arbitrary<Record<string, string>> => fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc.dictionary(
      fc.constantFrom('Content-Encoding', 'X-Request-Id', 'Accept', 'Accept-Language', 'X-Forwarded-For', 'X-Forwarded-Proto', 'Cookie', 'Last-Event-ID', 'If-None-Match', 'Range', 'Access-Control-Request-Method', 'Access-Control-Request-Headers', 'X-Http-Method-Override'),
      fc.oneof(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'x-unknown', '100-continue', 'DELETE', '../../', 'bytes=0-1'), headerText()),
      { maxKeys: 3 },
    ),
  },
);

const method = (right: string): fc.Arbitrary<string> => fc.oneof(
  { weight: 14, arbitrary: fc.constant(right) },
  { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'get') },
);

/** What a route looks like to the generator. */
interface RouteSpec {
  /** The route template, as the router and the OpenAPI document have it. */
  route: string;
  method: string;
  /** The path for a sale segment. */
  path: (sale: string) => string;
  auth: Auth;
  /** The fields of a valid JSON body, each with valid values; the route takes no body when absent. */
  fields?: Record<string, fc.Arbitrary<JsonTree>>;
  /** The fields a single-field fault may hit (default: every field). */
  faultFields?: readonly string[];
  /** Query keys the route reads. */
  queryKeys?: readonly string[];
  /** Extra headers the route reads, with their values. */
  headers?: Record<string, fc.Arbitrary<string>>;
}

/** Cases for a route: everything broken at once, or one field wrong in an otherwise valid request. */
function routeCases(spec: RouteSpec): fc.Arbitrary<FuzzCase> {
  const goodBody: fc.Arbitrary<JsonTree> | undefined = spec.fields && fc.record(spec.fields).map((values) => jsonObject(values));
  const routeHeaders = spec.headers ? fc.record(spec.headers, { requiredKeys: [] }) : fc.constant({});
  const messy: fc.Arbitrary<FuzzCase> = fc
    .record({
      sale: saleSegment(),
      method: method(spec.method),
      origin: originHeader(),
      authorization: authorization(spec.auth),
      contentType: contentType(),
      odd: oddHeaders(),
      own: routeHeaders,
      query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: nastyQuery(spec.queryKeys ?? []) }),
      body: goodBody === undefined
        ? fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nastyBody(nastyJson(), MAX_BODY_BYTES) })
        : nastyBody(fc.oneof(goodBody, fuzzedObject(spec.fields ?? {})), MAX_BODY_BYTES),
    })
    .map((parts) => {
      const headers: Record<string, string> = { ...parts.odd, ...parts.own };
      if (parts.origin !== undefined) headers['Origin'] = parts.origin;
      if (parts.authorization !== undefined) headers['Authorization'] = parts.authorization;
      if (parts.body !== undefined && parts.contentType !== undefined) headers['Content-Type'] = parts.contentType;
      const target = spec.path(parts.sale) + (parts.query === '' ? '' : `?${parts.query}`);
      return { route: `${spec.method} ${spec.route}`, request: { method: parts.method, target, headers, ...(parts.body === undefined ? {} : { body: parts.body }) } };
    });
  const faultFields = spec.faultFields ?? Object.keys(spec.fields ?? {});
  if (spec.fields === undefined || goodBody === undefined || faultFields.length === 0) return messy;
  const cleanHeaders = (): Record<string, string> => {
    const headers: Record<string, string> = { Origin: SALE_ORIGIN, 'Content-Type': 'application/json' };
    const auth = spec.auth === 'investor' ? `Bearer ${investor.token}` : spec.auth === 'integrator' ? `Bearer ${INTEGRATOR_KEY}` : undefined;
    if (auth !== undefined) headers['Authorization'] = auth;
    return headers;
  };
  const oneFieldWrong: fc.Arbitrary<FuzzCase> = fc
    .tuple(fc.record(spec.fields), fc.constantFrom(...faultFields), wrongFieldValue())
    .map(([values, field, wrong]) => ({
      route: `${spec.method} ${spec.route}`,
      fault: field,
      request: { method: spec.method, target: spec.path(SALE_ID), headers: cleanHeaders(), body: new TextEncoder().encode(jsonText(jsonObject({ ...values, [field]: wrong }))) },
    }));
  return fc.oneof({ weight: 3, arbitrary: messy }, { weight: 2, arbitrary: oneFieldWrong });
}


// ---------------------------------------------------------------------------------------------------
// The routes.

const sale = (rest: string) => (segment: string): string => `/v1/sales/${segment}/${rest}`;
const validEmail = (): fc.Arbitrary<JsonTree> => fc.oneof(fc.constant(investor.email), fc.nat({ max: 50 }).map((n) => `fuzz.${process.pid}.${n}@example.com`), fc.constantFrom('Name+Tag@Example.CO.UK', ' padded@example.com '));

function knownRoutes(): RouteSpec[] {
  const text = (values: readonly string[]): fc.Arbitrary<JsonTree> => fc.constantFrom(...values);
  const submission: Record<string, fc.Arbitrary<JsonTree>> = {};
  for (const [field, value] of Object.entries(validSubmission(keys).submission)) {
    submission[field] = Array.isArray(value) ? fc.constant(value as JsonTree) : text([String(value)]);
  }
  submission['firstName'] = text(['Ann', 'Zoë', 'O’Brien', 'Jean-Luc', '李']);
  submission['country'] = text(['France', 'FRANCE', 'Germany', 'India']);
  submission['nationality'] = text(['French', 'GERMAN', 'INDIAN']);
  const uploadEntry = fc.record({
    field: fc.constantFrom('documentIdFile', 'selfieFile', 'residenceProofFile', 'investorProofFiles'),
    contentType: fc.constantFrom('image/jpeg', 'image/png', 'application/pdf', 'IMAGE/PNG'),
  }).map((entry): JsonTree => jsonObject(entry));
  const lastEventId = fc.oneof(fc.nat().map(String), fc.constantFrom('0', '-1', '1e309', '999999999999999999999', ''), headerText());
  return [
    { route: '/v1/sales/:sale/config', method: 'GET', path: sale('config'), auth: 'none', queryKeys: ['locale'] },
    { route: '/v1/sales/:sale/codes', method: 'POST', path: sale('codes'), auth: 'none', fields: { email: validEmail() } },
    // A right code cannot be guessed: only the code is at fault with a valid email.
    { route: '/v1/sales/:sale/sessions', method: 'POST', path: sale('sessions'), auth: 'none', fields: { email: validEmail(), code: fc.stringMatching(/^\d{6}$/) }, faultFields: ['code'] },
    { route: '/v1/sales/:sale/sessions/refresh', method: 'POST', path: sale('sessions/refresh'), auth: 'investor' },
    { route: '/v1/sales/:sale/host-sessions', method: 'POST', path: sale('host-sessions'), auth: 'integrator', fields: { email: validEmail(), origin: text([SALE_ORIGIN]) } },
    { route: '/v1/sales/:sale/uploads', method: 'POST', path: sale('uploads'), auth: 'investor', fields: { files: fc.array(uploadEntry, { minLength: 1, maxLength: 3 }) } },
    {
      route: '/v1/sales/:sale/kyc',
      method: 'POST',
      path: sale('kyc'),
      auth: 'investor',
      fields: { submission: fc.record(submission).map((values) => jsonObject(values)), confirmations: fc.constant(jsonObject({ terms: true })) },
    },
    { route: '/v1/sales/:sale/kyc', method: 'GET', path: sale('kyc'), auth: 'investor' },
    { route: '/v1/sales/:sale/kyc/submission', method: 'GET', path: sale('kyc/submission'), auth: 'investor' },
    { route: '/v1/sales/:sale/kyc/events', method: 'GET', path: sale('kyc/events'), auth: 'investor', headers: { 'Last-Event-ID': lastEventId, Accept: fc.constantFrom('text/event-stream', '*/*', 'application/json') } },
    { route: '/v1/sales/:sale/ethereum-address/check', method: 'POST', path: sale('ethereum-address/check'), auth: 'investor', fields: { address: text(['0x32be343b94f860124dc4fee278fdcbd38c102d88', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed']) } },
    ...['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/openapi.json'].map((path): RouteSpec => ({ route: path, method: 'GET', path: () => path, auth: 'none' })),
  ];
}

/** The submission fields as faults: one field of the submission wrong, the rest valid. */
function submissionFieldCases(): fc.Arbitrary<FuzzCase> {
  const body = validSubmission(keys);
  const fields = Object.keys(body.submission);
  return fc.tuple(fc.constantFrom(...fields), wrongFieldValue(), fc.boolean()).map(([field, wrong, drop]) => {
    const submission: Record<string, JsonTree | undefined> = { ...(body.submission as Record<string, JsonTree>) };
    submission[field] = drop && field !== 'investorProofFiles' && field !== 'residenceProofFile' ? undefined : wrong;
    return {
      route: 'POST /v1/sales/:sale/kyc',
      fault: field,
      request: {
        method: 'POST',
        target: `/v1/sales/${SALE_ID}/kyc`,
        headers: { Origin: SALE_ORIGIN, 'Content-Type': 'application/json', Authorization: `Bearer ${investor.token}` },
        body: new TextEncoder().encode(jsonText(jsonObject({ submission: jsonObject(submission), confirmations: jsonObject({ terms: true }) }))),
      },
    };
  });
}

/** The provider's webhooks: signed right (reaching the event handling) with fuzzed events, or forged. */
function webhookCases(): fc.Arbitrary<FuzzCase> {
  const maybe = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<T | string | undefined> => fc.oneof({ weight: 6, arbitrary: good }, { weight: 2, arbitrary: nastyText() }, { weight: 1, arbitrary: fc.constant(undefined) });
  const userKyc = fc.record({
    id: maybe(fc.nat().map(String)),
    user_kyc_detail_id: maybe(fc.nat().map(String)),
    user_id: maybe(fc.oneof(fc.constant(investor.userId), fc.nat({ max: 1000 }).map(String))),
    kyc_status: maybe(fc.constantFrom('pending', 'approved', 'denied')),
    admin_status: maybe(fc.constantFrom('unprocessed', 'qualified', 'denied')),
    aml_status: maybe(fc.constantFrom('unprocessed', 'pending', 'cleared', 'approved', 'rejected', 'failed')),
    whitelist_status: maybe(fc.constantFrom('unprocessed', 'started', 'done', 'failed')),
    admin_action_types: fc.oneof(fc.array(fc.constantFrom('data_mismatch', 'document_issue', 'other_issue')), fc.array(nastyText(), { maxLength: 2 }), nastyText()),
    submission_count: maybe(fc.nat({ max: 5 }).map(String)),
    last_acted_by: maybe(fc.constant('Admin')),
    created_at: maybe(fc.nat().map(String)),
  }, { requiredKeys: [] });
  const data = fc.oneof(
    { weight: 4, arbitrary: userKyc.map((value) => ({ result_type: 'user_kyc', user_kyc: value })) },
    { weight: 1, arbitrary: fc.record({ result_type: fc.constant('user'), user: fc.record({ id: maybe(fc.nat().map(String)), email: maybe(fc.constant('x@example.com')) }, { requiredKeys: [] }) }) },
    { weight: 1, arbitrary: nastyText() },
  );
  const event = fc.record({
    id: maybe(fc.nat({ max: 1_000_000 }).map(String)),
    name: maybe(fc.constantFrom('kyc_status_update', 'kyc_submit', 'kyc_reopen', 'update_ethereum_address', 'user_register', 'user_deleted', 'user_dopt_in')),
    type: maybe(fc.constantFrom('user_kyc', 'user')),
    description: maybe(fc.constant('user kyc state has changed')),
    version: maybe(fc.constant('v1')),
    source: maybe(fc.constantFrom('web', 'api', 'kyc_system')),
    data,
    created_at: maybe(fc.nat().map(String)),
  }, { requiredKeys: [] });
  const url = `${stack.proxyUrl}/webhooks/${SALE_ID}`;
  return fc.tuple(event, fc.constantFrom('signed', 'signed', 'signed', 'wrong-secret', 'stale', 'tampered', 'unsigned'), saleSegment(), fc.oneof({ weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') }, { weight: 1, arbitrary: contentType() }), fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) }))
    .map(([fields, how, segment, type, bytes]) => {
      const payload = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Record<string, ParamValue>;
      const secret = how === 'wrong-secret' ? 'd4'.repeat(16) : WEBHOOK_SECRET;
      const signed = signWebhook(url, payload, secret, how === 'stale' ? Date.now() - 3600_000 : Date.now()).body;
      const text = how === 'unsigned' ? signed.replace(/&?signature=[0-9a-f]+/, '') : how === 'tampered' ? signed.replace(/request_timestamp=(\d)/, (_, d: string) => `request_timestamp=${(Number(d) + 1) % 10}`) : signed;
      const headers: Record<string, string> = type === undefined ? {} : { 'Content-Type': type };
      return { route: 'POST /webhooks/:sale', request: { method: 'POST', target: `/webhooks/${segment}`, headers, body: bytes ?? new TextEncoder().encode(text) } };
    });
}

/** Paths no route has, with any method. */
function unknownPathCases(): fc.Arbitrary<FuzzCase> {
  const segment = fc.oneof(fc.constantFrom('v1', 'sales', SALE_ID, 'kyc', '..', '.', '', '%2f', '%00', '%zz', '\u00ff', 'webhooks', 'admin', '.env', '.git'), nastyText().map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')).slice(0, 40)));
  return fc.tuple(fc.array(segment, { minLength: 1, maxLength: 6 }), method('GET'), nastyQuery()).map(([segments, verb, query]) => ({
    route: 'unknown paths',
    request: { method: verb, target: `/${segments.join('/')}${query === '' ? '' : `?${query}`}`, headers: { Origin: SALE_ORIGIN } },
  }));
}

/** A route found in the router or the OpenAPI document that has no generator above: fuzzed from its documented body. */
function genericSpec(route: string, verb: string): RouteSpec {
  const template = route.replace(/:([a-zA-Z]+)/g, '{$1}');
  const operation = document.paths[template]?.[verb.toLowerCase() as 'get'];
  const schema = resolveSchema(operation?.requestBody?.content['application/json']?.schema);
  const properties = Object.keys((schema?.['properties'] as Record<string, unknown> | undefined) ?? {});
  return {
    route,
    method: verb,
    path: (segment) => template.replace('{sale}', segment).replace(/\{[^}]+\}/g, 'x1'),
    auth: authOf(operation?.security),
    // No valid values are known for its fields, so no case can have exactly one of them wrong.
    ...(verb === 'POST' ? { fields: Object.fromEntries((properties.length > 0 ? properties : ['value']).map((name) => [name, nastyScalar()])), faultFields: [] } : {}),
  };
}

/** The credential an operation documents: the integrator key, the widget token, or none. */
function authOf(security: readonly Record<string, unknown>[] | undefined): Auth {
  const schemes = (security ?? []).flatMap((requirement) => Object.keys(requirement));
  if (schemes.includes('widgetToken')) return 'investor';
  if (schemes.includes('integratorKey')) return 'integrator';
  return 'none';
}

function resolveSchema(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as Record<string, unknown> | undefined;
  for (let hops = 0; hops < 5 && typeof current?.['$ref'] === 'string'; hops += 1) {
    current = document.components.schemas[String(current['$ref']).replace('#/components/schemas/', '')] as Record<string, unknown> | undefined;
  }
  return current;
}

/** Every route the proxy has: its router's layers and the OpenAPI document's operations. */
function everyRoute(): { route: string; method: string }[] {
  const found = new Map<string, { route: string; method: string }>();
  const middleware = (stack.proxies[0]?.app as unknown as { middleware: { router?: Router }[] }).middleware;
  for (const layer of middleware.find((fn) => fn.router !== undefined)?.router?.stack ?? []) {
    for (const verb of layer.methods.filter((name) => name !== 'HEAD')) found.set(`${verb} ${layer.path}`, { route: String(layer.path), method: verb });
  }
  for (const [template, item] of Object.entries(document.paths)) {
    for (const verb of ['get', 'post'] as const satisfies readonly HttpMethod[]) {
      if (item[verb] === undefined) continue;
      const route = template.replace(/\{([^}]+)\}/g, ':$1');
      found.set(`${verb.toUpperCase()} ${route}`, { route, method: verb.toUpperCase() });
    }
  }
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------------------
// One case.

async function drainBackground(): Promise<void> {
  const background = stack.proxies[0]?.deps.background;
  for (let rounds = 0; background !== undefined && background.size > 0 && rounds < 20; rounds += 1) await Promise.allSettled([...background]);
}

let previous: RawRequest | undefined;

async function exercise(fuzzCase: FuzzCase): Promise<void> {
  countCase(tally, fuzzCase.route);
  const mailsBefore = stack.catcher.messages().length;
  const rowsBefore = rows.count();
  const writesBefore = journal.writes.length;
  let answer: RawAnswer;
  try {
    answer = await sendRaw(stack.proxyUrl, fuzzCase.request);
  } catch (error) {
    // The request before can matter (it shared the kept-alive connection).
    assert.fail(`no answer (${(error as Error).message}) to ${describeRequest(fuzzCase.request)}\nafter ${previous === undefined ? 'nothing' : describeRequest(previous)}`);
  } finally {
    previous = fuzzCase.request;
  }
  countAnswer(tally, answer.status);
  // Every answer is the proxy's, even to what Node's HTTP parser refuses (proxy/http/client-error.ts).
  assertProxyAnswer(fuzzCase.request, answer, fuzzCase.fault, fuzzCase.fault === undefined ? [] : FAULT_NAMES[fuzzCase.fault] ?? [fuzzCase.fault]);
  if (fuzzCase.route === 'POST /webhooks/:sale' && answer.status === 200) await drainBackground();
  if (answer.status < 400) {
    if (fuzzCase.route === 'POST /v1/sales/:sale/codes' && answer.status === 202) {
      codesAccepted += 1;
      // The mail is caught a moment after the proxy's answer: wait for it, so the next case counts right.
      for (let waited = 0; stack.catcher.messages().length === mailsBefore && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return;
  }
  const stored = await storedByRefusal(journal, writesBefore);
  const where = `${describeRequest(fuzzCase.request)}\n→ ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.deepEqual(stored, [], `a refused request stored something:\n${where}`);
  assert.deepEqual(rows.count(), rowsBefore, `a refused request changed the provider's users or cases:\n${where}`);
  assert.equal(stack.catcher.messages().length, mailsBefore, `a refused request sent a mail:\n${where}`);
}

test('every proxy route: no 5xx, no hang, errors with a code and the field, nothing stored when refused', { timeout: 180_000 }, async () => {
  const routes = everyRoute();
  const known = knownRoutes();
  const specs: RouteSpec[] = [...known];
  for (const { route, method: verb } of routes) {
    if (route === '/webhooks/:sale') continue;
    if (!known.some((spec) => spec.route === route && spec.method === verb)) specs.push(genericSpec(route, verb));
  }
  const kinds: { name: string; weight: number; cases: fc.Arbitrary<FuzzCase> }[] = [
    ...specs.map((spec) => ({
      name: `${spec.method} ${spec.route}`,
      weight: spec.route.endsWith('/kyc') && spec.method === 'POST' ? 4 : spec.fields ? 3 : 1,
      cases: routeCases(spec),
    })),
    { name: 'POST /v1/sales/:sale/kyc one submission field', weight: 4, cases: submissionFieldCases() },
    { name: 'POST /webhooks/:sale', weight: 4, cases: webhookCases() },
    { name: 'unknown paths', weight: 1, cases: unknownPathCases() },
  ];
  const totalWeight = kinds.reduce((sum, kind) => sum + kind.weight, 0);
  for (const kind of kinds) {
    await runProperty(kind.name, kind.cases, exercise, { seed: SEED, runs: Math.max(5, Math.round((CASES * kind.weight) / totalWeight)) });
  }

  // Every route of the router and the OpenAPI document was reached.
  for (const { route, method: verb } of routes) {
    assert.ok((tally.targets.get(`${verb} ${route}`) ?? 0) > 0, `${verb} ${route} was never fuzzed`);
  }
  // Every accepted code request mailed exactly one code, and no refused one did.
  assert.equal(stack.catcher.messages().length, codesAccepted + 1, 'mails sent: one per accepted code request (and the setup\'s sign-in)');
  console.log(describeTally(`proxy (${routes.length} routes)`, tally, SEED));
  console.log(`  cases per route: ${[...tally.targets.entries()].map(([route, count]) => `${route} ${count}`).join(', ')}`);
  assert.equal(tally.serverErrors, 0);
});

// The proxy takes only addresses the provider's REGEX_EMAIL takes (an apostrophe, a letter outside ASCII
// or a local part starting with `_` or `.` would be mailed a code and then refused by the provider).
test('an email the provider refuses is a 400 naming the field, not a 502', async () => {
  for (const email of ["o'brien@example.com", 'josé@example.com', '_x@example.com']) {
    const answer = await api(stack, 'host-sessions', { origin: null, headers: { Authorization: `Bearer ${INTEGRATOR_KEY}` }, body: { email } });
    assert.equal(answer.status, 400, `${email}: ${answer.status} ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error.fields?.[0]?.field, 'email');
  }
});

// The router answers HEAD with the GET route; the stream route answers the headers alone (a stream's
// headers would only go out with its first body write, which HEAD never makes).
test('HEAD on the status stream answers at once', async () => {
  const answer = await sendRaw(stack.proxyUrl, { method: 'HEAD', target: `/v1/sales/${SALE_ID}/kyc/events`, headers: { Origin: SALE_ORIGIN, Authorization: `Bearer ${investor.token}` }, timeoutMs: 3000 });
  assert.ok(answer.status === 200 || answer.status === 405, String(answer.status));
});
