/**
 * A client's webhook settings and their validation (upstream §4, `client_management/webhook/base.rb`).
 *
 * The real server requires `https` and a public host name matching
 * `/\A[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}\z/i`, so no IP addresses and no `localhost`. The sandbox
 * keeps that rule for `https` URLs but additionally allows `http://` and `https://` URLs whose host is
 * `127.0.0.1` or `localhost` (any port), so that a developer's local receiver can be registered. Every
 * other rule is the server's: at most 3 webhooks, no query string, no duplicate URLs (case-insensitive).
 */
import { randomBytes } from 'node:crypto';
import type { EventSource } from '../ports.js';
import { EVENT_SOURCES, WEBHOOK_RESULT_TYPES, type WebhookResultType } from './events.js';

/** One webhook of a client. */
export interface WebhookConfig {
  /** Where to POST, exactly as registered: this string, trailing slash included, is what is signed. */
  url: string;
  /** The HMAC key: 32 lowercase hex characters (Ruby `SecureRandom.hex`). */
  secret: string;
  /** The event sources this webhook receives. */
  sources: EventSource[];
  /** The result types this webhook receives. */
  types: WebhookResultType[];
}

/** At most this many webhooks per client. */
export const MAX_WEBHOOKS_PER_CLIENT = 3;

/** One problem with a proposed list of webhooks. */
export interface WebhookConfigIssue {
  /** Index of the webhook in the list, or null for a problem of the list as a whole. */
  index: number | null;
  field: 'list' | 'url' | 'secret' | 'sources' | 'types';
  message: string;
}

/** A list of webhooks that failed validation. */
export class WebhookConfigError extends Error {
  override name = 'WebhookConfigError';
  constructor(readonly issues: readonly WebhookConfigIssue[]) {
    super('Invalid webhook settings: ' + issues.map((issue) => issue.message).join('; '));
  }
}

const PUBLIC_HOST = /^[a-z0-9]+([-.][a-z0-9]+)*\.[a-z]{2,5}$/i;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);
const SECRET = /^[0-9a-f]{32}$/;

function urlIssue(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '') return 'url is required';
  // The server rejects any query string. A bare '?' or a '#fragment' would be signed as part of the URL
  // yet never reach the receiver's request line, so they are refused as well.
  if (raw.includes('?')) return `url must not have a query string: ${raw}`;
  if (raw.includes('#')) return `url must not have a fragment: ${raw}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `url is not a valid URL: ${raw}`;
  }
  if (url.username !== '' || url.password !== '') return `url must not contain credentials: ${raw}`;
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol === 'https:' && (loopback || PUBLIC_HOST.test(url.hostname))) return undefined;
  // Sandbox-only relaxation: plain http to the local machine (the real server requires https).
  if (url.protocol === 'http:' && loopback) return undefined;
  return `url must be https with a public host name (or http://127.0.0.1 / http://localhost in the sandbox): ${raw}`;
}

function subsetIssue<T extends string>(value: unknown, allowed: readonly T[], field: string): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return `${field} must be a non-empty list`;
  for (const item of value) {
    if (!allowed.includes(item as T)) return `${field} contains an unknown value ${JSON.stringify(item)}`;
  }
  if (new Set(value).size !== value.length) return `${field} contains duplicates`;
  return undefined;
}

/**
 * Validate a client's complete list of webhooks, as the server validates its settings.
 *
 * @returns every problem found (empty when the list is acceptable).
 */
export function validateWebhookConfigs(configs: readonly WebhookConfig[]): WebhookConfigIssue[] {
  const issues: WebhookConfigIssue[] = [];
  if (configs.length > MAX_WEBHOOKS_PER_CLIENT) {
    issues.push({ index: null, field: 'list', message: `at most ${MAX_WEBHOOKS_PER_CLIENT} webhooks per client` });
  }
  const seen = new Map<string, number>();
  configs.forEach((config, index) => {
    const url = urlIssue(config.url);
    if (url !== undefined) issues.push({ index, field: 'url', message: url });
    else {
      const key = config.url.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) issues.push({ index, field: 'url', message: `url duplicates webhook ${first}: ${config.url}` });
      else seen.set(key, index);
    }
    if (typeof config.secret !== 'string' || !SECRET.test(config.secret)) {
      issues.push({ index, field: 'secret', message: 'secret must be 32 lowercase hex characters' });
    }
    const sources = subsetIssue(config.sources, EVENT_SOURCES, 'sources');
    if (sources !== undefined) issues.push({ index, field: 'sources', message: sources });
    const types = subsetIssue(config.types, WEBHOOK_RESULT_TYPES, 'types');
    if (types !== undefined) issues.push({ index, field: 'types', message: types });
  });
  return issues;
}

/** A new webhook secret as the server makes one: 16 random bytes in lowercase hex. */
export function generateWebhookSecret(): string {
  return randomBytes(16).toString('hex');
}
