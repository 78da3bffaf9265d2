/**
 * The properties every proxy answer to a fuzzed request must have: no 5xx; a 4xx is
 * `{ "error": { "code", "message", "fields"? } }` as JSON; and when exactly one field of an otherwise valid
 * body is wrong, a 400 names that field (or, given `faultNames`, one of the names it is reported by: the
 * KYC route reports a wrong `submission` object by the fields it lacks).
 */
import assert from 'node:assert/strict';
import { describeRequest, type RawAnswer, type RawRequest } from './raw-request.js';

/** A proxy error body. */
interface ProxyErrorBody {
  error: { code: string; message: string; fields?: { field: string; rule: string; message: string }[] };
}

/** Assert that `answer` to `request` is not a server error and, if a refusal, has the error shape. */
export function assertProxyAnswer(request: RawRequest, answer: RawAnswer, fault?: string, faultNames: readonly string[] = fault === undefined ? [] : [fault]): void {
  const where = (): string => `${describeRequest(request)}\n→ ${answer.status} ${answer.text.slice(0, 500)}`;
  assert.ok(answer.status >= 100 && answer.status < 500, `a server error:\n${where()}`);
  if (answer.status < 400 || request.method === 'HEAD') return;
  assert.match(String(answer.headers['content-type'] ?? ''), /^application\/json/, `a refusal that is not JSON:\n${where()}`);
  const body = answer.json as Partial<ProxyErrorBody> | undefined;
  const error = body?.error;
  assert.ok(typeof error === 'object' && error !== null, `a refusal without { error }:\n${where()}`);
  assert.match(String(error.code), /^[a-z][a-z0-9_]*$/, `a refusal without a code:\n${where()}`);
  assert.ok(typeof error.message === 'string' && error.message.trim().length > 0, `a refusal without a message:\n${where()}`);
  if (error.fields !== undefined) {
    assert.ok(Array.isArray(error.fields) && error.fields.length > 0, `fields, but not a list of problems:\n${where()}`);
    for (const problem of error.fields) {
      assert.ok(typeof problem.field === 'string' && problem.field !== '' && typeof problem.rule === 'string' && typeof problem.message === 'string', `a field problem without field, rule and message:\n${where()}`);
    }
  }
  if (fault !== undefined && answer.status === 400) {
    const named = (error.fields ?? []).map((problem) => problem.field);
    const names = faultNames.length > 0 ? faultNames : [fault];
    const isFault = (field: string): boolean => names.some((name) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`));
    assert.ok(named.some(isFault), `only "${fault}" was wrong, but the refusal names ${JSON.stringify(named)}:\n${where()}`);
  }
}
