/**
 * What a birth-date entry needs to feel native in the investor's locale: the order of day, month and
 * year as the locale writes dates, and the month names. The widget still sends `dd/mm/yyyy`
 * (`formatBirthdate` in proxy/contract/birthdate-rule.ts); this only shapes the three inputs.
 */

/** One part of a date entry. */
export type DatePart = 'day' | 'month' | 'year';

const DEFAULT_ORDER: readonly DatePart[] = ['day', 'month', 'year'];

/**
 * The order in which `locale` writes day, month and year: `['month', 'day', 'year']` for `en-US`,
 * `['day', 'month', 'year']` for `de`, `['year', 'month', 'day']` for `ja`.
 */
export function dateFieldOrder(locale: string): DatePart[] {
  try {
    const parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' })
      .formatToParts(new Date(Date.UTC(2001, 10, 23)));
    const order = parts.map((part) => part.type).filter((type): type is DatePart => type === 'day' || type === 'month' || type === 'year');
    return order.length === 3 ? order : [...DEFAULT_ORDER];
  } catch {
    return [...DEFAULT_ORDER];
  }
}

/** The twelve month names of `locale`, January first (`style` as `Intl.DateTimeFormat`'s `month`). */
export function monthNames(locale: string, style: 'long' | 'short' = 'long'): string[] {
  const formatter = new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, month) => formatter.format(new Date(Date.UTC(2001, month, 15))));
}
