/**
 * Test support: an HTTP/1.1 request written byte for byte on a TCP socket, for the requests `fetch`
 * will not send as an attacker would (a header block larger than Node's limit, a `Content-Length` far
 * beyond the body, a body streamed past the size limit). The answer's status line is read even when
 * the server closes the connection while the request is still being written.
 */
import { connect } from 'node:net';

/** What came back. */
export interface RawAnswer {
  /** The status code, or 0 when the server closed without answering. */
  status: number;
  /** The whole answer as text (status line, headers, body). */
  text: string;
}

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
  /** Written after the head, in one piece (a string is UTF-8). */
  body?: string | Uint8Array;
  /** Give up (and destroy the socket) after this long. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Send `head` (the request line and headers, each line ending in CRLF, without the blank line) to
 * `baseUrl`'s host and port, then the blank line and `body`. Resolves when the server closes the
 * connection or, once a whole answer with a `Content-Length` has arrived, at once.
 */
export function rawRequest(baseUrl: string, head: string, options: RawRequestOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text });
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new Error(`rawRequest: no answer within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // A complete answer with a known length: no need to wait for the server to close.
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
      if (end !== -1 && length !== undefined && Buffer.byteLength(text, 'latin1') >= end + 4 + Number(length)) finish();
    });
    // The server may close (or reset) while the request is still being written: what it answered counts.
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(`${head}\r\n\r\n`);
      if (options.body !== undefined) socket.write(options.body, () => undefined);
    });
  });
}
