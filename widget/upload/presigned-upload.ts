/**
 * Posts one file straight to S3 with a presigned POST form from the proxy (the proxy never sees the
 * bytes). XMLHttpRequest rather than fetch: only XHR reports upload progress.
 *
 * The form is `multipart/form-data` with every policy field first, in the order the ticket lists them,
 * and the file LAST: S3 reads the fields it must check before the file and ignores anything after it.
 */
import type { UploadTicket } from '../api/proxy-types.js';
import { UploadError, uploadErrorFromS3 } from './upload-error.js';

/** Bytes sent so far. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Options of {@link uploadToS3}. */
export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting cancels the upload (`UploadError` of kind `aborted`). */
  signal?: AbortSignal;
  /** Give up on a stalled upload after this long without progress. Default 60 s. */
  stallTimeoutMs?: number;
}

/** What S3 accepted. */
export interface UploadedFile {
  /** The storage key to submit. */
  key: string;
}

const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** The multipart form of `ticket` for `file`: the ticket's fields in order, then `file`. */
export function buildUploadForm(ticket: Pick<UploadTicket, 'fields'>, file: Blob, fileName = (file as Partial<File>).name ?? 'upload'): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append('file', file, fileName);
  return form;
}

/** Post `file` to S3 with `ticket`'s form. Rejects with an {@link UploadError}. */
export function uploadToS3(ticket: Pick<UploadTicket, 'url' | 'fields' | 'key'>, file: Blob, options: UploadOptions = {}): Promise<UploadedFile> {
  const { signal, onProgress } = options;
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UploadError('aborted', 'The upload was cancelled.', { cause: signal.reason }));
      return;
    }
    const xhr = new XMLHttpRequest();
    let stall: ReturnType<typeof setTimeout> | undefined;
    let stalled = false;
    const watch = (): void => {
      if (stall !== undefined) clearTimeout(stall);
      stall = setTimeout(() => {
        stalled = true;
        xhr.abort();
      }, stallTimeoutMs);
    };
    const onAbort = (): void => xhr.abort();
    const settle = (): void => {
      if (stall !== undefined) clearTimeout(stall);
      signal?.removeEventListener('abort', onAbort);
    };
    xhr.open('POST', ticket.url);
    xhr.withCredentials = false;
    xhr.upload.addEventListener('progress', (event) => {
      watch();
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
    });
    xhr.addEventListener('load', () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ key: ticket.key });
      } else {
        reject(uploadErrorFromS3(xhr.status, xhr.responseText));
      }
    });
    xhr.addEventListener('error', () => {
      settle();
      reject(new UploadError('network', 'The connection dropped while sending the file.'));
    });
    xhr.addEventListener('abort', () => {
      settle();
      reject(stalled ? new UploadError('network', 'The upload stalled.') : new UploadError('aborted', 'The upload was cancelled.', { cause: signal?.reason }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    watch();
    xhr.send(buildUploadForm(ticket, file));
  });
}
