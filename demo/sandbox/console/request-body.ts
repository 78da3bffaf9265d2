/**
 * Reading a console request's body: small, UTF-8, and either a form or JSON.
 */
import type { IncomingMessage } from 'node:http';
import { ConsoleError } from './console-error.js';

/** A form or JSON body larger than this is refused (413): no console request needs more. */
export const MAX_CONSOLE_BODY_BYTES = 64 * 1024;

/** The whole body as UTF-8 text, refusing more than `limit` bytes. */
export function readText(req: IncomingMessage, limit = MAX_CONSOLE_BODY_BYTES): Promise<string> {
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
        reject(new ConsoleError(413, `The request body exceeds ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!failed) (failed = true), reject(error);
    });
  });
}

/** The body of an HTML form POST (`application/x-www-form-urlencoded`). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readText(req));
}

/** The body of a JSON API POST: an object (an empty body is `{}`). */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConsoleError(400, 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConsoleError(400, 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}
