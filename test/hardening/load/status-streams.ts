/**
 * Investors' live status streams (`GET /v1/sales/:sale/kyc/events`), one connection each as every
 * investor's browser has its own, read with the widget's own event-stream parser. Each stream keeps the
 * latest state it was told, so a load run can wait until every investor has seen the reviewer's
 * decision arrive through the proxy.
 */
import { request, type ClientRequest } from 'node:http';
import { createSseParser } from '../../../widget/api/sse-parser.js';
import { SALE_ID, SALE_ORIGIN } from '../../proxy/support/proxy-stack.js';

/** One open stream. */
export interface StatusStream {
  /** The latest `status` event's state (`pending`, `approved`, …), or undefined before the first. */
  readonly state: string | undefined;
  /** `status` events received. */
  readonly events: number;
  /** The connection ended or failed (the reason), or undefined while it is open. */
  readonly ended: string | undefined;
  close(): void;
}

/**
 * Open a stream; resolves once its first `status` event has arrived (rejects after `timeoutMs`, or on
 * an answer other than 200).
 */
export function openStatusStream(proxyUrl: string, token: string, timeoutMs: number): Promise<StatusStream> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${proxyUrl}/v1/sales/${SALE_ID}/kyc/events`);
    let state: string | undefined;
    let events = 0;
    let ended: string | undefined;
    let req: ClientRequest | undefined;
    const stream: StatusStream = {
      get state() {
        return state;
      },
      get events() {
        return events;
      },
      get ended() {
        return ended;
      },
      close: () => {
        ended ??= 'closed';
        req?.destroy();
      },
    };
    const timer = setTimeout(() => {
      stream.close();
      reject(new Error(`no first status event within ${timeoutMs} ms`));
    }, timeoutMs);
    const parser = createSseParser({
      onEvent(event) {
        if (event.event !== 'status') return;
        state = (JSON.parse(event.data) as { state?: string }).state;
        events += 1;
        if (events === 1) {
          clearTimeout(timer);
          resolve(stream);
        }
      },
    });
    req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      agent: false,
      headers: { Accept: 'text/event-stream', Origin: SALE_ORIGIN, Authorization: `Bearer ${token}` },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        ended = `HTTP ${res.statusCode}`;
        res.resume();
        req?.destroy();
        reject(new Error(`the stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('end', () => {
        ended ??= 'ended by the proxy';
      });
    });
    req.on('error', (error) => {
      ended ??= error.message;
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}
