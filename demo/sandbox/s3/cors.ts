/**
 * CORS as an S3 bucket with a CORS configuration answers it: allowed origins may GET, PUT, POST and
 * HEAD with any request headers, and read the ETag and Location of an upload.
 */
import type { IncomingMessage } from 'node:http';
import type { Answer } from './post-upload.js';
import { S3Error } from './s3-error.js';

const METHODS = ['GET', 'PUT', 'POST', 'HEAD'];

/** True when `origin` is listed (or `*` is). */
function allowed(origin: string | undefined, origins: readonly string[]): origin is string {
  return origin !== undefined && (origins.includes('*') || origins.includes(origin));
}

/** The CORS headers for an actual (non-preflight) request from an allowed origin; none otherwise. */
export function corsHeaders(req: IncomingMessage, origins: readonly string[]): Record<string, string> {
  const origin = req.headers.origin;
  if (!allowed(origin, origins)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': METHODS.join(', '),
    'Access-Control-Expose-Headers': 'ETag, Location, x-amz-request-id',
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/** The answer to an OPTIONS preflight; throws S3's 403 when the origin or method is not allowed. */
export function preflight(req: IncomingMessage, origins: readonly string[]): Answer {
  const origin = req.headers.origin;
  const method = req.headers['access-control-request-method'];
  if (origin === undefined || method === undefined) {
    throw new S3Error(400, 'BadRequest', 'Insufficient information. Origin request header needed.');
  }
  if (!allowed(origin, origins) || !METHODS.includes(method)) {
    throw new S3Error(
      403,
      'AccessForbidden',
      'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.',
      { Method: method, ResourceType: 'OBJECT' },
    );
  }
  const headers: Record<string, string> = {
    ...corsHeaders(req, origins),
    'Access-Control-Max-Age': '3000',
  };
  const requested = req.headers['access-control-request-headers'];
  if (requested) headers['Access-Control-Allow-Headers'] = requested;
  return { status: 200, headers, body: '' };
}
