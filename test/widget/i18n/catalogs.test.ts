import { expect } from '@esm-bundle/chai';
import { KYC_FIELDS } from '../../../proxy/contract/kyc-fields.js';
import { providerToday } from '../../../proxy/contract/birthdate-rule.js';
import { validateKycField, type SaleFieldRules } from '../../../proxy/contract/kyc-rules.js';
import en, { dir as englishDirection } from '../../../widget/i18n/en.js';
import ar, { dir as arabicDirection } from '../../../widget/i18n/locales/ar.js';
import de, { dir as germanDirection } from '../../../widget/i18n/locales/de.js';
import es, { dir as spanishDirection } from '../../../widget/i18n/locales/es.js';
import fr, { dir as frenchDirection } from '../../../widget/i18n/locales/fr.js';
import ja, { dir as japaneseDirection } from '../../../widget/i18n/locales/ja.js';
import { ERROR_CODES, type Messages } from '../../../widget/i18n/messages.js';
import { SUPPORTED_LOCALES } from '../../../widget/i18n/locale.js';
import { normaliseAmountInput } from '../../../widget/steps/wallet-step.js';

// Every catalog against English: same messages, none blank, the same placeholders, and the plural forms
// its language needs (per the browser's own Intl.PluralRules).
const CATALOGS: Record<string, { messages: Messages; dir: string }> = {
  en: { messages: en, dir: englishDirection },
  de: { messages: de, dir: germanDirection },
  es: { messages: es, dir: spanishDirection },
  fr: { messages: fr, dir: frenchDirection },
  ja: { messages: ja, dir: japaneseDirection },
  ar: { messages: ar, dir: arabicDirection },
};
const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'];

type Leaf = string | Record<string, string>;

function isPlural(node: unknown): node is Record<string, string> {
  return typeof node === 'object' && node !== null && typeof (node as Record<string, unknown>)['other'] === 'string'
    && Object.keys(node).every((key) => PLURAL_CATEGORIES.includes(key));
}

/** Every message by its dotted path; a plural is one message. */
function leaves(node: unknown, path = ''): Map<string, Leaf> {
  const result = new Map<string, Leaf>();
  if (typeof node === 'string' || isPlural(node)) {
    result.set(path, node);
    return result;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    for (const [leafPath, leaf] of leaves(value, path === '' ? key : `${path}.${key}`)) result.set(leafPath, leaf);
  }
  return result;
}

function texts(leaf: Leaf): string[] {
  return typeof leaf === 'string' ? [leaf] : Object.values(leaf);
}

function placeholders(leaf: Leaf): string[] {
  return [...new Set(texts(leaf).flatMap((text) => [...text.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!)))].sort();
}

const english = leaves(en);

/**
 * Accessible names built from a visible label: each must contain that label (WCAG 2.5.3 Label in Name),
 * so that a speech-input user who says what they see reaches the control. Accessible name → visible text.
 */
const NAMES_WITH_THEIR_LABEL: [name: (messages: Messages) => string, label: (messages: Messages) => string, what: string][] = [
  [(m) => m.uploads.removeFile, (m) => m.common.remove, 'uploads.removeFile ⊇ common.remove'],
  [(m) => m.uploads.retryFile, (m) => m.common.retry, 'uploads.retryFile ⊇ common.retry'],
  [(m) => m.uploads.cancelFile, (m) => m.uploads.cancel, 'uploads.cancelFile ⊇ uploads.cancel'],
  [(m) => m.documents.takePhotoFor, (m) => m.documents.takePhoto, 'documents.takePhotoFor ⊇ documents.takePhoto'],
  [(m) => m.documents.chooseFileFor, (m) => m.documents.chooseFile, 'documents.chooseFileFor ⊇ documents.chooseFile'],
  [(m) => m.documents.replaceFileFor, (m) => m.documents.replaceFile, 'documents.replaceFileFor ⊇ documents.replaceFile'],
  [(m) => m.documents.addAnotherFor, (m) => m.documents.addAnother, 'documents.addAnotherFor ⊇ documents.addAnother'],
  [(m) => m.review.editSection, (m) => m.common.edit, 'review.editSection ⊇ common.edit'],
];

/** Only the amount field, to check the examples the format message gives. */
const AMOUNT_ONLY: SaleFieldRules = {
  collected: ['estimatedParticipationAmount'],
  required: [],
  countries: [],
  nationalities: [],
  blockedCountries: [],
  residenceProofNationalities: [],
  maxInvestorProofs: 2,
};

describe('message catalogs', () => {
  it('has a catalog for every supported locale, and nothing else', () => {
    expect(Object.keys(CATALOGS).sort()).to.deep.equal([...SUPPORTED_LOCALES].sort());
  });

  it('English has a message per error code and a label per KYC field', () => {
    expect(Object.keys(en.errors).sort()).to.deep.equal([...ERROR_CODES].sort());
    expect(Object.keys(en.fields).sort()).to.deep.equal([...KYC_FIELDS].sort());
    expect(english.size).to.be.greaterThan(150);
  });

  for (const [locale, { messages }] of Object.entries(CATALOGS)) {
    describe(locale, () => {
      const catalog = leaves(messages);

      it('has exactly the messages of English', () => {
        expect([...catalog.keys()].sort()).to.deep.equal([...english.keys()].sort());
      });

      it('has no blank message and no stray spaces', () => {
        for (const [path, leaf] of catalog) {
          for (const text of texts(leaf)) {
            expect(text.trim(), path).to.not.equal('');
            expect(text, path).to.equal(text.trim());
            expect(text, path).to.not.match(/ {2}/);
          }
        }
      });

      it('keeps the placeholders of English in every message', () => {
        for (const [path, leaf] of catalog) {
          expect(placeholders(leaf), path).to.deep.equal(placeholders(english.get(path)!));
        }
      });

      it('names each file button and camera input with a text that contains its visible label', () => {
        for (const [name, label, what] of NAMES_WITH_THEIR_LABEL) {
          expect(name(messages).toLocaleLowerCase(locale), what).to.contain(label(messages).toLocaleLowerCase(locale));
        }
      });

      it('gives amount examples that the amount field accepts as typed, with a decimal comma exactly where it reads one', () => {
        const examples = messages.fieldErrors.format.amount.match(/\d+(?:[.,]\d+)?/g) ?? [];
        expect(examples.length, 'the message shows examples').to.be.greaterThan(1);
        for (const example of examples) {
          const checked = validateKycField('estimatedParticipationAmount', normaliseAmountInput(example, locale), AMOUNT_ONLY, { today: providerToday() });
          expect(checked.ok, example).to.equal(true);
        }
        const readsComma = normaliseAmountInput('0,5', locale) === '0.5';
        expect(examples.some((example) => example.includes(',')), 'a decimal comma among the examples').to.equal(readsComma);
      });

      it('gives each counted message exactly the plural forms of its language', () => {
        const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories.slice().sort();
        let plurals = 0;
        for (const [path, leaf] of catalog) {
          const reference = english.get(path)!;
          if (typeof reference === 'string') {
            expect(leaf, path).to.be.a('string');
            continue;
          }
          plurals += 1;
          expect(leaf, path).to.be.an('object');
          expect(Object.keys(leaf).sort(), path).to.deep.equal(categories);
        }
        expect(plurals).to.be.greaterThan(10);
      });
    });
  }

  it('Arabic is right to left, the others left to right', () => {
    expect(CATALOGS['ar']!.dir).to.equal('rtl');
    for (const locale of ['en', 'de', 'es', 'fr', 'ja']) expect(CATALOGS[locale]!.dir, locale).to.equal('ltr');
  });

  it('French puts a no-break space before : ; ? ! and inside « »', () => {
    for (const [path, leaf] of leaves(fr)) {
      for (const text of texts(leaf)) {
        expect(text, path).to.not.match(/ [:;?!»]|« /);
      }
    }
  });

  it('translates: the German, Japanese and Arabic titles differ from English', () => {
    for (const messages of [de, ja, ar]) {
      expect(messages.common.widgetTitle).to.not.equal(en.common.widgetTitle);
      expect(messages.errors.network_error).to.not.equal(en.errors.network_error);
    }
  });
});
