/**
 * The arguments of the allowlist command (`proxy/allowlist-cli.ts`), read with Node's `parseArgs`
 * (strict: an unknown option or a missing value is an error), and its refusals with sysexits.h codes.
 */
import { parseArgs } from 'node:util';
import { ALLOWLIST_FORMATS, type AllowlistFormat } from './export-allowlist.js';

/** How the command is called. */
export const USAGE = 'Usage: npm run allowlist -- --sale <id> --format csv|json [--proven-only] [--out <file>]';

/** sysexits.h codes, as `server.ts` exits 78 for a bad configuration. */
export const EXIT = { usage: 64, unavailable: 69, cantCreate: 73, config: 78 } as const;

/** A refusal with its exit code; the message is printed as it is (it never holds a secret). */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** What the command was asked. */
export interface CliArguments {
  sale: string;
  format: AllowlistFormat;
  provenOnly: boolean;
  /** The file to write; stdout when absent. */
  out: string | undefined;
}

/**
 * Read the arguments (without the node and script paths).
 * @returns the arguments, or `undefined` for `--help`.
 * @throws CliError (exit 64) naming what is wrong, followed by the usage line.
 */
export function readArguments(args: readonly string[]): CliArguments | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        sale: { type: 'string' },
        format: { type: 'string' },
        'proven-only': { type: 'boolean', default: false },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    // parseArgs words unknown options and missing values well ("Unknown option '--x'").
    throw new CliError(`${(error as Error).message}\n${USAGE}`, EXIT.usage);
  }
  const { values } = parsed;
  if (values.help) return undefined;
  if (values.sale === undefined || values.sale === '') throw new CliError(`--sale <id> is required: the sale's id in the proxy's configuration.\n${USAGE}`, EXIT.usage);
  if (values.format === undefined) throw new CliError(`--format csv|json is required.\n${USAGE}`, EXIT.usage);
  if (!(ALLOWLIST_FORMATS as readonly string[]).includes(values.format)) throw new CliError(`--format must be csv or json, not ${JSON.stringify(values.format)}.\n${USAGE}`, EXIT.usage);
  if (values.out === '') throw new CliError(`--out needs a file name.\n${USAGE}`, EXIT.usage);
  return { sale: values.sale, format: values.format as AllowlistFormat, provenOnly: values['proven-only'], out: values.out };
}
