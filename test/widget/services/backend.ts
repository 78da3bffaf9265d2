/**
 * Browser-test helpers over the real backend that test/support/wtr-backend-plugin.mjs runs next to the
 * test server: where the proxy is, the mailed codes, host tokens, reviewer actions and the clocks.
 */
import { createProxyClient, type ProxyClient } from '../../../widget/api/proxy-client.js';
import type { UploadTicket, WidgetSession } from '../../../widget/api/proxy-types.js';
import { createDraftStore } from '../../../widget/draft/draft-store.js';

/** Where the backend is. */
export interface BackendInfo {
  proxyUrl: string;
  sale: string;
  pageOrigin: string;
  /** A 127.0.0.1 URL nothing listens on. */
  closedUrl: string;
}

async function backend<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/__backend/${path}`, { cache: 'no-store', ...init });
  const body = (await response.json()) as T & { error?: string };
  if (body.error !== undefined) throw new Error(`test backend ${path}: ${body.error}`);
  return body;
}

let infoOnce: Promise<BackendInfo> | undefined;

/** The backend's URLs (read once). */
export function backendInfo(): Promise<BackendInfo> {
  infoOnce ??= backend<BackendInfo>('info');
  return infoOnce;
}

/** A client of the test sale, optionally with a `fetch` seam. */
export async function testClient(options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<ProxyClient> {
  const info = await backendInfo();
  return createProxyClient({ proxy: info.proxyUrl, sale: info.sale, ...options });
}

let counter = 0;

/** A new investor's email address (every test gets its own investor). */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** The latest one-time code mailed to `email`. */
export async function mailedCode(email: string): Promise<string> {
  return (await backend<{ code: string }>(`code?email=${encodeURIComponent(email)}`)).code;
}

/** Sign in as the investor does: code by mail, then a session. */
export async function signIn(client: ProxyClient, email = uniqueEmail('investor')): Promise<WidgetSession & { email: string }> {
  await client.requestCode(email);
  const session = await client.createSession(email, await mailedCode(email));
  return { ...session, email };
}

/** A session the sale's backend obtains with its integrator key (host mode). */
export function hostToken(email: string): Promise<WidgetSession> {
  return backend<WidgetSession>(`host-token?email=${encodeURIComponent(email)}`);
}

/** A reviewer's action on the investor's case at the sandbox; the provider's webhooks follow for real. */
export function review(action: 'qualify' | 'deny' | 'report' | 'aml' | 'whitelist' | 'approve', userId: string, extra: { reasons?: string[]; status?: string } = {}): Promise<unknown> {
  return backend('review', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action, userId, ...extra }) });
}

/** Move the proxy's clock by `offsetMs` (0 puts it back). */
export async function setProxyClock(offsetMs: number): Promise<void> {
  await backend(`proxy-clock?offsetMs=${offsetMs}`);
}

/** Move the S3 stand-in's clock by `offsetMs` (0 puts it back). */
export async function setS3Clock(offsetMs: number): Promise<void> {
  await backend(`s3-clock?offsetMs=${offsetMs}`);
}

/** How many status streams the proxy holds open. */
export async function openStreams(): Promise<number> {
  return (await backend<{ open: number }>('open-streams')).open;
}

/** End every open status stream as a proxy shutdown does. */
export async function dropStreams(): Promise<number> {
  return (await backend<{ dropped: number }>('drop-streams')).dropped;
}

/** `size` bytes that sniff as `type` (the S3 stand-in checks sizes and types, not pictures). */
export function fakeFile(type: 'image/jpeg' | 'image/png' | 'application/pdf', size: number, name = 'document'): File {
  const bytes = new Uint8Array(size);
  const head = type === 'image/jpeg' ? [0xff, 0xd8, 0xff, 0xe0] : type === 'image/png' ? [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] : [...'%PDF-1.4\n'].map((c) => c.charCodeAt(0));
  bytes.set(head);
  for (let i = head.length; i < size; i += 1) bytes[i] = (i * 31) & 0xff;
  return new File([bytes], name, { type });
}

/** Upload `file` for `field` with a fresh ticket and plain `fetch` (test setup, not the code under test). */
export async function uploadForSetup(client: ProxyClient, token: string, field: UploadTicket['field'], file: File): Promise<string> {
  const tickets = await client.requestUploads(token, [{ field, contentType: file.type as UploadTicket['contentType'] }]);
  const ticket = tickets.uploads[0]!;
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append('file', file, file.name);
  const response = await fetch(ticket.url, { method: 'POST', body: form });
  if (!response.ok) throw new Error(`setup upload answered ${response.status}`);
  return ticket.key;
}

/** The test investor's personal answers, as the draft and the submission hold them. */
const ANN = { firstName: 'Ann', lastName: 'Lee', birthdate: '01/02/1990', country: 'FRANCE', nationality: 'FRENCH', documentIdNumber: 'X1234567' };

/** The two required documents (`passport.jpg` and `selfie.png`, 210 KiB each) uploaded for real; their storage keys. */
async function uploadBothDocuments(client: ProxyClient, token: string): Promise<{ documentIdFile: string; selfieFile: string }> {
  const documentIdFile = await uploadForSetup(client, token, 'documentIdFile', fakeFile('image/jpeg', 210 * 1024, 'passport.jpg'));
  const selfieFile = await uploadForSetup(client, token, 'selfieFile', fakeFile('image/png', 210 * 1024, 'selfie.png'));
  return { documentIdFile, selfieFile };
}

/**
 * Upload the two documents for real, and leave in this tab a draft of `sale` with every answer (a valid
 * French investor's, then `answers` over them) that opens on `step`: the journey starts there once the
 * element has `session`'s token.
 */
export async function saveCompletedDraft(
  client: ProxyClient,
  where: { proxy: string; sale: string },
  session: WidgetSession & { email: string },
  step: string,
  answers: Record<string, string> = {},
): Promise<void> {
  const { documentIdFile, selfieFile } = await uploadBothDocuments(client, session.token);
  createDraftStore(where).save({
    email: session.email,
    userId: session.userId,
    step,
    answers: {
      ...ANN,
      streetAddress: '1 rue de la Paix',
      city: 'Paris',
      state: 'IDF',
      postalCode: '75002',
      estimatedParticipationAmount: '1500',
      ...answers,
    },
    files: {
      documentIdFile: [{ key: documentIdFile, name: 'passport.jpg', size: 210 * 1024, type: 'image/jpeg' }],
      selfieFile: [{ key: selfieFile, name: 'selfie.png', size: 210 * 1024, type: 'image/png' }],
    },
  });
}

/** A valid submission for the test sale, with the documents uploaded. */
export async function validSubmission(client: ProxyClient, token: string): Promise<Parameters<ProxyClient['submitKyc']>[1]> {
  const { documentIdFile, selfieFile } = await uploadBothDocuments(client, token);
  return {
    ...ANN,
    documentIdFile,
    selfieFile,
    streetAddress: '1 Rue de Rivoli',
    city: 'Paris',
    state: 'IDF',
    postalCode: '75001',
    ethereumAddress: '0x32be343b94f860124dc4fee278fdcbd38c102d88',
    estimatedParticipationAmount: '100',
  };
}

/** Resolve when `check` holds, polling every 20 ms; reject after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
