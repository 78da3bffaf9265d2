/**
 * The `FileStore` the sandbox API uses: presigned POST forms, PUT and GET URLs made by the AWS SDK
 * itself, so they are exactly what real S3 gets, for the local S3 or any S3-compatible endpoint.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore, StoredObject } from '../ports.js';

/** Upload size limits of the provider's forms (upstream §3): 200 KB to 20 MB. */
export const MIN_UPLOAD_BYTES = 204800;
export const MAX_UPLOAD_BYTES = 20971520;
/** The provider's forms and PUT URLs expire after 15 minutes. */
export const UPLOAD_EXPIRES_SECONDS = 900;

/** Where the files go. */
export interface FileStoreOptions {
  /** The S3 endpoint, e.g. the local server's URL or `https://s3.amazonaws.com`. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Default us-east-1, the provider's region. */
  region?: string;
  /** The KMS key id put in forms with `x-amz-server-side-encryption: aws:kms`, as the provider does. */
  kmsKeyId: string;
  /** Default true: the provider's bucket names contain dots, so its URLs are path-style. */
  forcePathStyle?: boolean;
  /** How to look an object up; default HeadObject on the endpoint. The local server passes its disk store. */
  stat?: (key: string) => Promise<StoredObject | undefined>;
}

/** A FileStore presigning for `options.endpoint`; `stat` is HeadObject unless `options.stat` is given. */
export function createFileStore(options: FileStoreOptions): FileStore {
  const client = new S3Client({
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? true,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Otherwise the SDK presigns a CRC32 of an empty body into PUT URLs, which real S3 then enforces.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const { bucket, kmsKeyId } = options;
  const sse = { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyId };

  const headObject = async (key: string): Promise<StoredObject | undefined> => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType ?? 'binary/octet-stream' };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  };

  return {
    async presignPost(key, contentType) {
      const post = await createPresignedPost(client, {
        Bucket: bucket,
        Key: key,
        Fields: { 'Content-Type': contentType, ...sse },
        Conditions: [
          { 'Content-Type': contentType },
          ...Object.entries(sse).map(([name, value]) => ({ [name]: value })),
          ['content-length-range', MIN_UPLOAD_BYTES, MAX_UPLOAD_BYTES],
        ],
        Expires: UPLOAD_EXPIRES_SECONDS,
      });
      return { url: post.url, fields: post.fields };
    },
    async presignPut(key, contentType) {
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentType: contentType,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: kmsKeyId,
      });
      const url = await getSignedUrl(client, command, {
        expiresIn: UPLOAD_EXPIRES_SECONDS,
        // Sign content-type so that S3 refuses another type; hoist the SSE headers into the query so that
        // the uploader only sends `content-type`, as the provider's docs show.
        signableHeaders: new Set(['content-type']),
        hoistableHeaders: new Set(Object.keys(sse)),
      });
      return { url, fields: { key } };
    },
    async presignGet(key, expiresInSeconds) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
    },
    stat: options.stat ?? headObject,
  };
}
