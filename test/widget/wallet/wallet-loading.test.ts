// The wallet module (`dist/wallet.js`) weighs nothing until it is needed: the element imports it only
// when the wallet step opens on a sale that takes proofs. The browser imports a URL once per page, so
// the order of these tests matters: the first one must not load it, the second is the first to.
import { expect } from '@esm-bundle/chai';
import { until } from '../services/backend.js';
import { investorAt, mountFor, press, rootOf, shown, stepShown, walletModuleFetches } from './wallet-journey.js';

describe('the wallet module loads on demand', () => {
  afterEach(() => {
    document.body.replaceChildren();
    sessionStorage.clear();
  });

  it('is never loaded by a sale that takes no proofs, not even on the wallet step', async () => {
    const investor = await investorAt('off', 'wallet');
    const element = mountFor(investor);
    await stepShown(element, 'wallet');
    await shown(element, 'input#ethereumAddress');
    // Give a wrongly eager import every chance to start.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rootOf(element).querySelector('#wallet-connect')).to.equal(null);
    expect(walletModuleFetches()).to.deep.equal([]);
  });

  it('is loaded when the wallet step opens, not before', async () => {
    const investor = await investorAt('optional', 'review', { ethereumAddress: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' });
    const element = mountFor(investor);
    await stepShown(element, 'review');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(walletModuleFetches(), 'the review, with the address on it, needs no wallet code').to.deep.equal([]);

    await press(element, '#review-wallet + button');
    await stepShown(element, 'wallet');
    await until(() => walletModuleFetches().length > 0, 8000, 'wallet.js to be fetched');
    expect(walletModuleFetches().map((url) => new URL(url).pathname)).to.deep.equal(['/dist/wallet.js']);
    await shown(element, '#wallet-connect');
  });
});
