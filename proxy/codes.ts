/**
 * One-time email codes: the proxy emails a short numeric code and the investor types it back, which
 * proves they read that mailbox.
 *
 * - Codes are uniform random digits from `crypto.randomInt` (a CSPRNG, no modulo bias).
 * - Only an HMAC-SHA256 of `scope | email | code` under a server secret (the pepper) is stored, so a dump
 *   of the shared store does not let anyone brute-force the 10^6 codes offline.
 * - Store keys hold the email only as an HMAC too (`code:<scope>:<email-mac>`): no personal data in Redis.
 * - A code expires (default 10 minutes), is consumed by its first correct use, and dies after
 *   `maxAttempts` tries (default 5). Tries are counted with the store's atomic `increment`, so parallel
 *   guesses cannot get more than `maxAttempts` comparisons however they interleave.
 * - Issuing a new code replaces the old one and starts a fresh attempt counter. This lets a user who
 *   mistyped five times start over; what bounds how often that can happen is the per-email and per-IP
 *   rate limit on sending (`proxy/rate-limit.ts`), which the routes apply before calling {@link CodeBook.issue}.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { SharedStore } from './store/shared-store.js';

/** Options of {@link createCodeBook}. */
export interface CodeBookOptions {
  /** Where codes and attempt counters live (memory or Redis). */
  store: SharedStore;
  /**
   * A server secret (at least 16 characters) mixed into every stored hash. Keep it out of the store: with
   * it, a 6-digit code's hash can be brute-forced in microseconds; without it, not at all.
   */
  pepper: string;
  /** How long a code stays valid, in ms. Default 10 minutes. */
  ttlMs?: number;
  /** How many tries (right or wrong) one code allows. Default 5. */
  maxAttempts?: number;
  /** How many digits a code has (4–10). Default 6. */
  digits?: number;
  /** The clock in ms (tests pin it). Default `Date.now`. */
  now?: () => number;
}

/** Why {@link CodeBook.verify} refused a code. */
export type CodeRefusal = 'wrong' | 'expired' | 'too_many_attempts';

/** The answer of {@link CodeBook.verify}. */
export type CodeCheck =
  | {
      ok: true;
      /**
       * Undo the use: the code works again for its remaining lifetime (unless a newer one was issued
       * meanwhile). For when the sign-in could not finish (the provider was down), so that "nothing was
       * lost, try again" holds for the code the investor already typed.
       */
      giveBack(): Promise<void>;
    }
  | {
      ok: false;
      /**
       * `wrong`: another try is allowed (`attemptsLeft` > 0). `too_many_attempts`: this code is dead, even
       * for the right digits; ask for a new one. `expired`: there is no live code for this email (it
       * expired, was already used, or was never issued); ask for a new one.
       */
      reason: CodeRefusal;
      /** Tries left for the current code (0 unless `reason` is `wrong`). */
      attemptsLeft: number;
    };

/**
 * Issues and checks one-time codes; see the module comment for the rules. Both methods throw a
 * `TypeError` for an empty scope or email (the routes validate input first) and reject when the store does.
 */
export interface CodeBook {
  /**
   * Create a code for `email` in `scope` (the sale id), replacing any earlier one and its attempt count.
   * The caller emails `code` and must not log it.
   */
  issue(scope: string, email: string): Promise<{ code: string; expiresAt: number }>;
  /**
   * Check a code typed by the investor. Every call on a live code costs one attempt, including a code
   * that is not `digits` digits long (it can never match, but counting it keeps one rule for all input and
   * stops a client from probing without cost). Spaces are ignored, so a pasted `123 456` works.
   * A correct code is consumed: a second use answers `expired`.
   */
  verify(scope: string, email: string, code: string): Promise<CodeCheck>;
}

/** What the store holds for the live code of one email in one scope. */
interface CodeRecord {
  /** Random id of this issue: the attempt counter and the single-use marker are keyed by it. */
  id: string;
  /** base64url HMAC-SHA256(pepper, scope | email | code). */
  mac: string;
  expiresAt: number;
}

/**
 * The form of an email address codes are bound to: trimmed, Unicode NFC, lowercased. Local parts are
 * case-sensitive in theory, but no mailbox provider treats them so, and investors type them both ways.
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** Create a {@link CodeBook} over a shared store. */
export function createCodeBook(options: CodeBookOptions): CodeBook {
  const { store, pepper, ttlMs = 10 * 60_000, maxAttempts = 5, digits = 6, now = Date.now } = options;
  if (pepper.length < 16) throw new RangeError('createCodeBook: the pepper must be a secret of at least 16 characters');
  if (!Number.isInteger(digits) || digits < 4 || digits > 10) throw new RangeError('createCodeBook: digits must be an integer from 4 to 10');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('createCodeBook: maxAttempts must be a positive integer');
  if (!Number.isFinite(ttlMs) || ttlMs < 1000) throw new RangeError('createCodeBook: ttlMs must be at least 1000');
  const codeShape = new RegExp(`^[0-9]{${digits}}$`);

  // Domain-separated MACs: the key MAC and the code MAC can never be confused with each other, and a
  // JSON array is an unambiguous encoding of the parts (a `|` inside an email cannot shift the fields).
  function mac(purpose: 'key' | 'code', parts: string[]): Buffer {
    return createHmac('sha256', pepper).update(JSON.stringify([purpose, ...parts])).digest();
  }

  function keysFor(scope: string, email: string) {
    if (scope === '') throw new TypeError('CodeBook: the scope (sale id) must not be empty');
    if (email === '') throw new TypeError('CodeBook: the email must not be empty');
    const base = `code:${encodeURIComponent(scope)}:${mac('key', [scope, email]).toString('base64url')}`;
    return {
      record: base,
      attempts: (id: string) => `${base}:tries:${id}`,
      used: (id: string) => `${base}:used:${id}`,
    };
  }

  async function readRecord(key: string): Promise<CodeRecord | undefined> {
    const text = await store.get(key);
    if (text === undefined) return undefined;
    try {
      const value = JSON.parse(text) as Partial<CodeRecord>;
      if (typeof value.id === 'string' && typeof value.mac === 'string' && typeof value.expiresAt === 'number') {
        return { id: value.id, mac: value.mac, expiresAt: value.expiresAt };
      }
    } catch {
      // A corrupt entry is treated as no code: the user asks for a new one, which overwrites it.
    }
    return undefined;
  }

  return {
    async issue(scope, rawEmail) {
      const email = normalizeEmail(rawEmail);
      const keys = keysFor(scope, email);
      const code = Array.from({ length: digits }, () => String(randomInt(10))).join('');
      const expiresAt = now() + ttlMs;
      const record: CodeRecord = {
        id: randomBytes(12).toString('base64url'),
        mac: mac('code', [scope, email, code]).toString('base64url'),
        expiresAt,
      };
      // A fresh id means a fresh attempt counter: the old counter key is simply never read again.
      await store.set(keys.record, JSON.stringify(record), { ttlMs });
      return { code, expiresAt };
    },

    async verify(scope, rawEmail, rawCode) {
      const email = normalizeEmail(rawEmail);
      const keys = keysFor(scope, email);
      const record = await readRecord(keys.record);
      const remainingMs = record === undefined ? 0 : record.expiresAt - now();
      if (record === undefined || remainingMs <= 0) return { ok: false, reason: 'expired', attemptsLeft: 0 };

      // Count before comparing: the atomic counter is what stops parallel guesses from all being compared.
      const { count } = await store.increment(keys.attempts(record.id), remainingMs);
      if (count > maxAttempts) return { ok: false, reason: 'too_many_attempts', attemptsLeft: 0 };

      const code = rawCode.replace(/\s+/g, '');
      // Hash even a malformed code so both paths do the same work.
      const candidate = mac('code', [scope, email, codeShape.test(code) ? code : '']);
      const expected = Buffer.from(record.mac, 'base64url');
      const matches = expected.length === candidate.length && timingSafeEqual(expected, candidate) && codeShape.test(code);
      if (!matches) {
        const attemptsLeft = maxAttempts - count;
        return attemptsLeft > 0
          ? { ok: false, reason: 'wrong', attemptsLeft }
          : { ok: false, reason: 'too_many_attempts', attemptsLeft: 0 };
      }

      // Single use even under a race: only the first caller to claim the marker wins.
      const claimed = await store.set(keys.used(record.id), '1', { ttlMs: remainingMs, onlyIfAbsent: true });
      if (!claimed) return { ok: false, reason: 'expired', attemptsLeft: 0 };
      // The marker is what guarantees single use; deleting the record makes later checks answer `expired`
      // at once. Only this issue's record is deleted, so a code issued in the meantime survives.
      const current = await readRecord(keys.record);
      if (current?.id === record.id) await store.delete(keys.record);
      return {
        ok: true,
        async giveBack() {
          const leftMs = record.expiresAt - now();
          if (leftMs <= 0) return;
          // Restore first, then free the marker: a concurrent check in between sees `expired`, never a
          // second use. A newer code (a resend) wins over this one.
          await store.set(keys.record, JSON.stringify(record), { ttlMs: leftMs, onlyIfAbsent: true });
          await store.delete(keys.used(record.id));
        },
      };
    },
  };
}
