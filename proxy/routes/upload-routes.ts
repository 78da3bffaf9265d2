/**
 * `POST /v1/sales/:sale/uploads` (bearer) `{ files: [{ field, contentType }] }`: presigned S3 POST forms
 * for the files the investor is about to send, asked of the provider (upstream §3). The browser posts
 * each file straight to S3 with its form; the proxy never touches file bytes. Only the file fields this
 * sale collects, only the provider's content types, and no more files than the form can hold.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { FILE_FIELDS, type KycField } from '../contract/kyc-fields.js';
import { ApiError, type FieldProblem } from '../http/api-error.js';
import { providerFailure } from '../http/provider-failure.js';
import { jsonObjectBody } from '../http/request-body.js';
import { requireSession } from '../http/widget-session.js';
import type { ProxyDeps } from '../proxy-deps.js';
import { checkRateLimit } from '../rate-limit.js';

/** The content types the provider presigns (`image/jpg` is its alias of `image/jpeg`; browsers say jpeg). */
export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
/** The provider's size range for every KYC file (its S3 policy's `content-length-range`). */
export const UPLOAD_MIN_BYTES = 204800;
export const UPLOAD_MAX_BYTES = 20971520;
/** The provider's presigned forms expire after 15 minutes. */
const FORM_LIFETIME_SECONDS = 15 * 60;
const TICKETS_PER_HOUR = 60;

type FileField = (typeof FILE_FIELDS)[number];

/** How long the keys handed to an investor are remembered: long enough to fix a case weeks later. */
const UPLOAD_KEY_RETENTION_MS = 90 * 24 * 3600 * 1000;

function uploadKeysKey(sale: string, userId: number): string {
  return `upload-keys:${sale}:${userId}`;
}

/**
 * Remember a file key handed to this investor. The provider only checks that a submitted key belongs to
 * the client, not to the user; the proxy checks it belongs to the investor, so no one can submit
 * another investor's document by its key.
 */
async function rememberUploadKey(deps: ProxyDeps, sale: string, userId: number, key: string): Promise<void> {
  await deps.store.pushRecent(uploadKeysKey(sale, userId), key, { max: 200, ttlMs: UPLOAD_KEY_RETENTION_MS });
}

/** The file keys handed to this investor (most recent 200). */
export async function uploadKeysOf(deps: ProxyDeps, sale: string, userId: number): Promise<Set<string>> {
  return new Set(await deps.store.recent(uploadKeysKey(sale, userId)));
}

function problem(field: string, rule: string, message: string): FieldProblem {
  return { field, rule, message };
}

/** Add the upload route to `router`. */
export function addUploadRoutes(router: Router, deps: ProxyDeps): void {
  router.post('/v1/sales/:sale/uploads', async (ctx: Context) => {
    const session = await requireSession(ctx, deps);
    const sale = session.sale.config;
    const body = jsonObjectBody(ctx);
    const files = body['files'];
    const maxFiles = 3 + sale.maxInvestorProofs;
    if (!Array.isArray(files) || files.length === 0 || files.length > maxFiles) {
      const message = `files must be a list of 1 to ${maxFiles} { field, contentType } entries.`;
      throw new ApiError(400, 'invalid_request', message, { fields: [problem('files', 'format', message)] });
    }
    const problems: FieldProblem[] = [];
    const counts = new Map<FileField, number>();
    const wanted: { field: FileField; contentType: string; index: number }[] = [];
    files.forEach((entry: unknown, position) => {
      const at = `files[${position}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        problems.push(problem(at, 'type', `${at} must be an object { field, contentType }.`));
        return;
      }
      const { field, contentType } = entry as Record<string, unknown>;
      if (typeof field !== 'string' || !(FILE_FIELDS as readonly string[]).includes(field)) {
        problems.push(problem(`${at}.field`, 'format', `${at}.field must be one of ${FILE_FIELDS.join(', ')}.`));
        return;
      }
      const fileField = field as FileField;
      if (!sale.fields.collected.includes(fileField as KycField)) {
        problems.push(problem(`${at}.field`, 'not_collected', `This sale does not collect ${fileField}.`));
        return;
      }
      if (typeof contentType !== 'string' || !(UPLOAD_CONTENT_TYPES as readonly string[]).includes(contentType.toLowerCase())) {
        problems.push(problem(`${at}.contentType`, 'file_type', `${at}.contentType must be one of ${UPLOAD_CONTENT_TYPES.join(', ')} (JPG, PNG or PDF).`));
        return;
      }
      const count = (counts.get(fileField) ?? 0) + 1;
      counts.set(fileField, count);
      const limit = fileField === 'investorProofFiles' ? sale.maxInvestorProofs : 1;
      if (count > limit) {
        problems.push(problem(`${at}.field`, 'too_many_files', `At most ${limit} file${limit === 1 ? '' : 's'} for ${fileField}.`));
        return;
      }
      wanted.push({ field: fileField, contentType: contentType.toLowerCase(), index: count - 1 });
    });
    if (problems.length > 0) throw new ApiError(400, 'invalid_request', problems[0]?.message ?? 'The files are not valid.', { fields: problems });

    const limit = await checkRateLimit(deps.store, `rate:uploads:${sale.id}:${session.userId}`, { limit: TICKETS_PER_HOUR, windowMs: 3600_000 });
    if (!limit.allowed) throw new ApiError(429, 'rate_limited', 'Too many upload requests. Please wait a little and try again.', { headers: { 'Retry-After': String(limit.retryAfterSeconds) } });

    // The provider keys its answer by our names; a stable name per file lets us map the forms back.
    const names = wanted.map((file) => (file.field === 'investorProofFiles' ? `${file.field}_${file.index + 1}` : file.field));
    let forms;
    try {
      forms = await session.sale.provider.presignedPost(Object.fromEntries(wanted.map((file, i) => [names[i] as string, file.contentType])));
    } catch (error) {
      throw providerFailure(error);
    }
    const expiresAt = Math.floor(deps.now() / 1000) + FORM_LIFETIME_SECONDS;
    const uploads = wanted.map((file, i) => {
      const form = forms[names[i] as string];
      if (form === undefined || typeof form.fields['key'] !== 'string') {
        throw new ApiError(502, 'provider_error', 'The verification service did not return an upload form. Please try again.');
      }
      return { field: file.field, index: file.index, contentType: file.contentType, key: form.fields['key'], url: form.url, fields: form.fields };
    });
    for (const upload of uploads) await rememberUploadKey(deps, sale.id, session.userId, upload.key);
    ctx.body = {
      uploads,
      minBytes: UPLOAD_MIN_BYTES,
      maxBytes: UPLOAD_MAX_BYTES,
      expiresAt,
    };
  });
}
