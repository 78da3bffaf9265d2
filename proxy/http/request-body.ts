/**
 * Reading JSON request bodies for the widget routes: `application/json` only, strict JSON (objects at
 * the top), a size cap, and a 4xx naming the problem for anything else (never a 500).
 */
import type { Context } from 'koa';
import { ApiError, invalidField } from './api-error.js';

/** The parsed JSON body as an object, or a 4xx {@link ApiError}. */
export function jsonObjectBody(ctx: Context): Record<string, unknown> {
  const body: unknown = ctx.request.body;
  if (!ctx.request.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'The request body must be a JSON object.');
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
