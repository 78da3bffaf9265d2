/**
 * Checks a chosen file before anything is uploaded: its real type, read from
 * its first bytes (a renamed `.exe` or a HEIC photo called `.jpg` is caught here, not by S3 after a long
 * upload), and its size against the provider's range (200 KB–20 MB). `file.type` is only the browser's
 * guess from the name, so it is not trusted. The reason comes back as a rule with its numbers; the
 * investor's words for it are in the catalog (`fieldErrors.file_type|too_small|too_large`).
 */
import type { UploadContentType } from '../api/proxy-types.js';

/** Why a file cannot be sent as it is. */
export type FileRule = 'file_type' | 'too_small' | 'too_large';

/** The limits to check against (the sale configuration's `uploads`). */
export interface FileLimits {
  contentTypes: readonly string[];
  minBytes: number;
  maxBytes: number;
}

/** The outcome of {@link checkFile}. */
export type FileCheck =
  | { ok: true; contentType: UploadContentType }
  | {
      ok: false;
      rule: FileRule;
      /** For the translated message: `min`/`max` and `size` (bytes), `type` (the type read, e.g. `image/png`). */
      params: Record<string, string | number>;
      /** The type read from the bytes, when known (a too large photo can be downscaled: see image-downscale.ts). */
      contentType?: UploadContentType;
    };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Readers accept the PDF header anywhere in the first kilobyte (after a mail header, a BOM…). */
const PDF_HEADER_WINDOW = 1024;
/** The type of a file read from its first bytes: JPEG, PNG or PDF; undefined for anything else. */
export async function sniffContentType(file: Blob): Promise<UploadContentType | undefined> {
  const head = new Uint8Array(await file.slice(0, PDF_HEADER_WINDOW).arrayBuffer());
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (PNG_SIGNATURE.every((byte, index) => head[index] === byte)) return 'image/png';
  const text = String.fromCharCode(...head);
  if (text.includes('%PDF-')) return 'application/pdf';
  return undefined;
}

/** Check `file`'s real type and size against `limits`. */
export async function checkFile(file: Blob, limits: FileLimits): Promise<FileCheck> {
  const contentType = await sniffContentType(file);
  const known = contentType === undefined ? {} : { contentType };
  if (contentType === undefined || !limits.contentTypes.includes(contentType)) {
    return { ok: false, rule: 'file_type', params: contentType === undefined ? {} : { type: contentType }, ...known };
  }
  if (file.size < limits.minBytes) return { ok: false, rule: 'too_small', params: { min: limits.minBytes, size: file.size }, contentType };
  if (file.size > limits.maxBytes) return { ok: false, rule: 'too_large', params: { max: limits.maxBytes, size: file.size }, contentType };
  return { ok: true, contentType };
}
