/**
 * Objects on disk: `<dataDir>/objects/<sha256(bucket/key)>` holds the bytes and `….json` the key,
 * content type, size and ETag. Hashing the key keeps any S3 key (slashes, `..`, 1024 bytes) off the
 * file system's path rules. Writes go to a temp file first and are renamed into place, so a reader
 * never sees half an upload.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What is recorded next to each object. */
export interface ObjectMeta {
  bucket: string;
  key: string;
  contentType: string;
  size: number;
  /** Quoted MD5 hex, as S3 returns it for single-part uploads. */
  etag: string;
}

/** An upload in progress: write the bytes, then `commit` or `discard`. */
export interface PendingObject {
  stream: WriteStream;
  /** Bytes written so far. */
  readonly size: number;
  write(chunk: Buffer): Promise<void>;
  commit(contentType: string): Promise<ObjectMeta>;
  discard(): Promise<void>;
}

/** The disk store of the local S3. */
export interface ObjectStore {
  begin(bucket: string, key: string): Promise<PendingObject>;
  stat(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  read(bucket: string, key: string): ReadStream;
}

/** Opens (creating if needed) an object store under `dataDir`. */
export function createObjectStore(dataDir: string): ObjectStore {
  const dir = join(dataDir, 'objects');
  const tmp = join(dataDir, 'tmp');
  const pathOf = (bucket: string, key: string): string =>
    join(dir, createHash('sha256').update(`${bucket}/${key}`).digest('hex'));
  const ready = Promise.all([mkdir(dir, { recursive: true }), mkdir(tmp, { recursive: true })]);

  return {
    async begin(bucket, key) {
      await ready;
      const tempPath = join(tmp, randomUUID());
      const stream = createWriteStream(tempPath);
      const md5 = createHash('md5');
      let size = 0;
      const closed = (): Promise<void> =>
        new Promise((resolve, reject) => {
          if (stream.closed) resolve();
          else stream.end(() => resolve()).once('error', reject);
        });
      return {
        stream,
        get size() {
          return size;
        },
        write(chunk) {
          size += chunk.length;
          md5.update(chunk);
          return new Promise((resolve, reject) => {
            stream.write(chunk, (error) => (error ? reject(error) : resolve()));
          });
        },
        async commit(contentType) {
          await closed();
          const target = pathOf(bucket, key);
          const meta: ObjectMeta = { bucket, key, contentType, size, etag: `"${md5.digest('hex')}"` };
          await rename(tempPath, target);
          await writeFile(`${target}.json`, JSON.stringify(meta));
          return meta;
        },
        async discard() {
          // The file is opened asynchronously: a stream destroyed before its open completes still
          // creates the file. Wait until it is closed, so the removal comes after the creation.
          if (!stream.closed) {
            await new Promise<void>((resolve) => {
              stream.once('close', () => resolve());
              stream.destroy();
            });
          }
          await rm(tempPath, { force: true });
        },
      };
    },
    async stat(bucket, key) {
      try {
        return JSON.parse(await readFile(`${pathOf(bucket, key)}.json`, 'utf8')) as ObjectMeta;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    read(bucket, key) {
      return createReadStream(pathOf(bucket, key));
    },
  };
}
