import { expect } from '@esm-bundle/chai';
import { createDraftStore, DRAFT_VERSION, type DraftStorage } from '../../../widget/draft/draft-store.js';
import { signIn, testClient } from './backend.js';

const PROXY = 'https://kyc.sale.example';

/** A storage that works in memory until told to fail like a full or disabled one. */
function flakyStorage() {
  const items = new Map<string, string>();
  const failures = { get: false, set: false };
  const storage: DraftStorage = {
    getItem: (key) => {
      if (failures.get) throw new DOMException('The operation is insecure.', 'SecurityError');
      return items.get(key) ?? null;
    },
    setItem: (key, value) => {
      if (failures.set) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      items.set(key, value);
    },
    removeItem: (key) => void items.delete(key),
  };
  return { storage, items, failures };
}

describe('draft store', () => {
  afterEach(() => sessionStorage.clear());

  it('keeps the draft in sessionStorage across a reload (a new store on the same key)', () => {
    const first = createDraftStore({ proxy: PROXY, sale: 'acme', now: () => 1000 });
    expect(first.load()).to.equal(undefined);
    first.save({ email: 'ann@example.com', step: 'personal', answers: { firstName: 'Ann' } });
    first.save({ answers: { lastName: 'Lee' }, files: { documentIdFile: [{ key: '7/i/abc', name: 'passport.jpg', size: 250000, type: 'image/jpeg' }] }, confirmations: { terms: true } });

    const afterReload = createDraftStore({ proxy: `${PROXY}/`, sale: 'acme' });
    expect(afterReload.key).to.equal(first.key);
    expect(afterReload.persistent).to.equal(true);
    expect(afterReload.load()).to.deep.equal({
      email: 'ann@example.com',
      step: 'personal',
      answers: { firstName: 'Ann', lastName: 'Lee' },
      files: { documentIdFile: [{ key: '7/i/abc', name: 'passport.jpg', size: 250000, type: 'image/jpeg' }] },
      confirmations: { terms: true },
      savedAt: 1000,
    });
  });

  it('keeps one draft per proxy origin and sale', () => {
    createDraftStore({ proxy: PROXY, sale: 'acme' }).save({ answers: { city: 'Paris' } });
    expect(createDraftStore({ proxy: PROXY, sale: 'beta' }).load()).to.equal(undefined);
    expect(createDraftStore({ proxy: 'https://kyc.other.example', sale: 'acme' }).load()).to.equal(undefined);
    expect(createDraftStore({ proxy: PROXY, sale: 'acme' }).load()?.answers).to.deep.equal({ city: 'Paris' });
  });

  it('never writes a token or file bytes, whatever it is handed', async () => {
    const client = await testClient();
    const session = await signIn(client);
    const store = createDraftStore({ proxy: PROXY, sale: 'acme' });
    const bytes = new File([new Uint8Array(1024).fill(65)], 'passport.jpg', { type: 'image/jpeg' });
    const sneaky = {
      userId: session.userId,
      answers: { firstName: 'Ann', note: session.token, list: ['a', session.token] },
      files: { documentIdFile: [{ key: '7/i/abc', name: 'passport.jpg', size: bytes.size, type: 'image/jpeg', file: bytes, bytes: 'AAAA' }, bytes] },
      token: session.token,
      session,
    };
    store.save(sneaky as unknown as Parameters<typeof store.save>[0]);
    const raw = sessionStorage.getItem(store.key)!;
    expect(raw).to.not.include(session.token);
    expect(raw).to.not.include(session.token.split('.')[1]!);
    expect(raw).to.not.include('AAAA');
    expect(raw).to.not.include('bytes');
    const loaded = createDraftStore({ proxy: PROXY, sale: 'acme' }).load()!;
    expect(loaded).to.not.have.property('token');
    expect(loaded).to.not.have.property('session');
    expect(loaded.answers).to.deep.equal({ firstName: 'Ann' });
    expect(loaded.files).to.deep.equal({ documentIdFile: [{ key: '7/i/abc', name: 'passport.jpg', size: 1024, type: 'image/jpeg' }] });
    expect(loaded.userId).to.equal(session.userId);
  });

  it('ignores corrupt JSON and another version, and writes over them', () => {
    const store = createDraftStore({ proxy: PROXY, sale: 'acme' });
    sessionStorage.setItem(store.key, '{"v":1,"draft":{"answers":');
    expect(createDraftStore({ proxy: PROXY, sale: 'acme' }).load()).to.equal(undefined);
    sessionStorage.setItem(store.key, JSON.stringify({ v: DRAFT_VERSION + 1, draft: { answers: { firstName: 'Future' } } }));
    expect(createDraftStore({ proxy: PROXY, sale: 'acme' }).load()).to.equal(undefined);
    sessionStorage.setItem(store.key, `{"v":${DRAFT_VERSION},"draft":{"answers":{"firstName":42,"lastName":"Lee","__proto__":{"polluted":"yes"}},"files":"nope","confirmations":{"terms":"yes"}}}`);
    const loaded = createDraftStore({ proxy: PROXY, sale: 'acme' }).load()!;
    expect(loaded.answers).to.deep.equal({ lastName: 'Lee' });
    expect(loaded.files).to.deep.equal({});
    expect(loaded.confirmations).to.deep.equal({});
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);

    const fresh = createDraftStore({ proxy: PROXY, sale: 'acme' });
    sessionStorage.setItem(fresh.key, 'garbage');
    fresh.save({ answers: { city: 'Paris' } });
    expect(JSON.parse(sessionStorage.getItem(fresh.key)!)).to.deep.include({ v: DRAFT_VERSION });
  });

  it('works in memory when the storage is full', () => {
    const { storage, failures } = flakyStorage();
    const store = createDraftStore({ proxy: PROXY, sale: 'acme', storage });
    store.save({ answers: { firstName: 'Ann' } });
    expect(store.persistent).to.equal(true);
    failures.set = true;
    expect(store.save({ answers: { lastName: 'Lee' } }).answers).to.deep.equal({ firstName: 'Ann', lastName: 'Lee' });
    expect(store.persistent).to.equal(false);
    expect(store.load()?.answers).to.deep.equal({ firstName: 'Ann', lastName: 'Lee' });
  });

  it('works in memory when the storage refuses to be read (private mode, sandboxed frame)', () => {
    const { storage, failures } = flakyStorage();
    failures.get = true;
    const store = createDraftStore({ proxy: PROXY, sale: 'acme', storage });
    expect(store.load()).to.equal(undefined);
    expect(store.persistent).to.equal(false);
    store.save({ step: 'documents' });
    expect(store.load()?.step).to.equal('documents');
  });

  it('forgets the draft on clear()', () => {
    const store = createDraftStore({ proxy: PROXY, sale: 'acme' });
    store.save({ answers: { firstName: 'Ann' } });
    store.clear();
    expect(store.load()).to.equal(undefined);
    expect(sessionStorage.getItem(store.key)).to.equal(null);
    expect(createDraftStore({ proxy: PROXY, sale: 'acme' }).load()).to.equal(undefined);
  });
});
