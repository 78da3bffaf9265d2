/**
 * Verification of query-string presigned requests (the URLs of `getSignedUrl` for PutObject and
 * GetObject): required parameters, known access key, region, expiry and the SigV4 signature.
 */
import type { IncomingMessage } from 'node:http';
import { S3Error, decodeUriPart, signatureMismatch, unknownAccessKey } from './s3-error.js';
import { parseAmzDate, parseCredential, querySignature, signaturesEqual } from './sigv4.js';

/** What the check needs from the server. */
export interface PresignContext {
  secretFor(accessKeyId: string): string | undefined;
  region: string;
  now(): number;
}

const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
];
/** SigV4 presigned URLs live at most seven days. */
const MAX_EXPIRES = 604800;

const queryError = (message: string): S3Error => new S3Error(400, 'AuthorizationQueryParametersError', message);

/**
 * Splits a raw query string into decoded pairs, in order; `+` stays a plus as S3 reads it.
 * @throws S3Error `InvalidURI` for a part that does not decode.
 */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    return [decodeUriPart(name), decodeUriPart(value)];
  });
}

/**
 * Throws the S3 error for a presigned request that is not allowed: no signature at all (AccessDenied),
 * missing or malformed parameters, unknown key, expired, or a signature that does not match.
 * `path` is the decoded `/<bucket>/<key>`.
 */
export function verifyPresigned(
  req: IncomingMessage,
  path: string,
  query: Array<[string, string]>,
  context: PresignContext,
): void {
  const param = (name: string): string | undefined => query.find(([k]) => k === name)?.[1];
  if (REQUIRED.every((name) => param(name) === undefined)) {
    throw new S3Error(403, 'AccessDenied', 'Access Denied');
  }
  if (REQUIRED.some((name) => param(name) === undefined)) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const scope = parseCredential(param('X-Amz-Credential') ?? '');
  if (!scope) throw queryError('Error parsing the X-Amz-Credential parameter.');
  if (scope.service !== 's3' || scope.region !== context.region) {
    throw queryError(
      `Error parsing the X-Amz-Credential parameter; the region '${scope.region}' is wrong; expecting '${context.region}'`,
    );
  }
  const signedAt = parseAmzDate(param('X-Amz-Date') ?? '');
  if (Number.isNaN(signedAt)) throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const expires = Number(param('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 0) throw queryError('X-Amz-Expires should be a number');
  if (expires > MAX_EXPIRES) throw queryError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  const secret = context.secretFor(scope.accessKeyId);
  if (secret === undefined) throw unknownAccessKey(scope.accessKeyId);
  const expected = querySignature(
    { method: req.method ?? 'GET', path, query, headers: req.headers },
    secret,
    scope,
  );
  if (!signaturesEqual(expected, param('X-Amz-Signature') ?? '')) throw signatureMismatch();
  const now = context.now();
  if (now > signedAt + expires * 1000) {
    throw new S3Error(403, 'AccessDenied', 'Request has expired', {
      'X-Amz-Expires': String(expires),
      Expires: new Date(signedAt + expires * 1000).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
}
