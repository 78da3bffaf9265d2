/**
 * The attack suite's tally: every attack attempt runs through {@link AttackLedger.attempt}, which counts
 * it under its category and records it as having succeeded when the defence's assertions failed. The
 * suite prints the tally at the end (`attacks: N tried, 0 succeeded`, then one line per category), so
 * the figure is the number of attempts that actually ran, not a count written by hand.
 */

/** The kinds of attack the suite tries (issue 7, "Attacks"), in the order the summary lists them. */
export const ATTACK_CATEGORIES = [
  'forged tokens',
  'expired and not-yet-valid tokens',
  'cross-sale tokens',
  'cross-origin tokens',
  'cross-user access',
  'CORS from an unlisted origin',
  'code brute force',
  'email enumeration',
  'webhook forgery',
  'webhook replay',
  'oversized requests',
  'path traversal in file keys',
  "another investor's file keys",
  'SSRF',
] as const;

/** One kind of attack. */
export type AttackCategory = (typeof ATTACK_CATEGORIES)[number];

/** How one category fared. */
export interface CategoryTally {
  tried: number;
  /** Labels of the attempts that got through (the defence's assertion failed). */
  succeeded: string[];
}

/** Counts attack attempts per category. */
export interface AttackLedger {
  /**
   * Run one attempt. `attack` performs it and asserts that it was refused; when it throws, the attempt
   * is recorded as succeeded (with `label`) and the error is thrown on, so the test fails where it did.
   */
  attempt<T>(category: AttackCategory, label: string, attack: () => Promise<T>): Promise<T>;
  /** The tally of one category. */
  tally(category: AttackCategory): CategoryTally;
  /** Attempts in all, and how many succeeded. */
  totals(): { tried: number; succeeded: number };
  /** The printable summary: the total line, then one line per category. */
  report(): string[];
}

/** Create an empty ledger. */
export function createAttackLedger(): AttackLedger {
  const tallies = new Map<AttackCategory, CategoryTally>(ATTACK_CATEGORIES.map((category) => [category, { tried: 0, succeeded: [] }]));
  const tallyOf = (category: AttackCategory): CategoryTally => tallies.get(category) as CategoryTally;

  function totals(): { tried: number; succeeded: number } {
    let tried = 0;
    let succeeded = 0;
    for (const tally of tallies.values()) {
      tried += tally.tried;
      succeeded += tally.succeeded.length;
    }
    return { tried, succeeded };
  }

  return {
    async attempt(category, label, attack) {
      const tally = tallyOf(category);
      tally.tried += 1;
      try {
        return await attack();
      } catch (error) {
        tally.succeeded.push(label);
        throw error;
      }
    },
    tally: tallyOf,
    totals,
    report() {
      const all = totals();
      const lines = [`attacks: ${all.tried.toLocaleString('en')} tried, ${all.succeeded} succeeded`];
      for (const category of ATTACK_CATEGORIES) {
        const { tried, succeeded } = tallyOf(category);
        const which = succeeded.length > 0 ? ` (${succeeded.join('; ')})` : '';
        lines.push(`  ${category}: ${tried.toLocaleString('en')} tried, ${succeeded.length} succeeded${which}`);
      }
      return lines;
    },
  };
}
