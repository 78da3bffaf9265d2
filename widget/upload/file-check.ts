/**
 * Checks a chosen file before anything is uploaded, with the reason in words: its real type, read from
 * its first bytes (a renamed `.exe` or a HEIC photo called `.jpg` is caught here, not by S3 after a long
 * upload), and its size against the provider's range (200 KB–20 MB). `file.type` is only the browser's
 * guess from the name, so it is not trusted.
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
      /** For a translated message: `min`/`max` (bytes), `minText`/`maxText`, `size`, `allowed`. */
      params: Record<string, string | number>;
      /** Plain English, e.g. "The file is smaller than 200 KB." */
      message: string;
      /** The type read from the bytes, when known (a too large photo can be downscaled: see image-downscale.ts). */
      contentType?: UploadContentType;
    };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Readers accept the PDF header anywhere in the first kilobyte (after a mail header, a BOM…). */
const PDF_HEADER_WINDOW = 1024;
const TYPE_NAMES: Record<UploadContentType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'application/pdf': 'PDF' };

/** A byte count in words as the provider states its limits: 204800 → "200 KB", 20971520 → "20 MB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** "JPEG, PNG or PDF". */
function listTypes(types: readonly string[]): string {
  const names = types.map((type) => TYPE_NAMES[type as UploadContentType] ?? type);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

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
  const allowed = listTypes(limits.contentTypes);
  if (contentType === undefined || !limits.contentTypes.includes(contentType)) {
    return {
      ok: false,
      rule: 'file_type',
      params: { allowed, ...(contentType !== undefined ? { type: TYPE_NAMES[contentType] } : {}) },
      message: `This is not a ${allowed} file. Please choose a photo or scan in one of these formats.`,
      ...(contentType !== undefined ? { contentType } : {}),
    };
  }
  if (file.size < limits.minBytes) {
    const minText = formatBytes(limits.minBytes);
    return {
      ok: false,
      rule: 'too_small',
      params: { min: limits.minBytes, minText, size: file.size },
      message: `The file is smaller than ${minText}. Please choose a sharper photo or scan (${formatBytes(file.size)} now).`,
      contentType,
    };
  }
  if (file.size > limits.maxBytes) {
    const maxText = formatBytes(limits.maxBytes);
    return {
      ok: false,
      rule: 'too_large',
      params: { max: limits.maxBytes, maxText, size: file.size },
      message: `The file is larger than ${maxText} (${formatBytes(file.size)}). Please choose a smaller file.`,
      contentType,
    };
  }
  return { ok: true, contentType };
}
