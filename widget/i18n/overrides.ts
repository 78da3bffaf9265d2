/**
 * Strings a sale provides to replace the widget's own (its tone, its legal wording, its name for the
 * token). They come as data (the sale's configuration or a property of the element), so they are
 * checked against the catalog's shape rather than trusted: unknown keys and wrong types are dropped
 * with a console warning, and every value is plain text, rendered as text (never parsed as HTML).
 */
import type { Messages, Plural, PluralCategory } from './messages.js';

/** Any part of {@link Messages}; a plural may be replaced by one plain text used for every count. */
export type MessageOverrides = {
  readonly [key in keyof Messages]?: DeepPartialText<Messages[key]>;
};

type DeepPartialText<T> = T extends string ? string : T extends Plural ? string | Plural : { readonly [key in keyof T]?: DeepPartialText<T[key]> };

/** Where a dropped override is reported; `console.warn` by default. */
export type OverrideWarning = (message: string) => void;

type Node = { readonly [key: string]: unknown };

const PLURAL_CATEGORIES: readonly string[] = ['zero', 'one', 'two', 'few', 'many', 'other'] satisfies readonly PluralCategory[];
const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;

function isObject(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlural(value: unknown): value is Plural {
  return isObject(value)
    && typeof value['other'] === 'string'
    && Object.entries(value).every(([key, text]) => PLURAL_CATEGORIES.includes(key) && typeof text === 'string');
}

function placeholders(text: unknown): Set<string> {
  const texts = typeof text === 'string' ? [text] : isObject(text) ? Object.values(text).filter((value) => typeof value === 'string') : [];
  return new Set(texts.flatMap((value) => [...value.matchAll(PLACEHOLDER)].map((match) => match[1] as string)));
}

function merge(base: Node, overrides: Node, path: string, warn: OverrideWarning): Node {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (!Object.hasOwn(base, key)) {
      warn(`kyc-onboarding: ignored the string override "${at}": there is no such message.`);
      continue;
    }
    const current = base[key];
    if (typeof current === 'string' || isPlural(current)) {
      const replacement = typeof value === 'string' ? (typeof current === 'string' ? value : { other: value }) : isPlural(current) && isPlural(value) ? value : undefined;
      if (replacement === undefined) {
        warn(`kyc-onboarding: ignored the string override "${at}": expected ${typeof current === 'string' ? 'a text' : 'a text or plural forms with "other"'}.`);
        continue;
      }
      const known = placeholders(current);
      const foreign = [...placeholders(replacement)].filter((name) => !known.has(name));
      if (foreign.length > 0) warn(`kyc-onboarding: the string override "${at}" uses {${foreign.join('}, {')}}, which this message does not fill; it will show as typed.`);
      result[key] = replacement;
    } else if (isObject(current)) {
      if (isObject(value)) result[key] = merge(current, value, at, warn);
      else warn(`kyc-onboarding: ignored the string override "${at}": expected an object of messages.`);
    }
  }
  return result;
}

/**
 * `messages` with the sale's `overrides` applied, as a new catalog (the cached one is left untouched).
 * `overrides` is a {@link MessageOverrides}, any deep part of {@link Messages} (for example `{ wallet: { title: 'Your ACME
 * tokens' } }`); an unknown key, a value of the wrong kind or a non-object is ignored with a warning.
 */
export function applyOverrides(messages: Messages, overrides: unknown, warn: OverrideWarning = (message) => console.warn(message)): Messages {
  if (overrides === undefined || overrides === null) return messages;
  if (!isObject(overrides)) {
    warn('kyc-onboarding: ignored the string overrides: expected an object of messages.');
    return messages;
  }
  return merge(messages as unknown as Node, overrides, '', warn) as unknown as Messages;
}
