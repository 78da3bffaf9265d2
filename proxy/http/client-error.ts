/**
 * Requests Node's HTTP parser refuses before the app sees them (bytes above 0x7f in the URL, a header
 * block or URL past 16 KB, a malformed request line, an `Expect` the proxy does not support) get the
 * proxy's error shape too, `{ "error": { "code", "message" } }`, instead of Node's bare status line, so
 * a client's error handling has one shape to read. The connection is closed after the answer: the
 * parser's state is unknown.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** The answer for a parser error, by Node's error code. */
function answerFor(code: string | undefined): { status: number; body: { code: string; message: string } } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, body: { code: 'headers_too_large', message: 'The request headers or URL are too large.' } };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, body: { code: 'request_timeout', message: 'The request did not arrive in time.' } };
  return { status: 400, body: { code: 'malformed_request', message: 'The request is not well-formed HTTP.' } };
}

/** Answer `socket` with the JSON error for `error` and close it (unless it is gone already). */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, body } = answerFor(error.code);
  const json = JSON.stringify({ error: body });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
}

/** 417 in the proxy's shape for an `Expect` header other than `100-continue`. */
export function answerUnsupportedExpectation(_request: IncomingMessage, response: ServerResponse): void {
  const json = JSON.stringify({ error: { code: 'expectation_failed', message: 'Only "Expect: 100-continue" is supported; send the request without the Expect header.' } });
  response.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json), Connection: 'close' });
  response.end(json);
}

/** Give `server`'s parser refusals and unsupported expectations the proxy's error shape. */
export function answerParserErrorsAsJson(server: Server): void {
  server.on('clientError', answerClientError);
  server.on('checkExpectation', answerUnsupportedExpectation);
}
