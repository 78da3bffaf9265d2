/**
 * The server's `sanitize_params` (upstream §2.9): every string param goes through `Sanitize.fragment`,
 * which removes HTML tags and entity-escapes the text, before any service sees it. Signatures are
 * checked on the raw values; validation and storage use the sanitised ones (so `Tom & Jerry` is
 * length-checked and stored as `Tom &amp; Jerry`).
 */
import type { QueryParams, QueryValue } from '../../proxy/ost-query.js';

const TAG = /<\/?[a-zA-Z!][^>]*>?/g;

/**
 * `Sanitize.fragment(text)` with the default (empty) allow-list, as close as a regex gets: tags are
 * dropped, then the HTML serialiser escapes `&`, `<`, `>` and no-break space, and Sanitize also escapes
 * the backtick.
 */
export function sanitizeFragment(text: string): string {
  return text
    .replace(TAG, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\u00a0/g, '&nbsp;')
    .replace(/`/g, '&#x60;');
}

function sanitizeValue(value: QueryValue): QueryValue {
  if (typeof value === 'string') return sanitizeFragment(value);
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(sanitizeValue);
  return sanitizeParams(value);
}

/** A sanitised deep copy of `params` (the signed originals are left alone). */
export function sanitizeParams(params: QueryParams): QueryParams {
  const out: QueryParams = {};
  for (const [key, value] of Object.entries(params)) out[key] = sanitizeValue(value);
  return out;
}
