/**
 * A streaming multipart/form-data reader for S3 POST uploads. Fields are small and kept in memory;
 * the part named `file` is handed out chunk by chunk so that it can go straight to disk and the caller
 * can stop reading as soon as it is too large. S3 ignores everything after the file, and so does this.
 */
import type { Readable } from 'node:stream';
import { S3Error, malformedPost } from './s3-error.js';

/** What the reader yields, in body order. */
export type MultipartEvent =
  | { type: 'field'; name: string; value: string }
  | { type: 'file'; filename: string; contentType: string | undefined }
  | { type: 'data'; chunk: Buffer }
  | { type: 'file-end' };

/** S3 refuses POST forms whose fields before the file exceed 20 KB. */
const MAX_FIELDS_BYTES = 20 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/** The boundary from a `multipart/form-data; boundary=…` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

interface PartHead {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
}

function parseHead(text: string): PartHead {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) throw malformedPost();
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-disposition') {
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1];
      filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1];
    } else if (header === 'content-type') {
      contentType = value;
    }
  }
  if (name === undefined) throw malformedPost();
  return { name, filename, contentType };
}

/**
 * Reads `body` as multipart/form-data with `boundary`, yielding fields, then the file's head, data
 * chunks and end. Stops after the file. Throws MalformedPOSTRequest when the body is not well formed,
 * and MaxPostPreDataLengthExceeded when the fields before the file pass 20 KB. The body stream is not
 * destroyed when the caller stops early, so that an answer can still be written on its socket.
 */
export async function* readMultipart(body: Readable, boundary: string): AsyncGenerator<MultipartEvent> {
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buf: Buffer = Buffer.alloc(0);
  let state: 'preamble' | 'after-delimiter' | 'head' | 'body' = 'preamble';
  let part: PartHead | undefined;
  let fieldChunks: Buffer[] = [];
  let fieldsBytes = 0;

  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    buf = buf.length === 0 ? (chunk as Buffer) : Buffer.concat([buf, chunk as Buffer]);
    for (;;) {
      if (state === 'preamble') {
        const at = buf.indexOf(opening);
        if (at < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw malformedPost();
          break;
        }
        buf = buf.subarray(at + opening.length);
        state = 'after-delimiter';
      } else if (state === 'after-delimiter') {
        if (buf.length < 2) break;
        // `--` after a delimiter closes the body; anything but CRLF is malformed.
        if (buf[0] === 0x2d && buf[1] === 0x2d) return;
        if (!buf.subarray(0, 2).equals(CRLF)) throw malformedPost();
        buf = buf.subarray(2);
        state = 'head';
      } else if (state === 'head') {
        const end = buf.indexOf(HEADERS_END);
        if (end < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw malformedPost();
          break;
        }
        part = parseHead(buf.subarray(0, end).toString('utf8'));
        buf = buf.subarray(end + HEADERS_END.length);
        state = 'body';
        fieldChunks = [];
        if (part.name.toLowerCase() === 'file') {
          yield { type: 'file', filename: part.filename ?? '', contentType: part.contentType };
        }
      } else {
        const isFile = part?.name.toLowerCase() === 'file';
        const end = buf.indexOf(delimiter);
        // Without a delimiter in view, everything but a possible delimiter prefix is body data.
        const take = end >= 0 ? end : Math.max(0, buf.length - (delimiter.length - 1));
        if (take > 0) {
          const data = buf.subarray(0, take);
          if (isFile) {
            yield { type: 'data', chunk: Buffer.from(data) };
          } else {
            fieldsBytes += data.length;
            if (fieldsBytes > MAX_FIELDS_BYTES) {
              throw new S3Error(
                400,
                'MaxPostPreDataLengthExceeded',
                'Your POST request fields preceeding the upload file was too large.',
              );
            }
            fieldChunks.push(Buffer.from(data));
          }
          buf = buf.subarray(take);
        }
        if (end < 0) break;
        buf = buf.subarray(delimiter.length);
        if (isFile) {
          yield { type: 'file-end' };
          return;
        }
        yield { type: 'field', name: part?.name ?? '', value: Buffer.concat(fieldChunks).toString('utf8') };
        state = 'after-delimiter';
      }
    }
  }
  // The body ended before its closing delimiter.
  throw malformedPost();
}
