import { expect } from '@esm-bundle/chai';
import en from '../../../widget/i18n/en.js';
import ar from '../../../widget/i18n/locales/ar.js';
import de from '../../../widget/i18n/locales/de.js';
import fr from '../../../widget/i18n/locales/fr.js';
import ja from '../../../widget/i18n/locales/ja.js';
import { dateFieldOrder, monthNames } from '../../../widget/i18n/date-entry.js';
import { format, formatDate, formatFileSize, formatList, formatNumber, isRightToLeft, pluralForm } from '../../../widget/i18n/format.js';

const FSI = '\u2068';
const PDI = '\u2069';

describe('format', () => {
  it('fills placeholders', () => {
    expect(format(en.common.stepProgress, { current: 2, total: 5 })).to.equal('Step 2 of 5');
    expect(format('{a}{b}{a}', { a: 'x', b: 'y' })).to.equal('xyx');
  });

  it('leaves a placeholder without a value as typed, and ignores inherited names', () => {
    expect(format('Hello {name}, {toString}', {})).to.equal('Hello {name}, {toString}');
  });

  it('does not re-read a value as a template', () => {
    expect(format('Use {suggestion}', { suggestion: '{count}', count: 3 })).to.equal('Use {count}');
  });

  it('picks the English plural by count', () => {
    expect(format(en.code.attemptsLeft, { count: 1 })).to.equal('You have 1 attempt left.');
    expect(format(en.code.attemptsLeft, { count: 2 })).to.equal('You have 2 attempts left.');
    expect(format(en.code.attemptsLeft, { count: 0 })).to.equal('You have 0 attempts left.');
    expect(format(en.code.attemptsLeft, { count: '1' })).to.equal('You have 1 attempt left.');
    expect(format(en.code.attemptsLeft, {})).to.equal('You have {count} attempts left.');
  });

  it('picks the six Arabic forms', () => {
    const forms = [0, 1, 2, 3, 11, 100].map((count) => format(ar.review.fileCount, { count }, 'ar'));
    expect(forms).to.deep.equal(['لا توجد ملفات', 'ملف واحد', 'ملفان', '3 ملفات', '11 ملفًا', '100 ملف']);
  });

  it('uses French one for 0 and 1, and many for millions', () => {
    expect(format(fr.review.fileCount, { count: 0 }, 'fr')).to.equal('0 fichier');
    expect(format(fr.review.fileCount, { count: 2 }, 'fr')).to.equal('2 fichiers');
    expect(format(fr.review.fileCount, { count: 1_000_000 }, 'fr')).to.equal('1\u202f000\u202f000 de fichiers');
  });

  it('has a single Japanese form', () => {
    expect(format(ja.code.resendIn, { count: 1 }, 'ja')).to.equal('1秒後に新しいコードをリクエストできます。');
    expect(pluralForm(ja.code.resendIn, 5, 'ja')).to.equal(ja.code.resendIn.other);
  });

  it('writes numbers the locale way', () => {
    expect(format(en.amount.minimum, { min: 1500.5 }, 'en')).to.equal('Minimum: 1,500.5');
    expect(format(de.amount.minimum, { min: 1500.5 }, 'de')).to.equal('Mindestbetrag: 1.500,5');
    expect(formatNumber(0.42, 'fr', { style: 'percent' })).to.equal('42\u00a0%');
  });

  it('isolates text values in right-to-left locales only', () => {
    expect(isRightToLeft('ar')).to.equal(true);
    expect(isRightToLeft('he-IL')).to.equal(true);
    expect(isRightToLeft('de')).to.equal(false);
    expect(isRightToLeft('not a tag')).to.equal(false);
    expect(format(ar.code.resent, { email: 'ann@example.com' }, 'ar')).to.equal(`أُرسل رمز جديد إلى ${FSI}ann@example.com${PDI}.`);
    expect(format(en.code.resent, { email: 'ann@example.com' }, 'en')).to.equal('A new code is on its way to ann@example.com.');
  });
});

describe('formatFileSize, formatDate, formatList', () => {
  it('writes the upload limits as sizes', () => {
    // A no-break space between number and unit: "20 MB" never breaks across two lines.
    expect(formatFileSize(204_800, 'en')).to.equal('200\u00a0kB');
    expect(formatFileSize(20 * 1024 * 1024, 'en')).to.equal('20\u00a0MB');
    expect(formatFileSize(1.5 * 1024 * 1024, 'de')).to.equal('1,5\u00a0MB');
    expect(formatFileSize(100, 'en')).to.equal('1\u00a0kB');
    for (const locale of ['en', 'de', 'fr', 'es', 'ja', 'ar']) expect(formatFileSize(20 * 1024 * 1024, locale), locale).to.not.match(/ /);
  });

  it('writes a calendar date in the locale, never shifted by the time zone', () => {
    const birth = { year: 1990, month: 1, day: 1 };
    expect(formatDate(birth, 'en')).to.equal('January 1, 1990');
    expect(formatDate(birth, 'de')).to.equal('1. Januar 1990');
    expect(formatDate(birth, 'ja')).to.equal('1990年1月1日');
    expect(formatDate({ year: 1950, month: 12, day: 31 }, 'fr', { dateStyle: 'short' })).to.equal('31/12/1950');
    expect(formatDate(new Date(Date.UTC(2024, 1, 29, 12)), 'en', { dateStyle: 'medium', timeZone: 'UTC' })).to.equal('Feb 29, 2024');
  });

  it('lists names the locale way', () => {
    expect(formatList(['proxy', 'sale'], 'en')).to.equal('proxy and sale');
    expect(formatList(['proxy', 'sale'], 'de')).to.equal('proxy und sale');
    expect(format(en.common.notConfigured, { count: 2, attributes: formatList(['proxy', 'sale'], 'en') })).to.equal('This KYC form is not configured: set the proxy and sale attributes.');
  });
});

describe('date entry', () => {
  it('orders day, month and year as the locale writes dates', () => {
    expect(dateFieldOrder('en-US')).to.deep.equal(['month', 'day', 'year']);
    expect(dateFieldOrder('en-GB')).to.deep.equal(['day', 'month', 'year']);
    expect(dateFieldOrder('de')).to.deep.equal(['day', 'month', 'year']);
    expect(dateFieldOrder('ja')).to.deep.equal(['year', 'month', 'day']);
  });

  it('names the months in the locale', () => {
    expect(monthNames('en')).to.have.length(12);
    expect(monthNames('en')[0]).to.equal('January');
    expect(monthNames('de')[2]).to.equal('März');
    expect(monthNames('fr', 'short')[1]).to.equal('févr.');
    expect(monthNames('ja')[11]).to.equal('12月');
  });
});
