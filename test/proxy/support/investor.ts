/**
 * Test support: an investor's side of the proxy over real HTTP, on top of {@link startStack}: sign in with
 * the code the real SMTP catcher received, call the widget routes, upload files to the S3 stand-in with
 * the presigned forms exactly as a browser does, build a valid KYC submission, and read the status
 * stream as server-sent events.
 */
import { SALE_ID, SALE_ORIGIN, type Stack } from './proxy-stack.js';

/** Bound every wait: no helper may hang a test. */
const DEFAULT_TIMEOUT_MS = 5000;

/** A signed-in investor. */
export interface Investor {
  /** The widget token (bearer). */
  token: string;
  /** The provider user id, as the proxy answers it. */
  userId: string;
  /** The email, normalised as it was used. */
  email: string;
}

/** Options of {@link api}. */
export interface ApiOptions {
  method?: string;
  /** The widget token, sent as `Authorization: Bearer …`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** The `Origin` header; default the sale's origin, `null` sends none. */
  origin?: string | null;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Which proxy instance to call (one of `stack.urls`); default the first. */
  baseUrl?: string;
}

/** A proxy answer: the status, the headers, and the body (JSON parsed when it is JSON, else text). */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  // Tests read arbitrary JSON answers; `any` keeps those reads short, and the assertions check them.
  body: any;
}

/**
 * Call a proxy route. `path` starting with `/` is taken from the proxy's root (`/readyz`); otherwise it
 * is relative to the test sale (`kyc` → `/v1/sales/acme/kyc`).
 */
export async function api(stack: Stack, path: string, options: ApiOptions = {}): Promise<ApiAnswer> {
  const url = `${options.baseUrl ?? stack.proxyUrl}${path.startsWith('/') ? path : `/v1/sales/${SALE_ID}/${path}`}`;
  const headers: Record<string, string> = { ...options.headers };
  const origin = options.origin === undefined ? SALE_ORIGIN : options.origin;
  if (origin !== null) headers['Origin'] = origin;
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS * 2),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, body: isJson && text !== '' ? JSON.parse(text) : text };
}

/**
 * Sign `email` in as the widget does: ask for a code, read it from the mail the SMTP catcher received,
 * and exchange it for a session. Throws with the proxy's answer when a step fails.
 */
export async function signIn(stack: Stack, email: string, options: { baseUrl?: string; verifyAt?: string } = {}): Promise<Investor> {
  const normalised = email.trim().toLowerCase();
  // Only a mail that arrives after this request counts (the catcher keeps earlier ones).
  const lastIdBefore = Math.max(0, ...stack.catcher.messages().map((message) => Number(message.id)));
  const asked = await api(stack, 'codes', { body: { email }, ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }) });
  if (asked.status !== 202) throw new Error(`POST codes answered ${asked.status}: ${JSON.stringify(asked.body)}`);
  const mail = await stack.catcher.waitForMessage((message) => Number(message.id) > lastIdBefore && message.to.includes(normalised), DEFAULT_TIMEOUT_MS);
  const code = mail.otp?.code ?? /\b(\d{6})\b/.exec(mail.text)?.[1];
  if (code === undefined) throw new Error('The code email carries no six-digit code.');
  const baseUrl = options.verifyAt ?? options.baseUrl;
  const session = await api(stack, 'sessions', { body: { email, code }, ...(baseUrl === undefined ? {} : { baseUrl }) });
  if (session.status !== 201) throw new Error(`POST sessions answered ${session.status}: ${JSON.stringify(session.body)}`);
  return { token: session.body.token as string, userId: session.body.userId as string, email: normalised };
}

let emailsMade = 0;

/** A unique email per call, so tests sharing a stack never share an investor. */
export function uniqueEmail(label = 'investor'): string {
  emailsMade += 1;
  return `${label}.${process.pid}.${emailsMade}@example.com`;
}

/** One file to upload: its KYC field, content type and either its size (zero bytes) or its bytes. */
export interface FileToUpload {
  field: 'documentIdFile' | 'selfieFile' | 'residenceProofFile' | 'investorProofFiles';
  contentType: string;
  bytes: number | Uint8Array;
}

/** The file keys of uploaded files, by field (investor proofs as a list). */
export interface UploadedKeys {
  documentIdFile?: string;
  selfieFile?: string;
  residenceProofFile?: string;
  investorProofFiles?: string[];
}

/** The proxy's upload ticket for one file (`POST /uploads` → `uploads[]`). */
export interface UploadTicket {
  field: FileToUpload['field'];
  index: number;
  contentType: string;
  key: string;
  url: string;
  fields: Record<string, string>;
}

/** A file big enough for the provider's 200 KB minimum. */
export const VALID_FILE_BYTES = 210 * 1024;

/** Ask the proxy for upload tickets; throws with its answer unless it is 200. */
export async function uploadTickets(stack: Stack, token: string, files: readonly Pick<FileToUpload, 'field' | 'contentType'>[]): Promise<UploadTicket[]> {
  const answer = await api(stack, 'uploads', { token, body: { files: files.map(({ field, contentType }) => ({ field, contentType })) } });
  if (answer.status !== 200) throw new Error(`POST uploads answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.uploads as UploadTicket[];
}

/**
 * Post one file to S3 with its presigned form as a browser does: every policy field first, the file
 * last. Resolves with S3's status and body (204 and empty on success, XML on refusal).
 */
export async function postToS3(ticket: UploadTicket, bytes: number | Uint8Array): Promise<{ status: number; body: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  const content = typeof bytes === 'number' ? new Uint8Array(bytes) : bytes;
  form.append('file', new Blob([content], { type: ticket.contentType }), 'upload');
  const response = await fetch(ticket.url, { method: 'POST', body: form, signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS * 2) });
  return { status: response.status, body: await response.text() };
}

/** Ask for tickets and upload every file to S3; throws unless every upload is accepted (204). */
export async function uploadFiles(stack: Stack, token: string, files: readonly FileToUpload[]): Promise<UploadedKeys> {
  const tickets = await uploadTickets(stack, token, files);
  const keys: UploadedKeys = {};
  for (const [i, ticket] of tickets.entries()) {
    const uploaded = await postToS3(ticket, files[i]?.bytes ?? 0);
    if (uploaded.status !== 204) throw new Error(`S3 refused ${ticket.field}: ${uploaded.status} ${uploaded.body}`);
    if (ticket.field === 'investorProofFiles') keys.investorProofFiles = [...(keys.investorProofFiles ?? []), ticket.key];
    else keys[ticket.field] = ticket.key;
  }
  return keys;
}

/** Upload the two files every submission needs (an ID document and a selfie). */
export function uploadDocuments(stack: Stack, token: string): Promise<UploadedKeys> {
  return uploadFiles(stack, token, [
    { field: 'documentIdFile', contentType: 'image/jpeg', bytes: VALID_FILE_BYTES },
    { field: 'selfieFile', contentType: 'image/png', bytes: VALID_FILE_BYTES },
  ]);
}

/** The body of `POST /kyc`. */
export interface KycRequestBody {
  submission: Record<string, unknown>;
  confirmations: Record<string, unknown>;
}

/**
 * A valid `POST /kyc` body for the default stack's sale (every optional field collected, a French
 * resident, the `terms` confirmation ticked), with `keys` for its files and `changes` applied to the
 * submission (a value `undefined` removes the field).
 */
export function validSubmission(keys: UploadedKeys, changes: Record<string, unknown> = {}): KycRequestBody {
  const submission: Record<string, unknown> = {
    firstName: 'Ann',
    lastName: 'Lee',
    birthdate: '01/02/1990',
    country: 'France',
    nationality: 'French',
    documentIdNumber: 'X1234567',
    documentIdFile: keys.documentIdFile,
    selfieFile: keys.selfieFile,
    ...(keys.residenceProofFile === undefined ? {} : { residenceProofFile: keys.residenceProofFile }),
    ...(keys.investorProofFiles === undefined ? {} : { investorProofFiles: keys.investorProofFiles }),
    streetAddress: '1 Rue de Rivoli',
    city: 'Paris',
    state: 'Ile-de-France',
    postalCode: '75001',
    ethereumAddress: '0x32be343b94f860124dc4fee278fdcbd38c102d88',
    estimatedParticipationAmount: '100',
  };
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) delete submission[field];
    else submission[field] = value;
  }
  return { submission, confirmations: { terms: true } };
}

/** One thing read from an event stream. */
export type StreamItem =
  /** An event: its name (`message` when unnamed), id (when it had one) and data lines joined by `\n`. */
  | { type: 'event'; event: string; id: string | undefined; data: string }
  /** A comment line (`: keep-alive`), without the colon and one leading space. */
  | { type: 'comment'; text: string }
  /** A `retry:` field (the reconnection delay the server asks for). */
  | { type: 'retry'; ms: number }
  /** The server ended the stream. */
  | { type: 'end' };

/** An open status stream. */
export interface StatusStream {
  /** The HTTP status of the stream request. */
  status: number;
  headers: Headers;
  /** The body when the request was refused (not an event stream). */
  refusal: string | undefined;
  /** The next item (event, comment, retry or end). Rejects when none arrives within `timeoutMs`. */
  next(timeoutMs?: number): Promise<StreamItem>;
  /** The next event or the end, skipping comments and retry fields. */
  nextEvent(timeoutMs?: number): Promise<Extract<StreamItem, { type: 'event' | 'end' }>>;
  /** Abort the request (the client goes away). */
  close(): void;
}

/**
 * Split server-sent event text into items (WHATWG HTML §9.2.6 "event stream interpretation"): lines end
 * at CRLF, LF or CR; a blank line dispatches the event being built (if it has data); `id`, `event`,
 * `data`, `retry` fields; lines starting with `:` are comments. Returns a function fed with decoded text.
 */
export function createEventStreamParser(emit: (item: StreamItem) => void): (text: string) => void {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  let hasData = false;

  function line(text: string): void {
    if (text === '') {
      if (hasData) emit({ type: 'event', event: event === '' ? 'message' : event, id, data: data.join('\n') });
      data = [];
      event = '';
      hasData = false;
      return;
    }
    if (text.startsWith(':')) {
      emit({ type: 'comment', text: text.slice(1).replace(/^ /, '') });
      return;
    }
    const colon = text.indexOf(':');
    const name = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') {
      data.push(value);
      hasData = true;
    } else if (name === 'event') event = value;
    else if (name === 'id' && !value.includes('\0')) id = value;
    else if (name === 'retry' && /^\d+$/.test(value)) emit({ type: 'retry', ms: Number(value) });
  }

  return (text) => {
    buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A CR at the very end may be the first half of a CRLF: wait for more text.
      if (match === null || (match[0] === '\r' && match.index === buffer.length - 1)) return;
      line(buffer.slice(0, match.index));
      buffer = buffer.slice(match.index + match[0].length);
    }
  };
}

/**
 * Open `GET /kyc/events` with `fetch` (as the widget does: the token in the header) and read it as
 * server-sent events. Always `close()` it, even when the server ended it.
 */
export async function openStatusStream(stack: Stack, token: string, options: { lastEventId?: string | number; baseUrl?: string; origin?: string } = {}): Promise<StatusStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { Origin: options.origin ?? SALE_ORIGIN, Authorization: `Bearer ${token}`, Accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['Last-Event-ID'] = String(options.lastEventId);
  const response = await fetch(`${options.baseUrl ?? stack.proxyUrl}/v1/sales/${SALE_ID}/kyc/events`, {
    headers,
    signal: AbortSignal.any([controller.signal, AbortSignal.timeout(DEFAULT_TIMEOUT_MS * 6)]),
  });
  const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const items: StreamItem[] = [];
  const waiters: (() => void)[] = [];
  const push = (item: StreamItem): void => {
    items.push(item);
    for (const wake of waiters.splice(0)) wake();
  };
  let refusal: string | undefined;
  if (!isStream) {
    refusal = await response.text();
    push({ type: 'end' });
  } else {
    const parse = createEventStreamParser(push);
    const decoder = new TextDecoder();
    // Read in the background; an abort by close() or a cut connection is the end of the stream too.
    void (async () => {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parse(decoder.decode(chunk, { stream: true }));
      } catch {
        // Aborted or cut: reported as the end below.
      }
      push({ type: 'end' });
    })();
  }
  let position = 0;

  async function next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<StreamItem> {
    const deadline = Date.now() + timeoutMs;
    while (position >= items.length) {
      const last = items.at(-1);
      if (last?.type === 'end') return last;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No stream item within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const item = items[position] as StreamItem;
    position += 1;
    return item;
  }

  return {
    status: response.status,
    headers: response.headers,
    refusal,
    next,
    async nextEvent(timeoutMs = DEFAULT_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const item = await next(Math.max(1, deadline - Date.now()));
        if (item.type === 'event' || item.type === 'end') return item;
      }
    },
    close() {
      controller.abort();
    },
  };
}

/** The `data` of a `status` event, parsed; throws when `item` is not one. */
export function statusOf(item: StreamItem): { state: string; reasons: string[]; whitelist: string; submissionCount: number } {
  if (item.type !== 'event' || item.event !== 'status') throw new Error(`Expected a status event, got ${JSON.stringify(item)}`);
  return JSON.parse(item.data) as { state: string; reasons: string[]; whitelist: string; submissionCount: number };
}
