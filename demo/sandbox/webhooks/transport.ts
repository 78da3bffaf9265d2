/**
 * One webhook POST, as the provider's `http_helper/http_request.rb#post` makes it: the form body to the
 * URL's path, `Content-Type: application/x-www-form-urlencoded`, a 10 s timeout, the response body ignored.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The provider's timeout for one webhook request. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** What came of one POST: an HTTP status, or an error before any status (refused, reset, timeout…). */
export type PostOutcome = { status: number } | { error: string };

/**
 * POST `body` to `url` and report the status. Never rejects.
 *
 * A fresh connection per attempt (no keep-alive agent), as Net::HTTP does; the timeout covers the whole
 * exchange, connecting and waiting for the response headers included.
 */
export function postForm(url: string, body: string, timeoutMs: number = WEBHOOK_TIMEOUT_MS): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: 'invalid URL' });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'kyc-sandbox-webhooks',
        },
      },
      (res) => {
        // Only the status matters; drain the body so the socket can close.
        res.resume();
        finish({ status: res.statusCode ?? 0 });
      },
    );
    const timer = setTimeout(() => {
      finish({ error: `timeout after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
    req.end(body);
  });
}
