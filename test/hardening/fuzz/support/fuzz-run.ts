/**
 * How a fuzz file runs its properties: one seed for the whole run (a fixed default, `FUZZ_SEED` to
 * change it, printed so any failure can be replayed), a case budget per file (`FUZZ_RUNS` to scale it),
 * and a tally of what was sent and answered, printed as the file's figure.
 *
 * Each property gets its own seed derived from the run's seed and its name, so adding a property does not
 * change the cases of the others, and fast-check's failure report (seed and path) replays one property.
 */
import fc from 'fast-check';

/** The seed every fuzz file uses unless `FUZZ_SEED` says otherwise (issue 7, hardening). */
export const DEFAULT_FUZZ_SEED = 7007;

/** Every request waits at most this long for a whole answer; longer is reported as a hang. */
export const HANG_MS = 10_000;

/** The run's seed: `FUZZ_SEED` (an integer) or {@link DEFAULT_FUZZ_SEED}. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['FUZZ_SEED'];
  if (text === undefined || text.trim() === '') return DEFAULT_FUZZ_SEED;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${JSON.stringify(text)}.`);
  return seed;
}

/**
 * The number of cases a file runs in all: `FUZZ_RUNS` (a positive integer) or the file's default. The
 * file shares it among its properties by weight.
 */
export function fuzzBudget(defaultCases: number, env: NodeJS.ProcessEnv = process.env): number {
  const text = env['FUZZ_RUNS'];
  if (text === undefined || text.trim() === '') return defaultCases;
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, not ${JSON.stringify(text)}.`);
  return runs;
}

/** A 32-bit seed for one property: the run's seed mixed with the property's name (FNV-1a). */
export function propertySeed(runSeed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (runSeed | 0);
  for (const char of name) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** What a fuzz file sent and was answered, for its printed figure. */
export interface FuzzTally {
  /** Cases run (one generated request or request sequence each). */
  cases: number;
  /** HTTP requests sent. */
  requests: number;
  /** Answers by status class (`2xx`, `4xx`, …). */
  statusClasses: Map<string, number>;
  /** Answers with a status of 500 or more (the figure must say 0). */
  serverErrors: number;
  /** Cases per target (route or endpoint), to prove each was reached. */
  targets: Map<string, number>;
  /**
   * Requests Node's HTTP parser refused before any application code ran (a bare `400` and a closed
   * connection: raw bytes above 0x7f in the request target, for one).
   */
  parserRefusals: number;
}

/** An empty tally. */
export function createTally(): FuzzTally {
  return { cases: 0, requests: 0, statusClasses: new Map(), serverErrors: 0, targets: new Map(), parserRefusals: 0 };
}

/** Count one answer in `tally`. */
export function countAnswer(tally: FuzzTally, status: number): void {
  tally.requests += 1;
  const statusClass = `${Math.floor(status / 100)}xx`;
  tally.statusClasses.set(statusClass, (tally.statusClasses.get(statusClass) ?? 0) + 1);
  if (status >= 500) tally.serverErrors += 1;
}

/** Count one case against `target`. */
export function countCase(tally: FuzzTally, target: string): void {
  tally.cases += 1;
  tally.targets.set(target, (tally.targets.get(target) ?? 0) + 1);
}

/** The printed figure: `fuzz <what>: 3,000 cases (3,412 requests: 2xx 410, 4xx 3,002), 0 server errors, seed 7007`. */
export function describeTally(what: string, tally: FuzzTally, seed: number): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const classes = [...tally.statusClasses.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => `${name} ${n(count)}`).join(', ');
  const parser = tally.parserRefusals > 0 ? `, ${n(tally.parserRefusals)} refused by Node's HTTP parser` : '';
  return `fuzz ${what}: ${n(tally.cases)} cases (${n(tally.requests)} requests: ${classes}${parser}), ${n(tally.serverErrors)} server errors, seed ${seed} (FUZZ_SEED=${seed} replays it)`;
}

/** Options of {@link runProperty}. */
export interface PropertyRun {
  /** The run's seed ({@link fuzzSeed}). */
  seed: number;
  /** How many cases. */
  runs: number;
}

/**
 * Run an async property with fast-check under the run's seed. A failure throws fast-check's report (the
 * counterexample, shrunk, with the seed and path that replay it) prefixed with the property's name.
 */
export async function runProperty<T>(name: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>, run: PropertyRun): Promise<void> {
  const seed = propertySeed(run.seed, name);
  try {
    await fc.assert(fc.asyncProperty(arbitrary, check), { seed, numRuns: run.runs, includeErrorInReport: true });
  } catch (error) {
    throw new Error(`fuzz property "${name}" failed (run seed ${run.seed}, property seed ${seed}):\n${(error as Error).message}`, { cause: error });
  }
}
