/**
 * Browser entry of the upload-faults test (bundled with esbuild and loaded in Chromium): the widget's
 * real upload controller on a minimal step host (the real proxy client, the real draft in
 * `sessionStorage`, the English catalog), with every upload form pointed at a given S3 origin (the
 * fault proxy in front of the S3 stand-in: a POST policy does not sign the host). It exposes
 * `window.uploads` for the test to drive, as the documents step would.
 */
import { createProxyClient } from '../../../../widget/api/proxy-client.js';
import type { FileField, SaleConfig, UploadContentType } from '../../../../widget/api/proxy-types.js';
import { createDraftStore, type DraftFile } from '../../../../widget/draft/draft-store.js';
import type { StepHost } from '../../../../widget/flow/step-host.js';
import messages from '../../../../widget/i18n/en.js';
import { uploadControllerFor, type UploadItem } from '../../../../widget/upload/upload-controller.js';
import type { UploadPageSetup } from './upload-page-setup.js';

/** What the page exposes. */
export interface UploadPage {
  /** Choose a generated JPEG of `size` bytes for `field`; resolves when its upload has ended either way. */
  choose(field: FileField, size: number, name: string): Promise<UploadItem>;
  /** Press "Try again" on the file `id`; resolves with its new state. */
  retry(id: string): Promise<UploadItem>;
  /** The draft as stored in `sessionStorage`. */
  draft(): unknown;
  /** What the live region said. */
  announcements: string[];
}

/** `size` bytes that sniff as a JPEG. */
function jpeg(size: number, name: string): File {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  for (let i = 4; i < size; i += 1) bytes[i] = (i * 31) & 0xff;
  return new File([bytes], name, { type: 'image/jpeg' });
}

/**
 * The page's document. This file is type-checked with the Node code (it lives beside its test), which
 * has no DOM library, so the little it needs of the document is named here.
 */
const page = (globalThis as unknown as { document: { createElement(tag: 'div'): object; body: { append(node: object): void } } }).document;

async function setUp(setup: UploadPageSetup): Promise<UploadPage> {
  const client = createProxyClient({ proxy: setup.proxy, sale: setup.sale });
  const config: SaleConfig = await client.config('en');
  const draft = createDraftStore({ proxy: setup.proxy, sale: setup.sale });
  // The answers typed on the earlier steps: no upload fault may cost them.
  draft.save({ answers: { firstName: 'Ann', lastName: 'Lee', city: 'Paris' } });
  const element = Object.assign(page.createElement('div'), {
    addController: () => undefined,
    removeController: () => undefined,
    requestUpdate: () => undefined,
    updateComplete: Promise.resolve(true),
  }) as unknown as StepHost['element'];
  page.body.append(element);
  const announcements: string[] = [];
  const host = {
    element,
    messages,
    locale: 'en',
    config,
    signal: new AbortController().signal,
    files: (field: FileField): readonly DraftFile[] => draft.load()?.files[field] ?? [],
    setFiles: (field: FileField, files: DraftFile[]) => void draft.save({ files: { [field]: files } }),
    async requestUploadTicket(field: FileField, contentType: UploadContentType) {
      const ticket = (await client.requestUploads(setup.token, [{ field, contentType }])).uploads[0];
      if (ticket === undefined) throw new Error('no upload form');
      const url = new URL(ticket.url);
      return { ...ticket, url: `${setup.s3Origin}${url.pathname}${url.search}` };
    },
    announce: (text: string) => void announcements.push(text),
  } as unknown as StepHost;
  const controller = uploadControllerFor(host, { baseDelayMs: 50, maxDelayMs: 200, stallTimeoutMs: setup.stallTimeoutMs });
  const find = (id: string): UploadItem => {
    for (const field of ['documentIdFile', 'selfieFile'] as const) {
      const item = controller.items(field).find((each) => each.id === id);
      if (item !== undefined) return { ...item };
    }
    throw new Error(`no upload ${id}`);
  };
  return {
    async choose(field, size, name) {
      await controller.add(field, [jpeg(size, name)]);
      const item = controller.items(field).at(-1);
      if (item === undefined) throw new Error('nothing chosen');
      return { ...item };
    },
    async retry(id) {
      await controller.retry(id);
      return find(id);
    },
    draft: () => draft.load(),
    announcements,
  };
}

(globalThis as unknown as { setUpUploads: typeof setUp }).setUpUploads = setUp;
