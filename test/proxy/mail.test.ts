import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { codeTemplateProblems, createMailer, MailError } from '../../proxy/mail.js';
import type { Mailer } from '../../proxy/mail.js';
import { startSmtpCatcher } from '../../demo/mail-catcher/smtp-catcher.js';
import type { SmtpCatcher } from '../../demo/mail-catcher/smtp-catcher.js';

const FROM = '"Acme token sale" <no-reply@acme.example>';
const TO = 'investor@example.com';
const CODE = '493817';

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Assert that `error` is a MailError with `code`, whose message reveals neither the code nor the recipient. */
function assertSafeMailError(error: unknown, code: string): true {
  assert.ok(error instanceof MailError, `expected a MailError, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.ok(!error.message.includes(CODE), 'the message holds the code');
  assert.ok(!error.message.toLowerCase().includes('investor'), 'the message holds the recipient');
  assert.ok(!error.message.includes('example.com'), 'the message holds the recipient domain');
  assert.equal(error.cause, undefined);
  return true;
}

describe('sending through a real SMTP server', () => {
  let catcher: SmtpCatcher;
  let mailer: Mailer;

  before(async () => {
    catcher = await startSmtpCatcher();
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${catcher.port}`, from: FROM });
  });
  after(async () => {
    await mailer.close();
    await catcher.close();
  });
  beforeEach(() => catcher.clear());

  test('the default template: subject, code in text and html, expiry, and the ignore notice', async () => {
    await mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10 });
    const message = await catcher.waitForMessage({ to: TO }, 3000);
    assert.equal(message.subject, 'Your verification code for Acme');
    assert.deepEqual(message.to, [TO]);
    assert.equal(message.from, FROM);
    assert.match(message.text, new RegExp(`^${CODE}$`, 'm'), 'the code stands on a line of its own');
    assert.match(message.text, /expires in 10 minutes/);
    assert.match(message.text, /did not ask for this code, you can ignore this email/);
    assert.ok(message.html?.includes(`>${CODE}</strong>`));
    assert.match(message.html ?? '', /<html lang="en">/);
    assert.equal(message.headers['auto-submitted'], 'auto-generated');
    assert.equal(message.headers['content-language'], 'en');
    assert.equal(message.otp, undefined, 'no OTP-Token header without an origin');
  });

  test('the sale name is escaped in the html part and left as typed in the text and subject', async () => {
    await mailer.sendCode({ to: TO, code: CODE, saleName: '<b>Acme</b> & "Co"', expiresInMinutes: 10 });
    const message = await catcher.waitForMessage({ to: TO }, 3000);
    assert.ok(message.html?.includes('&lt;b&gt;Acme&lt;/b&gt; &amp; &quot;Co&quot;'));
    assert.ok(!message.html?.includes('<b>Acme</b>'));
    assert.ok(message.text.includes('<b>Acme</b> & "Co"'));
    assert.equal(message.subject, 'Your verification code for <b>Acme</b> & "Co"');
  });

  test('line breaks in a sale name cannot add headers', async () => {
    await mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme\r\nBcc: attacker@evil.example', expiresInMinutes: 10 });
    const message = await catcher.waitForMessage({ to: TO }, 3000);
    assert.deepEqual(message.to, [TO]);
    assert.equal(message.headers.bcc, undefined);
    assert.equal(message.subject, 'Your verification code for Acme Bcc: attacker@evil.example');
  });

  test('a sale template: placeholders (with spaces too), a text-only message, its language', async () => {
    await mailer.sendCode({
      to: TO,
      code: CODE,
      saleName: 'Acme',
      expiresInMinutes: 14.6,
      locale: 'de-de',
      template: { subject: 'Ihr Code für {{ sale }}', text: 'Code: {{code}}\nGültig {{minutes}} Minuten. {{unknown}}' },
    });
    const message = await catcher.waitForMessage({ to: TO }, 3000);
    assert.equal(message.subject, 'Ihr Code für Acme');
    assert.equal(message.text.trim(), `Code: ${CODE}\nGültig 15 Minuten. {{unknown}}`);
    assert.equal(message.html, undefined);
    assert.equal(message.headers['content-language'], 'de-DE');
  });

  test('a sale html template gets escaped values', async () => {
    await mailer.sendCode({
      to: TO,
      code: CODE,
      saleName: 'A<script>',
      expiresInMinutes: 5,
      template: { subject: '{{sale}}', text: '{{code}}', html: '<p>{{sale}}: <b>{{code}}</b> ({{minutes}})</p>' },
    });
    const message = await catcher.waitForMessage({ to: TO }, 3000);
    assert.equal(message.html?.trim(), `<p>A&lt;script&gt;: <b>${CODE}</b> (5)</p>`);
  });

  test('with the origin, the OTP-Token header binds the code to that site', async () => {
    await mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10, origin: 'https://sale.acme.example/kyc?step=code' });
    const message = await catcher.waitForMessage({ to: TO }, 3000);
    assert.deepEqual(message.otp, { code: CODE, origin: 'https://sale.acme.example' });
  });

  test('verify() resolves when the server answers', async () => {
    await mailer.verify();
    assert.equal(catcher.messages().length, 0, 'verify sends nothing');
  });

  test('transport options work as well as a URL', async (t) => {
    const viaOptions = createMailer({ transport: { host: '127.0.0.1', port: catcher.port, secure: false }, from: FROM });
    t.after(() => viaOptions.close());
    await viaOptions.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10 });
    const message = await catcher.waitForMessage({ to: TO }, 3000);
    assert.match(message.text, new RegExp(CODE));
  });

  test('nodemailer transcript logging cannot be switched on from the URL', async (t) => {
    const chatty = createMailer({ smtpUrl: `smtp://127.0.0.1:${catcher.port}/?logger=true&debug=true`, from: FROM });
    t.after(() => chatty.close());
    const written: string[] = [];
    const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      await chatty.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10 });
    } finally {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
    }
    await catcher.waitForMessage({ to: TO }, 3000);
    assert.ok(!written.join('').includes(CODE), 'the code was written to the console');
  });

  test('refuses a recipient list, a template without {{code}} and a bad locale, sending nothing', async () => {
    await assert.rejects(
      mailer.sendCode({ to: `${TO}, other@example.com`, code: CODE, saleName: 'Acme', expiresInMinutes: 10 }),
      (error) => assertSafeMailError(error, 'invalid_message'),
    );
    await assert.rejects(
      mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10, template: { subject: 'Hi', text: 'No code here' } }),
      (error) => assertSafeMailError(error, 'invalid_message'),
    );
    await assert.rejects(
      mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10, locale: 'not a tag!', template: { subject: 'Hi', text: '{{code}}' } }),
      (error) => assertSafeMailError(error, 'invalid_message'),
    );
    await assert.rejects(
      mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10, origin: 'http://sale.example' }),
      (error) => assertSafeMailError(error, 'invalid_message'),
    );
    // The refused messages never reached the server; a later one does, and is then the only one there.
    await mailer.sendCode({ to: 'last@example.net', code: CODE, saleName: 'Acme', expiresInMinutes: 10 });
    await catcher.waitForMessage({ to: 'last@example.net' }, 3000);
    assert.deepEqual(catcher.messages().map((message) => message.to), [['last@example.net']]);
  });
});

describe('SMTP failures', () => {
  test('an unreachable server gives smtp_unavailable without the code or the recipient', async (t) => {
    const port = await closedPort();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM });
    t.after(() => mailer.close());
    await assert.rejects(mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10 }), (error) =>
      assertSafeMailError(error, 'smtp_unavailable'),
    );
    await assert.rejects(mailer.verify(), (error) => assertSafeMailError(error, 'smtp_unavailable'));
  });

  test('a refused recipient gives smtp_rejected with the reply code, not the reply text', async (t) => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 200,
      onRcptTo(address, _session, callback) {
        // Real servers echo the address in their reply; it must not reach our error message.
        callback(Object.assign(new Error(`<${address.address}> mailbox unavailable, code ${CODE}?`), { responseCode: 550 }));
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.server.address() as AddressInfo;
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM });
    t.after(() => mailer.close());
    await assert.rejects(mailer.sendCode({ to: TO, code: CODE, saleName: 'Acme', expiresInMinutes: 10 }), (error) => {
      assertSafeMailError(error, 'smtp_rejected');
      assert.equal((error as MailError).responseCode, 550);
      assert.equal((error as MailError).smtpCode, 'EENVELOPE');
      return true;
    });
  });

  test('createMailer wants exactly one of smtpUrl and transport, and an smtp URL', () => {
    assert.throws(() => createMailer({ from: FROM }), TypeError);
    assert.throws(() => createMailer({ smtpUrl: 'smtp://127.0.0.1:25', transport: { host: '127.0.0.1' }, from: FROM }), TypeError);
    assert.throws(() => createMailer({ smtpUrl: 'http://127.0.0.1:25', from: FROM }), TypeError);
  });
});

describe('codeTemplateProblems', () => {
  test('lists what a sale template lacks', () => {
    assert.deepEqual(codeTemplateProblems({ subject: 'Code', text: 'Your code: {{ code }}' }), []);
    assert.deepEqual(codeTemplateProblems({ subject: ' ', text: 'no code', html: '<p>none</p>' }), [
      'subject is empty',
      'text must contain {{code}}',
      'html must contain {{code}}',
    ]);
  });
});
