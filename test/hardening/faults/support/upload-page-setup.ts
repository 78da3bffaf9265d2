/**
 * What the upload fault test hands the page it loads into Chromium (`upload-page.browser.ts`). Kept apart
 * so the Node test imports no browser code: the Node type-check has no DOM types.
 */
export interface UploadPageSetup {
  proxy: string;
  sale: string;
  token: string;
  /** Where the upload forms are posted (the fault proxy's origin). */
  s3Origin: string;
  /** The controller's stall timeout, ms. */
  stallTimeoutMs: number;
}

/**
 * A file's upload as the page hands it back (the widget's `UploadItem`, serialised across the page
 * boundary): the part the test reads.
 */
export interface UploadItemView {
  id: string;
  field: string;
  name: string;
  state: 'checking' | 'resizing' | 'uploading' | 'retrying' | 'renewing' | 'done' | 'failed' | 'cancelled';
  attempt: number;
  error?: unknown;
  key?: string;
}
