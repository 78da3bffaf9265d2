/**
 * AWS Signature Version 4 as S3 checks it: the signing key chain, the POST policy signature and the
 * query-string (presigned URL) signature. Pure functions; the caller supplies the clock.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** The SigV4 signing key: HMAC chain `AWS4<secret>` → date → region → service → `aws4_request`. */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
}

/** The parts of `x-amz-credential` (`<key id>/<yyyymmdd>/<region>/<service>/aws4_request`). */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Splits an `x-amz-credential` value; undefined when it is not five `/`-separated parts ending in `aws4_request`. */
export function parseCredential(credential: string): CredentialScope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!/^\d{8}$/.test(date)) return undefined;
  return { accessKeyId, date, region, service };
}

/** The hex signature of a POST policy: the base64 policy text itself is the string to sign. */
export function postPolicySignature(base64Policy: string, secretAccessKey: string, scope: CredentialScope): string {
  const key = signingKey(secretAccessKey, scope.date, scope.region, scope.service);
  return createHmac('sha256', key).update(base64Policy, 'utf8').digest('hex');
}

/** Timing-safe comparison of two hex signatures (different lengths are simply unequal). */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~` is %XX (and `/` too unless `keepSlash`). */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** What a query-presigned request brings for the signature check. */
export interface QueryRequest {
  method: string;
  /** The decoded object path, `/<bucket>/<key>`. */
  path: string;
  /** Decoded query parameters, in any order, including the X-Amz-* ones. */
  query: Array<[string, string]>;
  /** Lower-cased request headers (Node's `req.headers`). */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The SigV4 signature of a presigned URL request, computed as S3 does: canonical request over the
 * method, the S3-encoded path (not double-encoded, not normalised), the sorted query without
 * X-Amz-Signature, the signed headers and the payload hash (UNSIGNED-PAYLOAD unless given).
 */
export function querySignature(request: QueryRequest, secretAccessKey: string, scope: CredentialScope): string {
  const param = (name: string): string => request.query.find(([k]) => k === name)?.[1] ?? '';
  const signedHeaders = param('X-Amz-SignedHeaders');
  const canonicalQuery = request.query
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => {
      // Own headers only: a signed header named `__proto__` or `constructor` is simply absent.
      const raw = Object.hasOwn(request.headers, name) ? request.headers[name] : undefined;
      const value = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : '';
      return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payloadHash = param('X-Amz-Content-Sha256') || 'UNSIGNED-PAYLOAD';
  const canonicalRequest = [
    request.method,
    uriEncode(request.path, true),
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    param('X-Amz-Date'),
    `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const key = signingKey(secretAccessKey, scope.date, scope.region, scope.service);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** Parses an ISO basic timestamp `YYYYMMDDTHHMMSSZ` to epoch milliseconds; NaN when malformed. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
