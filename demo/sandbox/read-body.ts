/**
 * Reading a whole request body (chunked or not) with a size cap, for the sandbox API and its review
 * console. Past the cap the rest of the body is drained unread, so the answer can still be sent.
 */
import type { IncomingMessage } from 'node:http';

/** The body went past the cap given to {@link readBody}. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

/** The whole body, refusing more than `limit` bytes with {@link BodyTooLarge}. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!failed) (failed = true), reject(error);
    });
  });
}
