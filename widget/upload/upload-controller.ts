/**
 * The uploads of one element, as a Lit reactive controller: every file the investor chose, from the
 * check of its bytes to its storage key in the draft. A file goes through
 * `checking` → (`resizing`, for a photo over the size limit) → `uploading` (with `retrying` after a dropped
 * connection and `renewing` when its form expired) → `done`, or ends `failed` (with the reason) or
 * `cancelled`. Only the storage keys reach the draft (`host.setFiles`); the bytes stay in memory for a
 * retry and are never stored.
 *
 * One controller per element ({@link uploadControllerFor}): uploads in flight are aborted when the element
 * leaves the page or its signal aborts, and the object URLs of the previews are revoked when their file is
 * removed, replaced or dismissed, so nothing leaks.
 */
import type { ReactiveController } from 'lit';
import { isApiError } from '../api/api-error.js';
import type { FileField, UploadContentType } from '../api/proxy-types.js';
import type { StepHost } from '../flow/step-host.js';
import { errorText, fieldErrorText, type FieldProblem } from '../i18n/error-text.js';
import { format } from '../i18n/format.js';
import { checkFile } from './file-check.js';
import { fitImage } from './image-downscale.js';
import { UploadError } from './upload-error.js';
import { uploadWithRetry, type RetryUploadOptions } from './upload-with-retry.js';

/** Where one file's upload stands. */
export type UploadState = 'checking' | 'resizing' | 'uploading' | 'retrying' | 'renewing' | 'done' | 'failed' | 'cancelled';

/**
 * Why a file did not reach storage, kept untranslated so a change of language redraws it: a rule of the
 * file (the checks before upload, the storage's size and type refusals, one proof too many), or a code
 * (`upload_failed` when the retries ran out or storage refused for another reason, else the proxy's error
 * code when no upload form could be had).
 */
export type UploadFailure = { problem: FieldProblem } | { code: string };

/** One file chosen for a file field. */
export interface UploadItem {
  /** Unique within the element; also the id of the file's row. */
  readonly id: string;
  readonly field: FileField;
  /** The name and size sent (a downscaled photo's, once resized). */
  readonly name: string;
  readonly size: number;
  /** The type read from its bytes once checked (the browser's guess before). */
  readonly type: string;
  readonly state: UploadState;
  /** Bytes of the request sent so far and in all (0 until the first progress event). */
  readonly loaded: number;
  readonly total: number;
  /** The try under way while `retrying`, out of `maxAttempts`. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly error?: UploadFailure;
  /** An object URL of the photo, for its preview (images only). */
  readonly previewUrl?: string;
  /** The storage key, once `done`. */
  readonly key?: string;
}

/** The investor's answer to the accredited-investor question, when given. */
export type InvestorAnswer = 'yes' | 'no';

/** The uploads of one element. */
export interface UploadController extends ReactiveController {
  /** The files chosen for `field` in this page's life, in the order chosen (`done` ones included). */
  items(field: FileField): readonly UploadItem[];
  /** Check and upload `files` for `field`; a single-file field takes the first and replaces its file. */
  add(field: FileField, files: readonly File[]): Promise<void>;
  /** Stop the upload `id`; its file is kept for a retry. */
  cancel(id: string): void;
  /** Upload `id` again (after a failure that a new try can fix, or a cancel). */
  retry(id: string): Promise<void>;
  /** Forget the failed or cancelled file `id`. */
  dismiss(id: string): void;
  /** Drop the uploaded file `key` from `field` in the draft. */
  remove(field: FileField, key: string): void;
  /** The preview of the uploaded file `key`, while its bytes are still in memory. */
  previewOf(key: string): string | undefined;
  /** The answer to the accredited-investor question given on this page, if any (not a KYC field). */
  investorAnswer(): InvestorAnswer | undefined;
  /** Record that answer; "no" cancels and drops the investor proofs, which would otherwise be submitted. */
  setInvestorAnswer(answer: InvestorAnswer): void;
}

/** Options of {@link uploadControllerFor} (read when the element's controller is created). */
export type UploadControllerOptions = Pick<RetryUploadOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs' | 'attempt' | 'stallTimeoutMs'>;

/** The investor proofs are the only field with several files. */
const MULTI_FILE_FIELD: FileField = 'investorProofFiles';
const DEFAULT_ATTEMPTS = 3;
const IN_FLIGHT: ReadonlySet<UploadState> = new Set(['checking', 'resizing', 'uploading', 'retrying', 'renewing']);
const PREVIEWABLE: ReadonlySet<string> = new Set(['image/jpeg', 'image/png']);

/** A file's state and what the controller keeps about it but does not show. */
interface Entry {
  item: { -readonly [key in keyof UploadItem]: UploadItem[key] };
  /** The bytes to send (downscaled once resized), kept for a retry. */
  file: File;
  abort?: AbortController;
}

const controllers = new WeakMap<HTMLElement, { controller: UploadController; setHost(host: StepHost): void }>();

/** The text of `failure` in the investor's language. */
export function uploadFailureText(host: Pick<StepHost, 'messages' | 'locale' | 'config'>, failure: UploadFailure): string {
  if ('problem' in failure) return fieldErrorText(host.messages, failure.problem, host.locale, host.config.uploads);
  return failure.code === 'upload_failed' ? host.messages.uploads.failed : errorText(host.messages, failure.code);
}

/** What storage's refusal means for the investor: a rule of the file where one applies. */
function failureOf(error: unknown, item: UploadItem): UploadFailure {
  if (isApiError(error)) return { code: error.code };
  if (error instanceof UploadError && error.kind === 'rejected') {
    const rule = error.s3Code === 'EntityTooSmall' ? 'too_small' : error.s3Code === 'EntityTooLarge' ? 'too_large' : error.s3Code === 'AccessDenied' ? 'file_type' : undefined;
    if (rule !== undefined) return { problem: { field: item.field, rule, params: { size: item.size } } };
  }
  return { code: 'upload_failed' };
}

function isAborted(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof UploadError && error.kind === 'aborted') || isApiError(error, 'aborted');
}

/**
 * The upload controller of `host.element`, created and attached on first use. A different `host` for the
 * same element (another investor signed in) cancels the uploads of the previous one.
 */
export function uploadControllerFor(host: StepHost, options: UploadControllerOptions = {}): UploadController {
  let known = controllers.get(host.element);
  if (known === undefined) {
    known = createUploadController(host, options);
    controllers.set(host.element, known);
    host.element.addController(known.controller);
  }
  known.setHost(host);
  return known.controller;
}

function createUploadController(initialHost: StepHost, options: UploadControllerOptions): { controller: UploadController; setHost(host: StepHost): void } {
  let host = initialHost;
  let entries: Entry[] = [];
  let counter = 0;
  let investor: InvestorAnswer | undefined;
  const maxAttempts = options.attempts ?? DEFAULT_ATTEMPTS;

  const update = (): void => host.element.requestUpdate();
  const isMulti = (field: FileField): boolean => field === MULTI_FILE_FIELD;
  const find = (id: string): Entry | undefined => entries.find((entry) => entry.item.id === id);
  const say = (item: UploadItem, text: string): void => host.announce(format(host.messages.common.fieldError, { field: item.name, message: text }, host.locale));

  const revoke = (entry: Entry): void => {
    if (entry.item.previewUrl !== undefined) URL.revokeObjectURL(entry.item.previewUrl);
    delete entry.item.previewUrl;
  };
  const drop = (dropped: (entry: Entry) => boolean): void => {
    entries = entries.filter((entry) => {
      if (!dropped(entry)) return true;
      entry.abort?.abort();
      revoke(entry);
      return false;
    });
  };
  /** Stop every upload in flight without a word (the element is going, or the investor changed). */
  const abortAll = (): void => {
    for (const entry of entries) {
      if (entry.abort === undefined) continue;
      entry.abort.abort();
      entry.item.state = 'cancelled';
    }
  };
  const fail = (entry: Entry, failure: UploadFailure): void => {
    entry.item.state = 'failed';
    entry.item.error = failure;
    say(entry.item, uploadFailureText(host, failure));
    update();
  };
  /** Free places for more investor proofs (the uploaded ones and those on their way count). */
  const freeSlots = (field: FileField): number => {
    if (!isMulti(field)) return 1;
    const coming = entries.filter((entry) => entry.item.field === field && IN_FLIGHT.has(entry.item.state)).length;
    return host.config.uploads.maxInvestorProofs - host.files(field).length - coming;
  };

  const finish = (entry: Entry, key: string): void => {
    const { item } = entry;
    const uploaded = { key, name: item.name, size: item.size, type: item.type };
    if (isMulti(item.field)) {
      host.setFiles(item.field, [...host.files(item.field).filter((file) => file.key !== key), uploaded]);
    } else {
      // The new file replaces the field's previous one, whose preview goes with it.
      drop((other) => other !== entry && other.item.field === item.field && other.item.state === 'done');
      host.setFiles(item.field, [uploaded]);
    }
    item.state = 'done';
    item.key = key;
    say(item, host.messages.uploads.uploaded);
    update();
  };

  const run = async (entry: Entry): Promise<void> => {
    const { item } = entry;
    const abort = new AbortController();
    const { signal } = abort;
    const stop = (): void => abort.abort();
    // The signal of the host that started it, should another investor's form replace this one meanwhile.
    const hostSignal = host.signal;
    if (hostSignal.aborted) {
      item.state = 'cancelled';
      return;
    }
    hostSignal.addEventListener('abort', stop, { once: true });
    entry.abort = abort;
    Object.assign(item, { state: 'checking', loaded: 0, total: 0, attempt: 1 });
    delete item.error;
    update();
    try {
      const limits = host.config.uploads;
      let file = entry.file;
      let checked = await checkFile(file, limits);
      if (item.previewUrl === undefined && checked.contentType !== undefined && PREVIEWABLE.has(checked.contentType)) item.previewUrl = URL.createObjectURL(file);
      if (!checked.ok && checked.rule === 'too_large' && checked.contentType !== undefined && PREVIEWABLE.has(checked.contentType)) {
        item.state = 'resizing';
        update();
        // A photo that cannot be decoded stays as it is: the check below then says it is too large.
        const fitted = await fitImage(file, limits.maxBytes).catch(() => file);
        file = fitted instanceof File ? fitted : new File([fitted], item.name, { type: fitted.type });
        checked = await checkFile(file, limits);
      }
      if (signal.aborted) throw new UploadError('aborted', 'The upload was cancelled.');
      if (!checked.ok) return fail(entry, { problem: { field: item.field, rule: checked.rule, params: { size: file.size } } });
      entry.file = file;
      const contentType: UploadContentType = checked.contentType;
      Object.assign(item, { name: file.name, size: file.size, type: contentType, state: 'uploading' });
      update();
      const uploaded = await uploadWithRetry(
        () => host.requestUploadTicket(item.field, contentType),
        file,
        {
          ...options,
          attempts: maxAttempts,
          signal,
          onProgress: ({ loaded, total }) => {
            Object.assign(item, { loaded, total, state: 'uploading' });
            update();
          },
          onRetry: ({ reason }) => {
            if (reason === 'network') item.attempt += 1;
            item.state = reason === 'network' ? 'retrying' : 'renewing';
            update();
          },
        },
      );
      if (!signal.aborted) finish(entry, uploaded.key);
    } catch (error) {
      if (isAborted(error, signal)) {
        item.state = 'cancelled';
        update();
      } else fail(entry, failureOf(error, item));
    } finally {
      hostSignal.removeEventListener('abort', stop);
      if (entry.abort === abort) delete entry.abort;
    }
  };

  const tooMany = (entry: Entry): void =>
    fail(entry, { problem: { field: entry.item.field, rule: 'too_many_files', params: { max: host.config.uploads.maxInvestorProofs } } });

  const controller: UploadController = {
    hostDisconnected() {
      abortAll();
      for (const entry of entries) revoke(entry);
    },
    items: (field) => entries.filter((entry) => entry.item.field === field).map((entry) => entry.item),
    add(field, files) {
      const chosen = isMulti(field) ? [...files] : files.slice(0, 1);
      // A single-file field shows the latest choice only: an earlier attempt is superseded.
      if (!isMulti(field) && chosen.length > 0) drop((entry) => entry.item.field === field && entry.item.state !== 'done');
      let slots = freeSlots(field);
      const runs = chosen.map((file) => {
        counter += 1;
        const entry: Entry = {
          file,
          item: { id: `upload-${counter}`, field, name: file.name, size: file.size, type: file.type, state: 'checking', loaded: 0, total: 0, attempt: 1, maxAttempts },
        };
        entries.push(entry);
        // The proofs beyond the limit are the last ones chosen.
        if (slots <= 0) return tooMany(entry);
        slots -= 1;
        return run(entry);
      });
      update();
      return Promise.all(runs).then(() => undefined);
    },
    cancel(id) {
      const entry = find(id);
      if (entry?.abort === undefined) return;
      entry.abort.abort();
      entry.item.state = 'cancelled';
      say(entry.item, host.messages.uploads.cancelled);
      update();
    },
    retry(id) {
      const entry = find(id);
      if (entry === undefined || entry.abort !== undefined || (entry.item.state !== 'failed' && entry.item.state !== 'cancelled')) return Promise.resolve();
      if (freeSlots(entry.item.field) <= 0) return Promise.resolve(tooMany(entry));
      return run(entry);
    },
    dismiss(id) {
      drop((entry) => entry.item.id === id && entry.item.state !== 'done');
      update();
    },
    remove(field, key) {
      host.setFiles(field, host.files(field).filter((file) => file.key !== key));
      drop((entry) => entry.item.field === field && entry.item.key === key);
      update();
    },
    previewOf: (key) => entries.find((entry) => entry.item.key === key)?.item.previewUrl,
    investorAnswer: () => investor,
    setInvestorAnswer(answer) {
      investor = answer;
      if (answer === 'no') {
        drop((entry) => entry.item.field === MULTI_FILE_FIELD);
        if (host.files(MULTI_FILE_FIELD).length > 0) host.setFiles(MULTI_FILE_FIELD, []);
      }
      update();
    },
  };

  return {
    controller,
    setHost(next) {
      if (next === host) return;
      abortAll();
      for (const entry of entries) revoke(entry);
      entries = [];
      investor = undefined;
      host = next;
    },
  };
}
