/**
 * The local S3's HTTP request handler (path-style, one bucket): POST form uploads, presigned PUT and
 * GET/HEAD, CORS. Mount it on any `node:http` server.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders, preflight } from './cors.js';
import type { ObjectStore } from './object-store.js';
import { handlePostUpload } from './post-upload.js';
import type { Answer } from './post-upload.js';
import { parseQuery, verifyPresigned } from './presigned-request.js';
import { S3Error, decodeUriPart, errorXml } from './s3-error.js';

/** Configuration of the handler. */
export interface S3HandlerOptions {
  store: ObjectStore;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Default us-east-1. */
  region?: string;
  /** Origins allowed by CORS (`*` for any). */
  allowedOrigins?: readonly string[];
  /** The clock, epoch ms; injectable so that tests can move past an expiry without waiting. */
  now?: () => number;
}

/** After an early refusal, how much of the rest of a body to read and discard before closing the socket. */
const DRAIN_LIMIT = 1024 * 1024;

/** Builds the `(req, res)` handler. `origin()` gives the server's own URL, for object locations. */
export function createS3Handler(
  options: S3HandlerOptions,
  origin: () => string,
): (req: IncomingMessage, res: ServerResponse) => void {
  const region = options.region ?? 'us-east-1';
  const origins = options.allowedOrigins ?? [];
  const context = {
    store: options.store,
    region,
    now: options.now ?? Date.now,
    secretFor: (id: string) => (id === options.accessKeyId ? options.secretAccessKey : undefined),
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<Answer | undefined> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const path = decodeUriPart(rawPath);
    const slash = path.indexOf('/', 1);
    const bucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
    const key = slash < 0 ? '' : path.slice(slash + 1);
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') return preflight(req, origins);
    if (bucket !== options.bucket) {
      throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    }
    if (method === 'POST' && key === '') return handlePostUpload(req, bucket, origin(), context);

    const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
    if (key === '' || !['PUT', 'GET', 'HEAD'].includes(method)) {
      throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
    verifyPresigned(req, path, query, context);

    if (method === 'PUT') {
      const pending = await options.store.begin(bucket, key);
      try {
        for await (const chunk of req) await pending.write(chunk as Buffer);
        const contentType = req.headers['content-type'] ?? 'binary/octet-stream';
        const meta = await pending.commit(contentType);
        return { status: 200, headers: { ETag: meta.etag }, body: '' };
      } catch (error) {
        await pending.discard();
        throw error;
      }
    }
    const meta = await options.store.stat(bucket, key);
    if (!meta) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    res.writeHead(200, {
      ...corsHeaders(req, origins),
      'Content-Type': meta.contentType,
      'Content-Length': String(meta.size),
      ETag: meta.etag,
    });
    if (method === 'HEAD') res.end();
    else options.store.read(bucket, key).pipe(res);
    return undefined;
  }

  return (req, res) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    res.setHeader('x-amz-request-id', requestId);
    route(req, res).then(
      (answer) => {
        if (answer) res.writeHead(answer.status, { ...corsHeaders(req, origins), ...answer.headers }).end(answer.body);
        if (!req.complete) req.resume();
      },
      (error: unknown) => {
        const s3Error =
          error instanceof S3Error ? error : new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const body = req.method === 'HEAD' ? '' : errorXml(s3Error, requestId);
        const early = !req.complete;
        res.writeHead(s3Error.status, {
          ...corsHeaders(req, origins),
          'Content-Type': 'application/xml',
          ...(early ? { Connection: 'close' } : {}),
        });
        res.end(body);
        if (early) discardRest(req);
      },
    );
  };
}

/**
 * Reads and drops what is left of a refused request so that the client, still sending, gets to read
 * the answer (closing at once would reset the connection under it); past DRAIN_LIMIT, closes anyway.
 */
function discardRest(req: IncomingMessage): void {
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) req.socket.destroy();
  });
  req.resume();
}
