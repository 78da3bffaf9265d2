/**
 * Sends the one-time code email over SMTP with nodemailer.
 *
 * - Each sale may bring its own sender and template (`{{code}}`, `{{sale}}`, `{{minutes}}`); values are
 *   HTML-escaped in the html part. Without a template a plain English one is used.
 * - Autofill: when the caller passes the `origin` the code is for (the sale's page), the message carries
 *   an `OTP-Token: "123456"; origin="https://sale.example"` header (draft-goto-otp-token, written by
 *   nodemailer's `otp` option), which lets a mail client offer the code on that site only. The
 *   `@domain #code` last line of the origin-bound one-time code format is not added: that format is for
 *   SMS (WebOTP reads only SMS) and would be noise in an email.
 * - `Auto-Submitted: auto-generated` (RFC 3834) keeps out-of-office replies away from the sender.
 * - Nothing here logs, and nodemailer's own logger is forced off: its transcript would contain the code.
 *   SMTP failures become a {@link MailError} whose message names neither the code nor the recipient.
 */
import nodemailer from 'nodemailer';
import type { SMTPTransportOptions, NodemailerError, SendMailOptions } from 'nodemailer';

/** Subject and bodies of the code email; `{{code}}`, `{{sale}}` and `{{minutes}}` are replaced. */
export interface CodeTemplate {
  subject: string;
  /** The plain-text part; must contain `{{code}}`. */
  text: string;
  /** The html part (trusted markup; the values put into it are escaped). Text-only mail when absent. */
  html?: string;
}

/** Options of {@link createMailer}. */
export interface MailerOptions {
  /**
   * The SMTP server: `smtp://host:587` (STARTTLS when offered), `smtps://host:465` (TLS), with optional
   * `user:pass@` (percent-encoded) and nodemailer's query options. Give this or `transport`.
   */
  smtpUrl?: string;
  /** nodemailer SMTP transport options, for what a URL cannot say (OAuth2, TLS settings, a pool). */
  transport?: SMTPTransportOptions;
  /** The sender, e.g. `"Acme token sale" <no-reply@acme.example>`. */
  from: string;
}

/** What {@link Mailer.sendCode} sends. */
export interface CodeMessage {
  /** The investor's address (one address, no display name). */
  to: string;
  code: string;
  /** The sale's display name, for `{{sale}}`. */
  saleName: string;
  /** For `{{minutes}}`; rounded, at least 1. */
  expiresInMinutes: number;
  /** The sale's template; the default English one when absent. */
  template?: CodeTemplate;
  /** The language of `template` (BCP 47), sent as `Content-Language`. Ignored for the default template. */
  locale?: string;
  /** The https origin of the page where the code is typed; enables the `OTP-Token` header. */
  origin?: string;
}

/** Sends code emails through one SMTP configuration. */
export interface Mailer {
  /** Render and send one code email. Rejects with {@link MailError}. */
  sendCode(message: CodeMessage): Promise<void>;
  /** Connect (and authenticate) to the SMTP server without sending, for `/readyz`. Rejects with {@link MailError}. */
  verify(): Promise<void>;
  /** Close connections (a pooled transport keeps some open). */
  close(): Promise<void>;
}

/** Stable reasons a code email could not be sent. */
export type MailErrorCode =
  /** The server could not be reached or the connection failed (DNS, refused, TLS, timeout): retry later. */
  | 'smtp_unavailable'
  /** The server refused our credentials: a configuration problem. */
  | 'smtp_auth'
  /** The server refused the sender, the recipient or the message. */
  | 'smtp_rejected'
  /** The message could not be built from what was given (recipient, template, locale, origin). */
  | 'invalid_message'
  | 'smtp_error';

/**
 * A code email was not sent. The message is safe to log: it never holds the code or the recipient
 * (SMTP replies often echo the address, so they are not copied here, nor kept as `cause`).
 */
export class MailError extends Error {
  override name = 'MailError';
  constructor(
    message: string,
    /** Why, for programs. */
    readonly code: MailErrorCode,
    /** nodemailer's error code (`ECONNECTION`, `EAUTH`, `EENVELOPE` …), when it gave one. */
    readonly smtpCode?: string,
    /** The SMTP reply code (e.g. 550), when the server answered. */
    readonly responseCode?: number,
  ) {
    super(message);
  }
}

/** The template used when a sale configures none. */
export const DEFAULT_CODE_TEMPLATE: Readonly<CodeTemplate> = Object.freeze({
  subject: 'Your verification code for {{sale}}',
  text: [
    'Your verification code for {{sale}} is:',
    '',
    '{{code}}',
    '',
    'Enter it on the page where you asked for it. It expires in {{minutes}} minutes and works once.',
    '',
    'If you did not ask for this code, you can ignore this email: nothing happens without it.',
    'Never share this code. Nobody from {{sale}} will ask you for it.',
    '',
  ].join('\n'),
  html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your verification code for {{sale}}</title>
</head>
<body style="margin:0;padding:24px;background:#ffffff;color:#1a1a1a;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.5;">
<main style="max-width:480px;margin:0 auto;">
<h1 style="font-size:20px;font-weight:600;margin:0 0 16px;">Your verification code for {{sale}}</h1>
<p style="margin:0 0 8px;">Enter this code on the page where you asked for it:</p>
<p style="margin:0 0 16px;"><strong style="display:inline-block;padding:12px 16px;border-radius:8px;background:#eef1f5;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:32px;letter-spacing:6px;user-select:all;-webkit-user-select:all;">{{code}}</strong></p>
<p style="margin:0 0 16px;">It expires in {{minutes}} minutes and works once.</p>
<p style="margin:0;color:#4a4a4a;">If you did not ask for this code, you can ignore this email: nothing happens without it. Never share this code. Nobody from {{sale}} will ask you for it.</p>
</main>
</body>
</html>
`,
});

const PLACEHOLDER = /\{\{\s*(code|sale|minutes)\s*\}\}/g;

/**
 * What is wrong with a sale's template (empty when usable), so configuration can fail fast at start.
 */
export function codeTemplateProblems(template: CodeTemplate): string[] {
  const problems: string[] = [];
  if (typeof template.subject !== 'string' || template.subject.trim() === '') problems.push('subject is empty');
  if (typeof template.text !== 'string' || !/\{\{\s*code\s*\}\}/.test(template.text)) problems.push('text must contain {{code}}');
  if (template.html !== undefined && (typeof template.html !== 'string' || !/\{\{\s*code\s*\}\}/.test(template.html))) {
    problems.push('html must contain {{code}}');
  }
  return problems;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function fill(template: string, values: Record<string, string>, escape: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => escape(values[name] ?? ''));
}

// One bare address: no display name, no list, no spaces. The routes validate emails too; this keeps a
// value such as `a@x.example, b@y.example` from turning one code email into two.
const SINGLE_ADDRESS = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+$/;

/** nodemailer error codes that mean the server was not reachable or the connection broke. */
const UNAVAILABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EREQUIRETLS', 'EPROXY', 'EPROTOCOL']);
const AUTH = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);
const INVALID = new Set(['EOTP', 'ECONFIG', 'EMAXRECIPIENTS']);

function toMailError(error: unknown, action: string): MailError {
  const { code, responseCode } = (error ?? {}) as NodemailerError;
  const smtpCode = typeof code === 'string' ? code : undefined;
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  let kind: MailErrorCode = 'smtp_error';
  if (smtpCode !== undefined && AUTH.has(smtpCode)) kind = 'smtp_auth';
  else if (smtpCode !== undefined && INVALID.has(smtpCode)) kind = 'invalid_message';
  else if (smtpCode !== undefined && UNAVAILABLE.has(smtpCode)) kind = 'smtp_unavailable';
  else if (reply !== undefined && reply >= 500) kind = 'smtp_rejected';
  else if (reply !== undefined && reply >= 400) kind = 'smtp_unavailable';
  else if (smtpCode === 'EENVELOPE' || smtpCode === 'EMESSAGE') kind = 'smtp_rejected';
  const detail = [smtpCode, reply === undefined ? undefined : `SMTP ${reply}`].filter(Boolean).join(', ');
  return new MailError(`${action} failed: ${kind}${detail ? ` (${detail})` : ''}`, kind, smtpCode, reply);
}

function sanitizeHeaderValue(value: string): string {
  // Header folding and encoding are nodemailer's job; control characters in a sale name are not wanted.
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** Build the nodemailer transport options, with short timeouts and logging off. */
function transportOptions(options: MailerOptions): SMTPTransportOptions {
  if ((options.smtpUrl === undefined) === (options.transport === undefined)) {
    throw new TypeError('createMailer: give exactly one of smtpUrl and transport');
  }
  let url: string | undefined;
  if (options.smtpUrl !== undefined) {
    const parsed = new URL(options.smtpUrl);
    if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new TypeError('createMailer: smtpUrl must start with smtp:// or smtps://');
    // Query options override object options in nodemailer: drop the two that would log the transcript.
    parsed.searchParams.delete('logger');
    parsed.searchParams.delete('debug');
    url = parsed.toString();
  }
  return {
    // nodemailer's defaults (2 min to connect, 10 min idle) are for batch jobs; an investor is waiting.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
    ...options.transport,
    ...(url === undefined ? {} : { url }),
    logger: false,
    debug: false,
  };
}

/** Create a {@link Mailer}. No connection is made until the first send or `verify()`. */
export function createMailer(options: MailerOptions): Mailer {
  const transporter = nodemailer.createTransport(transportOptions(options));
  const from = options.from;

  return {
    async sendCode({ to, code, saleName, expiresInMinutes, template, locale, origin }) {
      if (!SINGLE_ADDRESS.test(to)) throw new MailError('Sending the code email failed: the recipient is not one plain address', 'invalid_message');
      if (!/^[0-9A-Za-z]+$/.test(code)) throw new MailError('Sending the code email failed: the code must be letters and digits', 'invalid_message');
      const chosen = template ?? DEFAULT_CODE_TEMPLATE;
      const problems = codeTemplateProblems(chosen);
      if (problems.length > 0) throw new MailError(`Sending the code email failed: template ${problems.join('; ')}`, 'invalid_message');
      let language = 'en';
      if (template !== undefined && locale !== undefined) {
        try {
          language = Intl.getCanonicalLocales(locale)[0] ?? 'en';
        } catch {
          throw new MailError('Sending the code email failed: locale is not a BCP 47 language tag', 'invalid_message');
        }
      }
      const minutes = String(Math.max(1, Math.round(expiresInMinutes)));
      const sale = sanitizeHeaderValue(saleName);
      const values = { code, sale, minutes };
      const message: SendMailOptions = {
        from,
        to,
        subject: sanitizeHeaderValue(fill(chosen.subject, values, (value) => value)),
        text: fill(chosen.text, values, (value) => value),
        headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': language },
      };
      if (chosen.html !== undefined) message.html = fill(chosen.html, values, escapeHtml);
      if (origin !== undefined) message.otp = { code, origin };
      try {
        await transporter.sendMail(message);
      } catch (error) {
        throw toMailError(error, 'Sending the code email');
      }
    },

    async verify() {
      try {
        await transporter.verify();
      } catch (error) {
        throw toMailError(error, 'Checking the SMTP server');
      }
    },

    async close() {
      transporter.close();
    },
  };
}
