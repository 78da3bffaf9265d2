/**
 * Collects every configuration problem so the proxy can refuse to start with the whole list at once,
 * instead of making the integrator fix one mistake per restart.
 */

/** Thrown by `loadConfig` when the configuration is unusable; `problems` lists every mistake found. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`The proxy configuration has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

/** A list of problems found while reading configuration, each prefixed by where it was found. */
export class ConfigProblems {
  readonly list: string[] = [];

  /** Record a problem at `where` (e.g. `sales[0].origins[1]`). */
  add(where: string, problem: string): void {
    this.list.push(`${where}: ${problem}`);
  }

  /**
   * Record every key of `object` that is not in `known`: a misspelt key (`orgins`, `tokenLifetime`) would
   * otherwise be ignored without a word and its default used. Keys starting with `$` (`$schema`,
   * `$comment`) are left alone for editors and notes.
   */
  unknownKeys(where: string, object: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!key.startsWith('$') && !known.includes(key)) this.add(where, `unknown key "${key}"; known keys are ${known.join(', ')}`);
    }
  }

  /** Throw a {@link ConfigError} when any problem was recorded. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}
