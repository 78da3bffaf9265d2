/**
 * A secret value (API secret, webhook secret, signing key, code pepper, integrator key) wrapped so that
 * an accidental `console.log(config)`, `JSON.stringify` or pino serialisation prints `[secret]` instead
 * of the value. Only `reveal()` gives the value, so every place that uses a secret is easy to find.
 */
import { inspect } from 'node:util';

const REDACTED = '[secret]';

/** A secret that does not print itself. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret value. Call it only where the value is used (signing, comparing), never to log. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
