import assert from 'node:assert/strict';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { createCodeBook, normalizeEmail } from '../../proxy/codes.js';
import type { CodeBookOptions } from '../../proxy/codes.js';
import { createMemoryStore } from '../../proxy/store/memory-store.js';
import type { SharedStore } from '../../proxy/store/shared-store.js';

const PEPPER = 'test-pepper-0123456789abcdef';
const SALE = 'acme';
const EMAIL = 'Investor.One@Example.com';

/** Everything written to the store, and a store whose every call yields to the event loop first. */
function recordingStore(inner: SharedStore) {
  const writes: { op: string; key: string; value?: string }[] = [];
  let increments = 0;
  const store: SharedStore = {
    ...inner,
    async set(key, value, options) {
      await yieldToLoop();
      writes.push({ op: 'set', key, value });
      return inner.set(key, value, options);
    },
    async get(key) {
      await yieldToLoop();
      return inner.get(key);
    },
    async delete(key) {
      await yieldToLoop();
      writes.push({ op: 'delete', key });
      return inner.delete(key);
    },
    async increment(key, ttlMs) {
      // Yield both before and after, so parallel callers interleave around the counter as over Redis.
      await yieldToLoop();
      increments += 1;
      writes.push({ op: 'increment', key });
      const result = await inner.increment(key, ttlMs);
      await yieldToLoop();
      return result;
    },
  };
  return { store, writes, increments: () => increments };
}

function setup(overrides: Partial<CodeBookOptions> = {}) {
  let time = 1_700_000_000_000;
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
  const memory = createMemoryStore({ now: clock.now });
  const recorder = recordingStore(memory);
  const book = createCodeBook({ store: recorder.store, pepper: PEPPER, now: clock.now, ...overrides });
  return { book, clock, memory, ...recorder };
}

/** A code of the same length that is certainly not `code`. */
function otherCode(code: string): string {
  return code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
}

describe('issue and verify', () => {
  test('a freshly issued code verifies, and expires 10 minutes later by default', async (t) => {
    const { book, clock, memory } = setup();
    t.after(() => memory.close());
    const issued = await book.issue(SALE, EMAIL);
    assert.match(issued.code, /^[0-9]{6}$/);
    assert.equal(issued.expiresAt, clock.now() + 10 * 60_000);
    assert.equal((await book.verify(SALE, EMAIL, issued.code)).ok, true);
  });

  test('the email is matched trimmed and case-insensitively', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, '  Investor.One@EXAMPLE.com ');
    assert.equal((await book.verify(SALE, 'investor.one@example.com', code)).ok, true);
    assert.equal(normalizeEmail('  A.B@Example.COM\n'), 'a.b@example.com');
  });

  test('spaces inside a pasted code are ignored', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    assert.equal((await book.verify(SALE, EMAIL, ` ${code.slice(0, 3)} ${code.slice(3)} `)).ok, true);
  });

  test('a code is bound to its sale: another sale sees no code', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    assert.deepEqual(await book.verify('other-sale', EMAIL, code), { ok: false, reason: 'expired', attemptsLeft: 0 });
    assert.deepEqual(await book.verify(SALE, 'someone.else@example.com', code), { ok: false, reason: 'expired', attemptsLeft: 0 });
  });

  test('the digits option sets the code length', async (t) => {
    const { book, memory } = setup({ digits: 8 });
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    assert.match(code, /^[0-9]{8}$/);
    assert.equal((await book.verify(SALE, EMAIL, code)).ok, true);
  });

  test('a code book with another pepper cannot use the codes of this one', async (t) => {
    const { book, store, memory, clock } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    const otherBook = createCodeBook({ store, pepper: 'a-different-pepper-of-enough-length', now: clock.now });
    assert.deepEqual(await otherBook.verify(SALE, EMAIL, code), { ok: false, reason: 'expired', attemptsLeft: 0 });
  });

  test('refuses a short pepper and nonsensical limits', async (t) => {
    const store = createMemoryStore();
    t.after(() => store.close());
    assert.throws(() => createCodeBook({ store, pepper: 'short' }), RangeError);
    assert.throws(() => createCodeBook({ store, pepper: PEPPER, digits: 3 }), RangeError);
    assert.throws(() => createCodeBook({ store, pepper: PEPPER, maxAttempts: 0 }), RangeError);
  });
});

describe('wrong codes and the attempt limit', () => {
  test('each wrong code costs one attempt', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    const wrong = otherCode(code);
    assert.deepEqual(await book.verify(SALE, EMAIL, wrong), { ok: false, reason: 'wrong', attemptsLeft: 4 });
    assert.deepEqual(await book.verify(SALE, EMAIL, wrong), { ok: false, reason: 'wrong', attemptsLeft: 3 });
    assert.equal((await book.verify(SALE, EMAIL, code)).ok, true);
  });

  test('a malformed code counts as a wrong attempt', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    assert.deepEqual(await book.verify(SALE, EMAIL, 'abcdef'), { ok: false, reason: 'wrong', attemptsLeft: 4 });
    assert.deepEqual(await book.verify(SALE, EMAIL, code.slice(0, 5)), { ok: false, reason: 'wrong', attemptsLeft: 3 });
    assert.deepEqual(await book.verify(SALE, EMAIL, `${code}0`), { ok: false, reason: 'wrong', attemptsLeft: 2 });
    assert.deepEqual(await book.verify(SALE, EMAIL, ''), { ok: false, reason: 'wrong', attemptsLeft: 1 });
  });

  test('the right code still works on the last allowed attempt', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    for (let i = 0; i < 4; i++) await book.verify(SALE, EMAIL, otherCode(code));
    assert.equal((await book.verify(SALE, EMAIL, code)).ok, true);
  });

  test('after the limit the code is dead, even for the right digits', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    for (let i = 0; i < 4; i++) await book.verify(SALE, EMAIL, otherCode(code));
    assert.deepEqual(await book.verify(SALE, EMAIL, otherCode(code)), { ok: false, reason: 'too_many_attempts', attemptsLeft: 0 });
    assert.deepEqual(await book.verify(SALE, EMAIL, code), { ok: false, reason: 'too_many_attempts', attemptsLeft: 0 });
  });

  test('maxAttempts is configurable', async (t) => {
    const { book, memory } = setup({ maxAttempts: 2 });
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    assert.deepEqual(await book.verify(SALE, EMAIL, otherCode(code)), { ok: false, reason: 'wrong', attemptsLeft: 1 });
    assert.deepEqual(await book.verify(SALE, EMAIL, otherCode(code)), { ok: false, reason: 'too_many_attempts', attemptsLeft: 0 });
    assert.deepEqual(await book.verify(SALE, EMAIL, code), { ok: false, reason: 'too_many_attempts', attemptsLeft: 0 });
  });

  test('parallel wrong guesses never get more than maxAttempts comparisons', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    const results = await Promise.all(Array.from({ length: 30 }, () => book.verify(SALE, EMAIL, otherCode(code))));
    const wrong = results.filter((result) => !result.ok && result.reason === 'wrong');
    const dead = results.filter((result) => !result.ok && result.reason === 'too_many_attempts');
    assert.equal(wrong.length, 4);
    assert.equal(dead.length, 26);
    assert.deepEqual(wrong.map((result) => (result.ok ? -1 : result.attemptsLeft)).sort(), [1, 2, 3, 4]);
    assert.deepEqual(await book.verify(SALE, EMAIL, code), { ok: false, reason: 'too_many_attempts', attemptsLeft: 0 });
  });

  test('parallel guesses that include the right code: the limit holds and the right code wins at most once', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    const guesses = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? code : otherCode(code)));
    const results = await Promise.all(guesses.map((guess) => book.verify(SALE, EMAIL, guess)));
    const succeeded = results.filter((result) => result.ok).length;
    const wrong = results.filter((result) => !result.ok && result.reason === 'wrong').length;
    assert.ok(succeeded <= 1, `${succeeded} successes`);
    // Only calls that got one of the 5 attempts can succeed or be told "wrong" with attempts left.
    assert.ok(succeeded + wrong <= 5, `${succeeded} successes and ${wrong} wrong answers`);
    assert.ok(results.filter((result) => !result.ok && result.reason === 'too_many_attempts').length >= 7);
  });
});

describe('expiry, single use and re-issue', () => {
  test('a code is refused as expired once its time is up, and not a millisecond before', async (t) => {
    const { book, clock, memory } = setup({ ttlMs: 60_000 });
    t.after(() => memory.close());
    const { code, expiresAt } = await book.issue(SALE, EMAIL);
    clock.advance(expiresAt - clock.now() - 1);
    assert.deepEqual(await book.verify(SALE, EMAIL, otherCode(code)), { ok: false, reason: 'wrong', attemptsLeft: 4 });
    clock.advance(1);
    assert.deepEqual(await book.verify(SALE, EMAIL, code), { ok: false, reason: 'expired', attemptsLeft: 0 });
  });

  test('a code works once', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    assert.equal((await book.verify(SALE, EMAIL, code)).ok, true);
    assert.deepEqual(await book.verify(SALE, EMAIL, code), { ok: false, reason: 'expired', attemptsLeft: 0 });
  });

  test('a code given back (the sign-in could not finish) works once more, until its own expiry', async (t) => {
    const { book, clock, memory } = setup({ ttlMs: 60_000 });
    t.after(() => memory.close());
    const { code, expiresAt } = await book.issue(SALE, EMAIL);
    const check = await book.verify(SALE, EMAIL, code);
    assert.ok(check.ok);
    await check.giveBack();
    const again = await book.verify(SALE, EMAIL, code);
    assert.ok(again.ok);
    assert.deepEqual(await book.verify(SALE, EMAIL, code), { ok: false, reason: 'expired', attemptsLeft: 0 });
    // Given back after its time: nothing comes back.
    clock.advance(expiresAt - clock.now());
    await again.giveBack();
    assert.deepEqual(await book.verify(SALE, EMAIL, code), { ok: false, reason: 'expired', attemptsLeft: 0 });
  });

  test('giving a code back never revives it over a newer one', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const first = await book.issue(SALE, EMAIL);
    const check = await book.verify(SALE, EMAIL, first.code);
    assert.ok(check.ok);
    let second = await book.issue(SALE, EMAIL);
    while (second.code === first.code) second = await book.issue(SALE, EMAIL);
    await check.giveBack();
    assert.deepEqual(await book.verify(SALE, EMAIL, first.code), { ok: false, reason: 'wrong', attemptsLeft: 4 });
    assert.equal((await book.verify(SALE, EMAIL, second.code)).ok, true);
  });

  test('the same right code sent in parallel succeeds exactly once', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    const results = await Promise.all(Array.from({ length: 5 }, () => book.verify(SALE, EMAIL, code)));
    assert.equal(results.filter((result) => result.ok).length, 1);
    for (const result of results.filter((result) => !result.ok)) assert.deepEqual(result, { ok: false, reason: 'expired', attemptsLeft: 0 });
  });

  test('a new code replaces the old one and starts with all attempts', async (t) => {
    const { book, memory } = setup();
    t.after(() => memory.close());
    const first = await book.issue(SALE, EMAIL);
    for (let i = 0; i < 5; i++) await book.verify(SALE, EMAIL, otherCode(first.code));
    let second = await book.issue(SALE, EMAIL);
    // Codes are random: a collision with the first code would make the next assertion meaningless.
    while (second.code === first.code) second = await book.issue(SALE, EMAIL);
    assert.deepEqual(await book.verify(SALE, EMAIL, first.code), { ok: false, reason: 'wrong', attemptsLeft: 4 });
    assert.equal((await book.verify(SALE, EMAIL, second.code)).ok, true);
  });
});

describe('what the store holds', () => {
  test('no plain code and no plain email in any key or value', async (t) => {
    const { book, writes, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    await book.verify(SALE, EMAIL, otherCode(code));
    await book.verify(SALE, EMAIL, code);
    assert.ok(writes.some((write) => write.op === 'set' && write.value !== undefined), 'the code record was written');
    assert.ok(writes.some((write) => write.op === 'increment'), 'attempts were counted');
    const emailForms = [EMAIL, normalizeEmail(EMAIL), 'investor.one', 'example.com'];
    for (const write of writes) {
      for (const text of [write.key, write.value ?? '']) {
        assert.ok(!text.includes(code), `${write.op} ${write.key} holds the code`);
        for (const form of emailForms) assert.ok(!text.toLowerCase().includes(form.toLowerCase()), `${write.op} ${write.key} holds the email`);
      }
    }
  });

  test('the stored record is the HMAC, readable only as an opaque value', async (t) => {
    const { book, writes, memory } = setup();
    t.after(() => memory.close());
    await book.issue(SALE, EMAIL);
    const recordWrite = writes.find((write) => write.op === 'set');
    assert.ok(recordWrite?.value !== undefined);
    assert.match(recordWrite.key, /^code:acme:[A-Za-z0-9_-]{43}$/);
    const stored = await memory.get(recordWrite.key);
    const record = JSON.parse(stored ?? '{}') as { mac?: string };
    assert.match(record.mac ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  test('verification costs one atomic increment per call', async (t) => {
    const { book, increments, memory } = setup();
    t.after(() => memory.close());
    const { code } = await book.issue(SALE, EMAIL);
    await book.verify(SALE, EMAIL, otherCode(code));
    await book.verify(SALE, EMAIL, 'x');
    assert.equal(increments(), 2);
  });
});
