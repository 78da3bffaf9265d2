/**
 * A real SMTP server that keeps every message it receives in memory, for tests and the demo: the proxy
 * sends its code emails here exactly as it would to a real mail server, and a test (or a person, through
 * `inbox-page.ts`) reads them back.
 *
 * It accepts everything: no authentication, no TLS (plain SMTP on loopback), any sender and recipient.
 * Messages above `maxMessageBytes` are refused with SMTP 552 and never parsed; only the newest
 * `maxMessages` are kept. Not for production: anyone who can reach the port can read what it caught.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One message as the catcher received it. */
export interface CaughtMessage {
  /** Sequential id (`"1"`, `"2"` …), unique for the catcher's lifetime. */
  id: string;
  /** The `From` header as text, or the envelope sender when there is none. */
  from: string;
  /** The envelope recipients (what the client sent in `RCPT TO`, Bcc included). */
  to: string[];
  subject: string;
  /** The plain-text part (mailparser derives it from the html when there is none). */
  text: string;
  html?: string;
  /** When the catcher received it (ISO 8601), not the sender's `Date` header. */
  date: string;
  /** The `OTP-Token` header (draft-goto-otp-token) when the message had a valid one. */
  otp?: { code: string; origin: string };
  /** Every header, lowercase names, values as text (repeated headers joined with `, `). */
  headers: Record<string, string>;
}

/** Which message {@link SmtpCatcher.waitForMessage} waits for: a test, or "sent to this address". */
export type MessageMatch = ((message: CaughtMessage) => boolean) | { to: string };

/** Options of {@link startSmtpCatcher}. */
export interface SmtpCatcherOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Largest message accepted, in bytes. Default 5 MB. */
  maxMessageBytes?: number;
  /** How many messages are kept (oldest dropped first). Default 500. */
  maxMessages?: number;
}

/** A running catcher. */
export interface SmtpCatcher {
  /** The port it listens on. */
  port: number;
  /** The host it listens on. */
  host: string;
  /** What was caught so far, oldest first (a copy). */
  messages(): CaughtMessage[];
  /**
   * The newest caught message that matches, or the next one to arrive. Rejects after `timeoutMs`
   * (default 5000) with an error that says what was awaited, and when the catcher closes.
   */
  waitForMessage(match: MessageMatch, timeoutMs?: number): Promise<CaughtMessage>;
  /** Forget every caught message. */
  clear(): void;
  /** Stop listening and close client connections (after at most half a second). */
  close(): Promise<void>;
}

interface Waiter {
  matches(message: CaughtMessage): boolean;
  resolve(message: CaughtMessage): void;
  reject(error: Error): void;
}

function toPredicate(match: MessageMatch): { test: (message: CaughtMessage) => boolean; describe: string } {
  if (typeof match === 'function') return { test: match, describe: 'matching message' };
  const address = match.to.trim().toLowerCase();
  return { test: (message) => message.to.some((to) => to.toLowerCase() === address), describe: `message to ${match.to}` };
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (value !== null && typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('value' in value && typeof value.value === 'string') {
      const params = 'params' in value && value.params !== null && typeof value.params === 'object' ? Object.entries(value.params) : [];
      return [value.value, ...params.map(([key, param]) => `${key}=${String(param)}`)].join('; ');
    }
  }
  return String(value);
}

/** Start an SMTP catcher and resolve once it listens. */
export async function startSmtpCatcher(options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> {
  const { port = 0, host = '127.0.0.1', maxMessageBytes = 5 * 1024 * 1024, maxMessages = 500 } = options;
  let caught: CaughtMessage[] = [];
  let nextId = 1;
  const waiters = new Set<Waiter>();

  function store(message: CaughtMessage): void {
    caught.push(message);
    if (caught.length > maxMessages) caught.splice(0, caught.length - maxMessages);
    for (const waiter of waiters) {
      if (waiter.matches(message)) waiter.resolve(message);
    }
  }

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    // Buffer up to the limit only; past it, keep draining so the SMTP dialogue can answer 552.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= maxMessageBytes) chunks.push(chunk);
    }
    if (stream.sizeExceeded || size > maxMessageBytes) {
      throw Object.assign(new Error('Message exceeds the fixed maximum message size'), { responseCode: 552 });
    }
    const parsed = await simpleParser(Buffer.concat(chunks));
    const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
    const headers: Record<string, string> = {};
    for (const [name, value] of parsed.headers) headers[name] = headerText(value);
    const message: CaughtMessage = {
      id: String(nextId++),
      from: parsed.from?.text ?? envelopeFrom,
      to: session.envelope.rcptTo.map((recipient) => recipient.address),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      date: new Date().toISOString(),
      headers,
    };
    if (typeof parsed.html === 'string') message.html = parsed.html;
    if (parsed.otp !== undefined) message.otp = { code: parsed.otp.code, origin: parsed.otp.origin };
    store(message);
  }

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxMessageBytes,
    rejectOversized: true,
    // A reverse DNS lookup per connection costs ~100 ms here and tells a loopback catcher nothing.
    disableReverseLookup: true,
    logger: false,
    banner: 'kyc-onboarding-kit mail catcher',
    // close() waits this long for clients (a pooled sender keeps its connection) before dropping them.
    closeTimeout: 500,
    onData(stream, session, callback) {
      receive(stream, session).then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error ? error : new Error('Message could not be read')),
      );
    },
  });
  // Connection-level errors (a client hanging up mid-dialogue) must not crash the demo or a test run.
  server.on('error', () => {});

  server.listen(port, host);
  await Promise.race([
    once(server.server, 'listening'),
    once(server.server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  const address = server.server.address() as AddressInfo;

  return {
    port: address.port,
    host,
    messages: () => [...caught],
    waitForMessage(match, timeoutMs = 5000) {
      const { test, describe } = toPredicate(match);
      const existing = caught.findLast(test);
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise<CaughtMessage>((resolve, reject) => {
        const waiter: Waiter = {
          matches: test,
          resolve(message) {
            finish();
            resolve(message);
          },
          reject(error) {
            finish();
            reject(error);
          },
        };
        const timer = setTimeout(() => waiter.reject(new Error(`No ${describe} arrived within ${timeoutMs} ms`)), timeoutMs);
        function finish(): void {
          clearTimeout(timer);
          waiters.delete(waiter);
        }
        waiters.add(waiter);
      });
    },
    clear() {
      caught = [];
    },
    async close() {
      for (const waiter of waiters) waiter.reject(new Error('The SMTP catcher was closed'));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
