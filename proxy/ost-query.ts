/**
 * The OST KYC server's own parameter encoding, in both directions.
 *
 * The real server (Rails 5.1.6 on Ruby 2.4.2) never signs the bytes it receives: Rack parses the query
 * string or form body into nested params, Rails normalises them, and ActiveSupport's `to_query`
 * re-encodes them into the string that is signed. A client is accepted only if it produces that same
 * string. `toQuery` is that encoder and `parseQuery` is that parser, so the proxy signs exactly what the
 * server will rebuild, and the sandbox rebuilds exactly what the server would have.
 *
 * See `shared/upstream/ost-kyc-v2-behaviour.md` §1.2 and §9 for the rules and their sources.
 */

/** A value that {@link toQuery} can encode: scalars, arrays and plain objects, nested freely. */
export type ParamValue =
  | string
  | number
  | boolean
  | bigint
  | null
  | undefined
  | readonly ParamValue[]
  | { readonly [key: string]: ParamValue };

/** Params as the server sees them after parsing: every scalar is a string (or null for `key` without `=`). */
export type QueryValue = string | null | QueryValue[] | QueryParams;
/** A parsed hash of params. */
export interface QueryParams {
  [key: string]: QueryValue;
}

/**
 * Ruby 2.4 `CGI.escape` of the UTF-8 bytes of `text`: `A-Za-z0-9_.-` stay, space becomes `+`, every
 * other byte becomes `%XX` in uppercase hex (so `~` is `%7E`, unlike Ruby ≥ 2.5).
 *
 * JavaScript strings can hold lone surrogates, which have no UTF-8 form; they are encoded as U+FFFD,
 * exactly as `TextEncoder` would, so what is signed and what is sent always agree.
 */
export function cgiEscape(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  // encodeURIComponent leaves A-Za-z0-9 and -_.!~*'() alone and escapes the rest as uppercase UTF-8 %XX;
  // Ruby 2.4 also escapes !~*'() and writes space as '+'.
  return encodeURIComponent(wellFormed).replace(RUBY_EXTRA_ESCAPES, escapeAsciiChar).replace(/%20/g, '+');
}

const RUBY_EXTRA_ESCAPES = /[!~*'()]/g;

function escapeAsciiChar(char: string): string {
  return '%' + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
}

function isContainer(value: ParamValue): value is readonly ParamValue[] | { readonly [key: string]: ParamValue } {
  return typeof value === 'object' && value !== null;
}

function isEmptyContainer(value: ParamValue): boolean {
  if (!isContainer(value)) return false;
  if (Array.isArray(value)) return value.length === 0;
  return Object.keys(value).length === 0;
}

function scalarToString(value: Exclude<ParamValue, object | undefined> | null): string {
  // Ruby's nil.to_param.to_s is ''; numbers and booleans use their own string form. The same string is
  // signed and sent, so the server re-signs what it receives whatever the number's spelling.
  return value === null ? '' : String(value);
}

/** `Object#to_query` / `Hash#to_query` / `Array#to_query` from ActiveSupport 5.1.6, for one value. */
function encodeValue(value: ParamValue, key: string): string {
  if (Array.isArray(value)) {
    const prefix = `${key}[]`;
    if (value.length === 0) return cgiEscape(prefix) + '=';
    // Arrays keep their order; Ruby's Array#join maps a nil element to '' (undefined behaves like nil).
    return value.map((element: ParamValue) => encodeValue(element === undefined ? null : element, prefix)).join('&');
  }
  if (isContainer(value)) return encodeHash(value as { readonly [key: string]: ParamValue }, key);
  return cgiEscape(key) + '=' + cgiEscape(scalarToString(value ?? null));
}

/**
 * `Hash#to_query(namespace)`: every non-empty entry encoded, then the encoded strings sorted bytewise and
 * joined. Rails 5.1.6 sorts at every level, hashes inside arrays included (the `[]` guard came in 5.2.1).
 */
function encodeHash(hash: { readonly [key: string]: ParamValue }, namespace: string | null): string {
  const parts: string[] = [];
  for (const key of Object.keys(hash)) {
    const value = hash[key];
    // undefined has no Ruby counterpart: it is left out, as JSON.stringify leaves it out.
    if (value === undefined || isEmptyContainer(value)) continue;
    parts.push(encodeValue(value, namespace === null ? key : `${namespace}[${key}]`));
  }
  // The parts are pure ASCII after escaping, so UTF-16 order is byte order, as Ruby's String#<=>.
  return parts.sort(compareBytewise).join('&');
}

function compareBytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Encode params exactly as the OST KYC server re-encodes them before checking a signature: ActiveSupport
 * 5.1.6 `to_query` with Ruby 2.4 `CGI.escape`.
 *
 * - nested objects become `a%5Bb%5D=…`, arrays become repeated `a%5B%5D=…` in their own order;
 * - the encoded `key=value` strings are sorted bytewise at every level, hashes inside arrays included;
 * - empty arrays and empty objects are dropped; `null` gives `key=`; numbers and booleans their string form;
 * - leading `&` (left by a nested value that encoded to nothing) are stripped, as the server does.
 *
 * The result is both the part after `?` in the string to sign and a valid query string or form body.
 */
export function toQuery(params: { readonly [key: string]: ParamValue }): string {
  return encodeHash(params, null).replace(/^&+/, '');
}

/** Why a query string or form body cannot be parsed; the server answers such requests with HTTP 400. */
export class QueryParseError extends Error {
  override name = 'QueryParseError';
}

/** Options for {@link parseQuery}. */
export interface ParseQueryOptions {
  /**
   * Also split on `;`. Rack does this for query strings (GET) but not for form bodies (POST).
   * Default `false`.
   */
  semicolons?: boolean;
  /** Rack's `param_depth_limit`: how deeply names may nest. Default 100. */
  depthLimit?: number;
  /** Rack's `key_space_limit`: the characters of distinct keys one hash may hold. Default 65536. */
  keySpaceLimit?: number;
}

/**
 * A hash under construction. Rack's KeySpaceConstrainedParams: a Map (so that keys such as `__proto__`
 * are ordinary keys) that counts the size of the keys it holds.
 */
class RackHash {
  readonly entries = new Map<string, RackValue>();
  private keySpace = 0;
  constructor(private readonly keySpaceLimit: number) {}

  get(key: string): RackValue | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: RackValue): void {
    if (!this.entries.has(key)) {
      this.keySpace += key.length;
      if (this.keySpace > this.keySpaceLimit) throw new QueryParseError('exceeded available parameter key space');
    }
    this.entries.set(key, value);
  }
}

type RackValue = string | null | RackValue[] | RackHash;

const NAME_HEAD = /^[[\]]*([^[\]]+)\]*/;
// Rack's /^\[\]\[([^\[\]]+)\]$/ and /^\[\](.+)$/, which match `[][child]` and `[]…` after a name. Ruby's
// ^ and $ are line anchors for \n only and its . stops only at \n, whereas JavaScript's m flag and . also
// stop at \r, U+2028 and U+2029: hence the explicit lookarounds instead of the m flag.
const ARRAY_OF_HASH_SIMPLE = /(?:^|(?<=\n))\[\]\[([^[\]]+)\](?=\n|$)/;
const ARRAY_OF_HASH_ANY = /(?:^|(?<=\n))\[\]([^\n]+)(?=\n|$)/;

/**
 * Rack 2.0 `normalize_params`: put one decoded `name=value` pair into `params`, following the bracket
 * syntax of `name`. Returns what Rack returns (only the `[]` case inside arrays uses it).
 */
function normalizeParams(params: RackHash, name: string | null, value: string | null, depth: number, limit: number): RackValue | RackHash | undefined {
  if (depth <= 0) throw new QueryParseError('parameter names are nested too deeply');
  const head = name === null ? null : NAME_HEAD.exec(name);
  const key = head?.[1] ?? '';
  const after = head && name !== null ? name.slice(head[0].length) : '';

  if (key === '') {
    if (value !== null && name === '[]') return [value];
    return undefined;
  }

  if (after === '') {
    params.set(key, value);
  } else if (after === '[') {
    params.set(name as string, value);
  } else if (after === '[]') {
    const list = arrayAt(params, key);
    list.push(value);
  } else {
    const childMatch = ARRAY_OF_HASH_SIMPLE.exec(after) ?? ARRAY_OF_HASH_ANY.exec(after);
    if (childMatch) {
      const childKey = childMatch[1] as string;
      const list = arrayAt(params, key);
      const last = list[list.length - 1];
      if (last instanceof RackHash && !hashHasKeyPath(last, childKey)) {
        normalizeParams(last, childKey, value, depth - 1, limit);
      } else {
        list.push((normalizeParams(new RackHash(limit), childKey, value, depth - 1, limit) as RackValue | undefined) ?? null);
      }
    } else {
      let child = params.get(key);
      if (child === undefined) {
        child = new RackHash(limit);
        params.set(key, child);
      }
      if (!(child instanceof RackHash)) throw new QueryParseError(`expected a hash for param '${key}'`);
      params.set(key, (normalizeParams(child, after, value, depth - 1, limit) as RackValue | undefined) ?? null);
    }
  }
  return params;
}

function arrayAt(params: RackHash, key: string): RackValue[] {
  let list = params.get(key);
  if (list === undefined || list === null) {
    list = [];
    params.set(key, list);
  }
  if (!Array.isArray(list)) throw new QueryParseError(`expected an array for param '${key}'`);
  return list;
}

/** Rack's `params_hash_has_key?`: does `hash` already hold the nested path written as `a][b`-style key? */
function hashHasKeyPath(hash: RackHash, key: string): boolean {
  if (key.includes('[]')) return false;
  let node: RackValue = hash;
  for (const part of key.split(/[[\]]+/)) {
    if (part === '') continue;
    if (!(node instanceof RackHash) || !node.has(part)) return false;
    node = node.get(part) as RackValue;
  }
  return true;
}

/**
 * `URI.decode_www_form_component` on UTF-8: `+` is a space, `%XX` a byte; a `%` not followed by two hex
 * digits is an error, and so are bytes that are not valid UTF-8 (Rails answers those with 400).
 */
function decodeComponent(text: string): string {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) throw new QueryParseError('invalid %-encoding');
  const spaced = text.replace(/\+/g, ' ');
  try {
    // Every % is now a valid escape, so decodeURIComponent fails only on bytes that are not UTF-8.
    return decodeURIComponent(spaced);
  } catch {
    throw new QueryParseError('invalid UTF-8 in a parameter');
  }
}

/**
 * Rails 5.1's `NoNilParamEncoder`, then a plain object tree: arrays lose their nil elements
 * (`a[]` without `=`), scalars keep theirs.
 */
function toPlain(value: RackValue): QueryValue {
  if (value instanceof RackHash) {
    return Object.fromEntries([...value.entries].map(([key, child]) => [key, toPlain(child)]));
  }
  if (Array.isArray(value)) return value.filter((element) => element !== null).map(toPlain);
  return value;
}

/**
 * Parse a query string or `application/x-www-form-urlencoded` body into the nested params the OST
 * server's Rails app would see (Rack 2.0 `parse_nested_query`, then Rails 5.1 parameter normalisation):
 *
 * - only `[]` makes arrays: `a[]=1&a[]=2` is `["1","2"]`, while `a[0]=x` is the hash `{"0":"x"}`;
 * - `a[][k]=…` builds arrays of hashes, starting a new hash when `k` is already in the last one;
 * - the last of duplicate scalar keys wins; `a` without `=` is `null`; empty pieces are skipped;
 * - `+` is a space; a space after a separator is dropped, as Rack does.
 *
 * Throws {@link QueryParseError} for malformed `%` escapes, invalid UTF-8, names nested deeper than the
 * limit, and names used as both a scalar and a hash or array (all of which the server answers with 400).
 */
export function parseQuery(text: string, options: ParseQueryOptions = {}): QueryParams {
  const depthLimit = options.depthLimit ?? 100;
  const keySpaceLimit = options.keySpaceLimit ?? 65536;
  const root = new RackHash(keySpaceLimit);
  if (text === '') return {};
  const separator = options.semicolons ? /[&;] */ : /& */;
  for (const piece of text.split(separator)) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const name = decodeComponent(equals === -1 ? piece : piece.slice(0, equals));
    const value = equals === -1 ? null : decodeComponent(piece.slice(equals + 1));
    normalizeParams(root, name, value, depthLimit, keySpaceLimit);
  }
  return toPlain(root) as QueryParams;
}
