/**
 * The seams between the sandbox's parts, so that each is built and tested alone:
 * - the API (`demo/sandbox/api/…`) validates, stores and answers OST KYC v2 requests;
 * - the file store (`demo/sandbox/s3/…`) issues presigned POST/PUT forms, receives uploads like S3 and
 *   answers whether a key exists and how big it is;
 * - the webhook dispatcher (`demo/sandbox/webhooks/…`) signs and delivers events with retries.
 * The API depends on the other two only through these interfaces.
 */

/** A presigned POST form, as the provider returns it for one file (upstream §3). */
export interface PresignedPost {
  /** Where the browser POSTs the multipart form. */
  url: string;
  /** The form fields, in order, to send before the file. `fields.key` is the file's path. */
  fields: Record<string, string>;
}

/** A presigned PUT, as the provider returns it for one file (upstream §3). */
export interface PresignedPut {
  /** SigV4 query-presigned URL to PUT the bytes to, with the header `content-type`. */
  url: string;
  fields: { key: string };
}

/** What the file store knows of one stored object. */
export interface StoredObject {
  size: number;
  contentType: string;
}

/** The S3 stand-in (or a real S3-compatible endpoint) as the API sees it. */
export interface FileStore {
  /** A presigned POST for `key` with exactly `contentType`, 204800..20971520 bytes, valid 15 minutes. */
  presignPost(key: string, contentType: string): Promise<PresignedPost>;
  /** A presigned PUT for `key` with `contentType`, valid 15 minutes. */
  presignPut(key: string, contentType: string): Promise<PresignedPut>;
  /** A presigned GET URL for `key`, valid `expiresInSeconds` (the detail endpoint uses 12 h). */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
  /** The stored object at `key`, or undefined when there is none. */
  stat(key: string): Promise<StoredObject | undefined>;
}

/** Where an event came from (upstream §4). */
export type EventSource = 'web' | 'api' | 'kyc_system';

/** Event names and their result types (upstream §4). */
export type EventName =
  | 'user_register'
  | 'user_dopt_in'
  | 'user_deleted'
  | 'kyc_submit'
  | 'update_ethereum_address'
  | 'kyc_status_update'
  | 'kyc_reopen';

/** An event to deliver to a client's webhooks. `data` is the §4 payload's `data` object. */
export interface SandboxEvent {
  clientId: number;
  name: EventName;
  source: EventSource;
  /** `{ result_type: 'user', user: {…} }` or `{ result_type: 'user_kyc', user_kyc: {…} }`. */
  data: Record<string, unknown>;
  /** Unix seconds of the event. */
  createdAt: number;
}

/** The webhook dispatcher as the API and the review console see it. */
export interface EventSink {
  /** Queue `event` for every matching webhook of its client; never throws for delivery failures. */
  emit(event: SandboxEvent): void;
}
