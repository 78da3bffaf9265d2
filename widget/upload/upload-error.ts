/**
 * Why a file did not reach storage, read from S3's XML error answer
 * (`<Error><Code>EntityTooSmall</Code><Message>…</Message><MinSizeAllowed>…</MinSizeAllowed>…</Error>`)
 * or from the connection, with a `kind` that decides what happens next: retry (`network`), ask for a
 * fresh form (`expired`), explain (`rejected`, by `s3Code`, in the investor's words from the catalog), or
 * nothing (`aborted`). The `message` is for developers: S3's code and its own message.
 */

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
  const message = `S3 answered ${status}${code === undefined ? '' : ` ${code}`}${s3Message === '' ? '' : `: ${s3Message}`}`;
  switch (code) {
    case 'AccessDenied':
      // S3 says "Invalid according to Policy: Policy expired." for a form past its expiry.
      return new UploadError(/policy expired/i.test(s3Message) ? 'expired' : 'rejected', message, options);
    case 'RequestTimeout':
    case 'SlowDown':
    case 'InternalError':
    case 'ServiceUnavailable':
      return new UploadError('network', message, options);
    default:
      return new UploadError(status >= 500 || status === 0 ? 'network' : 'rejected', message, options);
  }
}
