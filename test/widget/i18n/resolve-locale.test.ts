import { expect } from '@esm-bundle/chai';
import { resolveLocale } from '../../../widget/i18n/locale.js';

describe('resolveLocale', () => {
  it('takes the element attribute first, then the page, then the browser', () => {
    expect(resolveLocale({ attribute: 'ja', pageLang: 'de', browser: ['fr'] })).to.equal('ja');
    expect(resolveLocale({ attribute: '', pageLang: 'de', browser: ['fr'] })).to.equal('de');
    expect(resolveLocale({ attribute: null, pageLang: null, browser: ['fr', 'de'] })).to.equal('fr');
  });

  it('finds the language of a regional or longer tag (BCP 47 lookup)', () => {
    expect(resolveLocale({ attribute: 'de-CH' })).to.equal('de');
    expect(resolveLocale({ pageLang: 'es-419' })).to.equal('es');
    expect(resolveLocale({ browser: ['ar-EG'] })).to.equal('ar');
    expect(resolveLocale({ attribute: 'fr-Latn-CA-x-private' })).to.equal('fr');
    expect(resolveLocale({ attribute: 'ja-JP-u-ca-japanese' })).to.equal('ja');
  });

  it('matches without regard to case or underscores', () => {
    expect(resolveLocale({ attribute: 'DE_at' })).to.equal('de');
    expect(resolveLocale({ attribute: 'fr', available: ['en', 'FR'] })).to.equal('FR');
  });

  it('prefers the most specific available tag', () => {
    expect(resolveLocale({ attribute: 'pt-BR', available: ['pt', 'pt-BR', 'en'] })).to.equal('pt-BR');
    expect(resolveLocale({ attribute: 'pt-PT', available: ['pt', 'pt-BR', 'en'] })).to.equal('pt');
  });

  it('skips an unsupported or malformed choice and tries the next source', () => {
    expect(resolveLocale({ attribute: 'ko', pageLang: 'es' })).to.equal('es');
    expect(resolveLocale({ attribute: 'not a tag!', pageLang: '*', browser: ['zz-ZZ', 'ja'] })).to.equal('ja');
  });

  it('keeps to the available locales (the sale may offer fewer)', () => {
    expect(resolveLocale({ attribute: 'de', browser: ['fr'], available: ['en', 'fr'] })).to.equal('fr');
  });

  it('falls back to English, or to the fallback given', () => {
    expect(resolveLocale({})).to.equal('en');
    expect(resolveLocale({ attribute: 'ko', pageLang: 'zh-CN', browser: ['ru'] })).to.equal('en');
    expect(resolveLocale({ attribute: 'ko', available: ['de', 'fr'], fallback: 'de' })).to.equal('de');
  });

  it('reads the real browser languages', () => {
    // Whatever Chromium reports, the answer is one of ours.
    expect(['en', 'de', 'es', 'fr', 'ja', 'ar']).to.include(resolveLocale({ browser: navigator.languages }));
  });
});
