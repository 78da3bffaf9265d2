import { expect } from '@esm-bundle/chai';
import en from '../../../widget/i18n/en.js';
import de from '../../../widget/i18n/locales/de.js';
import { format } from '../../../widget/i18n/format.js';
import { applyOverrides } from '../../../widget/i18n/overrides.js';

function collect(): { warn: (message: string) => void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (message) => warnings.push(message), warnings };
}

describe('applyOverrides', () => {
  it('replaces the strings the sale gives and keeps every other one', () => {
    const { warn, warnings } = collect();
    const messages = applyOverrides(en, { wallet: { title: 'Your ACME tokens' }, errors: { kyc_closed: 'Closed: write to kyc@acme.example.' } }, warn);
    expect(messages.wallet.title).to.equal('Your ACME tokens');
    expect(messages.errors.kyc_closed).to.equal('Closed: write to kyc@acme.example.');
    expect(messages.wallet.intro).to.equal(en.wallet.intro);
    expect(messages.email).to.deep.equal(en.email);
    expect(warnings).to.deep.equal([]);
  });

  it('leaves the catalog it was given untouched', () => {
    const before = JSON.stringify(de);
    const messages = applyOverrides(de, { common: { widgetTitle: 'KYC bei ACME' } }, () => {});
    expect(messages.common.widgetTitle).to.equal('KYC bei ACME');
    expect(JSON.stringify(de)).to.equal(before);
    expect(messages).to.not.equal(de);
  });

  it('ignores unknown keys with a warning naming them', () => {
    const { warn, warnings } = collect();
    const messages = applyOverrides(en, { wallet: { titel: 'typo' }, nonsense: { a: 'b' } }, warn);
    expect(messages).to.deep.equal(en);
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.contain('"wallet.titel"');
    expect(warnings[1]).to.contain('"nonsense"');
  });

  it('ignores values of the wrong kind, and prototype keys', () => {
    const { warn, warnings } = collect();
    const overrides = JSON.parse('{"wallet":{"title":42,"intro":{"html":"<b>x</b>"}},"common":"text","__proto__":{"polluted":"yes"}}');
    const messages = applyOverrides(en, overrides, warn);
    expect(messages).to.deep.equal(en);
    expect(warnings).to.have.length(4);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('ignores overrides that are not an object', () => {
    const { warn, warnings } = collect();
    expect(applyOverrides(en, ['not', 'an', 'object'], warn)).to.equal(en);
    expect(applyOverrides(en, 'text', warn)).to.equal(en);
    expect(applyOverrides(en, undefined, warn)).to.equal(en);
    expect(warnings).to.have.length(2);
  });

  it('keeps markup as plain text', () => {
    const messages = applyOverrides(en, { status: { approvedBody: '<img src=x onerror=alert(1)> Welcome aboard' } }, () => {});
    expect(messages.status.approvedBody).to.equal('<img src=x onerror=alert(1)> Welcome aboard');
    // Rendered as text, as the element renders every message.
    const paragraph = document.createElement('p');
    paragraph.textContent = messages.status.approvedBody;
    expect(paragraph.children).to.have.length(0);
  });

  it('takes plural forms, or one text for every count', () => {
    const plural = applyOverrides(en, { code: { resendIn: { one: 'One second to wait', other: '{count} seconds to wait' } } }, () => {});
    expect(format(plural.code.resendIn, { count: 1 })).to.equal('One second to wait');
    expect(format(plural.code.resendIn, { count: 7 })).to.equal('7 seconds to wait');
    const single = applyOverrides(en, { code: { resendIn: 'New code possible in {count} s' } }, () => {});
    expect(format(single.code.resendIn, { count: 1 })).to.equal('New code possible in 1 s');
    const { warn, warnings } = collect();
    const broken = applyOverrides(en, { code: { resendIn: { one: 'no other form' } } }, warn);
    expect(broken.code.resendIn).to.deep.equal(en.code.resendIn);
    expect(warnings).to.have.length(1);
  });

  it('warns about a placeholder the message does not fill', () => {
    const { warn, warnings } = collect();
    const messages = applyOverrides(en, { code: { resent: 'Sent to {mail}' } }, warn);
    expect(messages.code.resent).to.equal('Sent to {mail}');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('{mail}');
  });

  it('warns on the console by default', () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (message: unknown) => warnings.push(message);
    try {
      applyOverrides(en, { nope: 'x' });
    } finally {
      console.warn = original;
    }
    expect(warnings).to.have.length(1);
  });
});
