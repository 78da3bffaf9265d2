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

  /** Throw a {@link ConfigError} when any problem was recorded. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}
