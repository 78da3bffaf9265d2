/**
 * The provider's date-of-birth rule (upstream §2.4), restated on calendar days so that the widget and the
 * proxy can apply it without a clock of their own in the provider's zone.
 *
 * The provider refuses a birthdate when `Time.zone.now.end_of_day - birthdate` is under 18 or over 100
 * years of 365.2425 days, in US Eastern time. With `n` = whole days from the birthdate to today, that
 * span is `n + 1` days (less a microsecond), give or take one hour when only one of the two dates is in
 * daylight-saving time (or a few minutes of 19th-century local mean time). The limits fall between whole
 * days with a margin much larger than an hour: 18 years = 6574.365 days, 100 years = 36524.25 days.
 * So, exactly: **too young when `n < 6574`, too old when `n > 36523`**. This accepts some people on the
 * day before their 18th birthday, as the provider does.
 *
 * Isomorphic: plain arithmetic, and `Intl` (in every browser and Node) for today's date in the zone.
 */

/** A date on the proleptic Gregorian calendar; `month` is 1–12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** The zone of the provider's `config/time_zone.yml` (production and sandbox). */
export const PROVIDER_TIME_ZONE = 'America/New_York';

/** Fewest whole days from birth to today the provider accepts (18 × 365.2425 = 6574.365, see above). */
export const MIN_AGE_DAYS = 6574;
/** Most whole days from birth to today the provider accepts (100 × 365.2425 = 36524.25, see above). */
export const MAX_AGE_DAYS = 36523;

let zoneFormat: Intl.DateTimeFormat | undefined;

/**
 * Today's date in the provider's zone: the `today` to validate birthdates with. Near midnight (Eastern)
 * the provider may already be on the next day, which only matters for someone turning 100.
 */
export function providerToday(nowMs: number = Date.now()): CalendarDate {
  // Created on first use, so that importing this module costs nothing.
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZone: PROVIDER_TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric' });
  const parts = zoneFormat.formatToParts(new Date(nowMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`), for any year. */
export function daysFromCivil({ year, month, day }: CalendarDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Days in `month` of `year` (Gregorian leap years). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DAY_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Read a birthdate typed `dd/mm/yyyy` (day and month may have one digit) or `yyyy-mm-dd` (what
 * `<input type="date">` gives). Only real dates: `31/02/2000` is undefined here, where the provider would
 * silently roll it over to 2 March.
 */
export function parseBirthdate(text: string): CalendarDate | undefined {
  const dayFirst = DAY_FIRST.exec(text);
  const iso = dayFirst ? undefined : ISO.exec(text);
  const [day, month, year] = dayFirst ? [dayFirst[1], dayFirst[2], dayFirst[3]] : iso ? [iso[3], iso[2], iso[1]] : [];
  if (day === undefined || month === undefined || year === undefined) return undefined;
  const date = { year: Number(year), month: Number(month), day: Number(day) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) return undefined;
  return date;
}

/** `dd/mm/yyyy`, the form the provider reads. */
export function formatBirthdate({ year, month, day }: CalendarDate): string {
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${String(year).padStart(4, '0')}`;
}

/** The provider's age verdict on a birthdate, given today's date in its zone (see the module comment). */
export function birthdateAgeRule(birth: CalendarDate, today: CalendarDate): 'too_young' | 'too_old' | undefined {
  const days = daysFromCivil(today) - daysFromCivil(birth);
  if (days < MIN_AGE_DAYS) return 'too_young';
  if (days > MAX_AGE_DAYS) return 'too_old';
  return undefined;
}
