/**
 * Our shared KYC rules against the provider's, as the sandbox implements them
 * (`demo/sandbox/api/kyc-validation.ts`), on generated submissions: near-valid ones with a few fields
 * broken (names near 100 characters with characters the provider escapes, birthdates around the 18- and
 * 100-year edges and impossible dates, aliases and blocked countries, malformed and mis-checksummed
 * addresses, amounts around 0.01, bad file keys, too many proofs, wrong types).
 *
 * What goes to the sandbox is what would cross the wire: our provider params encoded by `toQuery`, parsed
 * back as Rack does (`parseQuery`), then sanitised as the provider does, with every file key the
 * submission names present in the file store at a valid size. Two properties:
 *
 * 1. **Whatever we accept, the provider accepts**, and stores the values we normalised.
 * 2. **Whenever the provider refuses a field of the raw submission, we refuse that field too**, except
 *    where a value is one of our own normalisations the provider does not make (marked `native: false`
 *    below: Unicode whitespace, `yyyy-mm-dd` dates, our extra aliases, curly apostrophes, padded keys
 *    inside the investor-proof list). Property 1 covers those: what we send after normalising is accepted.
 *
 * Intended differences (we are stricter; each one means we refuse something the provider takes):
 * a mixed-case Ethereum address must pass EIP-55; a date must exist (no `31/02` roll-over); no markup or
 * control characters in text; other text fields at most 255 characters; amounts are plain decimals of at
 * most 15 digits; no duplicate investor proofs; no unknown properties; a field the sale does not collect
 * must be left out. Only the provider can tell whether an uploaded file exists at a valid size, so every
 * well-formed key is stored here.
 *
 * Seeded: `FC_SEED` replays a run, `FC_RUNS` sets the number of runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseQuery, toQuery, type ParamValue } from '../../../proxy/signer.js';
import { daysFromCivil, formatBirthdate, providerToday, type CalendarDate } from '../../../proxy/contract/birthdate-rule.js';
import { toChecksumAddress } from '../../../proxy/contract/eip55.js';
import { KYC_FIELDS, OPTIONAL_FIELDS, PROVIDER_FIELD_NAMES, kycFieldFromProviderName, type KycField, type OptionalKycField } from '../../../proxy/contract/kyc-fields.js';
import { toProviderParams, validateKycSubmission, type SaleFieldRules } from '../../../proxy/contract/kyc-rules.js';
import { COUNTRIES, COUNTRY_ALIASES, NATIONALITIES, PROVIDER_COUNTRY_ALIASES, PROVIDER_NATIONALITY_ALIASES, providerListRules } from '../../../proxy/countries.js';
import { validateKycSubmission as sandboxValidate, type KycValidation as SandboxValidation } from '../../../demo/sandbox/api/kyc-validation.js';
import { parseClient } from '../../../demo/sandbox/config.js';
import { sanitizeParams } from '../../../demo/sandbox/sanitize.js';
import { MemoryFileStore } from '../../sandbox/api/helpers.js';

const SEED = Number(process.env.FC_SEED ?? 20260520);
const RUNS = Number(process.env.FC_RUNS ?? 600);

const CLIENT_ID = 7;
const BLOCKED = ['CUBA', 'IRAN', 'KOREA, NORTH'];
const RESIDENCE_PROOF_NATIONALITIES = ['INDIAN', 'NIGERIAN'];
/** Well-formed keys of this client; all of them are in the file store at a valid size. */
const KEYS = ['7/i/4ae058629d4b384edcda8decdfbf0dd1', '7/i/4ae058629d4b384edcda8decdfbf0dd2', '7/d/4ae058629d4b384edcda8decdfbf0dd3', '7/d/0123456789abcdef0123456789abcdef', '7//4ae058629d4b384edcda8decdfbf0dd5'];
const DAY_MS = 86_400_000;

/** A generated field value, and whether the provider reads it as we do (see the module comment). */
interface Gen {
  value: unknown;
  native: boolean;
}
const gen = (value: unknown, native = true): Gen => ({ value, native });

const asciiPad = fc.constantFrom('', '', ' ', '  ', '\t', '\n');
const unicodePad = fc.constantFrom('\u00a0', '\u2003', '\ufeff');
/** Wrap a string arbitrary in ASCII padding (native) or Unicode padding (ours only). */
function padded(core: fc.Arbitrary<string>): fc.Arbitrary<Gen> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(asciiPad, core, asciiPad).map(([a, text, b]) => gen(a + text + b)) },
    { weight: 1, arbitrary: fc.tuple(unicodePad, core).map(([pad, text]) => gen(pad + text, false)) },
  );
}
/** Values of the wrong type or empty: the same for every field. */
const wrongType = fc.constantFrom<Gen>(gen(42), gen(['x']), gen({ a: 'x' }), gen(null), gen(''), gen('   '), gen(undefined), gen({}));

/** Characters that the provider escapes, removes or counts specially, and plain ones. */
const tricky = fc.constantFrom('a', 'Z', 'é', '😀', '&', '<', '>', '`', ' ', '-', "'", '\u00a0', '<b', '</i>', '\n', '\u0000', '.');
function text(maxBase: number): { valid: fc.Arbitrary<Gen>; broken: fc.Arbitrary<Gen> } {
  const plain = fc.string({ unit: fc.constantFrom('a', 'B', 'é', ' ', '-', "'", '😀'), minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '');
  const nearLimit = fc.tuple(fc.integer({ min: maxBase - 12, max: maxBase + 2 }), fc.array(tricky, { maxLength: 6 })).map(([n, extra]) => 'x'.repeat(n) + extra.join(''));
  // Characters the provider escapes (so counts as several) right at the limit.
  const escapedAtLimit = fc
    .tuple(fc.integer({ min: maxBase - 30, max: maxBase }), fc.constantFrom('&', '<', '>', '`', '\u00a0'), fc.integer({ min: 1, max: 8 }))
    .map(([n, char, count]) => 'x'.repeat(Math.max(1, n - count)) + char.repeat(count) + 'y');
  return {
    valid: padded(plain),
    broken: fc.oneof(
      { weight: 2, arbitrary: padded(nearLimit) },
      { weight: 2, arbitrary: padded(escapedAtLimit) },
      { weight: 1, arbitrary: padded(fc.array(tricky, { minLength: 1, maxLength: 10 }).map((a) => a.join(''))) },
      { weight: 1, arbitrary: wrongType },
    ),
  };
}

/** The calendar date `days` days after 1970-01-01. */
function civilFromDays(days: number): CalendarDate {
  const date = new Date(days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
function birthdate(today: CalendarDate): { valid: fc.Arbitrary<Gen>; broken: fc.Arbitrary<Gen> } {
  const age = fc.oneof(fc.constantFrom(6572, 6573, 6574, 6575, 36522, 36523, 36524, 36525), fc.integer({ min: -10, max: 40000 }));
  const dated = age.map((n) => civilFromDays(daysFromCivil(today) - n));
  const written = fc.tuple(dated, fc.constantFrom('padded', 'short', 'iso')).map(([d, style]): Gen =>
    style === 'padded' ? gen(formatBirthdate(d)) : style === 'short' ? gen(`${d.day}/${d.month}/${d.year}`) : gen(`${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`, false));
  const anyDay = fc.record({ d: fc.integer({ min: 0, max: 32 }), m: fc.integer({ min: 0, max: 13 }), y: fc.integer({ min: 1890, max: 2040 }) }).map(({ d, m, y }) => gen(`${d}/${m}/${y}`));
  const garbage = fc.constantFrom('29-07-1992', 'x29/07/1992', '29/07/92', '1992/07/29', '29/07/1992 x', '31/02/2000', '29/02/2001', '00/01/2000').map((s) => gen(s));
  const adult = fc.integer({ min: 6600, max: 36000 }).map((n) => gen(formatBirthdate(civilFromDays(daysFromCivil(today) - n))));
  return { valid: adult, broken: fc.oneof(written, anyDay, garbage, wrongType) };
}

const caseOf = (name: string) => fc.constantFrom(name, name.toLowerCase(), name.charAt(0) + name.slice(1).toLowerCase());
const ourCountryAliases = Object.keys(COUNTRY_ALIASES).filter((alias) => !Object.hasOwn(PROVIDER_COUNTRY_ALIASES, alias));
const country = {
  valid: fc.constantFrom(...COUNTRIES.filter((c) => !BLOCKED.includes(c))).chain(caseOf).map((c) => gen(c)),
  broken: fc.oneof(
    padded(fc.constantFrom(...BLOCKED, ...Object.keys(PROVIDER_COUNTRY_ALIASES), 'ATLANTIS', 'RUSSIAN FEDERATION ', 'U.S.A.')),
    fc.constantFrom(...ourCountryAliases, 'Côte d’Ivoire', 'cote d’ivoire').map((c) => gen(c, false)),
    wrongType,
  ),
};
const nationality = {
  // A third of them must add a proof of residence.
  valid: fc.oneof(fc.constantFrom(...NATIONALITIES), fc.constantFrom(...NATIONALITIES), fc.constantFrom(...RESIDENCE_PROOF_NATIONALITIES)).chain(caseOf).map((n) => gen(n)),
  broken: fc.oneof(padded(fc.constantFrom(...Object.keys(PROVIDER_NATIONALITY_ALIASES), 'MARTIAN', 'INDIA', 'AMERICAN!')), wrongType),
};

const key = fc.constantFrom(...KEYS);
const badKey = fc.constantFrom('8/i/4ae058629d4b384edcda8decdfbf0dd1', '7/i/a.jpg', '7/i/a b', 'i/abc', '/7/i/abc', '07/i/abc', '7', '77/i/abc');
const file = {
  valid: key.map((k) => gen(k)),
  broken: fc.oneof(padded(key), padded(badKey), wrongType),
};
const proofs = {
  valid: fc.subarray(KEYS, { maxLength: 2 }).map((keys) => gen(keys)),
  broken: fc.oneof(
    fc.array(fc.oneof(key, badKey), { minLength: 1, maxLength: 3 }).map((keys) => gen(keys)),
    fc.subarray(KEYS, { minLength: 3 }).map((keys) => gen(keys)),
    fc.array(key, { minLength: 1, maxLength: 2 }).map((keys) => gen(keys.map((k) => ` ${k}`), false)),
    key.map((k) => gen(k)),
    fc.constantFrom(gen([1]), gen([KEYS[0], null]), gen([]), gen(null)),
  ),
};

const hex40 = fc.stringMatching(/^[0-9a-f]{40}$/);
const ethereum = {
  valid: fc.tuple(hex40, fc.constantFrom('lower', 'upper', 'checksummed', 'bare')).map(([hex, style]) =>
    gen(style === 'lower' ? `0x${hex}` : style === 'upper' ? `0x${hex.toUpperCase()}` : style === 'bare' ? hex : toChecksumAddress(hex))),
  broken: fc.oneof(
    fc.tuple(hex40, fc.integer({ min: 0, max: 39 })).map(([hex, i]) => {
      // Flip the case of one letter of a checksummed address (if it has one at or after i).
      const sum = toChecksumAddress(hex);
      const at = [...sum.slice(2)].findIndex((c, j) => j >= i && /[a-fA-F]/.test(c));
      if (at < 0) return gen(sum);
      const c = sum.charAt(2 + at);
      return gen(sum.slice(0, 2 + at) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + sum.slice(3 + at));
    }),
    fc.tuple(hex40, fc.integer({ min: 0, max: 45 })).map(([hex, n]) => gen(`0x${(hex + hex).slice(0, n)}`)),
    hex40.map((hex) => gen(`0X${hex}`)),
    hex40.map((hex) => gen(`0x${hex.slice(0, 39)}g`)),
    hex40.map((hex) => gen(`junk\n0x${hex}`)),
    padded(hex40.map((hex) => `0x${hex}`)),
    wrongType,
  ),
};

const amount = {
  valid: fc.integer({ min: 1, max: 10_000_000 }).map((cents) => gen((cents / 100).toString())),
  broken: fc.oneof(
    fc.constantFrom('0.01', '0.0099', '0.009999999999', '0.010', '.01', '0.0100000000000000001', '0.00999999999999999999', '1e-2', '1e3', '1_000', '5.', '-1', '+5', ' 12 ', '0x10', 'abc', '1,5', '0', '00.01').map((s) => gen(s)),
    fc.double({ min: 0, max: 0.03, noNaN: true }).map((n) => gen(n)),
    fc.integer({ min: 0, max: 3 }).map((cents) => gen((cents / 100).toString())),
    wrongType,
  ),
};

/** A generated case: the sale's optional fields, the clock, and a submission with 0–3 fields broken. */
const scenario = fc.record({
  collected: fc.subarray([...OPTIONAL_FIELDS]),
  nowMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
  broken: fc.subarray([...KYC_FIELDS], { maxLength: 3 }),
}).chain(({ collected, nowMs, broken }) => {
  const today = providerToday(nowMs);
  const names = text(100);
  const longText = text(255);
  const arbitraries: Record<KycField, { valid: fc.Arbitrary<Gen>; broken: fc.Arbitrary<Gen> }> = {
    firstName: names,
    lastName: names,
    birthdate: birthdate(today),
    country,
    nationality,
    documentIdNumber: longText,
    documentIdFile: file,
    selfieFile: file,
    // Optional unless the nationality needs it: often left out.
    residenceProofFile: { valid: fc.oneof(file.valid, fc.constant(gen(undefined))), broken: file.broken },
    investorProofFiles: proofs,
    streetAddress: longText,
    city: longText,
    state: longText,
    postalCode: longText,
    ethereumAddress: ethereum,
    estimatedParticipationAmount: amount,
  };
  const fields = Object.fromEntries(
    KYC_FIELDS.map((field) => {
      const isCollected = !(OPTIONAL_FIELDS as readonly string[]).includes(field) || collected.includes(field as OptionalKycField);
      // A field the sale does not collect is left out unless broken (then it is present: not_collected).
      const arbitrary = broken.includes(field) ? arbitraries[field].broken : isCollected ? arbitraries[field].valid : fc.constant(gen(undefined));
      return [field, arbitrary];
    }),
  ) as Record<KycField, fc.Arbitrary<Gen>>;
  return fc.record({ fields: fc.record(fields), unknown: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), collected: fc.constant(collected), nowMs: fc.constant(nowMs) });
});

/** ASCII whitespace and NUL at both ends: what the provider strips (we also trim Unicode whitespace). */
const asciiStrip = (text: string): string => text.replace(/^[\t\n\v\f\r \0]+|[\t\n\v\f\r \0]+$/g, '');

/**
 * Whether the provider reads a generated value as we do: marked so by its generator, and, for text, not
 * ending or starting in Unicode whitespace that only we trim (tricky characters may land at an end).
 */
function isNative({ value, native }: Gen): boolean {
  return native && (typeof value !== 'string' || asciiStrip(value) === value.trim());
}

/** What the provider's service sees of `params`: encoded, parsed back as Rack does, sanitised. */
function overTheWire(params: Record<string, ParamValue>): ReturnType<typeof sanitizeParams> {
  return sanitizeParams(parseQuery(toQuery(params)));
}

describe('our KYC rules agree with the provider’s (sandbox)', () => {
  it(`whatever we accept the provider accepts; whatever field it refuses we refuse (seed ${SEED}, ${RUNS} runs)`, async (t) => {
    const files = new MemoryFileStore();
    for (const k of KEYS) files.put(k, 300000);
    const stats = { weAccepted: 0, providerRefusedAField: 0, weRefusedMore: 0 };

    await fc.assert(
      fc.asyncProperty(scenario, async ({ fields, unknown, collected, nowMs }) => {
        const client = parseClient(
          {
            clientId: CLIENT_ID,
            apiKey: 'k',
            apiSecret: 's',
            kycFields: collected.map((field) => PROVIDER_FIELD_NAMES[field]),
            blacklistedCountries: BLOCKED,
            residencyProofNationalities: RESIDENCE_PROOF_NATIONALITIES,
          },
          0,
        );
        const rules: SaleFieldRules = {
          ...providerListRules(),
          collected,
          required: [],
          blockedCountries: BLOCKED,
          residenceProofNationalities: RESIDENCE_PROOF_NATIONALITIES,
          maxInvestorProofs: 2,
          clientId: CLIENT_ID,
        };
        const input: Record<string, unknown> = {};
        for (const field of KYC_FIELDS) if (fields[field].value !== undefined) input[field] = fields[field].value;
        if (unknown) input['occupation'] = 'pilot';

        const ours = validateKycSubmission(input, rules, { today: providerToday(nowMs) });

        // 1. Whatever we accept, the provider accepts, with our normalised values.
        if (ours.ok) {
          stats.weAccepted++;
          const sent = await sandboxValidate(overTheWire(toProviderParams(ours.value)), client, files, nowMs);
          assert.ok(sent.ok, `we accepted ${JSON.stringify(ours.value)}, the provider refused: ${JSON.stringify(!sent.ok && sent.errors)}`);
          const stored = sent.submission;
          const [day, month, year] = ours.value.birthdate.split('/');
          assert.equal(stored.birthdate, `${year}-${month}-${day}`);
          assert.equal(stored.country, ours.value.country);
          assert.equal(stored.nationality, ours.value.nationality);
          assert.equal(stored.document_id_file_path, ours.value.documentIdFile);
          assert.equal(stored.selfie_file_path, ours.value.selfieFile);
          assert.equal(stored.ethereum_address, ours.value.ethereumAddress ?? null);
          assert.equal(stored.estimated_participation_amount, ours.value.estimatedParticipationAmount === undefined ? null : Number(ours.value.estimatedParticipationAmount));
          assert.deepEqual(stored.investor_proof_files_path, ours.value.investorProofFiles ?? []);
        }

        // 2. Whenever the provider refuses a field of the raw submission, we refuse that field.
        const naive: Record<string, ParamValue> = {};
        for (const field of KYC_FIELDS) if (fields[field].value !== undefined) naive[PROVIDER_FIELD_NAMES[field]] = fields[field].value as ParamValue;
        const provider: SandboxValidation = await sandboxValidate(overTheWire(naive), client, files, nowMs);
        const refusedByUs = new Set(ours.ok ? [] : ours.errors.map((e) => e.field));
        if (!provider.ok) {
          for (const error of provider.errors) {
            const field = kycFieldFromProviderName(error.parameter);
            assert.notEqual(field, undefined, `the provider refused a parameter we do not know: ${error.parameter}`);
            if (field === undefined || !isNative(fields[field])) continue;
            stats.providerRefusedAField++;
            assert.ok(refusedByUs.has(field), `the provider refused ${field} (${error.msg}) of ${JSON.stringify(input[field])}; we did not: ${JSON.stringify(ours)}`);
          }
        } else if (!ours.ok) stats.weRefusedMore++;
      }),
      { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
    );

    t.diagnostic(`we accepted ${stats.weAccepted}; the provider refused a field ${stats.providerRefusedAField} times; only we refused ${stats.weRefusedMore}`);
    // The generator must exercise both directions, or the properties above prove nothing.
    assert.ok(stats.weAccepted >= RUNS / 10, `we accepted only ${stats.weAccepted} of ${RUNS}`);
    assert.ok(stats.providerRefusedAField >= RUNS / 5, `the provider refused a field only ${stats.providerRefusedAField} times`);
    assert.ok(stats.weRefusedMore > 0, 'some submissions are refused by us only (the intended differences)');
  });
});
