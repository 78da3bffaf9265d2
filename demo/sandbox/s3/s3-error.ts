/** An S3 error answer: HTTP status, S3 `Code`, message and the extra elements S3 adds for that code. */
export class S3Error extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, string>;

  constructor(status: number, code: string, message: string, details: Record<string, string> = {}) {
    super(message);
    this.name = 'S3Error';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Escapes text for an XML element body. */
export function xmlEscape(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** The XML body S3 sends with an error: `<Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId></Error>`. */
export function errorXml(error: S3Error, requestId: string): string {
  const extra = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message>${extra}` +
    `<RequestId>${requestId}</RequestId></Error>`
  );
}

/** A policy violation, worded as S3 words it (403 AccessDenied "Invalid according to Policy: …"). */
export function policyDenied(detail: string): S3Error {
  return new S3Error(403, 'AccessDenied', `Invalid according to Policy: ${detail}`);
}

/** S3's answer to a missing or misplaced form field. */
export function missingField(name: string): S3Error {
  return new S3Error(
    400,
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    { ArgumentName: name, ArgumentValue: '' },
  );
}

export const signatureMismatch = (): S3Error =>
  new S3Error(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

export const unknownAccessKey = (id: string): S3Error =>
  new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
    AWSAccessKeyId: id,
  });

/** S3's answer to a request target it cannot decode (a `%` not followed by two hex digits, bytes that are not UTF-8). */
export const invalidUri = (uri: string): S3Error => new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.", { URI: uri });

/** `decodeURIComponent`, with S3's `InvalidURI` for text it cannot decode instead of a `URIError`. */
export function decodeUriPart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidUri(text);
  }
}

export const malformedPost = (): S3Error =>
  new S3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
