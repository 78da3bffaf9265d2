/**
 * The shared KYC field rules: every rule, the field and rule each error names, and the normalised value.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KYC_FIELD_LABELS, OPTIONAL_FIELDS, type KycField } from '../../../proxy/contract/kyc-fields.js';
import {
  isFieldCollected,
  isFieldRequired,
  toProviderParams,
  validateKycField,
  validateKycSubmission,
  type KycValidation,
  type SaleFieldRules,
} from '../../../proxy/contract/kyc-rules.js';
import type { FieldError } from '../../../proxy/contract/field-error.js';
import { englishFieldErrorMessage } from '../../../proxy/contract/field-error-message.js';

const TODAY = { year: 2026, month: 5, day: 20 };
const OPTIONS = { today: TODAY, describe: englishFieldErrorMessage };

/** A sale that collects everything, with small lists. */
const RULES: SaleFieldRules = {
  collected: [...OPTIONAL_FIELDS],
  required: [],
  countries: ['INDIA', 'CUBA', 'RUSSIA', 'UNITED STATES OF AMERICA', "CÔTE D'IVOIRE"],
  nationalities: ['INDIAN', 'AMERICAN', 'AFGHAN'],
  blockedCountries: ['CUBA'],
  residenceProofNationalities: ['INDIAN'],
  maxInvestorProofs: 2,
  countryAliases: { 'RUSSIAN FEDERATION': 'RUSSIA', 'COTE D\'IVOIRE': "CÔTE D'IVOIRE" },
  nationalityAliases: { AFGHANI: 'AFGHAN' },
  clientId: 7,
};
/** A sale that collects only what the provider always requires. */
const MINIMAL: SaleFieldRules = { ...RULES, collected: [] };

const DOC = '7/i/4ae058629d4b384edcda8decdfbf0dd1';
const SELFIE = '7/i/4ae058629d4b384edcda8decdfbf0dd2';
const RESIDENCE = '7/d/4ae058629d4b384edcda8decdfbf0dd3';
const PROOF1 = '7/d/4ae058629d4b384edcda8decdfbf0da1';
const PROOF2 = '7/d/4ae058629d4b384edcda8decdfbf0da2';
/** The EIP-55 example address, and its digits in lower case. */
const ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const ADDRESS_LOWER = ADDRESS.toLowerCase();

/** A complete submission as a user might type it (untrimmed, lower case, aliases). */
function typed(): Record<string, unknown> {
  return {
    firstName: '  Tom & Jerry ',
    lastName: 'Sawant',
    birthdate: '9/7/1992',
    country: ' russian federation ',
    nationality: 'indian',
    documentIdNumber: ' ABCD123 ',
    documentIdFile: DOC,
    selfieFile: ` ${SELFIE}\n`,
    residenceProofFile: RESIDENCE,
    investorProofFiles: [PROOF1, PROOF2],
    streetAddress: 'Hadapsar 12',
    city: 'Pune',
    state: 'Maharashtra',
    postalCode: '411028',
    ethereumAddress: ADDRESS_LOWER.slice(2),
    estimatedParticipationAmount: '0012.50',
  };
}

function errorsOf(result: KycValidation): FieldError[] {
  assert.equal(result.ok, false, 'expected the submission to be refused');
  return result.ok ? [] : result.errors;
}

/** The single error of a submission with `change` applied. */
function onlyError(change: Record<string, unknown>, rules: SaleFieldRules = RULES): FieldError {
  const errors = errorsOf(validateKycSubmission({ ...typed(), ...change }, rules, OPTIONS));
  assert.equal(errors.length, 1, `expected one error, got ${JSON.stringify(errors)}`);
  return errors[0] as FieldError;
}

describe('validateKycSubmission: a valid submission', () => {
  it('is accepted and normalised: trimmed, canonical names, dd/mm/yyyy, checksummed address, plain amount', () => {
    const result = validateKycSubmission(typed(), RULES, OPTIONS);
    assert.deepEqual(result, {
      ok: true,
      value: {
        firstName: 'Tom & Jerry',
        lastName: 'Sawant',
        birthdate: '09/07/1992',
        country: 'RUSSIA',
        nationality: 'INDIAN',
        documentIdNumber: 'ABCD123',
        documentIdFile: DOC,
        selfieFile: SELFIE,
        residenceProofFile: RESIDENCE,
        investorProofFiles: [PROOF1, PROOF2],
        streetAddress: 'Hadapsar 12',
        city: 'Pune',
        state: 'Maharashtra',
        postalCode: '411028',
        ethereumAddress: ADDRESS,
        estimatedParticipationAmount: '12.5',
      },
    });
  });

  it('leaves out optional fields left empty (null, blank, empty list) when not required', () => {
    const result = validateKycSubmission(
      { ...typed(), residenceProofFile: null, investorProofFiles: [], nationality: 'American', streetAddress: undefined },
      { ...RULES, collected: ['residenceProofFile', 'investorProofFiles', 'streetAddress'] },
      OPTIONS,
    );
    assert.equal(result.ok, false, 'streetAddress is required by the provider once collected');
    assert.deepEqual(errorsOf(result).map((e) => [e.field, e.rule]), [
      ['streetAddress', 'required'],
      ['city', 'not_collected'],
      ['state', 'not_collected'],
      ['postalCode', 'not_collected'],
      ['ethereumAddress', 'not_collected'],
      ['estimatedParticipationAmount', 'not_collected'],
    ]);
  });

  it('accepts the mandatory fields alone for a sale that collects nothing else', () => {
    const { firstName, lastName, birthdate, country, nationality, documentIdNumber, documentIdFile, selfieFile } = typed();
    const result = validateKycSubmission({ firstName, lastName, birthdate, country, nationality, documentIdNumber, documentIdFile, selfieFile }, MINIMAL, OPTIONS);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(Object.keys(result.value), ['firstName', 'lastName', 'birthdate', 'country', 'nationality', 'documentIdNumber', 'documentIdFile', 'selfieFile']);
  });

  it('reads a yyyy-mm-dd birthdate and a numeric amount', () => {
    const result = validateKycSubmission({ ...typed(), birthdate: '1992-07-29', estimatedParticipationAmount: 0.01 }, RULES, OPTIONS);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.birthdate, '29/07/1992');
    assert.equal(result.value.estimatedParticipationAmount, '0.01');
  });
});

/** One row per rule: what to change, and the field, rule and params of the one error expected. */
const RULE_ROWS: { name: string; change: Record<string, unknown>; field: KycField | null; rule: string; params?: Record<string, string | number>; rules?: SaleFieldRules }[] = [
  { name: 'blank first name', change: { firstName: ' \t' }, field: 'firstName', rule: 'required' },
  { name: 'absent last name', change: { lastName: undefined }, field: 'lastName', rule: 'required' },
  { name: 'first name of 101 characters', change: { firstName: 'x'.repeat(101) }, field: 'firstName', rule: 'too_long', params: { max: 100 } },
  { name: 'first name of 101 astral characters', change: { firstName: '😀'.repeat(101) }, field: 'firstName', rule: 'too_long', params: { max: 100 } },
  { name: 'last name growing past 100 by the provider’s escaping (21 × & = 105)', change: { lastName: '&'.repeat(21) }, field: 'lastName', rule: 'too_long', params: { max: 100 } },
  { name: 'last name with backticks past 100 (17 × ` = 102)', change: { lastName: '`'.repeat(17) }, field: 'lastName', rule: 'too_long', params: { max: 100 } },
  { name: 'first name as a number', change: { firstName: 42 }, field: 'firstName', rule: 'type' },
  { name: 'first name as a list', change: { firstName: ['Tom'] }, field: 'firstName', rule: 'type' },
  { name: 'last name as an object', change: { lastName: { a: 'b' } }, field: 'lastName', rule: 'type' },
  { name: 'last name with markup', change: { lastName: 'Sa<b>want</b>' }, field: 'lastName', rule: 'format' },
  { name: 'last name with a line break', change: { lastName: 'Sa\nwant' }, field: 'lastName', rule: 'format' },
  { name: 'document id of 256 characters', change: { documentIdNumber: 'A'.repeat(256) }, field: 'documentIdNumber', rule: 'too_long', params: { max: 255 } },
  { name: 'document id as a number', change: { documentIdNumber: 123456 }, field: 'documentIdNumber', rule: 'type' },
  { name: 'city with a comment tag', change: { city: '<!-- x -->' }, field: 'city', rule: 'format' },
  { name: 'blank birthdate', change: { birthdate: '' }, field: 'birthdate', rule: 'required' },
  { name: 'birthdate with dashes day first', change: { birthdate: '29-07-1992' }, field: 'birthdate', rule: 'format' },
  { name: 'birthdate month 13', change: { birthdate: '01/13/1992' }, field: 'birthdate', rule: 'format' },
  { name: 'birthdate 31 February (the provider would roll it over)', change: { birthdate: '31/02/2000' }, field: 'birthdate', rule: 'format' },
  { name: 'birthdate 29 February of a common year', change: { birthdate: '29/02/2001' }, field: 'birthdate', rule: 'format' },
  { name: 'birthdate with a prefix', change: { birthdate: 'x29/07/1992' }, field: 'birthdate', rule: 'format' },
  { name: 'birthdate with a two-digit year', change: { birthdate: '29/07/92' }, field: 'birthdate', rule: 'format' },
  { name: 'birthdate as a number', change: { birthdate: 19920729 }, field: 'birthdate', rule: 'type' },
  // 20/05/2026 − 6573 days = 21/05/2008: one day short of the provider's 6574.
  { name: 'too young by one day', change: { birthdate: '21/05/2008' }, field: 'birthdate', rule: 'too_young', params: { min: 18 } },
  { name: 'born in the future', change: { birthdate: '01/01/2030' }, field: 'birthdate', rule: 'too_young', params: { min: 18 } },
  // 20/05/2026 − 36524 days = 21/05/1926: one day past the provider's 36523.
  { name: 'too old by one day', change: { birthdate: '21/05/1926' }, field: 'birthdate', rule: 'too_old', params: { max: 100 } },
  { name: 'blocked country', change: { country: 'cuba' }, field: 'country', rule: 'blocked_country' },
  { name: 'unknown country', change: { country: 'Atlantis' }, field: 'country', rule: 'unknown_country' },
  { name: 'country the sale does not list', change: { country: 'France' }, field: 'country', rule: 'unknown_country' },
  { name: 'country as a list', change: { country: ['INDIA'] }, field: 'country', rule: 'type' },
  { name: 'unknown nationality', change: { nationality: 'martian' }, field: 'nationality', rule: 'unknown_nationality' },
  { name: 'blank nationality', change: { nationality: '  ' }, field: 'nationality', rule: 'required' },
  { name: 'another client’s document key', change: { documentIdFile: '2/i/abc' }, field: 'documentIdFile', rule: 'format' },
  { name: 'selfie key with a dot', change: { selfieFile: '7/i/a.jpg' }, field: 'selfieFile', rule: 'format' },
  { name: 'selfie key without a client id', change: { selfieFile: 'abcdef' }, field: 'selfieFile', rule: 'format' },
  { name: 'document key as a number', change: { documentIdFile: 7 }, field: 'documentIdFile', rule: 'type' },
  { name: 'no residence proof for an INDIAN national', change: { residenceProofFile: '' }, field: 'residenceProofFile', rule: 'required' },
  { name: 'three investor proofs', change: { investorProofFiles: [PROOF1, PROOF2, DOC] }, field: 'investorProofFiles', rule: 'too_many_files', params: { max: 2 } },
  { name: 'two investor proofs where the sale allows one', change: { investorProofFiles: [PROOF1, PROOF2] }, field: 'investorProofFiles', rule: 'too_many_files', params: { max: 1 }, rules: { ...RULES, maxInvestorProofs: 1 } },
  { name: 'three investor proofs where the sale says 5 (the provider caps at 2)', change: { investorProofFiles: [PROOF1, PROOF2, DOC] }, field: 'investorProofFiles', rule: 'too_many_files', params: { max: 2 }, rules: { ...RULES, maxInvestorProofs: 5 } },
  { name: 'investor proof as a string', change: { investorProofFiles: PROOF1 }, field: 'investorProofFiles', rule: 'type' },
  { name: 'investor proofs holding a number', change: { investorProofFiles: [PROOF1, 3] }, field: 'investorProofFiles', rule: 'type' },
  { name: 'second investor proof malformed', change: { investorProofFiles: [PROOF1, '7/d/x y'] }, field: 'investorProofFiles', rule: 'format', params: { index: 1 } },
  { name: 'the same investor proof twice', change: { investorProofFiles: [PROOF1, ` ${PROOF1}`] }, field: 'investorProofFiles', rule: 'duplicate_file' },
  { name: 'investor proofs required by the sale', change: { investorProofFiles: [] }, field: 'investorProofFiles', rule: 'required', rules: { ...RULES, required: ['investorProofFiles'] } },
  { name: 'blank Ethereum address', change: { ethereumAddress: ' ' }, field: 'ethereumAddress', rule: 'required' },
  { name: 'short Ethereum address', change: { ethereumAddress: '0x1234' }, field: 'ethereumAddress', rule: 'format' },
  { name: 'Ethereum address with a non-hex digit', change: { ethereumAddress: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg' }, field: 'ethereumAddress', rule: 'format' },
  { name: 'Ethereum address on two lines', change: { ethereumAddress: `junk\n${ADDRESS}` }, field: 'ethereumAddress', rule: 'format' },
  { name: 'Ethereum address with one letter’s case flipped', change: { ethereumAddress: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' }, field: 'ethereumAddress', rule: 'checksum', params: { suggestion: ADDRESS } },
  { name: 'amount below 0.01', change: { estimatedParticipationAmount: '0.0099' }, field: 'estimatedParticipationAmount', rule: 'min_amount', params: { min: 0.01 } },
  { name: 'amount zero', change: { estimatedParticipationAmount: 0 }, field: 'estimatedParticipationAmount', rule: 'min_amount', params: { min: 0.01 } },
  { name: 'amount below the sale’s minimum', change: { estimatedParticipationAmount: '99.99' }, field: 'estimatedParticipationAmount', rule: 'min_amount', params: { min: 100 }, rules: { ...RULES, minAmount: 100 } },
  { name: 'amount with an exponent', change: { estimatedParticipationAmount: '1e3' }, field: 'estimatedParticipationAmount', rule: 'format' },
  { name: 'amount ending in a point', change: { estimatedParticipationAmount: '5.' }, field: 'estimatedParticipationAmount', rule: 'format' },
  { name: 'negative amount as text', change: { estimatedParticipationAmount: '-5' }, field: 'estimatedParticipationAmount', rule: 'format' },
  { name: 'amount with a thousands separator', change: { estimatedParticipationAmount: '1,000' }, field: 'estimatedParticipationAmount', rule: 'format' },
  { name: 'amount of 16 digits', change: { estimatedParticipationAmount: '1234567890.123456' }, field: 'estimatedParticipationAmount', rule: 'format' },
  { name: 'amount as a boolean', change: { estimatedParticipationAmount: true }, field: 'estimatedParticipationAmount', rule: 'type' },
  { name: 'a field the sale does not collect', change: { city: 'Pune' }, field: 'city', rule: 'not_collected', rules: { ...RULES, collected: OPTIONAL_FIELDS.filter((f) => f !== 'city') } },
  { name: 'an unknown property', change: { occupation: 'pilot' }, field: null, rule: 'unknown_field', params: { property: 'occupation' } },
  { name: 'a snake_case provider name', change: { first_name: 'Tom' }, field: null, rule: 'unknown_field', params: { property: 'first_name' } },
];

describe('validateKycSubmission: one error per broken rule, naming field and rule', () => {
  for (const row of RULE_ROWS) {
    it(row.name, () => {
      const error = onlyError(row.change, row.rules);
      assert.equal(error.field, row.field);
      assert.equal(error.rule, row.rule);
      assert.deepEqual(error.params, row.params);
      const label = row.field === null ? 'property' : KYC_FIELD_LABELS[row.field];
      assert.ok(error.message.includes(label), `message names the field: ${error.message}`);
      assert.ok(error.message.length > label.length + 5, `message says more than the label: ${error.message}`);
    });
  }

  it('gives each rule its own message for a field', () => {
    const messages = RULE_ROWS.filter((row) => row.field === 'birthdate').map((row) => [row.rule, onlyError(row.change, row.rules).message] as const);
    const byRule = new Map<string, Set<string>>();
    for (const [rule, message] of messages) byRule.set(rule, (byRule.get(rule) ?? new Set()).add(message));
    const distinct = new Set([...byRule.values()].map((set) => [...set].join('|')));
    assert.equal(distinct.size, byRule.size, 'different rules, different messages');
  });

  it('never quotes the value in a message', () => {
    const error = onlyError({ lastName: 'Zzyzx'.repeat(30) });
    assert.ok(!error.message.includes('Zzyzx'));
  });
});

describe('validateKycSubmission: limits and normalisation at the edges', () => {
  const accepted = (change: Record<string, unknown>, rules: SaleFieldRules = RULES) => {
    const result = validateKycSubmission({ ...typed(), ...change }, rules, OPTIONS);
    assert.ok(result.ok, JSON.stringify(result));
    return result.value;
  };

  it('accepts names of exactly 100 characters as the provider counts them', () => {
    assert.equal(accepted({ firstName: 'x'.repeat(100) }).firstName.length, 100);
    assert.equal(accepted({ firstName: '😀'.repeat(100) }).firstName, '😀'.repeat(100));
    assert.equal(accepted({ lastName: '&'.repeat(20) }).lastName, '&'.repeat(20));
    assert.equal(accepted({ lastName: `Tom < Jerry > ${'x'.repeat(78)}` }).lastName.length, 92);
  });

  it('accepts the first day of 18 years as the provider computes it (6574 days), and the last of 100 (36523 days)', () => {
    assert.equal(accepted({ birthdate: '20/05/2008' }).birthdate, '20/05/2008');
    assert.equal(accepted({ birthdate: '22/05/1926' }).birthdate, '22/05/1926');
  });

  it('accepts 29 February of a leap year', () => {
    assert.equal(accepted({ birthdate: '29/02/2000' }).birthdate, '29/02/2000');
  });

  it('maps country and nationality aliases, case and curly quotes to canonical names', () => {
    assert.equal(accepted({ country: 'Côte d’Ivoire' }).country, "CÔTE D'IVOIRE");
    assert.equal(accepted({ country: "cote d'ivoire" }).country, "CÔTE D'IVOIRE");
    assert.equal(accepted({ country: 'united states of america' }).country, 'UNITED STATES OF AMERICA');
    assert.equal(accepted({ nationality: ' Afghani ', residenceProofFile: undefined }).nationality, 'AFGHAN');
  });

  it('checksums lower- and upper-case Ethereum addresses, with or without 0x, and keeps a valid checksum', () => {
    assert.equal(accepted({ ethereumAddress: ADDRESS_LOWER }).ethereumAddress, ADDRESS);
    assert.equal(accepted({ ethereumAddress: `0X${ADDRESS.slice(2).toUpperCase()}` }).ethereumAddress, ADDRESS);
    assert.equal(accepted({ ethereumAddress: ` ${ADDRESS} ` }).ethereumAddress, ADDRESS);
  });

  it('writes amounts plainly', () => {
    assert.equal(accepted({ estimatedParticipationAmount: '.5' }).estimatedParticipationAmount, '0.5');
    assert.equal(accepted({ estimatedParticipationAmount: '0.010' }).estimatedParticipationAmount, '0.01');
    assert.equal(accepted({ estimatedParticipationAmount: '100.00' }).estimatedParticipationAmount, '100');
    assert.equal(accepted({ estimatedParticipationAmount: 1500 }).estimatedParticipationAmount, '1500');
    assert.equal(accepted({ estimatedParticipationAmount: '123456789012345' }).estimatedParticipationAmount, '123456789012345');
    assert.equal(accepted({ estimatedParticipationAmount: '100' }, { ...RULES, minAmount: 100 }).estimatedParticipationAmount, '100');
  });

  it('does not require a residence proof from a nationality the sale does not list, nor when the sale does not collect it', () => {
    assert.equal(accepted({ nationality: 'AMERICAN', residenceProofFile: undefined }).residenceProofFile, undefined);
    const rules = { ...RULES, collected: OPTIONAL_FIELDS.filter((f) => f !== 'residenceProofFile') };
    assert.equal(accepted({ residenceProofFile: undefined }, rules).nationality, 'INDIAN');
  });

  it('checks the client id of file keys only when it is known', () => {
    const { clientId: _omitted, ...anyClient } = RULES;
    assert.equal(accepted({ documentIdFile: '2/i/abc' }, anyClient).documentIdFile, '2/i/abc');
  });
});

describe('validateKycSubmission: the whole body', () => {
  it('refuses what is not an object', () => {
    for (const input of [null, undefined, 'x', 42, [typed()]]) {
      const errors = errorsOf(validateKycSubmission(input, RULES, OPTIONS));
      assert.deepEqual(errors.map((e) => [e.field, e.rule]), [[null, 'type']]);
    }
  });

  it('reports every error, in form order, unknown properties last', () => {
    const errors = errorsOf(validateKycSubmission({ zzz: 1, ...typed(), estimatedParticipationAmount: '0', firstName: '', country: 'cuba', birthdate: 'x' }, RULES, OPTIONS));
    assert.deepEqual(errors.map((e) => [e.field, e.rule]), [
      ['firstName', 'required'],
      ['birthdate', 'format'],
      ['country', 'blocked_country'],
      ['estimatedParticipationAmount', 'min_amount'],
      [null, 'unknown_field'],
    ]);
  });

  it('treats a JSON __proto__ key as an unknown property, without touching prototypes', () => {
    const input = JSON.parse(`{"__proto__": {"firstName": "x"}, ${JSON.stringify(typed()).slice(1)}`) as unknown;
    const errors = errorsOf(validateKycSubmission(input, RULES, OPTIONS));
    assert.deepEqual(errors.map((e) => [e.field, e.rule, e.params?.['property']]), [[null, 'unknown_field', '__proto__']]);
    assert.equal(({} as Record<string, unknown>)['firstName'], undefined);
  });

  it('shortens a long unknown property name in the error', () => {
    const error = onlyError({ ['p'.repeat(500)]: 1 });
    assert.equal(String(error.params?.['property']).length, 64);
    assert.ok(error.message.length < 200);
  });
});

describe('validateKycField (live feedback)', () => {
  it('accepts an empty optional field and reports an empty required one', () => {
    assert.deepEqual(validateKycField('investorProofFiles', [], RULES, OPTIONS), { ok: true, value: undefined });
    const check = validateKycField('firstName', '', RULES, OPTIONS);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.error.rule, 'required');
  });

  it('uses the nationality entered so far to decide on the residence proof', () => {
    const indian = validateKycField('residenceProofFile', '', RULES, { ...OPTIONS, nationality: 'indian' });
    assert.equal(!indian.ok && indian.error.rule, 'required');
    assert.deepEqual(validateKycField('residenceProofFile', '', RULES, { ...OPTIONS, nationality: 'american' }), { ok: true, value: undefined });
  });

  it('returns the normalised value', () => {
    assert.deepEqual(validateKycField('ethereumAddress', ADDRESS_LOWER, RULES, OPTIONS), { ok: true, value: ADDRESS });
    assert.deepEqual(validateKycField('birthdate', '1/2/1990', RULES, OPTIONS), { ok: true, value: '01/02/1990' });
  });
});

describe('isFieldCollected and isFieldRequired', () => {
  it('always collects and requires the provider’s mandatory fields', () => {
    assert.equal(isFieldCollected('selfieFile', MINIMAL), true);
    assert.equal(isFieldRequired('selfieFile', MINIMAL), true);
    assert.equal(isFieldCollected('city', MINIMAL), false);
    assert.equal(isFieldRequired('city', { ...MINIMAL, required: ['city'] }), false, 'never required when not collected');
  });

  it('requires the collected fields the provider requires, and investor proofs only when the sale says so', () => {
    assert.equal(isFieldRequired('postalCode', RULES), true);
    assert.equal(isFieldRequired('ethereumAddress', RULES), true);
    assert.equal(isFieldRequired('investorProofFiles', RULES), false);
    assert.equal(isFieldRequired('investorProofFiles', { ...RULES, required: ['investorProofFiles'] }), true);
    assert.equal(isFieldRequired('residenceProofFile', RULES), false);
    assert.equal(isFieldRequired('residenceProofFile', RULES, 'Indian'), true);
  });
});

describe('toProviderParams', () => {
  it('names every field as the provider does and leaves out what is absent', () => {
    const result = validateKycSubmission(typed(), RULES, OPTIONS);
    assert.ok(result.ok);
    assert.deepEqual(toProviderParams(result.value), {
      first_name: 'Tom & Jerry',
      last_name: 'Sawant',
      birthdate: '09/07/1992',
      country: 'RUSSIA',
      nationality: 'INDIAN',
      document_id_number: 'ABCD123',
      document_id_file_path: DOC,
      selfie_file_path: SELFIE,
      residence_proof_file_path: RESIDENCE,
      investor_proof_files_path: [PROOF1, PROOF2],
      street_address: 'Hadapsar 12',
      city: 'Pune',
      state: 'Maharashtra',
      postal_code: '411028',
      ethereum_address: ADDRESS,
      estimated_participation_amount: '12.5',
    });
    const { investorProofFiles: _proofs, city: _city, ...rest } = result.value;
    const params = toProviderParams({ ...rest, investorProofFiles: [] });
    assert.equal('investor_proof_files_path' in params, false);
    assert.equal('city' in params, false);
  });
});
