/**
 * The provider's country and nationality lists on the proxy side: display names, choices per locale,
 * canonical names with aliases (agreeing with the sandbox provider wherever both know a name).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  COUNTRIES,
  COUNTRY_ALIASES,
  NATIONALITIES,
  NATIONALITY_ALIASES,
  PROVIDER_COUNTRY_ALIASES,
  PROVIDER_NATIONALITY_ALIASES,
  canonicalCountry,
  canonicalNationality,
  countryChoices,
  countryCode,
  displayName,
  nationalityChoices,
  providerListRules,
} from '../../proxy/countries.js';
import { validateKycSubmission } from '../../proxy/contract/kyc-rules.js';
import { OPTIONAL_FIELDS } from '../../proxy/contract/kyc-fields.js';
import * as sandbox from '../../demo/sandbox/countries.js';

const lists = JSON.parse(readFileSync(new URL('../../proxy/data/countries_nationalities.json', import.meta.url), 'utf8')) as { countries: string[]; nationalities: string[] };
const codes = (JSON.parse(readFileSync(new URL('../../proxy/data/country-codes.json', import.meta.url), 'utf8')) as { codes: Record<string, string | null> }).codes;

describe('the lists', () => {
  it('are the provider’s 236 countries and 241 nationalities', () => {
    assert.equal(COUNTRIES.length, 236);
    assert.equal(NATIONALITIES.length, 241);
    assert.deepEqual([...COUNTRIES], lists.countries);
    assert.deepEqual([...NATIONALITIES], lists.nationalities);
    assert.ok(Object.isFrozen(COUNTRIES));
  });

  it('give every country an ISO 3166-1 code, or null, each code once and known to Intl', () => {
    assert.deepEqual(Object.keys(codes).sort(), [...COUNTRIES].sort());
    const given = Object.values(codes).filter((code): code is string => code !== null);
    assert.equal(new Set(given).size, given.length, 'no code twice');
    assert.deepEqual(Object.entries(codes).filter(([, code]) => code === null).map(([name]) => name).sort(), ['CORSICA', 'GAZA STRIP', 'NETHERLANDS ANTILLES', 'WEST BANK', 'YUGOSLAVIA']);
    const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (const code of given) {
      assert.match(code, /^[A-Z]{2}$/);
      assert.notEqual(english.of(code), undefined, code);
    }
    assert.equal(countryCode('UNITED STATES OF AMERICA'), 'US');
    assert.equal(countryCode("CÔTE D'IVOIRE"), 'CI');
    assert.equal(countryCode('CORSICA'), undefined);
    assert.equal(countryCode('constructor'), undefined);
  });
});

describe('displayName', () => {
  it('title-cases provider names properly', () => {
    const cases: [string, string][] = [
      ['UNITED STATES OF AMERICA', 'United States of America'],
      ['BOSNIA AND HERZEGOVINA', 'Bosnia and Herzegovina'],
      ["CÔTE D'IVOIRE", "Côte d'Ivoire"],
      ['GUINEA-BISSAU', 'Guinea-Bissau'],
      ['BAHAMAS, THE', 'Bahamas, The'],
      ['CONGO, DEMOCRATIC REPUBLIC OF THE', 'Congo, Democratic Republic of the'],
      ['SAINT VINCENT AND THE GRENADINES', 'Saint Vincent and the Grenadines'],
      ['ISLE OF MAN', 'Isle of Man'],
      ['ST. MAARTEN', 'St. Maarten'],
      ['U.S. TERRITORY', 'U.S. Territory'],
      ['I-KIRIBATI', 'I-Kiribati'],
      ['PRIDNESTROVIE (TRANSNISTRIA)', 'Pridnestrovie (Transnistria)'],
    ];
    for (const [name, label] of cases) assert.equal(displayName(name), label);
  });

  it('changes only the case of a name', () => {
    for (const name of [...COUNTRIES, ...NATIONALITIES]) assert.equal(displayName(name).toUpperCase(), name);
  });
});

describe('countryChoices', () => {
  it('lists every country once, with English labels sorted by label', () => {
    const choices = countryChoices();
    assert.deepEqual(choices.map((c) => c.value).sort(), [...COUNTRIES].sort());
    const labels = choices.map((c) => c.label);
    assert.deepEqual(labels, [...labels].sort(new Intl.Collator('en').compare));
    const label = (value: string) => choices.find((c) => c.value === value)?.label;
    assert.equal(label('BOSNIA AND HERZEGOVINA'), 'Bosnia and Herzegovina');
    assert.equal(label("CÔTE D'IVOIRE"), "Côte d'Ivoire");
    assert.equal(label('KOREA, SOUTH'), 'Korea, South');
  });

  it('uses the same English labels for en-GB, and for a locale that is not valid', () => {
    assert.deepEqual(countryChoices('en-GB'), countryChoices());
    assert.deepEqual(countryChoices('not a locale!'), countryChoices());
  });

  it('names countries in another language with Intl.DisplayNames, and falls back to English where there is no code', () => {
    const german = countryChoices('de');
    const names = new Intl.DisplayNames(['de'], { type: 'region' });
    const label = (value: string) => german.find((c) => c.value === value)?.label;
    assert.equal(label('UNITED STATES OF AMERICA'), names.of('US'));
    assert.equal(label('GERMANY'), 'Deutschland');
    assert.equal(label('CORSICA'), 'Corsica');
    assert.deepEqual(german.map((c) => c.value).sort(), [...COUNTRIES].sort());
    const labels = german.map((c) => c.label);
    assert.deepEqual(labels, [...labels].sort(new Intl.Collator('de').compare));
    assert.equal(countryChoices('fr-CH').find((c) => c.value === 'GERMANY')?.label, 'Allemagne');
  });

  it('returns frozen lists that callers cannot change', () => {
    const choices = countryChoices();
    assert.throws(() => (choices as { value: string; label: string }[]).push({ value: 'X', label: 'X' }), TypeError);
    assert.throws(() => ((choices[0] as { label: string }).label = 'X'), TypeError);
  });
});

describe('nationalityChoices', () => {
  it('lists every nationality once with English labels', () => {
    const choices = nationalityChoices();
    assert.deepEqual(choices.map((c) => c.value).sort(), [...NATIONALITIES].sort());
    const label = (value: string) => choices.find((c) => c.value === value)?.label;
    assert.equal(label('IVORIAN'), 'Ivorian');
    assert.equal(label('I-KIRIBATI'), 'I-Kiribati');
    assert.equal(label('NEW ZEALANDER'), 'New Zealander');
  });
});

describe('canonicalCountry and canonicalNationality', () => {
  it('agree with the provider on every name and alias it knows, in any case, with spaces around', () => {
    for (const name of [...COUNTRIES, ...Object.keys(PROVIDER_COUNTRY_ALIASES)]) {
      for (const typed of [name, name.toLowerCase(), ` ${name} `]) {
        const expected = sandbox.canonicalCountry(typed.trim());
        assert.notEqual(expected, undefined, typed);
        assert.equal(canonicalCountry(typed), expected, typed);
      }
    }
    for (const name of [...NATIONALITIES, ...Object.keys(PROVIDER_NATIONALITY_ALIASES)]) {
      assert.equal(canonicalNationality(` ${name.toLowerCase()}`), sandbox.canonicalNationality(name));
    }
  });

  it('never map an alias of ours to another country than the provider would', () => {
    for (const [alias, name] of Object.entries(COUNTRY_ALIASES)) {
      const provider = sandbox.canonicalCountry(alias);
      assert.ok(provider === undefined || provider === name, `${alias}: ours ${name}, provider ${provider}`);
      assert.ok(COUNTRIES.includes(name), `${alias} → ${name} is on the list`);
    }
    for (const [alias, name] of Object.entries(NATIONALITY_ALIASES)) {
      const provider = sandbox.canonicalNationality(alias);
      assert.ok(provider === undefined || provider === name, alias);
      assert.ok(NATIONALITIES.includes(name));
    }
  });

  it('also read ISO codes, today’s English names, missing accents and curly apostrophes', () => {
    assert.equal(canonicalCountry('us'), 'UNITED STATES OF AMERICA');
    assert.equal(canonicalCountry('United States'), 'UNITED STATES OF AMERICA');
    assert.equal(canonicalCountry('Czechia'), 'CZECH REPUBLIC');
    assert.equal(canonicalCountry('Bosnia & Herzegovina'), 'BOSNIA AND HERZEGOVINA');
    assert.equal(canonicalCountry('Côte d’Ivoire'), "CÔTE D'IVOIRE");
    assert.equal(canonicalCountry('cote d’ivoire'), "CÔTE D'IVOIRE");
    assert.equal(canonicalCountry('russian federation'), 'RUSSIA');
    assert.equal(canonicalNationality('Lithunian'), 'LITHUANIAN');
  });

  it('know nothing else', () => {
    for (const raw of ['Atlantis', '', 'constructor', '__proto__', 'toString', 'USA!', 'U S']) {
      assert.equal(canonicalCountry(raw), undefined, raw);
      assert.equal(canonicalNationality(raw), undefined, raw);
    }
  });
});

describe('providerListRules', () => {
  it('fills the lists of a sale’s field rules, so that aliases reach the shared validation', () => {
    const result = validateKycSubmission(
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        birthdate: '10/12/1990',
        country: 'United States',
        nationality: 'afghani',
        documentIdNumber: 'X1',
        documentIdFile: '7/i/abc',
        selfieFile: '7/i/def',
      },
      { ...providerListRules(), collected: [], required: [], blockedCountries: [], residenceProofNationalities: [], maxInvestorProofs: 2 },
      { today: { year: 2026, month: 1, day: 1 } },
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.country, 'UNITED STATES OF AMERICA');
    assert.equal(result.value.nationality, 'AFGHAN');
    assert.ok(OPTIONAL_FIELDS.every((field) => !(field in result.value)));
  });
});
