/**
 * Turning a message into the text an investor reads: `{name}` placeholders filled, the plural form picked
 * by `Intl.PluralRules`, and numbers, dates and file sizes written the locale's way by `Intl`.
 */
import type { CalendarDate } from '../../proxy/contract/birthdate-rule.js';
import type { Plural, PluralCategory, Text } from './messages.js';

/** Values for a message's placeholders. Numbers are written the locale's way. */
export type MessageParams = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;
/** Scripts written right to left (ISO 15924), for isolating interpolated text. */
const RTL_SCRIPTS = new Set(['Arab', 'Hebr', 'Syrc', 'Thaa', 'Nkoo', 'Adlm', 'Rohg', 'Mand', 'Samr']);
/** Unicode FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE. */
const FSI = '\u2068';
const PDI = '\u2069';

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** Whether `locale` is written right to left (Arabic, Hebrew, Persian, Urdu, …). */
export function isRightToLeft(locale: string): boolean {
  try {
    const script = new Intl.Locale(locale).maximize().script;
    return script !== undefined && RTL_SCRIPTS.has(script);
  } catch {
    return false;
  }
}

/** The form of `plural` for `count` in `locale`; `other` when the locale gives no form of its own for it. */
export function pluralForm(plural: Plural, count: number | undefined, locale: string): string {
  if (count === undefined || !Number.isFinite(count)) return plural.other;
  let rules = pluralRules.get(locale);
  if (rules === undefined) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return plural[rules.select(count) as PluralCategory] ?? plural.other;
}

/**
 * The text of a message: the plural form chosen by `params.count`, then every `{name}` replaced by its
 * param. Numbers are written with {@link formatNumber}; a placeholder without a param stays as typed, so a
 * missing value shows instead of vanishing. In a right-to-left locale each text param is wrapped in
 * Unicode isolates, so an e-mail or an address keeps its own direction inside the sentence.
 *
 * @example format(messages.code.resendIn, { count: 30 }, 'en') // "You can ask for a new code in 30 seconds."
 */
export function format(text: Text, params: MessageParams = {}, locale = 'en'): string {
  const count = params['count'];
  const template = typeof text === 'string' ? text : pluralForm(text, typeof count === 'string' ? Number(count) : count, locale);
  const isolate = isRightToLeft(locale);
  return template.replace(PLACEHOLDER, (placeholder, name: string) => {
    if (!Object.hasOwn(params, name)) return placeholder;
    const value = params[name] as string | number;
    if (typeof value === 'number') return formatNumber(value, locale);
    return isolate ? `${FSI}${value}${PDI}` : value;
  });
}

/** `value` written the locale's way (`1,500.5`, `1.500,5`, `1 500,5` …). */
export function formatNumber(value: number, locale: string, options?: Intl.NumberFormatOptions): string {
  if (options !== undefined) return new Intl.NumberFormat(locale, options).format(value);
  let formatter = numberFormats.get(locale);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale);
    numberFormats.set(locale, formatter);
  }
  return formatter.format(value);
}

/**
 * A file size in the units the upload limits use (binary: 200 KB is 204,800 bytes, 20 MB 20,971,520):
 * megabytes with one decimal at most from 1 MB, whole kilobytes below.
 */
export function formatFileSize(bytes: number, locale: string): string {
  const megabytes = bytes / (1024 * 1024);
  const size =
    megabytes >= 1
      ? formatNumber(megabytes, locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 })
      : formatNumber(Math.max(1, Math.round(bytes / 1024)), locale, { style: 'unit', unit: 'kilobyte' });
  // Intl separates number and unit with a plain space in some locales: a narrow screen would put "20"
  // and "MB" on two lines.
  return size.replace(/ /g, '\u00a0');
}

/**
 * A date written the locale's way (`dateStyle: 'long'` unless told otherwise). A {@link CalendarDate}
 * (such as a birth date) is a day, not an instant: it is written in UTC so no time zone moves it.
 */
export function formatDate(date: Date | CalendarDate, locale: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }): string {
  if (date instanceof Date) return new Intl.DateTimeFormat(locale, options).format(date);
  const instant = new Date(Date.UTC(date.year, date.month - 1, date.day));
  // Years below 100 would be read as 19xx by Date.UTC.
  instant.setUTCFullYear(date.year);
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(instant);
}

/** Items as the locale writes a list: `proxy and sale`, `proxy und sale`, `proxy وsale` … */
export function formatList(items: readonly string[], locale: string, type: 'conjunction' | 'disjunction' = 'conjunction'): string {
  return new Intl.ListFormat(locale, { type }).format(items);
}
