/**
 * The sandbox's local S3: an HTTP server on 127.0.0.1 with the S3 handler, and the FileStore that
 * presigns for it and reads its disk for `stat`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FileStore } from '../ports.js';
import { createFileStore } from './file-store.js';
import { createObjectStore } from './object-store.js';
import { createS3Handler } from './s3-handler.js';

/** Options of the local S3. */
export interface S3ServerOptions {
  /** Folder for objects and temp files. */
  dataDir: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Origins allowed to POST/PUT/GET cross-origin (`*` for any). */
  allowedOrigins?: readonly string[];
  /** Default 0 (any free port). */
  port?: number;
  /** Default `local-kms-key`: recorded in forms only, nothing is encrypted. */
  kmsKeyId?: string;
  /** The server's clock, epoch ms (tests move it past expiries). Presigning uses the real clock. */
  now?: () => number;
}

/** A running local S3. */
export interface S3Server {
  /** `http://127.0.0.1:<port>`, the S3 endpoint (path-style: `<url>/<bucket>/<key>`). */
  url: string;
  fileStore: FileStore;
  close(): Promise<void>;
}

/** Starts the local S3 on 127.0.0.1 and resolves once it listens. */
export async function createS3Server(options: S3ServerOptions): Promise<S3Server> {
  const store = createObjectStore(options.dataDir);
  let url = '';
  const server = createServer(createS3Handler({ ...options, store }, () => url));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fileStore = createFileStore({
    endpoint: url,
    bucket: options.bucket,
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    kmsKeyId: options.kmsKeyId ?? 'local-kms-key',
    stat: async (key) => {
      const meta = await store.stat(options.bucket, key);
      return meta && { size: meta.size, contentType: meta.contentType };
    },
  });
  return {
    url,
    fileStore,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
