/**
 * Reading a console request's body: small, UTF-8, and either a form or JSON.
 */
import type { IncomingMessage } from 'node:http';
import { BodyTooLarge, readBody } from '../read-body.js';
import { ConsoleError } from './console-error.js';

/** A form or JSON body larger than this is refused (413): no console request needs more. */
export const MAX_CONSOLE_BODY_BYTES = 64 * 1024;

/** The whole body as UTF-8 text, refusing more than `limit` bytes (413). */
export async function readText(req: IncomingMessage, limit = MAX_CONSOLE_BODY_BYTES): Promise<string> {
  try {
    return (await readBody(req, limit)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new ConsoleError(413, `The request body exceeds ${limit} bytes.`);
    throw error;
  }
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
