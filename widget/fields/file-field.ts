/**
 * One file field of the form: its label, hint and requirements, a button to choose a file (and, on touch
 * devices, one to take a photo with the camera), and the list of its files, each with a preview, a
 * progress bar while it uploads, and what can be done with it (cancel, retry, remove, replace). Files
 * may also be dropped onto the field.
 *
 * The control with `id` = the field name is the real `<input type="file">`, visually hidden but focusable
 * and keyboard-operable (Space or Enter opens the picker); the `<label>` drawn as a button opens it with
 * a click or a tap, and shows the input's focus. Its accessible name says which field it is for.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { FileField } from '../api/proxy-types.js';
import type { DraftFile } from '../draft/draft-store.js';
import type { Messages } from '../i18n/messages.js';
import type { StepHost } from '../flow/step-host.js';
import { format, formatFileSize, formatNumber } from '../i18n/format.js';
import { uploadFailureText, type UploadController, type UploadItem } from '../upload/upload-controller.js';
import { fieldLabelContent, renderFieldError } from './text-field.js';

/** How a file field is drawn. */
export interface FileFieldOptions {
  /** Offer "take a photo" on touch devices, with this camera (`user`: the front one, for a selfie). */
  capture?: 'user' | 'environment';
  /** Several files (the investor proofs). */
  multiple?: boolean;
  /** Most files the field holds (default: the sale's investor-proof limit when `multiple`, else 1). */
  max?: number;
  /** Text under the label. */
  hint?: string;
  /** The label (default: the field's label in the catalog). */
  label?: string;
}

const ACCEPT = 'image/jpeg,image/png,application/pdf';
const ACCEPT_PHOTO = 'image/jpeg,image/png';
const TYPE_TAGS: Readonly<Record<string, string>> = { 'image/jpeg': 'JPG', 'image/png': 'PNG', 'application/pdf': 'PDF' };

/** Focus the element `id` of the host's shadow root once the next render is done. */
async function focusAfterRender(host: StepHost, id: string, fallbackId?: string): Promise<void> {
  await host.element.updateComplete;
  const root = host.element.shadowRoot;
  const target = root?.getElementById(id) ?? (fallbackId === undefined ? null : root?.getElementById(fallbackId));
  target?.focus();
}

/** Whether the investor's main pointer is a finger (a phone or a tablet, which have cameras). */
function hasTouchCamera(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}

/** The preview of an image, or a tag with the file's type (a PDF, or an image after a reload). */
function renderThumb(host: StepHost, previewUrl: string | undefined, name: string, type: string): TemplateResult {
  return previewUrl === undefined
    ? html`<span class="thumb" aria-hidden="true">${TYPE_TAGS[type] ?? ''}</span>`
    : html`<img class="thumb" src=${previewUrl} alt=${format(host.messages.uploads.previewAlt, { name }, host.locale)} />`;
}

/**
 * A button showing `text`, named for screen readers by `label` with the file's name ("Remove passport.jpg",
 * in the language's word order). Each `label` contains its `text` (WCAG 2.5.3), so speech input finds it.
 */
function fileButton(host: StepHost, id: string, text: string, label: string, name: string, onClick: () => void, kind = 'link'): TemplateResult {
  return html`<button type="button" class=${kind} id=${id} aria-label=${format(label, { name }, host.locale)} @click=${onClick}>${text}</button>`;
}

/** How a kept file is named on screen: its name, or for one sent with the last submission, saying so. */
export function fileDisplayName(messages: Messages, file: DraftFile): string {
  return file.previous ? messages.uploads.previousFile : file.name;
}

function renderUploaded(host: StepHost, controller: UploadController, field: FileField, file: DraftFile, index: number): TemplateResult {
  const { messages } = host;
  const name = fileDisplayName(messages, file);
  const remove = (): void => {
    controller.remove(field, file.key);
    void focusAfterRender(host, field);
  };
  return html`<li class="file">
    ${renderThumb(host, controller.previewOf(file.key), name, file.type)}
    <div class="file-body">
      <span class="file-name">${file.previous ? name : format(messages.uploads.fileSummary, { name, size: formatFileSize(file.size, host.locale) }, host.locale)}</span>
      <span class="file-status done">${messages.uploads.uploaded}</span>
    </div>
    <div class="file-buttons">${fileButton(host, `${field}-remove-${index}`, messages.common.remove, messages.uploads.removeFile, file.previous ? messages.fields[field] : name, remove)}</div>
  </li>`;
}

function renderProgress(host: StepHost, item: UploadItem): TemplateResult {
  const { messages, locale } = host;
  const known = item.total > 0;
  const status =
    item.state === 'retrying'
      ? format(messages.uploads.retrying, { attempt: item.attempt, max: item.maxAttempts }, locale)
      : item.state === 'renewing'
        ? messages.uploads.renewing
        : known
          ? format(messages.uploads.progress, { percent: formatNumber(item.loaded / item.total, locale, { style: 'percent' }) }, locale)
          : '';
  // Without a value the bar is indeterminate: the upload form is being fetched.
  return html`<progress
      id="${item.id}-progress"
      max=${ifDefined(known ? item.total : undefined)}
      value=${ifDefined(known ? item.loaded : undefined)}
      aria-label=${format(messages.uploads.progressLabel, { name: item.name }, locale)}
    ></progress>
    <span class="file-status">${status}</span>`;
}

function renderPending(host: StepHost, controller: UploadController, field: FileField, item: UploadItem): TemplateResult {
  const { messages } = host;
  const cancel = (): void => {
    controller.cancel(item.id);
    void focusAfterRender(host, `${item.id}-retry`, field);
  };
  const retry = (): void => {
    void controller.retry(item.id);
    void focusAfterRender(host, `${item.id}-cancel`, field);
  };
  const dismiss = (): void => {
    controller.dismiss(item.id);
    void focusAfterRender(host, field);
  };
  let status: TemplateResult;
  let buttons: TemplateResult;
  if (item.state === 'failed' || item.state === 'cancelled') {
    status =
      item.state === 'failed' && item.error !== undefined
        ? html`<p class="error" id="${item.id}-error">${uploadFailureText(host, item.error)}</p>`
        : html`<span class="file-status">${messages.uploads.cancelled}</span>`;
    // A rule of the file (too small, wrong type) would break again: only another file helps.
    const retryable = item.error === undefined || !('problem' in item.error);
    buttons = html`${retryable ? fileButton(host, `${item.id}-retry`, messages.common.retry, messages.uploads.retryFile, item.name, retry, 'secondary') : nothing}
    ${fileButton(host, `${item.id}-dismiss`, messages.common.remove, messages.uploads.removeFile, item.name, dismiss)}`;
  } else {
    status = item.state === 'checking' || item.state === 'resizing' ? html`<span class="file-status">${messages.uploads[item.state]}</span>` : renderProgress(host, item);
    buttons = fileButton(host, `${item.id}-cancel`, messages.uploads.cancel, messages.uploads.cancelFile, item.name, cancel, 'secondary');
  }
  return html`<li class="file" id=${item.id} data-state=${item.state}>
    ${renderThumb(host, item.previewUrl, item.name, item.type)}
    <div class="file-body">
      <span class="file-name">${format(messages.uploads.fileSummary, { name: item.name, size: formatFileSize(item.size, host.locale) }, host.locale)}</span>
      ${status}
    </div>
    <div class="file-buttons">${buttons}</div>
  </li>`;
}

/** Draw the file field `field`, its files and their uploads. */
export function renderFileField(host: StepHost, controller: UploadController, field: FileField, options: FileFieldOptions = {}): TemplateResult {
  const { messages, locale } = host;
  const { uploads } = host.config;
  const error = host.fieldError(field);
  const uploaded = host.files(field);
  const pending = controller.items(field).filter((item) => item.state !== 'done');
  const max = options.max ?? (options.multiple === true ? uploads.maxInvestorProofs : 1);
  const inFlight = pending.filter((item) => item.state !== 'failed' && item.state !== 'cancelled').length;
  // A single-file field can always be replaced; a list stops at its limit.
  const canAdd = options.multiple !== true || uploaded.length + inFlight < max;
  const label = options.label ?? messages.fields[field];
  const describedBy = [options.hint === undefined ? '' : `${field}-hint`, `${field}-requirements`, error === undefined ? '' : `${field}-error`].filter(Boolean).join(' ');
  const { documents } = messages;
  // The chooser's accessible name contains the text it shows (WCAG 2.5.3), so it changes with it.
  const [chooseText, chooseName] =
    uploaded.length === 0
      ? [documents.chooseFile, documents.chooseFileFor]
      : options.multiple === true
        ? [documents.addAnother, documents.addAnotherFor]
        : [documents.replaceFile, documents.replaceFileFor];

  const choose = async (event: Event): Promise<void> => {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    // Cleared so that choosing the same file again (after fixing it) is a change too.
    input.value = '';
    if (files.length === 0) return;
    const adding = controller.add(field, files);
    // The chooser is gone once a list is full: keep the focus in the field, on the newest file.
    await host.element.updateComplete;
    const root = host.element.shadowRoot;
    if (root !== null && root.activeElement === null) {
      const newest = controller.items(field).at(-1);
      if (newest !== undefined) root.getElementById(`${newest.id}-cancel`)?.focus();
    }
    await adding;
  };
  const onDragOver = (event: DragEvent): void => {
    if (canAdd && event.dataTransfer?.types.includes('Files') === true) event.preventDefault();
  };
  const onDrop = (event: DragEvent): void => {
    const files = [...(event.dataTransfer?.files ?? [])];
    if (!canAdd || files.length === 0) return;
    event.preventDefault();
    void controller.add(field, files);
  };
  const camera = options.capture !== undefined && canAdd && hasTouchCamera();

  return html`<fieldset class="field file-field" part="field" @dragover=${onDragOver} @drop=${onDrop}>
    <legend>${fieldLabelContent(host, field, options.label)}</legend>
    ${options.hint === undefined ? nothing : html`<p class="hint" id="${field}-hint">${options.hint}</p>`}
    <p class="hint" id="${field}-requirements">
      ${format(documents.fileRequirements, { min: formatFileSize(uploads.minBytes, locale), max: formatFileSize(uploads.maxBytes, locale) }, locale)}
    </p>
    ${uploaded.length + pending.length === 0
      ? nothing
      : html`<ul class="files">
          ${uploaded.map((file, index) => renderUploaded(host, controller, field, file, index))} ${pending.map((item) => renderPending(host, controller, field, item))}
        </ul>`}
    ${canAdd
      ? html`<div class="file-actions">
          <input
            type="file"
            class="file-input visually-hidden"
            id=${field}
            name=${field}
            accept=${ACCEPT}
            ?multiple=${options.multiple === true}
            aria-label=${format(chooseName, { field: label }, locale)}
            aria-describedby=${describedBy}
            aria-invalid=${error === undefined ? 'false' : 'true'}
            @change=${choose}
          />
          <label for=${field} class="button secondary" aria-hidden="true">${chooseText}</label>
          ${camera
            ? html`<input
                  type="file"
                  class="file-input visually-hidden"
                  id="${field}-camera"
                  accept=${ACCEPT_PHOTO}
                  capture=${ifDefined(options.capture)}
                  aria-label=${format(documents.takePhotoFor, { field: label }, locale)}
                  aria-describedby=${describedBy}
                  @change=${choose}
                />
                <label for="${field}-camera" class="button secondary" aria-hidden="true">${documents.takePhoto}</label>`
            : nothing}
        </div>`
      : nothing}
    ${renderFieldError(field, error)}
  </fieldset>`;
}

/** The file fields' look: file rows with a thumbnail, buttons that wrap on a phone, the chooser's focus. */
export const fileFieldStyles = css`
  .files {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  .file {
    display: grid;
    grid-template-columns: 3.5em minmax(0, 1fr);
    gap: 0.5em 0.75em;
    align-items: center;
    padding: 0.5em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .thumb {
    inline-size: 3.5em;
    block-size: 3.5em;
    object-fit: cover;
    border-radius: calc(var(--_radius) * 0.5);
    background: var(--_background);
    color: var(--_muted);
    font-size: 0.8125em;
    font-weight: 700;
    display: grid;
    place-items: center;
  }
  .file-body {
    display: grid;
    gap: 0.25em;
  }
  .file-body .error {
    margin: 0;
  }
  .file-name {
    overflow-wrap: anywhere;
  }
  .file-status {
    color: var(--_muted);
    font-size: 0.9375em;
  }
  .file-status.done {
    color: var(--_success);
    font-weight: 600;
  }
  .file-buttons {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    justify-content: flex-end;
  }
  .file-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75em;
  }
  label.button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    text-align: center;
  }
  .button.secondary {
    background: transparent;
    color: var(--_accent);
  }
  .file-input:focus-visible + label {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .choices {
    display: flex;
    flex-wrap: wrap;
    gap: 0 1.5em;
  }
`;
