import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, beforeEach, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { chromium } from 'playwright-core';
import { startSmtpCatcher } from '../../demo/mail-catcher/smtp-catcher.js';
import type { CaughtMessage, SmtpCatcher } from '../../demo/mail-catcher/smtp-catcher.js';
import { startInboxPage } from '../../demo/mail-catcher/inbox-page.js';
import type { InboxPage } from '../../demo/mail-catcher/inbox-page.js';
import { chromiumArgs, chromiumPath, hasChromium } from '../support/chromium.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Send one message to the catcher over SMTP with nodemailer, as any real client would. */
async function send(catcher: SmtpCatcher, message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: catcher.port, secure: false });
  try {
    await transport.sendMail({ from: 'Sender <sender@sale.example>', ...message });
  } finally {
    transport.close();
  }
}

describe('the SMTP catcher', () => {
  let catcher: SmtpCatcher;
  before(async () => {
    catcher = await startSmtpCatcher();
  });
  after(() => catcher.close());
  beforeEach(() => catcher.clear());

  test('keeps what it receives: sender, envelope recipients (Bcc too), subject, text, html', async () => {
    await send(catcher, {
      to: 'a@example.com',
      bcc: 'hidden@example.com',
      subject: 'Grüße',
      text: 'plain body',
      html: '<p>html body</p>',
    });
    const message = await catcher.waitForMessage({ to: 'hidden@example.com' }, 3000);
    assert.equal(message.from, '"Sender" <sender@sale.example>');
    assert.deepEqual(message.to, ['a@example.com', 'hidden@example.com']);
    assert.equal(message.subject, 'Grüße');
    assert.equal(message.text.trim(), 'plain body');
    assert.equal(message.html?.trim(), '<p>html body</p>');
    assert.ok(!Number.isNaN(Date.parse(message.date)));
    assert.equal(message.headers['content-type']?.startsWith('multipart/alternative'), true);
    assert.deepEqual(catcher.messages(), [message]);
  });

  test('gives every message its own id', async () => {
    await send(catcher, { to: 'one@example.com', subject: '1', text: '1' });
    await send(catcher, { to: 'two@example.com', subject: '2', text: '2' });
    const [first, second] = catcher.messages();
    assert.ok(first && second);
    assert.notEqual(first.id, second.id);
    assert.deepEqual([first.subject, second.subject], ['1', '2']);
  });

  test('waitForMessage resolves with a message that arrives later, matched by a predicate', async () => {
    const waiting = catcher.waitForMessage((message) => message.subject === 'wanted', 3000);
    await send(catcher, { to: 'x@example.com', subject: 'other', text: 'x' });
    await send(catcher, { to: 'x@example.com', subject: 'wanted', text: 'y' });
    const message = await waiting;
    assert.equal(message.text.trim(), 'y');
  });

  test('waitForMessage matches the recipient case-insensitively and prefers the newest caught message', async () => {
    await send(catcher, { to: 'Mixed@Example.com', subject: 'older', text: 'x' });
    await send(catcher, { to: 'mixed@example.com', subject: 'newer', text: 'x' });
    const message = await catcher.waitForMessage({ to: 'MIXED@example.com' }, 1000);
    assert.equal(message.subject, 'newer');
  });

  test('waitForMessage rejects after its timeout, saying what it waited for', async () => {
    await assert.rejects(catcher.waitForMessage({ to: 'nobody@example.com' }, 100), {
      message: 'No message to nobody@example.com arrived within 100 ms',
    });
    await assert.rejects(catcher.waitForMessage(() => false, 50), { message: 'No matching message arrived within 50 ms' });
  });

  test('clear() forgets every message', async () => {
    await send(catcher, { to: 'x@example.com', subject: 's', text: 't' });
    assert.equal(catcher.messages().length, 1);
    catcher.clear();
    assert.deepEqual(catcher.messages(), []);
  });

  test('mailparser reads the OTP-Token header', async () => {
    await send(catcher, { to: 'x@example.com', subject: 's', text: '123456', otp: { code: '123456', origin: 'https://sale.example' } });
    const message = await catcher.waitForMessage({ to: 'x@example.com' }, 3000);
    assert.deepEqual(message.otp, { code: '123456', origin: 'https://sale.example' });
  });
});

describe('catcher limits and shutdown', () => {
  test('refuses a message above the size limit with SMTP 552 and keeps nothing', async (t) => {
    const catcher = await startSmtpCatcher({ maxMessageBytes: 2000 });
    t.after(() => catcher.close());
    await assert.rejects(send(catcher, { to: 'x@example.com', subject: 'big', text: 'x'.repeat(10_000) }), { responseCode: 552 });
    assert.deepEqual(catcher.messages(), []);
    await send(catcher, { to: 'x@example.com', subject: 'small', text: 'ok' });
    assert.equal(catcher.messages()[0]?.subject, 'small');
  });

  test('keeps only the newest maxMessages', async (t) => {
    const catcher = await startSmtpCatcher({ maxMessages: 2 });
    t.after(() => catcher.close());
    for (const subject of ['a', 'b', 'c']) await send(catcher, { to: 'x@example.com', subject, text: subject });
    assert.deepEqual(catcher.messages().map((message) => message.subject), ['b', 'c']);
  });

  test('close() rejects pending waits and frees the port', async () => {
    const catcher = await startSmtpCatcher();
    const waiting = catcher.waitForMessage({ to: 'x@example.com' }, 10_000);
    await catcher.close();
    await assert.rejects(waiting, { message: 'The SMTP catcher was closed' });
    const again = await startSmtpCatcher({ port: catcher.port });
    await again.close();
    assert.equal(again.port, catcher.port);
  });
});

describe('the inbox page', () => {
  let catcher: SmtpCatcher;
  let inbox: InboxPage;
  const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

  before(async () => {
    catcher = await startSmtpCatcher();
    inbox = await startInboxPage({ catcher });
  });
  after(async () => {
    await inbox.close();
    await catcher.close();
  });
  beforeEach(() => catcher.clear());

  async function sendTwo(): Promise<CaughtMessage[]> {
    await send(catcher, { to: 'first@example.com', subject: 'First', text: 'one' });
    await send(catcher, { to: 'second@example.com', subject: hostile, text: `body ${hostile}`, html: '<p>html</p>' });
    return catcher.messages();
  }

  test('lists messages newest first with every subject escaped, under a strict CSP', async () => {
    await sendTwo();
    const response = await fetch(inbox.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/, 'one script, allowed by its hash');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await response.text();
    assert.equal(html.split('<script>').length - 1, 1, 'a subject was not escaped (the page has one script, its watcher)');
    assert.ok(!html.includes('<img'), 'a subject was not escaped');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.indexOf('&lt;script&gt;') < html.indexOf('>First<'), 'the newest message comes first');
    assert.doesNotMatch(html, /http-equiv="refresh"/, 'no timed refresh');
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<th scope="col">Subject<\/th>/);
  });

  test("shows each message's one-time code in the list, and a dash for a message without one", async () => {
    await send(catcher, { to: 'plain@example.com', subject: 'No code', text: 'hello' });
    await send(catcher, { to: 'coded@example.com', subject: 'Your code', text: '482913', otp: { code: '482913', origin: 'https://sale.example' } });
    const html = await (await fetch(inbox.url)).text();
    assert.match(html, /<th scope="col">Code<\/th>/);
    assert.match(html, /<td class="to">coded@example\.com<\/td>\s*<td class="code">482913<\/td>/);
    assert.match(html, /<td class="to">plain@example\.com<\/td>\s*<td class="code">—<\/td>/);
  });

  test('fits a 375 px phone in Chromium: a long address wraps, the code reads whole, nothing scrolls sideways; axe clean in light and dark', { skip: !hasChromium() && 'no Chromium here' }, async () => {
    await send(catcher, { to: 'a.rather.long.investor.address@example.com', subject: 'Your code', text: '482913', otp: { code: '482913', origin: 'https://sale.example' } });
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
    try {
      const page = await browser.newPage({ viewport: { width: 375, height: 600 } });
      await page.goto(`${inbox.url}?refresh=off`);
      const sideways = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      assert.equal(sideways, 0, 'the page scrolls sideways');
      const code = page.locator('td.code');
      assert.equal(await code.textContent(), '482913');
      const height = (await code.boundingBox())?.height ?? Number.POSITIVE_INFINITY;
      assert.ok(height < 40, `the code is on one line (its cell is ${height} px high)`);
      // axe (injected through the DevTools protocol, which the page's CSP does not govern), light and dark.
      await page.evaluate(AXE_SOURCE);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        const violations = await page.evaluate(async (tags) => {
          const axe = (globalThis as unknown as { axe: { run(context: unknown, options: object): Promise<{ violations: { id: string }[] }> } }).axe;
          return (await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: tags } })).violations.map((violation) => violation.id);
        }, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']);
        assert.deepEqual(violations, [], `axe in ${colorScheme}`);
      }
    } finally {
      await browser.close();
    }
  });

  test("the page's stylesheet and watcher script are the ones the CSP allows by hash", async () => {
    const response = await fetch(inbox.url);
    const html = await response.text();
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const [tag, directive] of [['style', 'style-src'], ['script', 'script-src']] as const) {
      const text = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1];
      assert.ok(text !== undefined, `no <${tag}>`);
      const hash = createHash('sha256').update(text).digest('base64');
      assert.ok(csp.includes(`${directive} 'sha256-${hash}'`), `${directive} does not allow the page's ${tag}`);
    }
  });

  test('?refresh=off leaves out the watcher', async () => {
    const html = await (await fetch(`${inbox.url}?refresh=off`)).text();
    assert.doesNotMatch(html, /<script>|http-equiv="refresh"/);
    assert.match(html, /Watching for new messages is off/);
  });

  test('in Chromium, under its CSP, the list shows a new message by itself and stays still while nothing arrives', { skip: !hasChromium() && 'no Chromium here' }, async () => {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
    try {
      const page = await browser.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') refused.push(message.text());
      });
      let loads = 0;
      page.on('load', () => (loads += 1));
      await page.goto(inbox.url);
      await page.getByText('No messages yet').waitFor();
      // Three rounds of the watcher with nothing new: no reload.
      await page.waitForTimeout(6_500);
      assert.equal(loads, 1, 'the page reloaded with nothing new');
      await send(catcher, { to: 'watched@example.com', subject: 'Your code', text: '555111', otp: { code: '555111', origin: 'https://sale.example' } });
      await page.locator('td.code', { hasText: '555111' }).waitFor({ timeout: 10_000 });
      assert.deepEqual(refused, [], 'nothing refused by the CSP');
    } finally {
      await browser.close();
    }
  });

  test('shows one message with its text escaped and its html part not rendered', async () => {
    const [, hostileMessage] = await sendTwo();
    assert.ok(hostileMessage);
    const response = await fetch(new URL(`/messages/${hostileMessage.id}`, inbox.url));
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.ok(!html.includes('<script>') && !html.includes('<img') && !html.includes('<p>html</p>'));
    assert.ok(html.includes('<pre>body &lt;script&gt;'));
    assert.match(html, /does not display/);
    assert.ok(html.includes('second@example.com'));
  });

  test('answers 404 for an unknown message and 405 for other methods', async () => {
    assert.equal((await fetch(new URL('/messages/999', inbox.url))).status, 404);
    assert.equal((await fetch(new URL('/nowhere', inbox.url))).status, 404);
    const put = await fetch(inbox.url, { method: 'PUT' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, HEAD');
  });

  test('serves the messages as JSON, newest first', async () => {
    const [first, second] = await sendTwo();
    const response = await fetch(new URL('/messages.json', inbox.url));
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    const body = (await response.json()) as CaughtMessage[];
    assert.deepEqual(
      body.map((message) => [message.id, message.subject, message.to]),
      [
        [second?.id, hostile, ['second@example.com']],
        [first?.id, 'First', ['first@example.com']],
      ],
    );
  });

  test('a same-origin form clears the inbox; a cross-site one is refused', async () => {
    await sendTwo();
    const crossSite = await fetch(new URL('/clear', inbox.url), { method: 'POST', headers: { origin: 'http://evil.example' }, redirect: 'manual' });
    assert.equal(crossSite.status, 403);
    assert.equal(catcher.messages().length, 2);
    const sameOrigin = await fetch(new URL('/clear', inbox.url), { method: 'POST', headers: { origin: new URL(inbox.url).origin }, redirect: 'manual' });
    assert.equal(sameOrigin.status, 303);
    assert.equal(sameOrigin.headers.get('location'), '/');
    assert.deepEqual(catcher.messages(), []);
  });
});
