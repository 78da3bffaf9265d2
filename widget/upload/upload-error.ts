/**
 * Why a file did not reach storage, read from S3's XML error answer
 * (`<Error><Code>EntityTooSmall</Code><Message>…</Message><MinSizeAllowed>…</MinSizeAllowed>…</Error>`)
 * or from the connection, with a message in words for the investor and a `kind` that decides what
 * happens next: retry (`network`), ask for a fresh form (`expired`), explain (`rejected`), or nothing
 * (`aborted`).
 */
import { formatBytes } from './file-check.js';

/** What to do about a failed upload. */
export type UploadErrorKind = 'rejected' | 'expired' | 'network' | 'aborted';

/** A failed upload. */
export class UploadError extends Error {
  override name = 'UploadError';
  readonly kind: UploadErrorKind;
  /** S3's error code (`EntityTooSmall`, `AccessDenied`, …) when S3 answered. */
  readonly s3Code: string | undefined;
  /** The HTTP status; 0 when no answer came. */
  readonly status: number;

  constructor(kind: UploadErrorKind, message: string, options: { s3Code?: string; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.s3Code = options.s3Code;
    this.status = options.status ?? 0;
  }
}

/** The text of one top-level element of S3's error XML, entities decoded. */
function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (match?.[1] === undefined) return undefined;
  return match[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The {@link UploadError} of S3's error answer (`status`, XML `body`). */
export function uploadErrorFromS3(status: number, body: string): UploadError {
  const code = xmlElement(body, 'Code');
  const s3Message = xmlElement(body, 'Message') ?? '';
  const options = { status, ...(code !== undefined ? { s3Code: code } : {}) };
  switch (code) {
    case 'EntityTooSmall': {
      const min = Number(xmlElement(body, 'MinSizeAllowed'));
      return new UploadError('rejected', `The file is smaller than ${Number.isFinite(min) && min > 0 ? formatBytes(min) : 'the smallest size allowed'}.`, options);
    }
    case 'EntityTooLarge': {
      const max = Number(xmlElement(body, 'MaxSizeAllowed'));
      return new UploadError('rejected', `The file is larger than ${Number.isFinite(max) && max > 0 ? formatBytes(max) : 'the largest size allowed'}.`, options);
    }
    case 'AccessDenied':
      if (/policy expired/i.test(s3Message)) return new UploadError('expired', 'The upload form expired before the file was sent.', options);
      return new UploadError('rejected', 'The storage service refused this file for this upload form (its type does not match).', options);
    case 'RequestTimeout':
    case 'SlowDown':
    case 'InternalError':
    case 'ServiceUnavailable':
      return new UploadError('network', 'The storage service is busy. The upload will be tried again.', options);
    default:
      if (status >= 500 || status === 0) return new UploadError('network', 'The storage service could not take the file just now.', options);
      return new UploadError('rejected', 'The storage service refused the file.', options);
  }
}
