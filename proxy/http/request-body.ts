/**
 * Reading JSON request bodies for the widget routes: `application/json` only, strict JSON (objects at
 * the top), UTF-8 that decoded cleanly, a size cap, and a 4xx naming the problem for anything else
 * (never a 500).
 */
import type { Context } from 'koa';
import { ApiError, invalidField } from './api-error.js';

/** U+FFFD, which the body parser puts where the bytes were not UTF-8. */
const REPLACEMENT_CHARACTER = '\ufffd';

/**
 * The path (`email`, `submission.firstName`, `files[0].field`) of the first key or string in `value` that
 * holds a replacement character, or undefined. Depth-limited: the parser already refused anything deeper.
 */
function replacedTextAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(REPLACEMENT_CHARACTER) ? path : undefined;
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = replacedTextAt(item, `${path}[${index}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key.includes(REPLACEMENT_CHARACTER)) return at;
    const found = replacedTextAt(item, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The parsed JSON body as an object, or a 4xx {@link ApiError}. */
export function jsonObjectBody(ctx: Context): Record<string, unknown> {
  const body: unknown = ctx.request.body;
  if (!ctx.request.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  // The parser decodes bytes that are not UTF-8 as U+FFFD instead of refusing them. Such text must not go
  // on as if typed (an email would reach the provider, which refuses it, and the investor would be told
  // to try again later): no one types a replacement character, so it is refused, naming the field.
  const broken = replacedTextAt(body, '');
  if (broken !== undefined) {
    throw invalidField(broken, 'encoding', `${broken} is not valid UTF-8 text.`);
  }
  return body as Record<string, unknown>;
}

/** A required string property of `body`, trimmed; a 400 naming the field otherwise. */
export function requiredString(body: Record<string, unknown>, field: string, maxLength = 1000): string {
  const value = body[field];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw invalidField(field, 'required', `${field} is required.`);
  }
  if (typeof value !== 'string') {
    throw invalidField(field, 'type', `${field} must be a string.`);
  }
  if (value.length > maxLength) {
    throw invalidField(field, 'too_long', `${field} is longer than ${maxLength} characters.`, { max: maxLength });
  }
  return value.trim();
}
