import { expect } from '@esm-bundle/chai';
import { toChecksumAddress } from '../../../proxy/contract/eip55.js';
import { validateKycField } from '../../../proxy/contract/kyc-rules.js';
import en from '../../../widget/i18n/en.js';
import ar from '../../../widget/i18n/locales/ar.js';
import de from '../../../widget/i18n/locales/de.js';
import { errorText, fieldErrorText, fieldLabel } from '../../../widget/i18n/error-text.js';
import { ERROR_CODES } from '../../../widget/i18n/messages.js';

describe('errorText', () => {
  it('has a message for every error code', () => {
    for (const code of ERROR_CODES) expect(errorText(de, code), code).to.equal(de.errors[code]);
  });

  it('says something general for a code it does not know, or a prototype name', () => {
    expect(errorText(en, 'teapot')).to.equal(en.errors.unknown);
    expect(errorText(en, 'constructor')).to.equal(en.errors.unknown);
  });
});

describe('fieldErrorText', () => {
  it('explains a rule in the locale', () => {
    expect(fieldErrorText(de, { field: 'firstName', rule: 'required' }, 'de')).to.equal(de.fieldErrors.required);
    expect(fieldErrorText(en, { field: 'country', rule: 'blocked_country' }, 'en')).to.equal(en.fieldErrors.blocked_country);
  });

  it('explains a format problem by what the field holds', () => {
    expect(fieldErrorText(en, { field: 'birthdate', rule: 'format' }, 'en')).to.equal(en.fieldErrors.format.birthdate);
    expect(fieldErrorText(en, { field: 'ethereumAddress', rule: 'format' }, 'en')).to.equal(en.fieldErrors.format.ethereumAddress);
    expect(fieldErrorText(en, { field: 'address', rule: 'format' }, 'en')).to.equal(en.fieldErrors.format.ethereumAddress);
    expect(fieldErrorText(en, { field: 'estimatedParticipationAmount', rule: 'format' }, 'en')).to.equal(en.fieldErrors.format.amount);
    expect(fieldErrorText(en, { field: 'investorProofFiles', rule: 'format', params: { index: 1 } }, 'en')).to.equal(en.fieldErrors.format.file);
    expect(fieldErrorText(en, { field: 'email', rule: 'format' }, 'en')).to.equal(en.fieldErrors.format.email);
    expect(fieldErrorText(en, { field: 'city', rule: 'format' }, 'en')).to.equal(en.fieldErrors.format.text);
  });

  it('counts the limit of too_long and too_many_files in the plural form', () => {
    expect(fieldErrorText(en, { field: 'city', rule: 'too_long', params: { max: 255 } }, 'en')).to.equal('This is too long: at most 255 characters (& < > and ` count as several).');
    expect(fieldErrorText(en, { field: 'investorProofFiles', rule: 'too_many_files', params: { max: 1 } }, 'en')).to.equal('You can add at most 1 file.');
    expect(fieldErrorText(ar, { field: 'investorProofFiles', rule: 'too_many_files', params: { max: 2 } }, 'ar')).to.equal('يمكنك إضافة ملفين على الأكثر.');
  });

  it('offers the checksummed address of a wrong checksum', () => {
    const typed = '0x52908400098527886E0F7030069857D2E4169EE7'.replace('E0F', 'e0F');
    const check = validateKycField('ethereumAddress', typed, { collected: ['ethereumAddress'], required: [], countries: [], nationalities: [], blockedCountries: [], residenceProofNationalities: [], maxInvestorProofs: 0 }, { today: { year: 2025, month: 1, day: 1 } });
    if (check.ok) throw new Error('a wrong checksum was accepted');
    const problem = check.error;
    expect(problem.rule).to.equal('checksum');
    const text = fieldErrorText(en, problem, 'en');
    expect(text).to.contain(toChecksumAddress(typed));
    expect(text).to.not.contain('{suggestion}');
  });

  it('writes file sizes and limits as sizes', () => {
    expect(fieldErrorText(en, { field: 'selfieFile', rule: 'too_small', params: { size: 51_200 } }, 'en')).to.equal('This file is too small (50\u00a0kB): it must be at least 200\u00a0kB. A sharper photo or scan will do.');
    expect(fieldErrorText(de, { field: 'selfieFile', rule: 'too_large', params: { size: 31_457_280 } }, 'de')).to.contain('(30\u00a0MB)').and.contain('höchstens 20\u00a0MB');
    expect(fieldErrorText(en, { field: 'documentIdFile', rule: 'file_size' }, 'en', { minBytes: 1024, maxBytes: 2 * 1024 * 1024 })).to.equal('The size of this file was not accepted: it must be between 1\u00a0kB and 2\u00a0MB.');
  });

  it('explains the sign-in code rules by their error codes', () => {
    expect(fieldErrorText(de, { field: 'code', rule: 'wrong', params: { attemptsLeft: 2 } }, 'de')).to.equal(de.errors.code_wrong);
    expect(fieldErrorText(de, { field: 'code', rule: 'expired' }, 'de')).to.equal(de.errors.code_expired);
  });

  it('asks to tick a sale confirmation', () => {
    expect(fieldErrorText(de, { field: 'confirmations.terms', rule: 'required' }, 'de')).to.equal(de.review.confirmationRequired);
  });

  it('shows the proxy message for a rule it does not know, else a general one', () => {
    expect(fieldErrorText(de, { field: 'origin', rule: 'not_allowed', message: 'Not one of the sale origins.' }, 'de')).to.equal('Not one of the sale origins.');
    expect(fieldErrorText(de, { field: null, rule: 'toString' }, 'de')).to.equal(de.errors.unknown);
  });
});

describe('fieldLabel', () => {
  it('names KYC fields and the sign-in fields', () => {
    expect(fieldLabel(de, 'nationality')).to.equal('Staatsangehörigkeit');
    expect(fieldLabel(de, 'email')).to.equal(de.email.label);
    expect(fieldLabel(de, 'code')).to.equal(de.code.label);
    expect(fieldLabel(de, 'address')).to.equal(de.fields.ethereumAddress);
    expect(fieldLabel(de, null)).to.equal('');
  });
});
