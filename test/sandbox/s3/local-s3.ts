// Shared set-up for the local S3 tests: a server on an ephemeral port over a temp folder, and forms.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createS3Server } from '../../../demo/sandbox/s3/s3-server.js';
import type { S3Server, S3ServerOptions } from '../../../demo/sandbox/s3/s3-server.js';

export const BUCKET = 'kyc.sandbox.local';
export const ACCESS_KEY_ID = 'SANDBOXACCESSKEY';
export const SECRET_ACCESS_KEY = 'sandbox-secret-access-key';

/** A running local S3 plus its temp folder, removed by `stop`. */
export interface TestS3 extends S3Server {
  dataDir: string;
  /** Moves the server's clock by `ms` (to pass expiries without waiting). */
  advance(ms: number): void;
  stop(): Promise<void>;
}

/** Starts a local S3 for one test file. */
export async function startS3(overrides: Partial<S3ServerOptions> = {}): Promise<TestS3> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kyc-s3-'));
  let offset = 0;
  const server = await createS3Server({
    dataDir,
    bucket: BUCKET,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    now: () => Date.now() + offset,
    ...overrides,
  });
  return {
    ...server,
    dataDir,
    advance: (ms) => {
      offset += ms;
    },
    stop: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `size` bytes of a recognisable pattern (no fixtures on disk). */
export function bytes(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
  return data;
}

/** POSTs `fields` then a file as multipart/form-data with fetch. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  file: { data: Uint8Array; type: string; name?: string } | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([file.data], { type: file.type }), file.name ?? 'upload.bin');
  const res = await fetch(url, { method: 'POST', body: form, headers });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** The S3 error `Code` and `Message` of an XML error body. */
export function s3Error(xml: string): { code: string | undefined; message: string | undefined } {
  return {
    code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(xml)?.[1]?.replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&'),
  };
}
