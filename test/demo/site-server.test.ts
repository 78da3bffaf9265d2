import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fillPlaceholders, siteContentSecurityPolicy, startSiteServer, type SiteServer } from '../../demo/site-server.js';
import { ROOT } from './support/demo-process.js';

describe('the demo site server', () => {
  let site: SiteServer;
  let dist: string;
  const values = { proxyUrl: 'http://127.0.0.1:3999', saleId: 'acme', inboxUrl: 'http://127.0.0.1:8999/', consoleUrl: 'http://127.0.0.1:4999/console/' };

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'site-dist-'));
    mkdirSync(join(dist, 'locales'));
    writeFileSync(join(dist, 'kyc-onboarding.js'), '/* widget */');
    writeFileSync(join(dist, 'locales', 'de.js'), '/* de */');
    writeFileSync(join(dist, 'wallet.js'), '/* wallet */');
    writeFileSync(join(dist, 'secret.txt'), 'not served');
    site = await startSiteServer({ port: 0, siteDir: join(ROOT, 'demo', 'site'), distDir: dist, pageValues: values, connectOrigins: [values.proxyUrl, 'http://127.0.0.1:4998'] });
  });
  after(async () => {
    await site.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('fills the pages\' placeholders, HTML-escaped, and leaves an unknown one visible', () => {
    assert.equal(fillPlaceholders('<a href="{{url}}">{{name}}</a> {{missing}}', { url: 'http://x/?a=1&b="2"', name: '<b>' }), '<a href="http://x/?a=1&amp;b=&quot;2&quot;">&lt;b&gt;</a> {{missing}}');
    assert.equal(fillPlaceholders('{{constructor}}', {}), '{{constructor}}');
  });

  test('serves the sale page with the proxy, sale and links filled in, under the CSP', async () => {
    const response = await fetch(`${site.url}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), siteContentSecurityPolicy([values.proxyUrl, 'http://127.0.0.1:4998']));
    assert.match(response.headers.get('content-security-policy') ?? '', /connect-src 'self' http:\/\/127\.0\.0\.1:3999 http:\/\/127\.0\.0\.1:4998;/);
    const html = await response.text();
    assert.ok(html.includes('<kyc-onboarding proxy="http://127.0.0.1:3999" sale="acme"></kyc-onboarding>'));
    assert.ok(html.includes('href="http://127.0.0.1:8999/"'));
  });

  test('serves only the widget\'s files from the build folder, with a JavaScript type', async () => {
    const script = await fetch(`${site.url}/kyc-onboarding.js`);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await script.text(), '/* widget */');
    assert.equal(await (await fetch(`${site.url}/locales/de.js`)).text(), '/* de */');
    assert.equal(await (await fetch(`${site.url}/wallet.js`)).text(), '/* wallet */');
    for (const path of ['/secret.txt', '/locales/fr.js', '/locales/../secret.txt', '/%2e%2e/package.json', '/.gitignore', '/site/index.html']) {
      const response = await fetch(`${site.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.ok(response.headers.get('content-security-policy'), `no CSP on the 404 of ${path}`);
      await response.body?.cancel();
    }
  });

  test('answers HEAD without a body, and refuses other methods on pages', async () => {
    const head = await fetch(`${site.url}/host.html`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.ok(Number(head.headers.get('content-length')) > 0);
    const post = await fetch(`${site.url}/`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    await post.body?.cancel();
  });
});
