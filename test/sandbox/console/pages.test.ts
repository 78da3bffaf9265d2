/**
 * The review console's pages over real HTTP: the case list and its filters and paging, the case detail
 * (submitted data, documents, statuses, actions), escaping of hostile data, and the security headers.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DOCUMENT_KEY, getPage, SELFIE_KEY, startConsoleHarness, type ConsoleHarness } from './helpers.js';

describe('review console pages', () => {
  let h: ConsoleHarness;
  let ada: number;
  let grace: number;
  let hostile: number;

  before(async () => {
    h = await startConsoleHarness({ consoleWithoutWebhooks: true });
    ada = await h.submitCase({ email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' });
    grace = await h.submitCase({ email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', clientId: 8 });
    // The API sanitises what clients send, so hostile markup is written straight to the store: the
    // console must not depend on that sanitising.
    const user = h.sandbox.store.createUser(7, 'mallory@example.com');
    assert.notEqual(user, 'duplicate');
    hostile = (user as { id: number }).id;
    const outcome = h.sandbox.store.submitKyc(7, hostile, {
      first_name: '<script>alert(1)</script>',
      last_name: '"><img src=x onerror=alert(2)>',
      birthdate: '1990-12-10',
      country: 'INDIA',
      nationality: 'INDIAN',
      document_id_number: '<b>bold</b>',
      document_id_file_path: DOCUMENT_KEY,
      selfie_file_path: SELFIE_KEY,
      residence_proof_file_path: null,
      investor_proof_files_path: [],
      ethereum_address: null,
      estimated_participation_amount: null,
      street_address: null,
      city: null,
      state: null,
      postal_code: null,
      extra: { '<i>key</i>': '<u>value</u>' },
    });
    assert.equal(outcome.kind, 'ok');
  });

  after(async () => {
    await h.stop();
  });

  it('lists every submitted case with its user, newest submission first', async () => {
    const page = await getPage(h.url, '/console/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.match(page.text, /<h1>Cases<\/h1>/);
    assert.match(page.text, /3 cases, page 1 of 1/);
    assert.ok(page.text.includes(`href="/console/clients/7/cases/${ada}"`));
    assert.ok(page.text.includes(`href="/console/clients/8/cases/${grace}"`));
    assert.ok(page.text.includes('ada@example.com') && page.text.includes('Ada Lovelace'));
    assert.ok(page.text.indexOf(`/cases/${hostile}"`) < page.text.indexOf(`/cases/${ada}"`), 'latest submission first');
  });

  it('filters by client and by status', async () => {
    const client8 = await getPage(h.url, '/console/?client=8');
    assert.ok(client8.text.includes('Grace Hopper'));
    assert.ok(!client8.text.includes('ada@example.com'));
    assert.match(client8.text, /<option value="8" selected>8<\/option>/);
    const approved = await getPage(h.url, '/console/?status=approved');
    assert.match(approved.text, /No case matches/);
    const pending = await getPage(h.url, '/console/?status=pending&aml_status=unprocessed');
    assert.match(pending.text, /3 cases/);
  });

  it('pages the list and keeps the filters in the paging links', async () => {
    const first = await getPage(h.url, '/console/?client=7&limit=1');
    assert.match(first.text, /2 cases, page 1 of 2/);
    assert.ok(first.text.includes('href="/console/?client=7&amp;page=2"'), 'the next link keeps the client filter');
    const second = await getPage(h.url, '/console/?client=7&limit=1&page=2');
    assert.match(second.text, /page 2 of 2/);
    assert.ok(second.text.includes(`/console/clients/7/cases/${ada}"`));
    assert.ok(second.text.includes('rel="prev"'));
  });

  it('answers a bad filter with a 400 page and an unknown client with 404', async () => {
    const bad = await getPage(h.url, '/console/?status=maybe');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /status must be one of pending, approved, denied/);
    const unknown = await getPage(h.url, '/console/?client=99');
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /no client 99/);
  });

  it('shows a case: submitted fields, statuses, documents and the actions that apply', async () => {
    const page = await getPage(h.url, `/console/clients/7/cases/${ada}`);
    assert.equal(page.status, 200);
    for (const text of ['ada@example.com', 'Ada', 'Lovelace', '1990-12-10', 'INDIA', 'INDIAN', 'p1234567', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed']) {
      assert.ok(page.text.includes(`<td>${text}</td>`), `shows ${text}`);
    }
    assert.match(page.text, /<dt>KYC status<\/dt><dd><span class="status status-pending">pending<\/span><\/dd>/);
    assert.match(page.text, /<dt>Submissions<\/dt><dd>1<\/dd>/);
    assert.match(page.text, /<dt>Last acted by<\/dt><dd>—<\/dd>/);
    // The selfie (an image) inline, the ID document (a PDF) as a link, both through presigned GET URLs.
    assert.ok(page.text.includes(`<img src="http://files.test/bucket/${SELFIE_KEY}?expires=3600"`));
    assert.ok(page.text.includes(`<a href="http://files.test/bucket/${DOCUMENT_KEY}?expires=3600">Open the ID document (PDF)</a>`));
    assert.ok(h.files.presigned.some((p) => p.kind === 'get' && p.key === SELFIE_KEY && p.expires === 3600));
    for (const action of ['qualify', 'deny', 'report', 'aml', 'eth', 'delete']) {
      assert.ok(page.text.includes(`action="/console/clients/7/cases/${ada}/${action}"`), `offers ${action}`);
    }
    assert.ok(!page.text.includes(`/cases/${ada}/reopen"`), 'an open case cannot be reopened');
    assert.match(page.text, /<strong>reopen<\/strong>: The case is pending: only an approved or denied case can be reopened\./);
  });

  it('allows images only from the console and the document origin, and refuses framing', async () => {
    const page = await getPage(h.url, `/console/clients/7/cases/${ada}`);
    assert.equal(
      page.headers.get('content-security-policy'),
      "default-src 'none'; img-src 'self' http://files.test; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'same-origin');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const list = await getPage(h.url, '/console/');
    assert.match(list.headers.get('content-security-policy') ?? '', /img-src 'self';/);
  });

  it('escapes markup from user data everywhere it is shown', async () => {
    for (const path of ['/console/', `/console/clients/7/cases/${hostile}`]) {
      const page = await getPage(h.url, path);
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes('<script>'), `${path} has no raw <script>`);
      assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${path} shows the name as text`);
      assert.ok(!page.text.includes('<img src=x'), `${path} has no injected image`);
      assert.ok(page.text.includes('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'));
    }
    const detail = await getPage(h.url, `/console/clients/7/cases/${hostile}`);
    assert.ok(detail.text.includes('&lt;b&gt;bold&lt;/b&gt;') && !detail.text.includes('<b>bold'));
    assert.ok(detail.text.includes('&lt;i&gt;key&lt;/i&gt; (extra field)') && detail.text.includes('&lt;u&gt;value&lt;/u&gt;'));
  });

  it('answers 404 for a case that does not exist or belongs to another client', async () => {
    const missing = await getPage(h.url, '/console/clients/7/cases/999999');
    assert.equal(missing.status, 404);
    assert.match(missing.text, /Client 7 has no KYC case for user 999999\./);
    const otherClient = await getPage(h.url, `/console/clients/7/cases/${grace}`);
    assert.equal(otherClient.status, 404);
    const notAnId = await getPage(h.url, '/console/clients/7/cases/abc');
    assert.equal(notAnId.status, 404);
  });

  it('serves its stylesheet, redirects /console, and leaves the API its own 404', async () => {
    const css = await getPage(h.url, '/console/style.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(css.text, /:focus-visible/);
    const bare = await getPage(h.url, '/console');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/console/');
    const unknown = await getPage(h.url, '/console/nothing-here');
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /There is no such page in the console/);
    const api = await getPage(h.url, '/consoles');
    assert.equal(api.status, 404);
    assert.equal(JSON.parse(api.text).err.internal_id, 'ac_1');
  });

  it('says so when no webhook dispatcher is wired', async () => {
    const log = await getPage(h.url, '/console/deliveries');
    assert.equal(log.status, 200);
    assert.match(log.text, /No webhook dispatcher is wired into this sandbox/);
    const tests = await getPage(h.url, '/console/webhooks');
    assert.match(tests.text, /No webhook dispatcher is wired into this sandbox/);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const { port } = new URL(h.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/console/', headers: { host: `attacker.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
    const localhost = await getPage(h.url, '/console/', { host: `localhost:${port}` });
    assert.equal(localhost.status, 200);
  });
});
