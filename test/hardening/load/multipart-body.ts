/**
 * The body of a browser's upload with a presigned S3 POST form: `multipart/form-data` with the form's
 * fields first and the file last, as S3 requires. Built synchronously (autocannon's `setupRequest` cannot
 * wait, and the platform's `FormData` serialises only asynchronously, through a `Response`), from parts
 * that are plain ASCII except the file's bytes.
 */
import { randomBytes } from 'node:crypto';

/** A body and the `Content-Type` that names its boundary. */
export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** Field names and values of a presigned form are ASCII without quotes or line breaks. */
function checkPart(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text) || text.includes('"')) throw new Error(`a form part cannot be sent as is: ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

/** `fields` in order, then `file` (as `file`, with `fileName` and `fileType`). */
export function multipartBody(fields: Record<string, string>, file: { bytes: Buffer; fileName: string; fileType: string }): MultipartBody {
  const boundary = `----load${randomBytes(12).toString('hex')}`;
  const head = Object.entries(fields)
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${checkPart(name)}"\r\n\r\n${checkPart(value)}\r\n`)
    .join('');
  const filePart = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${checkPart(file.fileName)}"\r\nContent-Type: ${checkPart(file.fileType)}\r\n\r\n`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([Buffer.from(head + filePart, 'latin1'), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')]),
  };
}
