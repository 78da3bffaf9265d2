/**
 * Issue 7: HTML and script in names and addresses are shown as text in the review console, never run.
 *
 * Cases hold payloads (`<img src=x onerror=…>`, `<script>`, attribute breakouts) in every text field:
 * one submitted through the signed API (the provider's sanitiser changes some of them first), one written
 * to the store as the provider could hold it from elsewhere, and a reviewer name given through the
 * console's own API. The pages are fetched over HTTP and parsed (htmlparser2): each has exactly the elements
 * and attributes of the same page for a plain case (no element, handler or `javascript:` link came from
 * the data), and the payloads read as the text that was stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isTag, isText, type AnyNode, type Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { call } from '../api/helpers.js';
import { DOCUMENT_KEY, getPage, KEY_7, SECRET_7, SELFIE_KEY, startConsoleHarness, type ConsoleHarness } from './helpers.js';

/** Attributes of an element as a list, in the parser's order. */
function attributesOf(element: Element): { name: string; value: string }[] {
  return Object.entries(element.attribs).map(([name, value]) => ({ name, value }));
}

function parse(html: string): AnyNode {
  return parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
}

const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  "'><iframe srcdoc=\"<script>parent.pwned=1</script>\"></iframe>",
  '<a href="javascript:alert(1)">x</a>',
  '</td></tr></table><form action="https://evil.test"><input name=csrf></form>',
] as const;

const CREDENTIALS = { apiKey: KEY_7, apiSecret: SECRET_7 };

let harness: ConsoleHarness;
/** User ids: a plain case, one with payloads through the API, one with payloads in the store. */
let plain: number;
let viaApi: number;
let inStore: number;

/** Every element of a parsed document, in document order. */
function elements(node: AnyNode): Element[] {
  const found: Element[] = [];
  const visit = (current: AnyNode): void => {
    if (isTag(current)) found.push(current);
    if ('children' in current) for (const child of current.children) visit(child);
  };
  visit(node);
  return found;
}

/** The text of a node and its descendants, entities decoded, as a browser's `textContent` reads it. */
function textOf(node: AnyNode): string {
  if (isText(node)) return node.data;
  return 'children' in node ? node.children.map(textOf).join('') : '';
}

/** Tag names with their counts, and every attribute name in use: what the markup is made of. */
function shape(html: string): { tags: Record<string, number>; attributes: string[] } {
  const tags: Record<string, number> = {};
  const attributes = new Set<string>();
  for (const element of elements(parse(html))) {
    tags[element.name] = (tags[element.name] ?? 0) + 1;
    for (const attribute of attributesOf(element)) attributes.add(attribute.name);
  }
  return { tags, attributes: [...attributes].sort() };
}

/** Assert nothing in `html` runs or links to script: no script or frame elements, no handlers, no `javascript:`. */
function assertInert(html: string, page: string): void {
  for (const element of elements(parse(html))) {
    assert.ok(!['script', 'iframe', 'object', 'embed', 'svg', 'math'].includes(element.name), `${page}: a <${element.name}> element`);
    for (const attribute of attributesOf(element)) {
      assert.ok(!attribute.name.startsWith('on'), `${page}: an ${attribute.name} handler on <${element.name}>`);
      assert.ok(!/^\s*javascript:/i.test(attribute.value), `${page}: a javascript: URL in ${attribute.name}`);
      assert.ok(attribute.name !== 'srcdoc', `${page}: an srcdoc attribute`);
    }
  }
}

async function createUser(email: string): Promise<number> {
  const created = await call(harness.url, 'POST', '/api/v2/users', { email }, CREDENTIALS);
  assert.equal(created.status, 200, created.text);
  return created.json.data.user.id as number;
}

before(async () => {
  harness = await startConsoleHarness();
  plain = await harness.submitCase({ email: 'plain@example.com', firstName: 'Ada', lastName: 'Lovelace' });

  // Through the signed API: the provider sanitises the values (tags dropped, `&` `<` `>` escaped) first.
  viaApi = await createUser('api-payloads@example.com');
  const submitted = await call(harness.url, 'POST', `/api/v2/users-kyc/${viaApi}`, {
    first_name: `A${PAYLOADS[0]}&lt;img src=x onerror=alert(1)&gt;`,
    last_name: `B${PAYLOADS[2]}`,
    birthdate: '10/12/1990',
    country: 'india',
    nationality: 'indian',
    document_id_number: `X${PAYLOADS[1]}`,
    document_id_file_path: DOCUMENT_KEY,
    selfie_file_path: SELFIE_KEY,
    ethereum_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  }, CREDENTIALS);
  assert.equal(submitted.status, 200, submitted.text);

  // In the store as is: the console must not rely on the API's sanitiser.
  inStore = await createUser('store-payloads@example.com');
  const outcome = harness.sandbox.store.submitKyc(7, inStore, {
    first_name: PAYLOADS[0],
    last_name: PAYLOADS[1],
    birthdate: '1990-12-10',
    country: PAYLOADS[2],
    nationality: PAYLOADS[3],
    document_id_number: PAYLOADS[4],
    document_id_file_path: DOCUMENT_KEY,
    selfie_file_path: SELFIE_KEY,
    residence_proof_file_path: null,
    investor_proof_files_path: [],
    ethereum_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    estimated_participation_amount: 1,
    street_address: PAYLOADS[5],
    city: PAYLOADS[0],
    state: PAYLOADS[1],
    postal_code: PAYLOADS[2],
    extra: { occupation: PAYLOADS[3] },
  });
  assert.equal(outcome.kind, 'ok');

  // A reviewer's name, through the console's own API, becomes `last_acted_by` on the case.
  const acted = await fetch(`${harness.url}/console/api/clients/7/cases/${inStore}/report`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ types: ['other_issue'], admin: PAYLOADS[0] }),
  });
  assert.equal(acted.status, 200, await acted.text());
});

after(async () => {
  await harness?.stop();
});

describe('review console: markup in case data is text', () => {
  test('the case pages have the same elements and attributes as a plain case, and show the payloads as stored', async () => {
    const baseline = await getPage(harness.url, `/console/clients/7/cases/${plain}`);
    assert.equal(baseline.status, 200);
    const stored = await getPage(harness.url, `/console/clients/7/cases/${inStore}`);
    assert.equal(stored.status, 200);
    assertInert(stored.text, 'case page (store)');
    assert.deepEqual(shape(stored.text).attributes, shape(baseline.text).attributes);
    // Same page structure: the payload case has one more row (its extra field), nothing else.
    const tags = shape(stored.text).tags;
    for (const [tag, count] of Object.entries(shape(baseline.text).tags)) assert.ok((tags[tag] ?? 0) >= count, `<${tag}> went missing`);
    for (const tag of Object.keys(tags)) assert.ok(tag in shape(baseline.text).tags, `a <${tag}> element that the plain case's page does not have`);
    const text = textOf(parse(stored.text));
    for (const payload of PAYLOADS) assert.ok(text.includes(payload), `the page does not read ${JSON.stringify(payload)} as text`);
    // Nothing of the payload became an element: no image pointing at "x", no form to another site.
    const all = elements(parse(stored.text));
    assert.equal(all.filter((element) => element.name === 'img' && element.attribs['src'] === 'x').length, 0);
    assert.equal(all.filter((element) => element.name === 'form' && attributesOf(element).some((attribute) => attribute.value.includes('evil.test'))).length, 0);

    const viaApiPage = await getPage(harness.url, `/console/clients/7/cases/${viaApi}`);
    assert.equal(viaApiPage.status, 200);
    assertInert(viaApiPage.text, 'case page (API)');
    assert.deepEqual(shape(viaApiPage.text).tags, shape(baseline.text).tags);
    assert.deepEqual(shape(viaApiPage.text).attributes, shape(baseline.text).attributes);
    // Each name reads exactly as stored (the sanitiser's entities included, never decoded into markup).
    const record = (await (await fetch(`${harness.url}/console/api/clients/7/cases/${viaApi}`)).json()) as { submission: Record<string, string> };
    const apiText = textOf(parse(viaApiPage.text));
    for (const field of ['first_name', 'last_name', 'document_id_number']) {
      const value = record.submission[field] ?? '';
      assert.match(value, /&amp;|&lt;|&gt;|alert/, `${field} kept something of its payload: ${value}`);
      assert.ok(apiText.includes(value), `the page does not read ${field} ${JSON.stringify(value)} as text`);
    }
  });

  test('the case list and the delivery log show the names and the reviewer as text', async () => {
    for (const path of ['/console/', '/console/?client=7&status=pending', '/console/deliveries?client=7']) {
      const page = await getPage(harness.url, path);
      assert.equal(page.status, 200, path);
      assertInert(page.text, path);
      assert.ok(!elements(parse(page.text)).some((element) => element.name === 'img'), `${path}: an <img> element`);
    }
    const list = textOf(parse((await getPage(harness.url, '/console/')).text));
    assert.ok(list.includes(`${PAYLOADS[0]} ${PAYLOADS[1]}`), 'the list shows the stored names as text');
  });

  test('the JSON API returns the payloads as JSON strings, not HTML', async () => {
    const response = await fetch(`${harness.url}/console/api/clients/7/cases/${inStore}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const body = (await response.json()) as { submission: Record<string, unknown>; user_kyc: { last_acted_by: string } };
    assert.equal(body.submission['first_name'], PAYLOADS[0]);
    assert.equal(body.user_kyc.last_acted_by, PAYLOADS[0]);
  });
});
