/**
 * Generators of bad input for the fuzz files (fast-check arbitraries): text that breaks assumptions
 * (control characters, HTML and script, lone surrogates, right-to-left overrides, very long runs),
 * numbers at the edges written as raw JSON tokens (`1e309`, `-0`, `9007199254740993`), JSON trees with
 * wrong types, missing, extra, duplicated and prototype-named keys, deep nesting, and bodies of raw bytes
 * (broken UTF-8, truncated JSON, a BOM, random bytes, bodies past the size limit).
 *
 * JSON is built as a tree of {@link JsonTree} and written by {@link jsonText}, so a body can hold what
 * `JSON.stringify` never writes: number tokens beyond a double, duplicate keys, `__proto__` as a key.
 */
import fc from 'fast-check';

/** HTML and script payloads: they must always come back as text. */
export const HTML_PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  "'><iframe srcdoc=\"<script>parent.pwned=1</script>\"></iframe>",
  '<a href="javascript:alert(1)">click</a>',
  '</textarea></title><script>alert(1)</script>',
  '<style>*{display:none}</style>',
  '${alert(1)}{{constructor.constructor("alert(1)")()}}',
  '&lt;b&gt;entity&amp;',
] as const;

/** Number-like text and raw JSON number tokens at the edges. */
export const EDGE_NUMBER_TEXTS = [
  'NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '-0', '0', '00', '0x10', '1_000', ' 1 ', '1e-400', '5e-324',
  '9007199254740993', '-9007199254740993', '1.7976931348623157e308', '123456789012345678901234567890', '0.1', '1E2',
  '-1', '2147483648', '4294967296', '1e21', '１２３', '١٢٣', '+1', '.5', '5.',
] as const;

/** Raw JSON number tokens (valid JSON syntax, out of a double's range or exactness). */
export const EDGE_NUMBER_TOKENS = ['1e309', '-1e309', '-0', '-0.0', '9007199254740993', '-9007199254740993', '1.7976931348623157e308', '5e-324', '1e-400', '123456789012345678901234567890', '0', '1E400', '0.1e1'] as const;

/** Text that has broken some parser somewhere. */
export const SPECIAL_TEXTS = [
  '', ' ', '\t', '\n', '\r\n', '\u0000', '\u0000abc', 'abc\u0000', '\u0007\u0008\u001b[31m', '\u007f', 'null', 'undefined', 'true', 'false',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '../../../etc/passwd', '..\\..\\windows', '/etc/passwd%00.jpg',
  '%00', '%', '%zz', '%ff%fe', '%s%n%x', "' OR '1'='1' --", '"; DROP TABLE users; --', '\u202eevil', 'a\u200bb', '\ufeffbom', '\ud800', '\udfff',
  'x\ud83dy', '𝒜𝒷𝒸', '👩‍👩‍👧‍👦', 'ẞß', 'İı', 'Å', 'Å', '\u0301', 'ＡＢＣ', 'مرحبا', 'שלום', '日本語', '\u2028\u2029', 'a\rb', 'line1\nline2',
  'http://169.254.169.254/latest/meta-data/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
  '0x32be343b94f860124dc4fee278fdcbd38c102d88', '0x32Be343B94f860124dC4fEe278FDCBD38C102D88', '0x32BE343B94F860124DC4FEE278FDCBD38C102D88',
  'name@example.com', 'NAME@EXAMPLE.COM', ' name@example.com ', 'a@b', '@example.com', 'name@', 'name@@example.com', 'name@example.com\n',
  'name+tag@example.co.uk', '"quoted"@example.com', 'name@[127.0.0.1]', 'ünïcödé@exämple.com', 'name@example.com<script>',
  '01/02/1990', '31/02/2000', '29/02/2001', '1/1/1900', '00/00/0000', '99/99/9999', '01/02/1990\n', '2000-01-01', '01/02/19900',
  'FRANCE', 'France', 'NORTH KOREA', 'KOREA, NORTH', 'INDIAN', 'French', 'Atlantis',
  '7/i/4ae058629d4b384edcda8decdfbf0dd1', '7//abc', '8/i/abc', '../7/i/abc', '7/i/abc/../../x', '7/i/', '/', '7',
] as const;

const controlChar = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));
const latin1Char = fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code));

/** Any text a fuzz case may put in a field: special, HTML, control characters, any Unicode, long. */
export function nastyText(): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_TEXTS) },
    { weight: 3, arbitrary: fc.constantFrom(...HTML_PAYLOADS) },
    { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBER_TEXTS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: controlChar, minLength: 1, maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ unit: latin1Char, minLength: 1, maxLength: 8 }) },
  );
  return fc.oneof(
    { weight: 6, arbitrary: piece },
    { weight: 2, arbitrary: fc.tuple(piece, piece).map(([a, b]) => a + b) },
    // Long: past every length rule (100 for names, 254 for emails, 1000 for strings).
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('A', 'é', '<b>', '𝒜', ' ', '\u0000'), fc.integer({ min: 90, max: 4000 })).map(([unit, count]) => unit.repeat(count)) },
  );
}

/** A raw JSON token written verbatim (a number no double holds exactly, for one). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A JSON object as its entries, in order (so keys may repeat, and `__proto__` is just a key). */
export class JsonObject {
  constructor(readonly entries: readonly (readonly [string, JsonTree])[]) {}
}

/** A JSON value as the fuzz writes it. */
export type JsonTree = null | boolean | number | string | RawJson | JsonObject | readonly JsonTree[];

/** The JSON text of `tree` (numbers that are not finite are written as raw tokens such as `1e309`). */
export function jsonText(tree: JsonTree): string {
  if (tree instanceof RawJson) return tree.text;
  if (tree instanceof JsonObject) return `{${tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${jsonText(value)}`).join(',')}}`;
  if (Array.isArray(tree)) return `[${tree.map((item) => jsonText(item as JsonTree)).join(',')}]`;
  if (typeof tree === 'number') {
    if (Number.isNaN(tree)) return 'NaN';
    if (!Number.isFinite(tree)) return tree > 0 ? '1e309' : '-1e309';
    return Object.is(tree, -0) ? '-0' : String(tree);
  }
  return JSON.stringify(tree);
}

/** An object with these fields in this order (`undefined` values left out). */
export function jsonObject(fields: Readonly<Record<string, JsonTree | undefined>>): JsonObject {
  return new JsonObject(Object.entries(fields).filter((entry): entry is [string, JsonTree] => entry[1] !== undefined));
}

/** Scalars of every JSON type, at the edges. */
export function nastyScalar(): fc.Arbitrary<JsonTree> {
  return fc.oneof(
    { weight: 5, arbitrary: nastyText() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.double({ noNaN: true }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, -0, 0, 1, -1, 0.5, 1e21, 2 ** 31, 2 ** 32) },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_NUMBER_TOKENS).map((token) => new RawJson(token)) },
  );
}

/** Keys a fuzzed object may carry besides the route's own. */
const EXTRA_KEYS = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isAdmin', 'userId', 'sale', 'status', ''),
  fc.string({ maxLength: 12 }),
  nastyText(),
);

/** Any JSON value: scalars, arrays and objects with nasty keys, a few levels deep. */
export function nastyJson(): fc.Arbitrary<JsonTree> {
  const { tree } = fc.letrec<{ tree: JsonTree; array: JsonTree; object: JsonTree }>((recur) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 4, arbitrary: nastyScalar() }, recur('array'), recur('object')),
    array: fc.array(recur('tree'), { maxLength: 5 }),
    object: fc.array(fc.tuple(EXTRA_KEYS, recur('tree')), { maxLength: 5 }).map((entries) => new JsonObject(entries)),
  }));
  return tree;
}

/**
 * A wrong value for one field: any scalar, or JSON of any shape without the keys the body parser refuses
 * for the whole body (`__proto__`, `constructor`: prototype poisoning), which are no one field's fault.
 */
export function wrongFieldValue(): fc.Arbitrary<JsonTree> {
  return fc.oneof(
    { weight: 3, arbitrary: nastyScalar() },
    { weight: 1, arbitrary: nastyJson().filter((tree) => !/"(__proto__|constructor)":/.test(jsonText(tree))) },
  );
}

/**
 * An object for a route: each known field present with a value from its own generator, with a nasty
 * value, or missing; plus sometimes extra keys and a repeated key.
 */
export function fuzzedObject(fields: Readonly<Record<string, fc.Arbitrary<JsonTree>>>): fc.Arbitrary<JsonObject> {
  const entries = Object.entries(fields).map(([name, good]) =>
    fc.oneof(
      { weight: 4, arbitrary: good.map((value) => [[name, value] as const]) },
      { weight: 3, arbitrary: nastyJson().map((value) => [[name, value] as const]) },
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.tuple(good, nastyJson()).map(([first, second]) => [[name, first] as const, [name, second] as const]) },
    ),
  );
  return fc.tuple(fc.tuple(...entries), fc.array(fc.tuple(EXTRA_KEYS, nastyJson()), { maxLength: 3 })).map(([known, extra]) => new JsonObject([...known.flat(), ...extra]));
}

const encoder = new TextEncoder();

/** UTF-8 bytes of text (lone surrogates become U+FFFD, as any encoder writes them). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Byte sequences that are not UTF-8: stray continuation, cut sequences, overlong forms, encoded surrogates, bytes never used. */
export const BROKEN_UTF8: readonly (readonly number[])[] = [
  [0xff], [0xfe, 0xff], [0x80], [0xbf], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x92], [0xc0, 0xaf], [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3, 0x28], [0x00],
];

/** `text` with broken UTF-8 bytes spliced in at a position (inside a JSON string when the text has one). */
export function withBrokenUtf8(text: string): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.constantFrom(...BROKEN_UTF8), fc.nat()).map(([broken, at]) => {
    const bytes = utf8(text);
    // Prefer the inside of a string value: after a quote that follows a colon.
    const quote = text.indexOf(':"');
    const position = quote >= 0 ? Buffer.byteLength(text.slice(0, quote + 2)) : bytes.length === 0 ? 0 : at % bytes.length;
    return Uint8Array.from([...bytes.subarray(0, position), ...broken, ...bytes.subarray(position)]);
  });
}

/** JSON text nested `depth` levels deep (arrays or objects). */
export function deeplyNested(): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('array', 'object', 'mixed'), fc.integer({ min: 50, max: 60_000 })).map(([kind, depth]) => {
    if (kind === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return `{"submission":${'[{"x":'.repeat(depth)}1${'}]'.repeat(depth)}}`;
  });
}

/**
 * Any body at all, around a route's own JSON `good` body: that body as is, JSON of any shape, broken
 * UTF-8 inside it, cut short, behind a BOM, deeply nested, past `sizeLimit` bytes, random bytes, a form
 * body, or nothing.
 */
export function nastyBody(good: fc.Arbitrary<JsonTree>, sizeLimit: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: good.map((tree) => utf8(jsonText(tree))) },
    { weight: 3, arbitrary: nastyJson().map((tree) => utf8(jsonText(tree))) },
    { weight: 2, arbitrary: good.chain((tree) => withBrokenUtf8(jsonText(tree))) },
    { weight: 1, arbitrary: fc.tuple(good, fc.nat()).map(([tree, cut]) => { const text = jsonText(tree); return utf8(text.slice(0, cut % Math.max(1, text.length))); }) },
    { weight: 1, arbitrary: good.map((tree) => utf8(`\ufeff${jsonText(tree)}`)) },
    { weight: 1, arbitrary: deeplyNested().map(utf8) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'é', '[', ' '), fc.integer({ min: sizeLimit + 1, max: sizeLimit * 3 })).map(([unit, length]) => utf8(`{"a":"${unit.repeat(Math.ceil(length / Buffer.byteLength(unit)))}"}`)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.constantFrom('email=a%40b.com&code=123456', 'a=1&a[]=2&a[b]=3', '%%%&&==', 'null', 'true', '"text"', '[]', '12', '1e309', '{', '}', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"a":undefined}', '/*x*/{}', '').map(utf8) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  );
}

/** Content types, mostly JSON, else wrong, odd or broken ones. */
export function contentType(): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1', 'application/json; charset=utf-16',
        'application/json; charset=x-unknown', 'application/vnd.api+json', 'application/jsonx', 'text/json', 'text/plain',
        'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'multipart/form-data', 'application/xml',
        'application/octet-stream', '*/*', 'application/', ';', 'application/json;;;', 'application/json; boundary="', 'image/png',
      ),
    },
    { weight: 1, arbitrary: headerText() },
  );
}

/** Text a header value may carry on the wire: printable ASCII, tab and bytes 0x80–0xff (sent raw). */
export function headerText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 }),
    fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((code) => String.fromCharCode(code)), maxLength: 60 }),
    fc.constantFrom(...HTML_PAYLOADS),
    fc.integer({ min: 1000, max: 7000 }).map((length) => 'x'.repeat(length)),
  );
}

/** A query string (without `?`): keys and values of any text, percent-encoded or deliberately broken. */
export function nastyQuery(keys: readonly string[] = []): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...keys, 'a', 'a[]', 'a[b]', 'a[b][c]', '[', ']', '__proto__', '__proto__[x]', 'constructor[prototype][x]'), fc.string({ maxLength: 10 }));
  const value = nastyText();
  const pair = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(key, value).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ff%fe=%c3', '=', '&&', 'a=%00', 'a=%C0%AF', '%E2%82=1', 'a==b', 'a=1;b=2', '+=+', 'x=%ED%A0%80') },
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.join('&'));
}
