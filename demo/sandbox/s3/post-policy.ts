/**
 * The POST policy document and its conditions, checked as S3 checks them against the form fields.
 * Field names are case-insensitive (S3 treats `X-Amz-Date` and `x-amz-date` alike); values are exact.
 */
import { S3Error, policyDenied } from './s3-error.js';

/** One condition after normalisation: `eq` and `starts-with` on a field, or the file's size range. */
export type PolicyCondition =
  | { kind: 'eq' | 'starts-with'; field: string; value: string; raw: string }
  | { kind: 'content-length-range'; min: number; max: number };

/** A decoded POST policy. */
export interface PostPolicy {
  expiration: number;
  conditions: PolicyCondition[];
}

/** S3's largest single PUT/POST object, the size limit when a policy has no content-length-range. */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 3;

/** Form fields that no condition needs to cover. */
const EXEMPT = new Set(['policy', 'x-amz-signature', 'file']);

const invalidPolicy = (detail: string): S3Error => new S3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${detail}`);

/** The condition in the wording S3 uses in "Policy Condition failed: …". */
const describe = (op: string, field: string, value: string): string =>
  `["${op}", "$${field}", ${JSON.stringify(value)}]`;

/** Decodes and validates the base64 policy text; throws InvalidPolicyDocument (400) when S3 would. */
export function parsePolicy(base64Policy: string): PostPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64Policy, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (typeof expiration !== 'string') throw invalidPolicy('Policy missing expiration.');
  const expires = Date.parse(expiration);
  if (Number.isNaN(expires)) throw invalidPolicy(`Invalid 'expiration' value: '${expiration}'`);
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

function parseCondition(entry: unknown): PolicyCondition {
  if (Array.isArray(entry)) {
    const [op, a, b] = entry as unknown[];
    if (entry.length === 3 && typeof op === 'string') {
      const name = op.toLowerCase();
      if (name === 'content-length-range') {
        const min = Number(a);
        const max = Number(b);
        if (Number.isInteger(min) && Number.isInteger(max)) return { kind: name, min, max };
      } else if ((name === 'eq' || name === 'starts-with') && typeof a === 'string' && a.startsWith('$') && typeof b === 'string') {
        return { kind: name, field: a.slice(1).toLowerCase(), value: b, raw: describe(name, a.slice(1), b) };
      }
    }
    throw invalidPolicy(`Invalid Condition: ${JSON.stringify(entry)}`);
  }
  if (typeof entry === 'object' && entry !== null) {
    const pairs = Object.entries(entry);
    const [pair] = pairs;
    if (pairs.length === 1 && pair && typeof pair[1] === 'string') {
      return { kind: 'eq', field: pair[0].toLowerCase(), value: pair[1], raw: describe('eq', pair[0], pair[1]) };
    }
  }
  throw invalidPolicy(`Invalid Condition: ${JSON.stringify(entry)}`);
}

/**
 * Checks expiry, every `eq`/`starts-with` condition, and that every form field (bar policy, signature,
 * file and `x-ignore-*`) is covered by a condition. `fields` are the form fields keyed by lower-cased
 * name; a `bucket` condition is checked against `bucket`, the bucket the request addressed, as S3 does.
 * Returns the allowed file size range.
 */
export function checkPolicy(
  policy: PostPolicy,
  fields: Map<string, string>,
  bucket: string,
  now: number,
): { min: number; max: number } {
  if (now > policy.expiration) throw policyDenied('Policy expired.');
  const covered = new Set<string>();
  let min = 0;
  let max = MAX_OBJECT_SIZE;
  for (const condition of policy.conditions) {
    if (condition.kind === 'content-length-range') {
      min = condition.min;
      max = condition.max;
      continue;
    }
    covered.add(condition.field);
    const value = condition.field === 'bucket' ? bucket : fields.get(condition.field);
    const ok =
      value !== undefined && (condition.kind === 'eq' ? value === condition.value : value.startsWith(condition.value));
    if (!ok) throw policyDenied(`Policy Condition failed: ${condition.raw}`);
  }
  const extra = [...fields.keys()].filter(
    (name) => !EXEMPT.has(name) && !name.startsWith('x-ignore-') && !covered.has(name),
  );
  if (extra.length > 0) throw policyDenied(`Extra input fields: ${extra.join(', ')}`);
  return { min, max };
}
