/**
 * The server's birthdate rule (upstream §2.4): a `dd/mm/yyyy` tail, read by `Time.zone.strptime` with
 * day roll-over, then an age between 18 and 100 years of 365.2425 days, measured from the end of today
 * in US Eastern time (the zone of the real server).
 */

/** The zone of `config/time_zone.yml` in production and sandbox. */
const ZONE = 'America/New_York';
const YEAR_SECONDS = 365.2425 * 86400;
const TAIL = /\d{1,2}\/\d{1,2}\/\d{4}$/;

const zoneParts = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The wall-clock fields of `ms` in the zone. */
function wallClock(ms: number): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const get = (parts: Intl.DateTimeFormatPart[], type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const parts = zoneParts.formatToParts(new Date(ms));
  return { y: get(parts, 'year'), m: get(parts, 'month'), d: get(parts, 'day'), h: get(parts, 'hour'), mi: get(parts, 'minute'), s: get(parts, 'second') };
}

/** Epoch ms of a wall-clock time in the zone (two passes settle the offset, DST included). */
function zonedToEpoch(y: number, m: number, d: number, h: number, mi: number, s: number): number {
  const utc = new Date(0);
  utc.setUTCFullYear(y, m - 1, d);
  utc.setUTCHours(h, mi, s, 0);
  let guess = utc.getTime();
  for (let i = 0; i < 2; i++) {
    const w = wallClock(guess);
    const asUtc = new Date(0);
    asUtc.setUTCFullYear(w.y, w.m - 1, w.d);
    asUtc.setUTCHours(w.h, w.mi, w.s, 0);
    guess += utc.getTime() - asUtc.getTime();
  }
  return guess;
}

/** The outcome of {@link checkBirthdate}. */
export type BirthdateResult = { ok: true; iso: string } | { ok: false; error: 'invalid_birthdate' | 'invalid_birthdate_age' };

/**
 * Validate a stripped birthdate as the server does.
 *
 * `strptime('%d/%m/%Y')` reads from the start: day 1..31, month 1..12, then the year's digits; the end
 * regex is not anchored at the start, so a prefix the parser cannot read is simply invalid. `Time.zone.local`
 * then rolls an overflowing day forward (31/02/2000 is 2000-03-02).
 */
export function checkBirthdate(text: string, nowMs: number): BirthdateResult {
  if (!TAIL.test(text)) return { ok: false, error: 'invalid_birthdate' };
  const m = /^(\d{1,2})\/(\d{1,2})\/([+-]?\d+)/.exec(text);
  if (!m) return { ok: false, error: 'invalid_birthdate' };
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  if (day < 1 || day > 31 || month < 1 || month > 12) return { ok: false, error: 'invalid_birthdate' };
  const rolled = new Date(0);
  rolled.setUTCFullYear(year, month - 1, day);
  const y = rolled.getUTCFullYear();
  const mo = rolled.getUTCMonth() + 1;
  const d = rolled.getUTCDate();
  const birthMs = zonedToEpoch(y, mo, d, 0, 0, 0);
  const today = wallClock(nowMs);
  // end_of_day: 23:59:59.999999 of today in the zone.
  const endOfDayMs = zonedToEpoch(today.y, today.m, today.d, 23, 59, 59) + 999.999;
  const ageSeconds = (endOfDayMs - birthMs) / 1000;
  if (ageSeconds < 18 * YEAR_SECONDS || ageSeconds > 100 * YEAR_SECONDS) return { ok: false, error: 'invalid_birthdate_age' };
  const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { ok: true, iso };
}
