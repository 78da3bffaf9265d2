/**
 * One HTTP request with exactly the bytes a fuzz case chose: the method, the request target (its
 * characters above 0x7f go out as raw bytes, so a URL can carry broken UTF-8), headers and a body of raw
 * bytes. Every request has a time limit: no answer in time is a hang, reported as such.
 *
 * A server-sent event stream is read until its first event (or the limit), then closed: the stream
 * stays open by design, and what matters is that it started properly.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { HANG_MS } from './fuzz-run.js';

/** A request to send. */
export interface RawRequest {
  method: string;
  /** The request target: path and query, as sent (characters 0x80–0xff become single bytes). */
  target: string;
  /** Header names and values (values of printable ASCII, tab and bytes 0x80–0xff). */
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array;
  /** Default {@link HANG_MS}. */
  timeoutMs?: number;
}

/** What came back. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /** The body parsed as JSON, when the content type says JSON and it parses; else undefined. */
  json: unknown;
  /** True for a `text/event-stream` answer (its body is the stream's start, up to its first event). */
  eventStream: boolean;
}

/** No answer within the time limit. */
export class HangError extends Error {
  override name = 'HangError';
}

/** Bodies longer than this are cut (nothing the fuzz reads is that long). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Close the kept-alive connections (call once the servers are done with). */
export function closeRawConnections(): void {
  agent.destroy();
}

function parseJson(headers: IncomingHttpHeaders, text: string): unknown {
  if (!(headers['content-type'] ?? '').toLowerCase().includes('json') || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Send `raw` to `baseUrl` (`http://127.0.0.1:<port>`) and read the whole answer, within the time limit.
 * A kept-alive connection the server closed just as the request went out is a race of keep-alive, not
 * an answer: that request is sent once more on a new connection, as Node's documentation advises
 * (`request.reusedSocket`).
 */
export async function sendRaw(baseUrl: string, raw: RawRequest): Promise<RawAnswer> {
  try {
    return await sendOnce(baseUrl, raw, agent);
  } catch (error) {
    if (!(error instanceof ReusedSocketReset)) throw error;
    return sendOnce(baseUrl, raw, false);
  }
}

/** The server closed a reused kept-alive connection before answering. */
class ReusedSocketReset extends Error {
  override name = 'ReusedSocketReset';
}

function sendOnce(baseUrl: string, raw: RawRequest, via: Agent | false): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const timeoutMs = raw.timeoutMs ?? HANG_MS;
  return new Promise<RawAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: { answer: RawAnswer } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(outcome.error);
    };
    const headers: Record<string, string | number> = { ...raw.headers };
    if (raw.body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding')) {
      headers['Content-Length'] = raw.body.byteLength;
    }
    let answered = false;
    const req = request({ host: url.hostname, port: url.port, method: raw.method, path: raw.target, headers, agent: via }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const eventStream = (res.headers['content-type'] ?? '').toLowerCase().startsWith('text/event-stream');
      const answer = (): RawAnswer => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        return { status: res.statusCode ?? 0, headers: res.headers, body, text, json: eventStream ? undefined : parseJson(res.headers, text), eventStream };
      };
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
        // A stream is open for good: stop at its first whole event (`event: …` then a blank line).
        if (eventStream && /(^|\n)event: [^\n]*\n(?:[^\n]+\n)*\n/.test(Buffer.concat(chunks).toString('utf8'))) {
          finish({ answer: answer() });
          res.destroy();
        }
      });
      res.on('end', () => finish({ answer: answer() }));
      res.on('error', (error) => finish({ error }));
      res.on('close', () => finish({ answer: answer() }));
    });
    const timer = setTimeout(() => {
      finish({ error: new HangError(`no whole answer to ${raw.method} ${raw.target} within ${timeoutMs} ms`) });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const raced = !answered && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      finish({ error: raced ? new ReusedSocketReset(error.message) : error });
    });
    if (raw.body !== undefined && raw.body.byteLength > 0) req.end(raw.body);
    else req.end();
  });
}

/**
 * True for the answer Node's HTTP parser gives a request it cannot parse, before any application code
 * runs: `400` (or `431` for headers and URL past 16 KB), `Connection: close`, no content type, no body.
 */
export function isParserRefusal(answer: RawAnswer): boolean {
  return (answer.status === 400 || answer.status === 431) && answer.headers['connection'] === 'close' && answer.headers['content-type'] === undefined && answer.body.length === 0;
}

/** A short, printable account of a request for a failure message (the body cut to 300 characters). */
export function describeRequest(raw: RawRequest): string {
  const body = raw.body === undefined ? '' : Buffer.from(raw.body).toString('utf8');
  const shown = body.length > 300 ? `${body.slice(0, 300)}… (${raw.body?.byteLength} bytes)` : body;
  const target = raw.target.length > 300 ? `${raw.target.slice(0, 300)}… (${raw.target.length} characters)` : raw.target;
  const headers = Object.fromEntries(Object.entries(raw.headers ?? {}).map(([name, value]) => [name, value.length > 200 ? `${value.slice(0, 200)}…` : value]));
  return `${raw.method} ${JSON.stringify(target)} headers ${JSON.stringify(headers)} body ${JSON.stringify(shown)}`;
}
