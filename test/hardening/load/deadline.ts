/**
 * The load runs' hard cap: one moment by which the whole run must be over, checked by every stage and
 * every wait. It is a hang guard (a lost webhook, a stuck connection), not a speed goal: it is set far
 * above what a run takes on a busy machine, and exceeding it fails the run with the stage it was in.
 */

/** Thrown when a run passes its hard cap. */
export class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

/** A run's hard cap. */
export interface Deadline {
  /** When the cap is reached (ms since the epoch). */
  at: number;
  /** The cap as configured, seconds (for messages). */
  seconds: number;
  /** Milliseconds left; throws {@link DeadlineExceeded} naming `what` when none are. */
  remainingMs(what: string): number;
}

/** A cap `seconds` from now. */
export function deadlineIn(seconds: number): Deadline {
  const at = Date.now() + seconds * 1000;
  return {
    at,
    seconds,
    remainingMs(what) {
      const left = at - Date.now();
      if (left <= 0) throw new DeadlineExceeded(`the run passed its hard cap of ${seconds} s during ${what} (a hang guard, not a speed goal)`);
      return left;
    },
  };
}

/**
 * Poll `check` every `intervalMs` until it returns true; throws {@link DeadlineExceeded} naming `what`
 * if the cap (or `withinMs`, when given and sooner) comes first.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, deadline: Deadline, options: { withinMs?: number; intervalMs?: number } = {}): Promise<void> {
  const until = Math.min(deadline.at, Date.now() + (options.withinMs ?? Number.POSITIVE_INFINITY));
  for (;;) {
    if (await check()) return;
    deadline.remainingMs(what);
    if (Date.now() >= until) throw new DeadlineExceeded(`${what} did not happen within ${options.withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
