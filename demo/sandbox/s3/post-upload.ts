/**
 * S3's browser-based POST upload (SigV4): read the form fields, check the signature over the base64
 * policy and every policy condition before taking the file, then stream the file to disk while
 * enforcing content-length-range. Mirrors the S3 documentation "Browser-Based Uploads Using POST".
 */
import type { IncomingMessage } from 'node:http';
import type { ObjectMeta, ObjectStore } from './object-store.js';
import { readMultipart, multipartBoundary } from './multipart.js';
import { checkPolicy, parsePolicy } from './post-policy.js';
import { S3Error, malformedPost, missingField, signatureMismatch, unknownAccessKey, xmlEscape } from './s3-error.js';
import { parseCredential, postPolicySignature, signaturesEqual } from './sigv4.js';

/** What the POST handler needs from the server. */
export interface UploadContext {
  store: ObjectStore;
  /** The secret of an access key id, or undefined when the key is unknown. */
  secretFor(accessKeyId: string): string | undefined;
  region: string;
  now(): number;
}

/** An HTTP answer to write. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Checks the SigV4 fields and the policy; returns the allowed file size range. */
function authorize(fields: Map<string, string>, bucket: string, context: UploadContext): { min: number; max: number } {
  for (const name of ['key', 'policy', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature']) {
    if (!fields.has(name)) throw missingField(name);
  }
  const policy = fields.get('policy') ?? '';
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    throw new S3Error(400, 'InvalidArgument', 'POST form data x-amz-algorithm is not supported.');
  }
  const scope = parseCredential(fields.get('x-amz-credential') ?? '');
  if (!scope) throw new S3Error(400, 'InvalidArgument', 'Invalid argument: x-amz-credential is malformed.');
  if (scope.service !== 's3' || scope.region !== context.region) {
    throw new S3Error(
      400,
      'AuthorizationQueryParametersError',
      `Error parsing the X-Amz-Credential parameter; the region '${scope.region}' is wrong; expecting '${context.region}'`,
    );
  }
  const secret = context.secretFor(scope.accessKeyId);
  if (secret === undefined) throw unknownAccessKey(scope.accessKeyId);
  const expected = postPolicySignature(policy, secret, scope);
  if (!signaturesEqual(expected, fields.get('x-amz-signature') ?? '')) throw signatureMismatch();
  return checkPolicy(parsePolicy(policy), fields, bucket, context.now());
}

/** The success answer S3 gives for `success_action_redirect` / `success_action_status`. */
function success(fields: Map<string, string>, meta: ObjectMeta, location: string): Answer {
  const headers = { ETag: meta.etag, Location: location };
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect) {
    const target = new URL(redirect);
    target.searchParams.set('bucket', meta.bucket);
    target.searchParams.set('key', meta.key);
    target.searchParams.set('etag', meta.etag);
    return { status: 303, headers: { ...headers, Location: target.toString() }, body: '' };
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${xmlEscape(location)}</Location><Bucket>${xmlEscape(meta.bucket)}</Bucket>` +
      `<Key>${xmlEscape(meta.key)}</Key><ETag>${xmlEscape(meta.etag)}</ETag></PostResponse>`;
    return { status: 201, headers: { ...headers, 'Content-Type': 'application/xml' }, body };
  }
  return { status: status === '200' ? 200 : 204, headers, body: '' };
}

/**
 * Handles `POST /<bucket>` with a multipart form. Throws S3Error for every refusal; the caller writes
 * it and stops reading the body. `origin` is the server's URL, for the `Location` of the object.
 */
export async function handlePostUpload(
  req: IncomingMessage,
  bucket: string,
  origin: string,
  context: UploadContext,
): Promise<Answer> {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (!boundary) throw malformedPost();
  const fields = new Map<string, string>();
  let range = { min: 0, max: 0 };
  let key = '';
  let pending: Awaited<ReturnType<ObjectStore['begin']>> | undefined;
  try {
    for await (const event of readMultipart(req, boundary)) {
      if (event.type === 'field') {
        const name = event.name.toLowerCase();
        if (!fields.has(name)) fields.set(name, event.value);
      } else if (event.type === 'file') {
        range = authorize(fields, bucket, context);
        // S3 replaces ${filename} in the key with the name of the uploaded file.
        key = (fields.get('key') ?? '').replaceAll('${filename}', event.filename);
        pending = await context.store.begin(bucket, key);
      } else if (event.type === 'data' && pending) {
        if (pending.size + event.chunk.length > range.max) {
          // Answer now rather than read (and store) the rest of an upload that is already too large.
          throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
            ProposedSize: String(pending.size + event.chunk.length),
            MaxSizeAllowed: String(range.max),
          });
        }
        await pending.write(event.chunk);
      } else if (event.type === 'file-end' && pending) {
        if (pending.size < range.min) {
          throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
            ProposedSize: String(pending.size),
            MinSizeAllowed: String(range.min),
          });
        }
        const meta = await pending.commit(fields.get('content-type') ?? 'binary/octet-stream');
        pending = undefined;
        return success(fields, meta, `${origin}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`);
      }
    }
  } finally {
    await pending?.discard();
  }
  throw new S3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', {
    ArgumentName: 'file',
    ArgumentValue: '0',
  });
}
