/**
 * The review CLI: `node --import tsx demo/sandbox/console/cli.ts <command>` (see `--help`).
 *
 * It does nothing itself: every command is one request to the running sandbox's console API
 * (`/console/api/…`, `json-api.ts`), so the sandbox's own store changes the case, its own dispatcher
 * delivers the webhooks, and its SQLite files are never written by a second process. Exit status: 0 done,
 * 1 refused by the sandbox (the reason is printed) or sandbox not reachable, 2 bad arguments.
 */
import { pathToFileURL } from 'node:url';
import { parseCliArgs, USAGE, UsageError, type CliCommand, type CliInvocation } from './cli-args.js';
import { formatActionResult, formatCase, formatCaseList, formatDeliveries, formatTestSend, plain } from './cli-format.js';

/** Where the CLI writes, and what it reads (injectable for tests). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  format: (body: Record<string, unknown>) => string;
}

/** The console API request for a command. */
function requestFor(command: Exclude<CliCommand, { kind: 'help' }>, admin: string | undefined): ApiCall {
  switch (command.kind) {
    case 'list': {
      const query = new URLSearchParams();
      if (command.client !== undefined) query.set('client', String(command.client));
      if (command.status !== undefined) query.set('status', command.status);
      if (command.page !== undefined) query.set('page', String(command.page));
      const search = query.toString();
      return { method: 'GET', path: `/console/api/cases${search ? `?${search}` : ''}`, format: formatCaseList };
    }
    case 'show':
      return { method: 'GET', path: `/console/api/clients/${command.client}/cases/${command.user}`, format: formatCase };
    case 'action': {
      const { kind: _kind, action, client, user, ...input } = command;
      return {
        method: 'POST',
        path: `/console/api/clients/${client}/cases/${user}/${action}`,
        body: { ...input, ...(admin === undefined ? {} : { admin }) },
        format: formatActionResult,
      };
    }
    case 'deliveries':
      return { method: 'GET', path: `/console/api/deliveries${command.client === undefined ? '' : `?client=${command.client}`}`, format: formatDeliveries };
    case 'test-webhook':
      return { method: 'POST', path: '/console/api/webhooks/test', body: { client: command.client, index: command.index, type: command.type }, format: formatTestSend };
  }
}

async function call(invocation: CliInvocation, request: ApiCall, io: CliIo): Promise<number> {
  let response: Response;
  try {
    response = await fetch(invocation.url + request.path, {
      method: request.method,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    io.err(`error: the sandbox at ${invocation.url} is not reachable (${plain(reason)}). Start it with npm run sandbox, or pass --url.`);
    return 1;
  }
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    io.err(`error: ${invocation.url} answered ${response.status} without the console's JSON: is it the sandbox?`);
    return 1;
  }
  if (!response.ok) {
    const error = (body['error'] ?? {}) as { code?: unknown; message?: unknown };
    io.err(`error: ${plain(error.message)} (${response.status} ${plain(error.code)})`);
    return 1;
  }
  io.out(invocation.json ? JSON.stringify(body, null, 2) : request.format(body));
  return 0;
}

/** Run the CLI with `argv` (the arguments after the script) and return the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let invocation: CliInvocation;
  try {
    invocation = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}\nRun with --help for usage.`);
    return 2;
  }
  if (invocation.command.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  return call(invocation, requestFor(invocation.command, invocation.admin), io);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
  });
}
