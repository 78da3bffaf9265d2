/**
 * Test support: check a real answer of the proxy against its OpenAPI document, so a route test also
 * proves the document right (and the document cannot drift from the code unnoticed).
 *
 * @example
 * import { openApiDocument } from '../../proxy/openapi/openapi-document.js';
 * import { assertFetchResponse, assertResponseMatches } from './support/openapi-check.js';
 * const document = openApiDocument(stack.proxyUrl);
 * // with a fetch Response: reads the body, checks it, returns it parsed
 * const body = await assertFetchResponse(document, 'POST', await fetch(url, { method: 'POST', … }));
 * // or with the parts
 * assertResponseMatches(document, { method: 'GET', path: '/v1/sales/acme/kyc', status: 200, contentType: 'application/json', body });
 * // a status stream's event, and a request body
 * assertStreamEventMatches(document, { path: '/v1/sales/acme/kyc/events', event: 'status', data });
 * assertRequestMatches(document, { method: 'POST', path: '/v1/sales/acme/kyc', body: { submission, confirmations } });
 *
 * A failure is an `AssertionError` naming the request, the documented operation and every mismatch.
 * Compiled validators are cached per document (ajv, JSON Schema 2020-12, strict mode, with formats).
 */
import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { HeaderObject, HttpMethod, JsonSchema, OpenApiDocument, OperationObject, Reference, ResponseObject } from '../../../proxy/openapi/openapi-types.js';

// ajv-formats is CommonJS: its default export is the plugin function under Node's ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** An answer to check. */
export interface ObservedResponse {
  /** The request's method (any case). */
  method: string;
  /** The path requested (`/v1/sales/acme/kyc`), matched against the document's templates; a query is ignored. */
  path: string;
  status: number;
  /** The `Content-Type` header as received (parameters such as `charset` are ignored). */
  contentType?: string | null | undefined;
  /** The body: parsed JSON for JSON media types (a string is parsed as JSON text), the text otherwise. */
  body?: unknown;
  /** When given, every header the document marks as required must be present and match its schema. */
  headers?: Headers | Readonly<Record<string, string>>;
}

/** A documented operation found for a request. */
export interface MatchedOperation {
  /** The path template, e.g. `/v1/sales/{sale}/kyc`. */
  template: string;
  operation: OperationObject;
}

const COMPONENTS_ID = 'urn:kyc-proxy:openapi:components';

interface CompiledDocument {
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
  templates: { template: string; pattern: RegExp; params: number }[];
}

const compiledDocuments = new WeakMap<OpenApiDocument, CompiledDocument>();

/**
 * A copy of `value` whose `#/components/schemas/X` references point into the components registered
 * with ajv, so a schema taken out of the document still resolves its references.
 */
function rebaseRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebaseRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [
    key,
    key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')
      ? `${COMPONENTS_ID}#/$defs/${item.slice('#/components/schemas/'.length)}`
      : rebaseRefs(item),
  ]));
}

/** A new ajv for `document`'s schemas: strict, every error, formats, the components registered. */
export function createDocumentAjv(document: OpenApiDocument): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rebaseRefs(document.components.schemas) as Record<string, unknown> });
  return ajv;
}

/**
 * Compile a schema taken from `document` (its `#/components/schemas/…` references resolved) with an ajv
 * from {@link createDocumentAjv}. Throws when the schema breaks ajv's strict mode.
 */
export function compileDocumentSchema(ajv: Ajv2020, schema: JsonSchema): ValidateFunction {
  return ajv.compile(rebaseRefs(schema) as JsonSchema);
}

function compiled(document: OpenApiDocument): CompiledDocument {
  let entry = compiledDocuments.get(document);
  if (entry === undefined) {
    const templates = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }));
    // Static segments win over parameters, as a router matches them.
    templates.sort((a, b) => a.params - b.params);
    entry = { ajv: createDocumentAjv(document), validators: new Map(), templates };
    compiledDocuments.set(document, entry);
  }
  return entry;
}

/** The validator of a schema found at `key` in the document (compiled once per document). */
function validatorFor(document: OpenApiDocument, key: string, schema: JsonSchema): ValidateFunction {
  const entry = compiled(document);
  let validate = entry.validators.get(key);
  if (validate === undefined) {
    validate = compileDocumentSchema(entry.ajv, schema);
    entry.validators.set(key, validate);
  }
  return validate;
}

/** Resolve a local `$ref` (`#/components/headers/X`) in the document. */
function resolve<T>(document: OpenApiDocument, item: T | Reference): T {
  if (typeof item !== 'object' || item === null || !('$ref' in item)) return item;
  let target: unknown = document;
  for (const part of item.$ref.replace(/^#\//, '').split('/')) target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  assert.ok(target !== undefined, `OpenAPI: unresolved $ref ${item.$ref}`);
  return target as T;
}

/** The documented operation for `method` and an actual `path`, or undefined. */
export function findOperation(document: OpenApiDocument, method: string, path: string): MatchedOperation | undefined {
  const bare = path.split('?')[0] ?? path;
  const verb = method.toLowerCase() as HttpMethod;
  for (const { template, pattern } of compiled(document).templates) {
    if (!pattern.test(bare)) continue;
    const operation = document.paths[template]?.[verb];
    if (operation !== undefined) return { template, operation };
  }
  return undefined;
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((error) => `  ${error.instancePath || '(root)'} ${error.message ?? 'is not valid'}${error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : ''}`).join('\n');
}

function shown(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text === undefined ? '(none)' : text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function headerValue(headers: Headers | Readonly<Record<string, string>>, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found?.[1];
}

/**
 * Assert that an answer is documented (method, path template, status, media type) and that its body,
 * and its headers when given, match the document.
 * @throws AssertionError naming every mismatch.
 */
export function assertResponseMatches(document: OpenApiDocument, response: ObservedResponse): void {
  const request = `${response.method.toUpperCase()} ${response.path} → ${response.status}`;
  const matched = findOperation(document, response.method, response.path);
  if (matched === undefined) assert.fail(`${request}: no operation in the OpenAPI document for this method and path.`);
  const { template, operation } = matched;
  const where = `${operation.operationId} (${response.method.toUpperCase()} ${template})`;
  const documented: ResponseObject | undefined = operation.responses[String(response.status)] ?? operation.responses[`${String(response.status)[0]}XX`];
  if (documented === undefined) {
    assert.fail(`${request}: status ${response.status} is not documented for ${where} (documented: ${Object.keys(operation.responses).join(', ')}). Body: ${shown(response.body)}`);
  }

  if (response.headers !== undefined) {
    for (const [name, item] of Object.entries(documented.headers ?? {})) {
      const header = resolve<HeaderObject>(document, item);
      const value = headerValue(response.headers, name);
      if (value === undefined) {
        if (header.required === true) assert.fail(`${request}: the required header ${name} is missing (${where}).`);
        continue;
      }
      const validate = validatorFor(document, `header ${template} ${response.status} ${name}`, header.schema);
      if (!validate(value)) assert.fail(`${request}: header ${name}: ${JSON.stringify(value)} does not match ${where}:\n${describeErrors(validate)}`);
    }
  }

  const content = documented.content;
  if (content === undefined) return;
  const mediaType = (response.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const media = content[mediaType];
  if (media === undefined) {
    assert.fail(`${request}: content type ${JSON.stringify(response.contentType ?? null)} is not documented for ${where} ${response.status} (documented: ${Object.keys(content).join(', ')}).`);
  }
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  const body = isJson && typeof response.body === 'string' ? (JSON.parse(response.body) as unknown) : response.body;
  const validate = validatorFor(document, `body ${template} ${operation.operationId} ${response.status} ${mediaType}`, media.schema);
  if (!validate(body)) {
    assert.fail(`${request}: the body does not match ${where} ${response.status} ${mediaType}:\n${describeErrors(validate)}\nBody: ${shown(body)}`);
  }
}

/** A request body to check against the document. */
export interface ObservedRequest {
  method: string;
  /** The path requested, matched against the templates; a query is ignored. */
  path: string;
  /** The media type sent (default `application/json`). */
  contentType?: string;
  /** The body as sent: a JSON value, or the parsed form (`parseQuery`) for a form body. */
  body: unknown;
}

/**
 * Assert that a request body matches the operation's documented request body (to prove the request
 * schemas accept what the widget and the provider really send, and refuse what the routes refuse).
 */
export function assertRequestMatches(document: OpenApiDocument, request: ObservedRequest): void {
  const where = `${request.method.toUpperCase()} ${request.path}`;
  const matched = findOperation(document, request.method, request.path);
  if (matched === undefined) assert.fail(`${where}: no operation in the OpenAPI document for this method and path.`);
  const mediaType = (request.contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  const media = matched.operation.requestBody?.content[mediaType];
  if (media === undefined) assert.fail(`${where}: no ${mediaType} request body is documented for ${matched.operation.operationId}.`);
  const validate = validatorFor(document, `request ${matched.template} ${matched.operation.operationId} ${mediaType}`, media.schema);
  if (!validate(request.body)) assert.fail(`${where}: the request body does not match ${matched.operation.operationId}:\n${describeErrors(validate)}\nBody: ${shown(request.body)}`);
}

/**
 * Read a fetch `Response` (JSON when its type says so, text otherwise), check it with
 * {@link assertResponseMatches} including its headers, and return the body.
 */
export async function assertFetchResponse(document: OpenApiDocument, method: string, response: Response): Promise<unknown> {
  const contentType = response.headers.get('content-type');
  const text = await response.text();
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const body: unknown = text !== '' && (mediaType === 'application/json' || mediaType.endsWith('+json')) ? JSON.parse(text) : text;
  assertResponseMatches(document, { method, path: new URL(response.url).pathname, status: response.status, contentType, body, headers: response.headers });
  return body;
}

/**
 * Assert that `value` matches the component schema `name` (e.g. the data of a status stream event
 * against `InvestorStatus`).
 */
export function assertMatchesSchema(document: OpenApiDocument, name: string, value: unknown): void {
  const schema = document.components.schemas[name];
  if (schema === undefined) assert.fail(`OpenAPI: no component schema ${name}.`);
  const validate = validatorFor(document, `component ${name}`, schema);
  if (!validate(value)) assert.fail(`The value does not match #/components/schemas/${name}:\n${describeErrors(validate)}\nValue: ${shown(value)}`);
}

/** One server-sent event as read from a stream. */
export interface ObservedEvent {
  /** The stream's path (`/v1/sales/acme/kyc/events`). */
  path: string;
  /** The event name (`status`, `reauth`, …). */
  event: string;
  /** The event's `data`, as text (JSON). */
  data: string;
}

/**
 * Assert that a server-sent event is documented for the stream at `path` (the operation's `x-events`)
 * and that its JSON `data` matches the event's schema.
 */
export function assertStreamEventMatches(document: OpenApiDocument, observed: ObservedEvent): void {
  const matched = findOperation(document, 'GET', observed.path);
  if (matched === undefined) assert.fail(`GET ${observed.path}: no operation in the OpenAPI document for this path.`);
  const events = matched.operation['x-events'] ?? {};
  const schema = events[observed.event];
  if (schema === undefined) assert.fail(`GET ${observed.path}: event "${observed.event}" is not documented for ${matched.operation.operationId} (documented: ${Object.keys(events).join(', ') || 'none'}).`);
  let data: unknown;
  try {
    data = JSON.parse(observed.data);
  } catch {
    assert.fail(`GET ${observed.path}: the data of event "${observed.event}" is not JSON: ${shown(observed.data)}`);
  }
  const validate = validatorFor(document, `event ${matched.template} ${observed.event}`, schema);
  if (!validate(data)) assert.fail(`GET ${observed.path}: event "${observed.event}" does not match ${matched.operation.operationId}:\n${describeErrors(validate)}\nData: ${shown(data)}`);
}
