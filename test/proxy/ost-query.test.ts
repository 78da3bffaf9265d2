// The server's parameter parsing (Rack 2.0 + Rails 5.1) and encoding (ActiveSupport 5.1.6 to_query).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cgiEscape, parseQuery, QueryParseError, toQuery } from '../../proxy/ost-query.js';

describe('cgiEscape: Ruby 2.4 CGI.escape', () => {
  it('keeps only A-Za-z0-9_.- and writes space as +', () => {
    let printable = '';
    for (let code = 0x20; code <= 0x7e; code += 1) printable += String.fromCharCode(code);
    assert.equal(cgiEscape(printable),
      '+%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D%7E');
  });
  it('escapes the UTF-8 bytes of other characters in uppercase hex', () => {
    assert.equal(cgiEscape('é€😀\n\u0000'), '%C3%A9%E2%82%AC%F0%9F%98%80%0A%00');
  });
  it('encodes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    assert.equal(cgiEscape('a\uD800b'), 'a%EF%BF%BDb');
  });
});

describe('toQuery: ActiveSupport 5.1.6 to_query', () => {
  it('escapes brackets in nested keys and keeps array order', () => {
    assert.equal(toQuery({ files: { document_id: 'x' }, list: ['b', 'a'] }), 'files%5Bdocument_id%5D=x&list%5B%5D=b&list%5B%5D=a');
  });
  it('sorts hash keys as encoded strings: "10" before "2"', () => {
    assert.equal(toQuery({ a: { 2: 'x', 10: 'y' } }), 'a%5B10%5D=y&a%5B2%5D=x');
  });
  it('drops empty arrays and hashes, writes null as key=, numbers and booleans as text', () => {
    assert.equal(toQuery({ e: [], h: {}, n: null, t: true, f: false, i: 7, x: 1.5, big: 12n }), 'big=12&f=false&i=7&n=&t=true&x=1.5');
  });
  it('leaves out undefined values, and writes undefined array elements as nil', () => {
    assert.equal(toQuery({ u: undefined, l: [undefined, 'a'] }), 'l%5B%5D=&l%5B%5D=a');
  });
  it('keeps the stray & of a nested value that encodes to nothing, except at the front', () => {
    // {c: []} is not empty, so Rails keeps its empty encoding in the sorted list; '' sorts first and the
    // server strips leading '&'. Deeper down the '&' stays, and '%' sorts before it: a client that sends
    // such a shape is refused by the real server too, since Rack drops the empty piece before re-signing.
    assert.equal(toQuery({ b: { c: [] }, a: 1 }), 'a=1');
    assert.equal(toQuery({ 'é': 1, x: { y: { w: [] }, z: 2 } }), '%C3%A9=1&&x%5Bz%5D=2');
  });
  it('returns an empty string for nothing to encode', () => {
    assert.equal(toQuery({}), '');
    assert.equal(toQuery({ a: [], b: {} }), '');
  });
});

describe('parseQuery: Rack 2.0 parse_nested_query + Rails 5.1 normalisation', () => {
  const cases: Array<[string, unknown]> = [
    ['a=1&b=2', { a: '1', b: '2' }],
    ['a=1&a=2', { a: '2' }],
    ['a', { a: null }],
    ['a=', { a: '' }],
    ['a+b=c+d%2B', { 'a b': 'c d+' }],
    ['a[]=1&a[]=2', { a: ['1', '2'] }],
    ['a[]=', { a: [''] }],
    ['a[]', { a: [] }],
    ['a[0]=x&a[1]=y', { a: { 0: 'x', 1: 'y' } }],
    ['a[b][c]=1&a[b][d]=2', { a: { b: { c: '1', d: '2' } } }],
    ['l[][a]=1&l[][b]=2&l[][a]=3', { l: [{ a: '1', b: '2' }, { a: '3' }] }],
    ['l[][a][x]=1&l[][a][y]=2&l[][a][x]=3', { l: [{ a: { x: '1', y: '2' } }, { a: { x: '3' } }] }],
    ['l[][]=a&l[][]=b', { l: [['a'], ['b']] }],
    ['a=1& b=2', { a: '1', b: '2' }],
    ['=x&&b', { b: null }],
    ['a]x=1', { a: { x: '1' } }],
    ['a[=1', { 'a[': '1' }],
    ['a=1;b=2', { a: '1;b=2' }],
    ['%E2%82%AC=%F0%9F%98%80', { '€': '😀' }],
    // Ruby's . and line anchors stop at \n only, not at U+2028 (found by the property tests).
    ['l[][j][%E2%80%A8]=1', { l: [{ j: { '\u2028': '1' } }] }],
    // ... and at \n they cut the name: Rack reads `[j][` as the child key and drops the rest.
    ['l[][j][%0A]=1', { l: [{ '[j][': '1' }] }],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseQuery(text), expected);
    });
  }

  it('splits on ; too for query strings', () => {
    assert.deepEqual(parseQuery('a=1;b=2; c=3', { semicolons: true }), { a: '1', b: '2', c: '3' });
  });

  it('treats __proto__ as an ordinary key', () => {
    const parsed = parseQuery('__proto__=x&constructor[prototype]=y');
    assert.equal(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, 'x');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
  });

  it('re-encodes what it parsed to the string the server signs', () => {
    assert.equal(toQuery(parseQuery('z=1&a[2]=x&a[10]=y&l[]=b&l[]=a')), 'a%5B10%5D=y&a%5B2%5D=x&l%5B%5D=b&l%5B%5D=a&z=1');
  });

  const errors: Array<[string, RegExp]> = [
    ['a=%zz', /invalid %-encoding/],
    ['a=100%', /invalid %-encoding/],
    ['a=%FF', /invalid UTF-8/],
    ['%C3=1', /invalid UTF-8/],
    ['a=1&a[b]=2', /expected a hash for param 'a'/],
    ['a[b]=1&a[]=2', /expected an array for param 'a'/],
    [`${'a'}${'[b]'.repeat(100)}=1`, /nested too deeply/],
  ];
  for (const [text, message] of errors) {
    it(`refuses ${JSON.stringify(text.slice(0, 40))}`, () => {
      assert.throws(() => parseQuery(text), (error: unknown) => error instanceof QueryParseError && message.test(error.message));
    });
  }

  it('accepts 99 levels of nesting', () => {
    assert.doesNotThrow(() => parseQuery(`a${'[b]'.repeat(98)}=1`));
  });

  it('limits the key space of one hash', () => {
    const keys = Array.from({ length: 70 }, (_, index) => `${'k'.repeat(1000)}${index}=1`).join('&');
    assert.throws(() => parseQuery(keys), /key space/);
    assert.doesNotThrow(() => parseQuery(keys, { keySpaceLimit: 1_000_000 }));
  });
});
