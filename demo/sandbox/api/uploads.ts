/**
 * `GET /api/v2/users-kyc/pre-signed-urls/for-post` and `/for-put` (upstream §3): validate `files`, make
 * one key per entry, and ask the file store for a presigned POST form or PUT URL.
 */
import { createHash } from 'node:crypto';
import type { QueryParams, QueryValue } from '../../../proxy/ost-query.js';
import type { Handler, HandlerContext } from '../context.js';
import { failure, invalidParams, MESSAGES, missingParam, success } from '../envelope.js';
import { isBlank } from '../ruby-values.js';

/** Content types accepted after downcasing. */
const ALLOWED_TYPES = ['image/jpeg', 'image/png', 'image/jpg', 'application/pdf'];
const MAX_FILES = 20;
const SUPPORTED = "Please provide a supported file type. Supported types : 'application/pdf', 'image/jpeg', 'image/png', 'image/jpg'. ";
const MISSING_FILES = { parameter: 'files', msg: `Files is a mandatory field. ${SUPPORTED}` };
// The two messages below are not quoted upstream beyond their tails: guesses in the server's style.
const INVALID_FILES = { parameter: 'files', msg: `Files is invalid. ${SUPPORTED}` };
const INVALID_FILES_COUNT = { parameter: 'files', msg: 'Files count is invalid. Maximum values allowed is 20.' };

/**
 * The directory of a key: `i` for images, `d` for PDFs, tested case-sensitively on the type as sent,
 * while validation downcases; so `IMAGE/PNG` passes and gets `''` (a `3//<hex>` key), as on the server.
 */
function directoryFor(contentType: string): string {
  if (contentType === 'image/jpeg' || contentType === 'image/png' || contentType === 'image/jpg') return 'i';
  if (contentType === 'application/pdf') return 'd';
  return '';
}

/** `"<client_id>/<dir>/" + md5hex("<k>-<v>-<Time.now.to_f>-<rand>")`. */
export function fileKey(clientId: number, name: string, contentType: string, nowMs: number): string {
  const seed = `${name}-${contentType}-${nowMs / 1000}-${Math.random()}`;
  return `${clientId}/${directoryFor(contentType)}/` + createHash('md5').update(seed, 'utf8').digest('hex');
}

/** Validate `files` in the server's order; the entries when valid. */
function readFiles(params: QueryParams): { ok: true; files: [string, string][] } | { ok: false; response: ReturnType<typeof failure> } {
  const files: QueryValue | undefined = params['files'];
  if (isBlank(files)) return { ok: false, response: missingParam(MISSING_FILES) };
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return { ok: false, response: failure(400, 'um_gup_v_2', MESSAGES.invalidApiParams, [INVALID_FILES]) };
  const entries = Object.entries(files);
  if (entries.length > MAX_FILES) return { ok: false, response: failure(400, 'um_gup_v_3', MESSAGES.invalidApiParams, [INVALID_FILES_COUNT]) };
  for (const [, type] of entries) {
    if (typeof type !== 'string' || !ALLOWED_TYPES.includes(type.toLowerCase())) return { ok: false, response: invalidParams('um_gup_v_5', [INVALID_FILES]) };
  }
  return { ok: true, files: entries as [string, string][] };
}

async function presignAll(context: HandlerContext, kind: 'post' | 'put') {
  const read = readFiles(context.params);
  if (!read.ok) return read.response;
  const out: Record<string, unknown> = {};
  for (const [name, contentType] of read.files) {
    const key = fileKey(context.client.clientId, name, contentType, context.deps.now());
    // The policy's Content-Type is the type exactly as sent, not downcased.
    out[name] = kind === 'post' ? await context.deps.fileStore.presignPost(key, contentType) : await context.deps.fileStore.presignPut(key, contentType);
  }
  return kind === 'post' ? success({ result_type: 'file_upload_post', file_upload_post: out }) : success({ result_type: 'file_upload_put', file_upload_put: out });
}

/** `GET /users-kyc/pre-signed-urls/for-post`. */
export const presignedForPost: Handler = (context) => presignAll(context, 'post');

/** `GET /users-kyc/pre-signed-urls/for-put`. */
export const presignedForPut: Handler = (context) => presignAll(context, 'put');
