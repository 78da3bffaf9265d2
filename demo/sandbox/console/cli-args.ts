/**
 * The review CLI's command line: what each command takes, checked before anything is sent, so that a
 * mistake is a clear message and exit status 2, never a request.
 */
import { parseArgs } from 'node:util';
import { CONSOLE_AML_STATUSES, CONSOLE_WHITELIST_STATUSES, ISSUE_TYPES } from './actions.js';
import { KYC_STATUSES } from './case-query.js';

/** The usage text printed by `--help`. */
export const USAGE = `Usage: npm run sandbox:review -- <command> [options]
       node --import tsx demo/sandbox/console/cli.ts <command> [options]

Talks to a running sandbox (npm run sandbox) through its review console, so the
sandbox itself changes the case and sends the webhooks.

Commands:
  list [--client N] [--status pending|approved|denied] [--page N]
  show <client> <user>
  qualify <client> <user>
  deny <client> <user>
  reopen <client> <user>
  report <client> <user> <data_mismatch|document_issue|other_issue>...
  aml <client> <user> <cleared|approved|rejected|failed>
  whitelist <client> <user> <started|done|failed>
  eth <client> <user> <address>
  delete <client> <user>
  deliveries [--client N]
  test-webhook <client> <index> <user|user_kyc>   send a test to the client's webhook #index (from 0)

Options:
  --url URL     the sandbox (default $SANDBOX_URL, else http://127.0.0.1:$SANDBOX_PORT, port 4010)
  --as NAME     who acts, shown as last_acted_by (default "Sandbox admin")
  --json        print the console's JSON answer instead of text
  -h, --help    this text

Exit status: 0 done, 1 refused by the sandbox or not reachable, 2 bad arguments.`;

/** A mistake on the command line (exit status 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A parsed command. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'list'; client: number | undefined; status: string | undefined; page: number | undefined }
  | { kind: 'show'; client: number; user: number }
  | { kind: 'action'; action: 'qualify' | 'deny' | 'reopen' | 'delete'; client: number; user: number }
  | { kind: 'action'; action: 'report'; client: number; user: number; types: string[] }
  | { kind: 'action'; action: 'aml' | 'whitelist'; client: number; user: number; status: string }
  | { kind: 'action'; action: 'eth'; client: number; user: number; address: string }
  | { kind: 'deliveries'; client: number | undefined }
  | { kind: 'test-webhook'; client: number; index: number; type: string };

/** The command with the options that apply to every command. */
export interface CliInvocation {
  command: CliCommand;
  /** The sandbox origin, e.g. `http://127.0.0.1:4010`. */
  url: string;
  json: boolean;
  admin: string | undefined;
}

function id(value: string | undefined, what: string, allowZero = false): number {
  if (value === undefined) throw new UsageError(`missing <${what}>`);
  if (!(allowZero ? /^(0|[1-9]\d{0,14})$/ : /^[1-9]\d{0,14}$/).test(value)) throw new UsageError(`<${what}> must be a ${allowZero ? 'whole number' : 'positive whole number'}, not "${value}"`);
  return Number(value);
}

function oneOf(value: string | undefined, allowed: readonly string[], what: string): string {
  if (value === undefined) throw new UsageError(`missing <${what}>: one of ${allowed.join(', ')}`);
  if (!allowed.includes(value)) throw new UsageError(`<${what}> must be one of ${allowed.join(', ')}, not "${value}"`);
  return value;
}

function noMore(rest: readonly string[], command: string): void {
  if (rest.length > 0) throw new UsageError(`too many arguments for ${command}: ${rest.join(' ')}`);
}

/** The default sandbox origin from the environment. */
export function defaultSandboxUrl(env: NodeJS.ProcessEnv): string {
  return env['SANDBOX_URL'] ?? `http://127.0.0.1:${env['SANDBOX_PORT'] ?? 4010}`;
}

function sandboxUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an http URL, not "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be an http URL, not "${raw}"`);
  return url.origin;
}

/**
 * Parse the arguments after the script name.
 *
 * @throws UsageError for anything that is not a valid command.
 */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliInvocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        as: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        client: { type: 'string' },
        status: { type: 'string' },
        page: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const base = { url: sandboxUrl(values.url ?? defaultSandboxUrl(env)), json: values.json === true, admin: values.as };
  const [name, ...rest] = positionals;
  if (values.help === true || name === 'help') return { ...base, command: { kind: 'help' } };
  if (name === undefined) throw new UsageError('missing <command>');
  const listOnly = (allowed: readonly string[]): void => {
    for (const option of ['client', 'status', 'page'] as const) {
      if (values[option] !== undefined && !allowed.includes(option)) throw new UsageError(`--${option} does not apply to ${name}`);
    }
  };
  const client = values.client === undefined ? undefined : id(values.client, 'client');
  switch (name) {
    case 'list':
      listOnly(['client', 'status', 'page']);
      noMore(rest, name);
      return {
        ...base,
        command: {
          kind: 'list',
          client,
          status: values.status === undefined ? undefined : oneOf(values.status, KYC_STATUSES, 'status'),
          page: values.page === undefined ? undefined : id(values.page, 'page'),
        },
      };
    case 'deliveries':
      listOnly(['client']);
      noMore(rest, name);
      return { ...base, command: { kind: 'deliveries', client } };
    default:
      break;
  }
  listOnly([]);
  const [clientText, second, ...more] = rest;
  switch (name) {
    case 'show':
      noMore(more, name);
      return { ...base, command: { kind: 'show', client: id(clientText, 'client'), user: id(second, 'user') } };
    case 'qualify':
    case 'deny':
    case 'reopen':
    case 'delete':
      noMore(more, name);
      return { ...base, command: { kind: 'action', action: name, client: id(clientText, 'client'), user: id(second, 'user') } };
    case 'report': {
      const target = { client: id(clientText, 'client'), user: id(second, 'user') };
      if (more.length === 0) throw new UsageError(`missing <type>: one or more of ${ISSUE_TYPES.join(', ')}`);
      return { ...base, command: { kind: 'action', action: 'report', ...target, types: more.map((type) => oneOf(type, ISSUE_TYPES, 'type')) } };
    }
    case 'aml':
    case 'whitelist': {
      const target = { client: id(clientText, 'client'), user: id(second, 'user') };
      const [status, ...extra] = more;
      noMore(extra, name);
      const allowed = name === 'aml' ? CONSOLE_AML_STATUSES : CONSOLE_WHITELIST_STATUSES;
      return { ...base, command: { kind: 'action', action: name, ...target, status: oneOf(status, allowed, 'status') } };
    }
    case 'eth': {
      const target = { client: id(clientText, 'client'), user: id(second, 'user') };
      const [address, ...extra] = more;
      noMore(extra, name);
      if (address === undefined) throw new UsageError('missing <address>');
      return { ...base, command: { kind: 'action', action: 'eth', ...target, address } };
    }
    case 'test-webhook': {
      const [type, ...extra] = more;
      noMore(extra, name);
      return { ...base, command: { kind: 'test-webhook', client: id(clientText, 'client'), index: id(second, 'index', true), type: oneOf(type, ['user', 'user_kyc'], 'type') } };
    }
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
