/**
 * The date-of-birth rule on calendar days against the sandbox's clock-based copy of the provider's rule
 * (`demo/sandbox/birthdate.ts`): the same verdict at the 18- and 100-year edges on every day of three
 * years (two leap days, six daylight-saving changes), at several hours of the day around Eastern midnight.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_AGE_DAYS,
  MIN_AGE_DAYS,
  birthdateAgeRule,
  daysFromCivil,
  formatBirthdate,
  parseBirthdate,
  providerToday,
  type CalendarDate,
} from '../../../proxy/contract/birthdate-rule.js';
import { checkBirthdate } from '../../../demo/sandbox/birthdate.js';

const DAY_MS = 86_400_000;

/** The calendar date `days` days after 1970-01-01. */
function civilFromDays(days: number): CalendarDate {
  const date = new Date(days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

describe('providerToday', () => {
  it('is the date in New York, not in UTC', () => {
    // 04:59:59 UTC on 1 January is still 31 December in New York (EST, UTC−5); 05:00 is 1 January.
    assert.deepEqual(providerToday(Date.UTC(2026, 0, 1, 4, 59, 59)), { year: 2025, month: 12, day: 31 });
    assert.deepEqual(providerToday(Date.UTC(2026, 0, 1, 5, 0, 0)), { year: 2026, month: 1, day: 1 });
    // In summer (EDT, UTC−4) the day changes at 04:00 UTC.
    assert.deepEqual(providerToday(Date.UTC(2026, 6, 4, 3, 59, 59)), { year: 2026, month: 7, day: 3 });
    assert.deepEqual(providerToday(Date.UTC(2026, 6, 4, 4, 0, 0)), { year: 2026, month: 7, day: 4 });
  });
});

describe('daysFromCivil', () => {
  it('counts days as Date.UTC does, across centuries and leap days', () => {
    for (const [year, month, day] of [[1970, 1, 1], [1900, 2, 28], [1900, 3, 1], [2000, 2, 29], [2000, 3, 1], [1926, 5, 21], [2038, 1, 19], [1, 1, 1]] as const) {
      const utc = new Date(0);
      utc.setUTCFullYear(year, month - 1, day);
      assert.equal(daysFromCivil({ year, month, day }), utc.getTime() / DAY_MS, `${year}-${month}-${day}`);
    }
  });
});

describe('parseBirthdate and formatBirthdate', () => {
  it('reads dd/mm/yyyy (one or two digits) and yyyy-mm-dd, and writes dd/mm/yyyy', () => {
    assert.deepEqual(parseBirthdate('9/7/1992'), { year: 1992, month: 7, day: 9 });
    assert.deepEqual(parseBirthdate('1992-07-09'), { year: 1992, month: 7, day: 9 });
    assert.equal(formatBirthdate({ year: 1992, month: 7, day: 9 }), '09/07/1992');
  });

  it('refuses dates that do not exist and other shapes', () => {
    for (const text of ['31/04/2000', '29/02/1900', '0/1/2000', '1/0/2000', '32/1/2000', '1992-7-9', '09/07/92', '09.07.1992', ' 09/07/1992', '09/07/1992x', '009/07/1992']) {
      assert.equal(parseBirthdate(text), undefined, text);
    }
    assert.deepEqual(parseBirthdate('29/02/2000'), { year: 2000, month: 2, day: 29 });
  });
});

describe('birthdateAgeRule agrees with the provider’s clock-based rule', () => {
  it('at both edges, every day of 2023–2025, around Eastern midnight and noon', () => {
    let compared = 0;
    const first = daysFromCivil({ year: 2023, month: 1, day: 1 });
    const last = daysFromCivil({ year: 2025, month: 12, day: 31 });
    // UTC hours: 04:30 and 05:30 straddle midnight in New York in either season; 16:00 is midday.
    const hours = [4.5, 5.5, 16];
    for (let today = first; today <= last; today++) {
      for (const hour of hours) {
        const nowMs = today * DAY_MS + hour * 3_600_000;
        const zoned = providerToday(nowMs);
        const zonedDays = daysFromCivil(zoned);
        for (const age of [MIN_AGE_DAYS - 1, MIN_AGE_DAYS, MAX_AGE_DAYS, MAX_AGE_DAYS + 1]) {
          const birth = civilFromDays(zonedDays - age);
          const ours = birthdateAgeRule(birth, zoned);
          const sandbox = checkBirthdate(formatBirthdate(birth), nowMs);
          const expected = age < MIN_AGE_DAYS ? 'too_young' : age > MAX_AGE_DAYS ? 'too_old' : undefined;
          assert.equal(ours, expected);
          assert.equal(sandbox.ok, ours === undefined, `born ${formatBirthdate(birth)}, now ${new Date(nowMs).toISOString()}: ours ${ours}, sandbox ${JSON.stringify(sandbox)}`);
          compared++;
        }
      }
    }
    assert.equal(compared, (last - first + 1) * hours.length * 4);
  });

  it('for people born on 29 February', () => {
    for (const [birth, today, expected] of [
      // 18 years after 29/02/2008: 6574 days is 28/02/2026, the day before the "birthday" of 1 March.
      [{ year: 2008, month: 2, day: 29 }, { year: 2026, month: 2, day: 27 }, 'too_young'],
      [{ year: 2008, month: 2, day: 29 }, { year: 2026, month: 2, day: 28 }, undefined],
      [{ year: 2004, month: 2, day: 29 }, { year: 2022, month: 2, day: 28 }, undefined],
      [{ year: 2004, month: 2, day: 29 }, { year: 2022, month: 2, day: 27 }, 'too_young'],
    ] as const) {
      assert.equal(birthdateAgeRule(birth, today), expected, `${formatBirthdate(birth)} on ${formatBirthdate(today)}`);
      // Noon in New York on `today`.
      const nowMs = daysFromCivil(today) * DAY_MS + 17 * 3_600_000;
      assert.equal(checkBirthdate(formatBirthdate(birth), nowMs).ok, expected === undefined);
    }
  });
});
