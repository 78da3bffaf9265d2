/**
 * `npm start` end to end, as real processes: the demo is spawned on free ports with a temporary data
 * folder, and everything it prints is used over HTTP (and SMTP) as a newcomer's browser would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_SECRETS_FILE } from '../../demo/demo-secrets.js';
import { CREDENTIALS_FILE } from '../../demo/sandbox/config.js';
import { siteContentSecurityPolicy } from '../../demo/site-server.js';
import type { DemoPorts } from '../../demo/demo-ports.js';
import { createEventStreamParser, postToS3, validSubmission, VALID_FILE_BYTES, type StreamItem, type UploadedKeys, type UploadTicket } from '../proxy/support/investor.js';
import { demoEnv, ensureWidgetBuiltOnce, freeDemoPorts, portInUse, ROOT, spawnDemo, type DemoProcess } from './support/demo-process.js';

const SALE = 'acme';
const CLIENT_ID = 1;
const TIMEOUT_MS = 5000;

/** The URLs a banner printed, in order. */
function printedUrls(stdout: string): string[] {
  const banner = stdout.slice(stdout.indexOf('The Acme Token sale demo is running'));
  return [...banner.matchAll(/\b(?:https?|smtp):\/\/[^\s)]+/g)].map((match) => match[0]);
}

/** The printed URL that follows `label` on its line. */
function urlAfter(stdout: string, label: string): string {
  const line = stdout.split('\n').find((text) => text.includes(label));
  const url = line === undefined ? undefined : /\bhttps?:\/\/\S+/.exec(line)?.[0];
  assert.ok(url, `no URL printed after "${label}"`);
  return url;
}

interface Answer {
  status: number;
  headers: Headers;
  // Tests read arbitrary JSON answers; the assertions check them.
  body: any;
  text: string;
}

async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('Content-Type', 'application/json');
  const response = await fetch(url, {
    ...init,
    headers,
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    signal: AbortSignal.timeout(TIMEOUT_MS * 2),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, body: isJson && text !== '' ? JSON.parse(text) : undefined, text };
}

/** Where the demo answers, read from what it printed. */
interface DemoUrls {
  site: string;
  hostPage: string;
  inbox: string;
  console: string;
  proxy: string;
  sandbox: string;
  siteOrigin: string;
}

function readUrls(stdout: string): DemoUrls {
  const site = urlAfter(stdout, 'Demo site');
  return {
    site,
    hostPage: urlAfter(stdout, 'Host sign-in page'),
    inbox: urlAfter(stdout, 'Mail inbox'),
    console: urlAfter(stdout, 'Review console'),
    proxy: urlAfter(stdout, 'KYC proxy'),
    sandbox: urlAfter(stdout, 'Sandbox provider API'),
    siteOrigin: new URL(site).origin,
  };
}

/** Sign `email` in through the proxy with the code read from the inbox page's JSON, as an investor on the demo page. */
async function signIn(urls: DemoUrls, email: string): Promise<{ token: string; userId: string }> {
  const proxy = `${urls.proxy}/v1/sales/${SALE}`;
  const asked = await call(`${proxy}/codes`, { json: { email }, headers: { Origin: urls.siteOrigin } });
  assert.equal(asked.status, 202, asked.text);
  const deadline = Date.now() + TIMEOUT_MS;
  let code: string | undefined;
  while (code === undefined) {
    assert.ok(Date.now() < deadline, `no code mail to ${email} in the inbox within ${TIMEOUT_MS} ms`);
    const inbox = await call(`${urls.inbox}messages.json`);
    const mail = (inbox.body as { to: string[]; otp?: { code: string }; text: string }[]).find((message) => message.to.includes(email));
    code = mail === undefined ? undefined : (mail.otp?.code ?? /\b(\d{6})\b/.exec(mail.text)?.[1]);
    if (code === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const session = await call(`${proxy}/sessions`, { json: { email, code }, headers: { Origin: urls.siteOrigin } });
  assert.equal(session.status, 201, session.text);
  return { token: session.body.token, userId: session.body.userId };
}

/** Open the investor's status stream and read `status` events until `done` matches one (bounded). */
async function statusUntil(urls: DemoUrls, token: string, done: (state: string) => boolean, act: () => Promise<void>): Promise<string[]> {
  const controller = new AbortController();
  const response = await fetch(`${urls.proxy}/v1/sales/${SALE}/kyc/events`, {
    headers: { Origin: urls.siteOrigin, Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    signal: AbortSignal.any([controller.signal, AbortSignal.timeout(TIMEOUT_MS * 3)]),
  });
  assert.equal(response.status, 200);
  const states: string[] = [];
  let acted = false;
  try {
    const decoder = new TextDecoder();
    let finished = false;
    const parse = createEventStreamParser((item: StreamItem) => {
      if (item.type === 'event' && item.event === 'status') {
        const state = (JSON.parse(item.data) as { state: string }).state;
        states.push(state);
        if (acted && done(state)) finished = true;
      }
    });
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parse(decoder.decode(chunk, { stream: true }));
      if (finished) break;
      // The current status has arrived: now the reviewer acts, and only later events can match.
      if (!acted && states.length > 0) {
        acted = true;
        await act();
      }
    }
  } finally {
    controller.abort();
  }
  return states;
}

/** A reviewer's action through the sandbox console's JSON API (what the console's buttons do). */
async function review(urls: DemoUrls, userId: string, action: string, body: Record<string, unknown> = {}): Promise<void> {
  const answer = await call(`${urls.sandbox}/console/api/clients/${CLIENT_ID}/cases/${userId}/${action}`, { json: body });
  assert.equal(answer.status, 200, answer.text);
}

describe('npm start: the whole demo on one machine', () => {
  let dataDir: string;
  let ports: DemoPorts;
  const processes: DemoProcess[] = [];
  const blockers: Server[] = [];
  let demo: DemoProcess;
  let urls: DemoUrls;
  /** Signed in before the restart, to use after it. */
  let earlier: { email: string; token: string; userId: string } | undefined;

  function start(): DemoProcess {
    const child = spawnDemo(demoEnv(ports, dataDir));
    processes.push(child);
    return child;
  }

  before(async () => {
    ensureWidgetBuiltOnce();
    dataDir = mkdtempSync(join(tmpdir(), 'demo-start-'));
    ports = await freeDemoPorts();
    demo = start();
    await demo.ready();
    urls = readUrls(demo.stdout());
  });

  after(async () => {
    for (const child of processes) child.kill();
    await Promise.all(processes.map((child) => child.exited(5000).catch(() => undefined)));
    await Promise.all(blockers.map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints the demo page first, every part\'s URL, and each one answers', async () => {
    assert.equal(urls.site, `http://127.0.0.1:${ports.site}/`);
    const printed = printedUrls(demo.stdout());
    assert.equal(printed[0], urls.site);
    assert.deepEqual(printed, [
      urls.site,
      `http://127.0.0.1:${ports.inbox}/`,
      `http://127.0.0.1:${ports.sandbox}/console/`,
      `http://127.0.0.1:${ports.site}/host.html`,
      `http://127.0.0.1:${ports.proxy}`,
      `http://127.0.0.1:${ports.sandbox}`,
      `http://127.0.0.1:${ports.s3}`,
      `smtp://127.0.0.1:${ports.smtp}`,
    ]);
    for (const page of [urls.site, urls.hostPage, urls.inbox, urls.console]) {
      assert.equal((await call(page)).status, 200, page);
    }
    // The services have no page at their root, but each answers HTTP there.
    for (const service of printed.filter((url) => url.startsWith('http') && !url.endsWith('/') && !url.endsWith('.html'))) {
      const answer = await call(service);
      assert.ok(answer.status >= 200 && answer.status < 500, `${service} answered ${answer.status}`);
    }
    assert.equal((await call(`${urls.proxy}/readyz`)).status, 200);
    // The SMTP catcher greets as an SMTP server does.
    const greeting = await new Promise<string>((resolve, reject) => {
      import('node:net').then(({ connect }) => {
        const socket = connect(ports.smtp, '127.0.0.1');
        socket.setTimeout(TIMEOUT_MS, () => reject(new Error('no SMTP greeting')));
        socket.once('data', (data) => {
          socket.end('QUIT\r\n');
          resolve(data.toString('utf8'));
        });
        socket.once('error', reject);
      }, reject);
    });
    assert.match(greeting, /^220 /);
    // No secret is printed: not the token key, the webhook secret, the integrator key, nor the sandbox's generated API secret.
    const secrets = JSON.parse(readFileSync(join(dataDir, DEMO_SECRETS_FILE), 'utf8')) as { webhookSecret: string; integratorKey: string };
    const tokenKey = readFileSync(join(dataDir, 'proxy', 'token_signing_key.secret'), 'utf8');
    const sandboxCredentials = JSON.parse(readFileSync(join(dataDir, 'sandbox', CREDENTIALS_FILE), 'utf8')) as { apiSecret: string };
    assert.match(demo.stdout(), new RegExp(`API secret generated, in .*${CREDENTIALS_FILE}`), 'the log says where the sandbox secret is');
    for (const secret of [secrets.webhookSecret, secrets.integratorKey, tokenKey, sandboxCredentials.apiSecret]) {
      assert.ok(!demo.stdout().includes(secret) && !demo.stderr().includes(secret), 'a secret was printed');
    }
  });

  test('the sale page embeds the widget by script src and element only, under a strict CSP, with no inline script or style', async () => {
    for (const page of [urls.site, urls.hostPage]) {
      const answer = await call(page);
      assert.equal(answer.headers.get('content-security-policy'), siteContentSecurityPolicy([urls.proxy, `http://127.0.0.1:${ports.s3}`]));
      const csp = answer.headers.get('content-security-policy') ?? '';
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /script-src 'self';/);
      assert.match(csp, /style-src 'self';/);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      const html = answer.text;
      assert.match(html, /<script src="\/kyc-onboarding\.js"><\/script>/);
      // Every script has a src and no body; no <style> element, style attribute or inline handler.
      for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        assert.match(script[1] ?? '', /\bsrc="\/[a-z-]+\.js"/, `inline script in ${page}`);
        assert.equal(script[2], '', `script with a body in ${page}`);
      }
      assert.doesNotMatch(html, /<style\b/i);
      assert.doesNotMatch(html, /\sstyle=/i);
      assert.doesNotMatch(html, /\son[a-z]+=/i);
      assert.doesNotMatch(html, /javascript:/i);
      assert.doesNotMatch(html, /\{\{/, 'a placeholder was left unfilled');
      // Links to the inbox (the codes) and the review console, beside the widget.
      assert.ok(html.includes(`href="${urls.console}"`), `no console link in ${page}`);
    }
    const home = (await call(urls.site)).text;
    assert.ok(home.includes(`<kyc-onboarding proxy="${urls.proxy}" sale="${SALE}"></kyc-onboarding>`));
    assert.ok(home.includes(`href="${urls.inbox}"`));
    assert.ok(home.includes('href="/host.html"'));
    // Nothing else of ours: one script, the widget's.
    assert.equal([...home.matchAll(/<script\b/g)].length, 1);
    const css = await call(`${urls.site}site.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(css.text, /prefers-color-scheme: dark/);
  });

  test('serves the built widget and its language files from the site\'s root', async () => {
    const script = await call(`${urls.site}kyc-onboarding.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(script.text, readFileSync(join(ROOT, 'dist', 'kyc-onboarding.js'), 'utf8'));
    const german = await call(`${urls.site}locales/de.js`);
    assert.equal(german.status, 200);
    assert.equal(german.text, readFileSync(join(ROOT, 'dist', 'locales', 'de.js'), 'utf8'));
    assert.equal((await call(`${urls.site}locales/xx.js`)).status, 404);
    assert.equal((await call(`${urls.site}..%2Fpackage.json`)).status, 404);
    assert.equal((await call(`${urls.site}kyc-onboarding.esm.js`)).status, 404);
  });

  test('the proxy serves the demo sale\'s form config to the demo page\'s origin (CORS), and to no other', async () => {
    const config = await call(`${urls.proxy}/v1/sales/${SALE}/config`, { headers: { Origin: urls.siteOrigin } });
    assert.equal(config.status, 200, config.text);
    assert.equal(config.headers.get('access-control-allow-origin'), urls.siteOrigin);
    assert.equal(config.body.sale.name, 'Acme Token sale');
    assert.ok(config.body.countries.some((country: { value: string; blocked?: boolean }) => country.value === 'KOREA, NORTH' && country.blocked === true));
    const localhost = await call(`${urls.proxy}/v1/sales/${SALE}/config`, { headers: { Origin: `http://localhost:${ports.site}` } });
    assert.equal(localhost.headers.get('access-control-allow-origin'), `http://localhost:${ports.site}`);
    const stranger = await call(`${urls.proxy}/v1/sales/${SALE}/config`, { headers: { Origin: 'https://elsewhere.example' } });
    assert.notEqual(stranger.headers.get('access-control-allow-origin'), 'https://elsewhere.example');
  });

  test('an investor signs in with the emailed code, uploads to the S3 stand-in, submits, and the reviewer\'s approval arrives live by webhook', async () => {
    const email = `investor.${process.pid}@example.com`;
    const investor = await signIn(urls, email);
    earlier = { email, ...investor };
    const auth = { Origin: urls.siteOrigin, Authorization: `Bearer ${investor.token}` };

    const tickets = await call(`${urls.proxy}/v1/sales/${SALE}/uploads`, {
      headers: auth,
      json: { files: [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType: 'image/png' }] },
    });
    assert.equal(tickets.status, 200, tickets.text);
    const keys: UploadedKeys = {};
    for (const ticket of tickets.body.uploads as UploadTicket[]) {
      assert.equal(new URL(ticket.url).origin, `http://127.0.0.1:${ports.s3}`);
      const uploaded = await postToS3(ticket, VALID_FILE_BYTES);
      assert.equal(uploaded.status, 204, uploaded.body);
      if (ticket.field === 'documentIdFile' || ticket.field === 'selfieFile') keys[ticket.field] = ticket.key;
    }
    const submitted = await call(`${urls.proxy}/v1/sales/${SALE}/kyc`, { headers: auth, json: validSubmission(keys) });
    assert.equal(submitted.status, 201, submitted.text);

    const states = await statusUntil(urls, investor.token, (state) => state === 'approved', async () => {
      await review(urls, investor.userId, 'aml', { status: 'cleared' });
      await review(urls, investor.userId, 'qualify');
    });
    assert.equal(states[0], 'pending');
    assert.equal(states.at(-1), 'approved');
    // The sandbox delivered its signed webhooks to the proxy's registered URL, and the proxy took them (HTTP 200).
    const deliveries = await call(`${urls.sandbox}/console/api/deliveries?client=${CLIENT_ID}`);
    const attempts = deliveries.body.clients[0].attempts as { url: string; eventName: string; httpStatus: number | null }[];
    const statusUpdates = attempts.filter((attempt) => attempt.eventName === 'kyc_status_update');
    assert.ok(statusUpdates.length > 0);
    for (const attempt of attempts) {
      assert.equal(attempt.url, `${urls.proxy}/webhooks/${SALE}`);
      assert.equal(attempt.httpStatus, 200, `${attempt.eventName} was not accepted`);
    }
  });

  test('the host page\'s backend gets a widget token for the signed-in email from the proxy, and never shows the integrator key', async () => {
    const integratorKey = (JSON.parse(readFileSync(join(dataDir, DEMO_SECRETS_FILE), 'utf8')) as { integratorKey: string }).integratorKey;
    const backend = `${urls.site}demo-backend`;
    const page = { Origin: urls.siteOrigin };

    assert.deepEqual((await call(`${backend}/me`)).body, { email: null });
    const signedOut = await call(`${backend}/widget-token`, { headers: page, json: {} });
    assert.equal(signedOut.status, 401);

    const signedIn = await call(`${backend}/sign-in`, { headers: page, json: { email: 'Host.Investor@Example.com' } });
    assert.equal(signedIn.status, 200, signedIn.text);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.match(signedIn.headers.get('set-cookie') ?? '', /HttpOnly/);
    assert.match(signedIn.headers.get('set-cookie') ?? '', /SameSite=Strict/);
    assert.deepEqual((await call(`${backend}/me`, { headers: { Cookie: cookie } })).body, { email: 'host.investor@example.com' });

    const issued = await call(`${backend}/widget-token`, { headers: { ...page, Cookie: cookie }, json: {} });
    assert.equal(issued.status, 200, issued.text);
    assert.deepEqual(Object.keys(issued.body).sort(), ['expiresAt', 'token', 'userId']);
    assert.ok(!issued.text.includes(integratorKey), 'the integrator key reached the browser');
    // The token is the proxy's, bound to the page's origin: the widget can use it at once.
    const kyc = await call(`${urls.proxy}/v1/sales/${SALE}/kyc`, { headers: { Origin: urls.siteOrigin, Authorization: `Bearer ${issued.body.token}` } });
    assert.equal(kyc.status, 200, kyc.text);
    const elsewhere = await call(`${urls.proxy}/v1/sales/${SALE}/kyc`, { headers: { Origin: `http://localhost:${ports.site}`, Authorization: `Bearer ${issued.body.token}` } });
    assert.equal(elsewhere.status, 401);

    // Another site cannot use the visitor's demo session, nor sign them in.
    const crossSite = await call(`${backend}/widget-token`, { headers: { Origin: 'https://elsewhere.example', Cookie: cookie }, json: {} });
    assert.equal(crossSite.status, 403);
    assert.ok(!crossSite.text.includes('token'));
    assert.equal((await call(`${backend}/sign-in`, { json: { email: 'x@example.com' } })).status, 403);
    const notJson = await call(`${backend}/sign-in`, { method: 'POST', headers: { ...page, 'Content-Type': 'text/plain' }, body: '{"email":"x@example.com"}' });
    assert.equal(notJson.status, 400);
    assert.equal((await call(`${backend}/sign-in`, { headers: page, json: { email: 'not an email' } })).status, 400);

    const out = await call(`${backend}/sign-out`, { headers: { ...page, Cookie: cookie }, json: {} });
    assert.equal(out.status, 200);
    assert.equal((await call(`${backend}/widget-token`, { headers: { ...page, Cookie: cookie }, json: {} })).status, 401);
    assert.ok(!demo.stdout().includes('host.investor@example.com'), 'an email reached the log');
  });

  test('Ctrl-C (SIGINT) stops every part, even with a widget\'s status stream open: exit code 0, every port free', async () => {
    assert.ok(earlier, 'the journey test signs in first');
    const stream = await fetch(`${urls.proxy}/v1/sales/${SALE}/kyc/events`, {
      headers: { Origin: urls.siteOrigin, Authorization: `Bearer ${earlier.token}`, Accept: 'text/event-stream' },
      signal: AbortSignal.timeout(TIMEOUT_MS * 3),
    });
    assert.equal(stream.status, 200);
    // Read the stream to its end in the background: the shutdown must end it, not wait for the client.
    // The Ctrl-C waits for the first status event, so the stream is really under way when it comes.
    let text = '';
    let statusSeen: () => void = () => {};
    const firstStatus = new Promise<void>((resolve) => (statusSeen = resolve));
    const streamText = (async () => {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        text += Buffer.from(chunk).toString('utf8');
        if (text.includes('event: status')) statusSeen();
      }
      return text;
    })();
    await Promise.race([firstStatus, new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS))]);
    demo.child.kill('SIGINT');
    const { code, signal } = await demo.exited(10_000);
    assert.match(await streamText, /event: status[\s\S]*retry: 1000/, 'the stream ended with a reconnect hint');
    assert.equal(signal, null);
    assert.equal(code, 0, demo.stderr());
    assert.match(demo.stdout(), /Demo stopped\./);
    for (const [part, port] of Object.entries(ports)) assert.equal(await portInUse(port), false, `${part} port ${port} still in use`);
  });

  test('a restart with the same data folder keeps the sandbox\'s users and the token keys', async () => {
    assert.ok(earlier, 'the journey test signs in first');
    demo = start();
    await demo.ready();
    urls = readUrls(demo.stdout());
    // A token issued before the restart still verifies: same keys, and the same user.
    const kyc = await call(`${urls.proxy}/v1/sales/${SALE}/kyc`, { headers: { Origin: urls.siteOrigin, Authorization: `Bearer ${earlier.token}` } });
    assert.equal(kyc.status, 200, kyc.text);
    assert.equal(kyc.body.status.state, 'approved');
    const again = await signIn(urls, earlier.email);
    assert.equal(again.userId, earlier.userId);
  });

  test('a port in use is named with the variable that moves it: non-zero exit, no stack trace, nothing left listening', async () => {
    demo.child.kill('SIGTERM');
    assert.equal((await demo.exited(10_000)).code, 0);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.site, '127.0.0.1', resolve));
    blockers.push(blocker);
    const refused = start();
    const { code } = await refused.exited(20_000);
    assert.notEqual(code, 0);
    assert.match(refused.stderr(), new RegExp(`Port ${ports.site} on 127\\.0\\.0\\.1 \\(demo site\\) is already in use\\..*DEMO_SITE_PORT=<port> npm start`));
    assert.doesNotMatch(refused.stderr(), /\n\s+at /, 'a stack trace was printed');
    for (const [part, port] of Object.entries(ports)) {
      if (part !== 'site') assert.equal(await portInUse(port), false, `${part} port ${port} is in use after the refusal`);
    }
  });
});
