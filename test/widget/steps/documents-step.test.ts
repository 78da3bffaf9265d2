import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { FileField, SaleConfig } from '../../../widget/api/proxy-types.js';
import type { DraftFile } from '../../../widget/draft/draft-store.js';
import { fileFieldStyles } from '../../../widget/fields/file-field.js';
import type { KycForm } from '../../../widget/flow/kyc-form.js';
import { formatFileSize } from '../../../widget/i18n/format.js';
import { renderDocumentsStep } from '../../../widget/steps/documents-step.js';
import { uploadToS3 } from '../../../widget/upload/presigned-upload.js';
import { uploadControllerFor, type UploadController, type UploadControllerOptions } from '../../../widget/upload/upload-controller.js';
import { UploadError } from '../../../widget/upload/upload-error.js';
import { backendInfo, fakeFile, setS3Clock, until } from '../services/backend.js';
import { canvasBlob, documentPhoto, pdfFile } from '../services/images.js';
import { memoryStorage, mountStep, type MountedStep, type MountOptions } from './step-harness.js';
import { loadAxe } from '../support/axe.js';


/**
 * Every named button and input has an accessible name that contains its visible text (WCAG 2.5.3 Label in
 * Name; axe-core's own rule for it is experimental, so it is not in the tags run below).
 */
function expectLabelsInNames(step: MountedStep): void {
  const lower = (value: string): string => value.toLocaleLowerCase(step.form.locale);
  for (const button of step.root.querySelectorAll('button[aria-label]')) {
    expect(lower(button.getAttribute('aria-label') ?? ''), text(button)).to.contain(lower(text(button)));
  }
  for (const label of step.root.querySelectorAll('label.button')) {
    const input = step.root.getElementById(label.getAttribute('for') ?? '');
    expect(lower(input?.getAttribute('aria-label') ?? ''), text(label)).to.contain(lower(text(label)));
  }
}

async function expectAccessible(step: MountedStep): Promise<void> {
  expectLabelsInNames(step);
  const axe = await loadAxe();
  const results = await axe.run(step.element, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } });
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).to.deep.equal([]);
}

/** A real photo of a document, encoded by the browser as a JPEG. */
async function photo(name: string, width = 1000, height = 750, quality = 0.92): Promise<File> {
  const blob = await canvasBlob(documentPhoto(width, height), 'image/jpeg', quality);
  return new File([blob], name, { type: 'image/jpeg' });
}

const WAIT_MS = 8000;

interface Mounted extends MountedStep {
  controller: UploadController;
  /** Tickets asked of the proxy, by field. */
  tickets: FileField[];
}

/** The documents step with the real controller, form, proxy and S3 stand-in. */
async function mountDocuments(options: MountOptions & { controller?: UploadControllerOptions } = {}): Promise<Mounted> {
  let controller: UploadController | undefined;
  const render = (form: KycForm) => {
    controller ??= uploadControllerFor(form, options.controller);
    return renderDocumentsStep(form, controller);
  };
  const step = await mountStep(render, { ...options, styles: fileFieldStyles });
  const tickets: FileField[] = [];
  const request = step.form.requestUploadTicket.bind(step.form);
  step.form.requestUploadTicket = (field, contentType) => {
    tickets.push(field);
    return request(field, contentType);
  };
  return Object.assign(step, { controller: controller as UploadController, tickets });
}

/** Choose `files` in the file input `id` as the browser's picker does. */
function choose(step: MountedStep, id: string, files: File[]): void {
  const input = step.root.getElementById(id) as HTMLInputElement | null;
  if (input === null) throw new Error(`no input #${id}`);
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const draftFiles = (step: MountedStep, field: FileField): DraftFile[] => step.draft.load()?.files[field] ?? [];
const row = (step: MountedStep, state?: string): HTMLElement | null => step.root.querySelector(state === undefined ? 'li.file[data-state]' : `li.file[data-state="${state}"]`);
/** The element's text with the markup's line breaks and indents folded (a no-break space is kept: sizes use it). */
const text = (element: Element | null | undefined): string => element?.textContent?.replace(/[ \t\r\n]+/g, ' ').trim() ?? '';
/** The buttons of a row as `visible text | accessible name`. */
const buttonsOf = (element: Element | null | undefined): string[] => [...(element?.querySelectorAll('button') ?? [])].map((button) => `${text(button)} | ${button.getAttribute('aria-label') ?? ''}`);

/** Everything the rows of in-flight files showed, as the investor saw it render by render. */
function watchRows(step: MountedStep): { states: string[]; statuses: string[]; bars: { label: string | null; max: string | null }[]; stop(): void } {
  const seen = { states: [] as string[], statuses: [] as string[], bars: [] as { label: string | null; max: string | null }[] };
  const record = (): void => {
    for (const item of step.root.querySelectorAll<HTMLElement>('li.file[data-state]')) {
      const state = item.dataset['state'] ?? '';
      if (seen.states.at(-1) !== state) seen.states.push(state);
      const status = text(item.querySelector('.file-status'));
      if (status !== '' && seen.statuses.at(-1) !== status) seen.statuses.push(status);
      const bar = item.querySelector('progress');
      if (bar !== null) seen.bars.push({ label: bar.getAttribute('aria-label'), max: bar.getAttribute('max') });
    }
  };
  const observer = new MutationObserver(record);
  observer.observe(step.root, { subtree: true, childList: true, attributes: true, characterData: true });
  return { ...seen, stop: () => observer.disconnect() };
}

/** Object URLs made and revoked while a test runs. */
const urls = { created: [] as string[], revoked: [] as string[] };
const realCreate = URL.createObjectURL;
const realRevoke = URL.revokeObjectURL;

describe('the documents step', () => {
  let step: Mounted | undefined;
  let restoreMatchMedia: (() => void) | undefined;

  beforeEach(() => {
    urls.created = [];
    urls.revoked = [];
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = realCreate(object);
      urls.created.push(url);
      return url;
    };
    URL.revokeObjectURL = (url: string) => {
      urls.revoked.push(url);
      realRevoke(url);
    };
  });

  afterEach(async () => {
    step?.remove();
    step = undefined;
    restoreMatchMedia?.();
    restoreMatchMedia = undefined;
    URL.createObjectURL = realCreate;
    URL.revokeObjectURL = realRevoke;
    await setS3Clock(0);
  });

  it('draws the collected file fields with their hints and requirements, and the investor question without its proofs', async () => {
    step = await mountDocuments();
    const { messages } = step.form;
    expect(text(step.root.querySelector('.intro'))).to.equal(messages.documents.intro);
    const input = step.root.getElementById('documentIdFile') as HTMLInputElement;
    expect(input.type).to.equal('file');
    expect(input.accept).to.equal('image/jpeg,image/png,application/pdf');
    expect(input.multiple).to.equal(false);
    expect(input.getAttribute('aria-label')).to.equal('Choose a file for ID document');
    expect(input.getAttribute('aria-describedby')).to.equal('documentIdFile-hint documentIdFile-requirements');
    expect(text(step.root.getElementById('documentIdFile-hint'))).to.equal(messages.documents.documentIdHint);
    expect(text(step.root.getElementById('documentIdFile-requirements'))).to.equal('JPEG, PNG or PDF, from 200\u00a0kB to 20\u00a0MB.');
    expect(text(step.root.querySelector('label[for="documentIdFile"]'))).to.equal('Choose a file');
    const legends = [...step.root.querySelectorAll('legend')].map(text);
    expect(legends).to.deep.equal(['ID document', 'Selfie with your ID document', messages.documents.investorQuestion]);
    expect(step.root.getElementById('selfieFile')).to.not.equal(null);
    // No nationality yet: no residence proof. The proofs wait for a "yes"; nothing is checked.
    expect(step.root.getElementById('residenceProofFile')).to.equal(null);
    expect(step.root.getElementById('investorProofFiles')).to.equal(null);
    expect([...step.root.querySelectorAll<HTMLInputElement>('input[type="radio"]')].map((radio) => radio.checked)).to.deep.equal([false, false]);
    expect(text(step.root.getElementById('accreditedInvestor-hint'))).to.equal('If so, add up to 2 documents that prove it.');
    // Desktop: no camera button.
    expect(step.root.getElementById('documentIdFile-camera')).to.equal(null);
  });

  it('uploads a chosen photo to S3 with a progress bar, keeps its key in the draft and shows its preview', async () => {
    step = await mountDocuments();
    const file = await photo('passport.jpg');
    expect(file.size).to.be.within(200 * 1024, 20 * 1024 * 1024);
    const watch = watchRows(step);
    choose(step, 'documentIdFile', [file]);
    await until(() => draftFiles(step!, 'documentIdFile').length === 1, WAIT_MS, 'the key in the draft');
    await step.update();
    watch.stop();

    expect(watch.states[0]).to.equal('checking');
    expect(watch.statuses[0]).to.equal('Checking the file…');
    expect(watch.states).to.include('uploading');
    expect(watch.bars.map((bar) => bar.label)).to.include('Upload of passport.jpg');
    const [stored] = draftFiles(step, 'documentIdFile');
    expect(stored).to.deep.include({ name: 'passport.jpg', size: file.size, type: 'image/jpeg' });
    expect(stored?.key).to.match(/^\d+\/[A-Za-z0-9/]+$/);
    expect(step.tickets).to.deep.equal(['documentIdFile']);
    // The row of the uploaded file: preview with a text alternative, name and size, "Uploaded", Remove.
    expect(row(step)).to.equal(null);
    const uploaded = step.root.querySelector('li.file') as HTMLElement;
    const preview = uploaded.querySelector('img') as HTMLImageElement;
    expect(preview.alt).to.equal('Preview of passport.jpg');
    expect(preview.src).to.match(/^blob:/);
    expect(urls.created).to.deep.equal([preview.src]);
    await until(() => preview.complete && preview.naturalWidth > 0, WAIT_MS, 'the preview to decode');
    expect(preview.naturalWidth).to.equal(1000);
    expect(text(uploaded.querySelector('.file-name'))).to.equal(`passport.jpg (${formatFileSize(file.size, 'en')})`);
    expect(text(uploaded.querySelector('.file-status'))).to.equal('Uploaded');
    expect(buttonsOf(uploaded)).to.deep.equal(['Remove | Remove passport.jpg']);
    expect(step.announcements).to.deep.equal(['passport.jpg: Uploaded']);
    // The single file can now be replaced.
    expect(text(step.root.querySelector('label[for="documentIdFile"]'))).to.equal('Replace');
    expect(step.root.getElementById('documentIdFile')?.getAttribute('aria-label')).to.equal('Replace ID document');
  });

  it('shows the percentage sent while a large file uploads', async () => {
    step = await mountDocuments();
    const watch = watchRows(step);
    choose(step, 'selfieFile', [fakeFile('image/png', 6 * 1024 * 1024, 'selfie.png')]);
    await until(() => draftFiles(step!, 'selfieFile').length === 1, WAIT_MS, 'the upload');
    watch.stop();
    const percents = watch.statuses.filter((status) => /^\d+% uploaded$/.test(status));
    expect(percents.length).to.be.greaterThan(0);
    // The bar measures bytes once they flow (before, it is indeterminate while the form is fetched).
    expect(watch.bars.some((bar) => bar.max !== null && Number(bar.max) > 6 * 1024 * 1024)).to.equal(true);
  });

  it('explains a file too small or of the wrong type in words, before any upload', async () => {
    step = await mountDocuments();
    const small = await photo('tiny.jpg', 120, 90);
    expect(small.size).to.be.below(200 * 1024);
    choose(step, 'documentIdFile', [small]);
    await until(() => row(step!, 'failed') !== null, WAIT_MS, 'the check');
    await step.update();
    const failed = row(step, 'failed') as HTMLElement;
    const error = failed.querySelector('p.error') as HTMLElement;
    expect(text(error)).to.match(/^This file is too small \(\d+\u00a0kB\): it must be at least 200\u00a0kB\. A sharper photo or scan will do\.$/i);
    expect(error.id).to.equal(`${failed.id}-error`);
    // The same bytes would fail again: no Retry, only Remove.
    expect(buttonsOf(failed)).to.deep.equal(['Remove | Remove tiny.jpg']);
    expect(step.announcements).to.have.length(1);
    expect(step.announcements[0]).to.match(/^tiny\.jpg: This file is too small/);

    // A text file renamed .pdf: its bytes say what it is. It replaces the failed choice.
    const renamed = new File(['Not a PDF at all. '.repeat(20_000)], 'scan.pdf', { type: 'application/pdf' });
    choose(step, 'documentIdFile', [renamed]);
    await until(() => text(row(step!, 'failed')?.querySelector('.file-name')).startsWith('scan.pdf'), WAIT_MS, 'the second check');
    await step.update();
    expect(step.root.querySelectorAll('li.file')).to.have.length(1);
    expect(text(row(step, 'failed')?.querySelector('p.error'))).to.equal(step.form.messages.fieldErrors.file_type);
    expect(step.tickets).to.deep.equal([]);
    expect(draftFiles(step, 'documentIdFile')).to.deep.equal([]);

    // Remove forgets it and puts the focus back on the chooser.
    (row(step, 'failed')?.querySelector('button') as HTMLButtonElement).click();
    await step.update();
    await step.update();
    expect(step.root.querySelector('li.file')).to.equal(null);
    expect(step.root.activeElement?.id).to.equal('documentIdFile');
  });

  it('cancels an upload under way, stores nothing, and sends it on Retry', async () => {
    const cancelOnProgress = { armed: true, buttons: [] as string[] };
    step = await mountDocuments({
      controller: {
        // The real upload, with the investor pressing Cancel as soon as bytes are on their way.
        attempt: (ticket, file, options) =>
          uploadToS3(ticket, file, {
            ...options,
            onProgress: (progress) => {
              options.onProgress?.(progress);
              if (!cancelOnProgress.armed) return;
              cancelOnProgress.armed = false;
              cancelOnProgress.buttons = buttonsOf(row(step!));
              (step!.root.querySelector('li.file button[id$="-cancel"]') as HTMLButtonElement).click();
            },
          }),
      },
    });
    choose(step, 'documentIdFile', [fakeFile('image/jpeg', 19 * 1024 * 1024, 'large.jpg')]);
    await until(() => row(step!, 'cancelled') !== null, WAIT_MS, 'the cancel');
    await step.update();
    await step.update();
    const cancelled = row(step, 'cancelled') as HTMLElement;
    expect(cancelOnProgress.armed).to.equal(false);
    expect(cancelOnProgress.buttons).to.deep.equal(['Cancel upload | Cancel upload of large.jpg']);
    expect(buttonsOf(cancelled)).to.deep.equal(['Try again | Try again with large.jpg', 'Remove | Remove large.jpg']);
    expect(text(cancelled.querySelector('.file-status'))).to.equal('Upload cancelled.');
    expect(step.announcements).to.deep.equal(['large.jpg: Upload cancelled.']);
    expect(draftFiles(step, 'documentIdFile')).to.deep.equal([]);
    // The focus goes to Retry, which replaced the Cancel button it was on.
    expect(step.root.activeElement?.id).to.equal(`${cancelled.id}-retry`);

    (step.root.activeElement as HTMLButtonElement).click();
    await until(() => draftFiles(step!, 'documentIdFile').length === 1, WAIT_MS, 'the retried upload');
    expect(draftFiles(step, 'documentIdFile')[0]?.name).to.equal('large.jpg');
    expect(step.tickets).to.deep.equal(['documentIdFile', 'documentIdFile']);
  });

  it('retries a dropped connection with backoff, says so, and offers Retry once the tries run out', async () => {
    const { closedUrl } = await backendInfo();
    const network = { failures: 3 };
    step = await mountDocuments({
      controller: {
        baseDelayMs: 1,
        // A port nothing listens on: real connection failures, as many as the test wants.
        attempt: (ticket, file, options) => {
          if (network.failures === 0) return uploadToS3(ticket, file, options);
          network.failures -= 1;
          return uploadToS3({ ...ticket, url: closedUrl }, file, options);
        },
      },
    });
    const watch = watchRows(step);
    choose(step, 'documentIdFile', [pdfFile(220 * 1024, 'passport.pdf')]);
    await until(() => row(step!, 'failed') !== null, WAIT_MS, 'the failure');
    await step.update();
    watch.stop();
    expect(watch.states).to.include.members(['uploading', 'retrying']);
    expect(watch.statuses).to.include.members(['The connection dropped. Trying again (2 of 3)…', 'The connection dropped. Trying again (3 of 3)…']);
    const failed = row(step, 'failed') as HTMLElement;
    expect(text(failed.querySelector('p.error'))).to.equal('The upload did not go through. Please try again.');
    expect(step.announcements).to.deep.equal(['passport.pdf: The upload did not go through. Please try again.']);
    // A PDF has no preview, its type instead.
    expect(failed.querySelector('img')).to.equal(null);
    expect(text(failed.querySelector('.thumb'))).to.equal('PDF');

    (failed.querySelector(`#${failed.id}-retry`) as HTMLButtonElement).click();
    await until(() => draftFiles(step!, 'documentIdFile').length === 1, WAIT_MS, 'the retried upload');
    await step.update();
    expect(step.root.querySelector('li.file[data-state]')).to.equal(null);
    expect(draftFiles(step, 'documentIdFile')[0]).to.deep.include({ name: 'passport.pdf', type: 'application/pdf' });
  });

  it('gets a fresh upload form when S3 says the first one expired, and says so meanwhile', async () => {
    step = await mountDocuments();
    const request = step.form.requestUploadTicket.bind(step.form);
    const renewing: string[] = [];
    let calls = 0;
    step.form.requestUploadTicket = async (field, contentType) => {
      calls += 1;
      if (calls === 1) {
        // The first form outlives its 15 minutes at S3; the fresh one is asked for in the present.
        await setS3Clock(16 * 60 * 1000);
      } else {
        await setS3Clock(0);
        await step!.update();
        renewing.push(text(row(step!)?.querySelector('.file-status')));
      }
      return request(field, contentType);
    };
    choose(step, 'selfieFile', [await photo('selfie.jpg')]);
    await until(() => draftFiles(step!, 'selfieFile').length === 1, WAIT_MS, 'the upload');
    expect(step.tickets).to.deep.equal(['selfieFile', 'selfieFile']);
    expect(renewing).to.deep.equal(['The upload link expired. Getting a new one…']);
  });

  it('explains in words a file that storage refuses', async () => {
    // A configuration that lets a 150 KB file past the browser's check: S3 still holds its 200 KB floor.
    step = await mountDocuments({ config: (config) => ({ ...config, uploads: { ...config.uploads, minBytes: 100 * 1024 } }) });
    choose(step, 'documentIdFile', [fakeFile('image/jpeg', 150 * 1024, 'small.jpg')]);
    await until(() => row(step!, 'failed') !== null, WAIT_MS, 'the refusal');
    await step.update();
    expect(step.tickets).to.deep.equal(['documentIdFile']);
    expect(text(row(step, 'failed')?.querySelector('p.error'))).to.match(/^This file is too small \(150\u00a0kB\)/i);
    expect(buttonsOf(row(step, 'failed'))).to.deep.equal(['Remove | Remove small.jpg']);
  });

  it('shrinks a photo over the size limit in the browser, then uploads it', async () => {
    const maxBytes = 500 * 1024;
    step = await mountDocuments({ config: (config) => ({ ...config, uploads: { ...config.uploads, maxBytes } }) });
    const big = await photo('passport.jpeg', 1600, 1200, 1);
    expect(big.size).to.be.above(maxBytes);
    const watch = watchRows(step);
    choose(step, 'documentIdFile', [big]);
    await until(() => draftFiles(step!, 'documentIdFile').length === 1, WAIT_MS * 2, 'the upload');
    watch.stop();
    expect(watch.states).to.include.ordered.members(['checking', 'resizing', 'uploading']);
    expect(watch.statuses).to.include.ordered.members(['Checking the file…', 'Making the photo smaller…']);
    const [stored] = draftFiles(step, 'documentIdFile');
    expect(stored?.name).to.equal('passport.jpg');
    expect(stored?.size).to.be.within(200 * 1024, maxBytes);
  });

  it('removes an uploaded file from the draft, revokes its preview and puts the focus on the chooser', async () => {
    step = await mountDocuments();
    choose(step, 'documentIdFile', [await photo('front.jpg')]);
    await until(() => draftFiles(step!, 'documentIdFile').length === 1, WAIT_MS, 'the first upload');
    await step.update();
    const firstPreview = step.root.querySelector<HTMLImageElement>('li.file img')?.src;
    // Replacing: the new file takes the place of the old one, whose preview is let go.
    choose(step, 'documentIdFile', [await photo('back.jpg', 900, 700)]);
    await until(() => draftFiles(step!, 'documentIdFile')[0]?.name === 'back.jpg', WAIT_MS, 'the replacement');
    await step.update();
    expect(draftFiles(step, 'documentIdFile')).to.have.length(1);
    expect(urls.revoked).to.deep.equal([firstPreview]);
    const preview = step.root.querySelector<HTMLImageElement>('li.file img')?.src;

    (step.root.querySelector('li.file button') as HTMLButtonElement).click();
    await step.update();
    await step.update();
    expect(draftFiles(step, 'documentIdFile')).to.deep.equal([]);
    expect(step.root.querySelector('li.file')).to.equal(null);
    expect(urls.revoked).to.deep.equal([firstPreview, preview]);
    expect(step.root.activeElement?.id).to.equal('documentIdFile');
    expect(text(step.root.querySelector('label[for="documentIdFile"]'))).to.equal('Choose a file');
  });

  it('shows the files uploaded before a reload, from the draft', async () => {
    const storage = memoryStorage();
    step = await mountDocuments({ storage });
    choose(step, 'selfieFile', [await photo('selfie.jpg')]);
    await until(() => draftFiles(step!, 'selfieFile').length === 1, WAIT_MS, 'the upload');
    const stored = draftFiles(step, 'selfieFile')[0];
    step.remove();

    step = await mountDocuments({ storage });
    const uploaded = step.root.querySelector('li.file') as HTMLElement;
    expect(text(uploaded.querySelector('.file-name'))).to.equal(`selfie.jpg (${formatFileSize(stored?.size ?? 0, 'en')})`);
    expect(text(uploaded.querySelector('.file-status'))).to.equal('Uploaded');
    // The bytes were never stored: no preview after a reload, the type instead.
    expect(uploaded.querySelector('img')).to.equal(null);
    expect(text(uploaded.querySelector('.thumb'))).to.equal('JPG');
    expect(text(step.root.querySelector('label[for="selfieFile"]'))).to.equal('Replace');
    step.form.checkStep('documents');
    await step.update();
    expect(step.root.getElementById('selfieFile-error')).to.equal(null);
    expect(text(step.root.getElementById('documentIdFile-error'))).to.equal('This information is required.');
    expect(step.root.getElementById('documentIdFile')?.getAttribute('aria-invalid')).to.equal('true');
    expect(step.root.getElementById('documentIdFile')?.getAttribute('aria-describedby')).to.equal('documentIdFile-hint documentIdFile-requirements documentIdFile-error');
  });

  it('asks for a proof of residence only for a nationality that needs one', async () => {
    step = await mountDocuments();
    const needing = step.config.nationalities.find((choice) => choice.needsResidenceProof === true);
    const notNeeding = step.config.nationalities.find((choice) => choice.needsResidenceProof !== true);
    expect(needing?.value).to.equal('INDIAN');
    step.form.setAnswer('nationality', needing!.value);
    await step.update();
    const input = step.root.getElementById('residenceProofFile');
    expect(input).to.not.equal(null);
    expect(text(input?.closest('fieldset')?.querySelector('legend'))).to.equal('Proof of residence');
    expect(text(step.root.getElementById('residenceProofFile-hint'))).to.equal(step.form.messages.documents.residenceProofHint);
    choose(step, 'residenceProofFile', [pdfFile(210 * 1024, 'bill.pdf')]);
    await until(() => draftFiles(step!, 'residenceProofFile').length === 1, WAIT_MS, 'the upload');

    // Another nationality: the proof uploaded would still be sent, so it stays in view, optional, until removed.
    step.form.setAnswer('nationality', notNeeding!.value);
    await step.update();
    const legend = step.root.getElementById('residenceProofFile')?.closest('fieldset')?.querySelector('legend');
    expect(text(legend)).to.equal('Proof of residence (optional)');
    (legend?.closest('fieldset')?.querySelector('li.file button') as HTMLButtonElement).click();
    await step.update();
    expect(draftFiles(step, 'residenceProofFile')).to.deep.equal([]);
    expect(step.root.getElementById('residenceProofFile')).to.equal(null);
  });

  it('takes up to the allowed number of investor proofs after a "yes", and drops them after a "no"', async () => {
    step = await mountDocuments();
    const [yes, no] = [...step.root.querySelectorAll<HTMLInputElement>('input[name="accreditedInvestor"]')];
    yes!.click();
    await step.update();
    const input = step.root.getElementById('investorProofFiles') as HTMLInputElement;
    expect(input.multiple).to.equal(true);
    expect(text(input.closest('fieldset')?.querySelector('legend'))).to.equal('Accredited investor proofs (optional)');
    choose(step, 'investorProofFiles', [pdfFile(210 * 1024, 'one.pdf'), await photo('two.jpg'), pdfFile(210 * 1024, 'three.pdf')]);
    await until(() => draftFiles(step!, 'investorProofFiles').length === 2, WAIT_MS, 'two uploads');
    await step.update();
    expect(draftFiles(step, 'investorProofFiles').map((file) => file.name).sort()).to.deep.equal(['one.pdf', 'two.jpg']);
    expect(text(row(step, 'failed')?.querySelector('p.error'))).to.equal('You can add at most 2 files.');
    expect(text(row(step, 'failed')?.querySelector('.file-name'))).to.match(/^three\.pdf/);
    expect(step.tickets).to.deep.equal(['investorProofFiles', 'investorProofFiles']);
    // Full: no more chooser, and Retry cannot get past the limit either.
    expect(step.root.getElementById('investorProofFiles')).to.equal(null);
    expect(row(step, 'failed')?.querySelector('button[id$="-retry"]')).to.equal(null);

    no!.click();
    await step.update();
    expect(draftFiles(step, 'investorProofFiles')).to.deep.equal([]);
    expect(step.root.querySelector('li.file')).to.equal(null);
    expect(urls.revoked).to.have.members(urls.created);
    expect(urls.created).to.have.length(1);
  });

  it('starts from "yes" when proofs are in the draft, and asks straight away when the sale requires them', async () => {
    step = await mountDocuments();
    step.form.setFiles('investorProofFiles', [{ key: '1/kyc/proof', name: 'proof.pdf', size: 300_000, type: 'application/pdf' }]);
    await step.update();
    expect(step.root.querySelector<HTMLInputElement>('input[value="yes"]')?.checked).to.equal(true);
    expect(text(step.root.querySelector('label[for="investorProofFiles"]'))).to.equal('Add another document');
    step.remove();

    const requireProofs = (config: SaleConfig): SaleConfig => ({ ...config, rules: { ...config.rules, required: [...config.rules.required, 'investorProofFiles'] } });
    step = await mountDocuments({ config: requireProofs });
    expect(step.root.querySelector('input[type="radio"]')).to.equal(null);
    expect(step.root.getElementById('investorProofFiles')?.getAttribute('aria-describedby')).to.equal('investorProofFiles-hint investorProofFiles-requirements');
    const legend = step.root.getElementById('investorProofFiles')?.closest('fieldset')?.querySelector('legend');
    expect(text(legend)).to.equal('Accredited investor proofs');
    expect(text(step.root.getElementById('investorProofFiles-hint'))).to.equal('If so, add up to 2 documents that prove it.');
  });

  it('offers the camera on touch devices: the back camera for the document, the front one for the selfie', async () => {
    const realMatchMedia = window.matchMedia;
    window.matchMedia = (query: string) => (query === '(pointer: coarse)' ? ({ matches: true, media: query } as MediaQueryList) : realMatchMedia.call(window, query));
    restoreMatchMedia = () => {
      window.matchMedia = realMatchMedia;
    };
    step = await mountDocuments();
    const documentCamera = step.root.getElementById('documentIdFile-camera') as HTMLInputElement;
    const selfieCamera = step.root.getElementById('selfieFile-camera') as HTMLInputElement;
    expect(documentCamera.getAttribute('capture')).to.equal('environment');
    expect(selfieCamera.getAttribute('capture')).to.equal('user');
    expect(selfieCamera.accept).to.equal('image/jpeg,image/png');
    expect(documentCamera.getAttribute('aria-label')).to.equal('Take a photo for ID document');
    expect(selfieCamera.getAttribute('aria-label')).to.equal('Take a photo for Selfie with your ID document');
    expect(text(step.root.querySelector('label[for="selfieFile-camera"]'))).to.equal('Take a photo');
    choose(step, 'selfieFile-camera', [await photo('IMG_0001.jpg')]);
    await until(() => draftFiles(step!, 'selfieFile').length === 1, WAIT_MS, 'the upload');
    expect(draftFiles(step, 'selfieFile')[0]?.name).to.equal('IMG_0001.jpg');
  });

  it('takes files dropped onto the field', async () => {
    step = await mountDocuments();
    const fieldset = step.root.getElementById('documentIdFile')?.closest('fieldset') as HTMLFieldSetElement;
    const transfer = new DataTransfer();
    transfer.items.add(await photo('dropped.jpg', 100, 80));
    const over = new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true });
    fieldset.dispatchEvent(over);
    expect(over.defaultPrevented).to.equal(true);
    fieldset.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    await until(() => row(step!, 'failed') !== null, WAIT_MS, 'the check');
    expect(text(row(step, 'failed')?.querySelector('.file-name'))).to.match(/^dropped\.jpg/);
  });

  it('aborts its uploads and lets go of its previews when the element leaves the page', async () => {
    const outcome: string[] = [];
    step = await mountDocuments({
      controller: {
        attempt: (ticket, file, options) => {
          const sent = uploadToS3(ticket, file, {
            ...options,
            onProgress: (progress) => {
              options.onProgress?.(progress);
              if (outcome.length === 0) {
                outcome.push('sending');
                step!.remove();
              }
            },
          });
          sent.then(
            () => outcome.push('uploaded'),
            (error: unknown) => outcome.push(error instanceof UploadError ? error.kind : 'other'),
          );
          return sent;
        },
      },
    });
    const draft = step.draft;
    choose(step, 'documentIdFile', [fakeFile('image/jpeg', 19 * 1024 * 1024, 'large.jpg')]);
    await until(() => outcome.length === 2, WAIT_MS, 'the upload to end');
    expect(outcome).to.deep.equal(['sending', 'aborted']);
    expect(draft.load()?.files['documentIdFile'] ?? []).to.deep.equal([]);
    expect(urls.created).to.have.length(1);
    expect(urls.revoked).to.deep.equal(urls.created);
    step = undefined;
  });

  it('can be used with the keyboard alone, with the focus visible on the chooser', async () => {
    step = await mountDocuments();
    step.form.setFiles('documentIdFile', [{ key: '1/kyc/front', name: 'front.jpg', size: 300_000, type: 'image/jpeg' }]);
    await step.update();
    const remove = step.root.querySelector('li.file button') as HTMLButtonElement;
    remove.focus();
    await sendKeys({ press: 'Tab' });
    expect(step.root.activeElement?.id).to.equal('documentIdFile');
    expect(getComputedStyle(step.root.querySelector('label[for="documentIdFile"]') as Element).outlineStyle).to.equal('solid');
    await sendKeys({ press: 'Tab' });
    expect(step.root.activeElement?.id).to.equal('selfieFile');
    await sendKeys({ press: 'Tab' });
    expect((step.root.activeElement as HTMLInputElement).value).to.equal('yes');
    await sendKeys({ press: 'Space' });
    await step.update();
    await sendKeys({ press: 'Tab' });
    expect(step.root.activeElement?.id).to.equal('investorProofFiles');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ press: 'ArrowRight' });
    await step.update();
    expect((step.root.activeElement as HTMLInputElement).value).to.equal('no');
    expect(step.root.getElementById('investorProofFiles')).to.equal(null);

    remove.focus();
    await sendKeys({ press: 'Enter' });
    await step.update();
    await step.update();
    expect(draftFiles(step, 'documentIdFile')).to.deep.equal([]);
    expect(step.root.activeElement?.id).to.equal('documentIdFile');
  });

  describe('passes axe-core', () => {
    /** Every kind of row: an uploaded file, a failed check, the investor proofs open, an error on a field. */
    async function fillRows(target: Mounted): Promise<void> {
      target.form.setFiles('documentIdFile', [{ key: '1/kyc/front', name: 'a-rather-long-passport-scan-name-from-a-phone-camera-2024.jpg', size: 3_400_000, type: 'image/jpeg' }]);
      choose(target, 'selfieFile', [await photo('tiny.jpg', 120, 90)]);
      await until(() => row(target, 'failed') !== null, WAIT_MS, 'the check');
      target.controller.setInvestorAnswer('yes');
      target.form.checkStep('documents');
      await target.update();
      expect(target.root.getElementById('investorProofFiles')).to.not.equal(null);
    }

    it('in the light theme', async () => {
      step = await mountDocuments();
      await fillRows(step);
      step.element.setAttribute('theme', 'light');
      await expectAccessible(step);
    });

    it('in the dark theme on a phone, nothing wider than the screen', async () => {
      step = await mountDocuments({ width: 320 });
      await fillRows(step);
      step.element.setAttribute('theme', 'dark');
      await step.update();
      expect(step.element.scrollWidth).to.be.at.most(320);
      await expectAccessible(step);
    });

    it('in Arabic, right to left', async () => {
      step = await mountDocuments({ locale: 'ar', dir: 'rtl' });
      const { messages } = step.form;
      expect(text(step.root.querySelector('label[for="documentIdFile"]'))).to.equal(messages.documents.chooseFile);
      expect(step.root.getElementById('documentIdFile')?.getAttribute('aria-label')).to.contain(messages.fields.documentIdFile);
      await fillRows(step);
      expect(text(row(step, 'failed')?.querySelector('p.error'))).to.not.match(/[A-Za-z]{4}/);
      await expectAccessible(step);
      step.element.setAttribute('theme', 'dark');
      await step.update();
      await expectAccessible(step);
    });
  });
});
