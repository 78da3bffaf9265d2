/**
 * The review CLI run as a child process against a sandbox running in this process: it reads cases and
 * the delivery log, and each action goes through the running sandbox, whose dispatcher delivers the
 * webhook to a receiver that verifies it. Bad arguments exit 2 before any request; refusals exit 1.
 * Variants of a command already run as a child go through the same entry (`runCli`) in this process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../demo/sandbox/console/cli.js';
import { startConsoleHarness, type ConsoleHarness } from './helpers.js';

const CLI = fileURLToPath(new URL('../../../demo/sandbox/console/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI with `args` (bounded: killed after 20 s). */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { cwd: ROOT, timeout: 20_000, env: { PATH: process.env['PATH'] ?? '', ...env } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Run the CLI's entry function in this process, capturing what it prints. */
async function inProcess(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { env, out: (text) => (stdout += text + '\n'), err: (text) => (stderr += text + '\n') });
  return { code, stdout, stderr };
}

describe('review CLI', () => {
  let h: ConsoleHarness;
  let userId: number;
  let other: number;

  before(async () => {
    h = await startConsoleHarness();
    userId = await h.submitCase({ email: 'cli@example.com', firstName: 'Katherine', lastName: 'Johnson' });
    other = await h.submitCase({ email: 'other@example.com', firstName: 'Dorothy', lastName: 'Vaughan', clientId: 8 });
  });

  after(async () => {
    await h.stop();
  });

  it('prints usage with --help and exits 2 with a clear error on bad arguments', async () => {
    const [help, badStatus] = await Promise.all([cli(['--help']), cli(['aml', '7', '1', 'maybe'])]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: npm run sandbox:review -- <command>/);
    assert.match(help.stdout, /whitelist <client> <user> <started\|done\|failed>/);
    assert.equal(badStatus.code, 2);
    assert.match(badStatus.stderr, /<status> must be one of cleared, approved, rejected, failed, not "maybe"/);
    assert.equal(badStatus.stdout, '');
    // The other mistakes through the same entry point in this process (no request is made for any of them).
    const expectations: [string[], RegExp][] = [
      [[], /missing <command>/],
      [['promote', '7', '1'], /unknown command "promote"/],
      [['qualify', '7', 'x'], /<user> must be a positive whole number, not "x"/],
      [['report', '7', '1'], /missing <type>: one or more of data_mismatch, document_issue, other_issue/],
      [['report', '7', '1', 'fraud'], /<type> must be one of data_mismatch, document_issue, other_issue, not "fraud"/],
      [['show', '7', '1', '--status', 'pending'], /--status does not apply to show/],
      [['eth', '7', '1'], /missing <address>/],
      [['deny', '7', '1', '2'], /too many arguments for deny: 2/],
      [['list', '--bogus'], /Unknown option '--bogus'/],
      [['list', '--url', 'ftp://x'], /--url must be an http URL/],
    ];
    for (const [args, message] of expectations) {
      const run = await inProcess(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Run with --help for usage\./);
      assert.equal(run.stdout, '');
    }
  });

  it('lists and shows cases from the running sandbox', async () => {
    const [all, client8, approved, show] = await Promise.all([
      cli(['list', '--url', h.url]),
      cli(['list', '--client', '8', '--url', h.url]),
      cli(['list', '--status', 'approved', '--url', h.url]),
      cli(['show', '7', String(userId), '--url', h.url]),
    ]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^CLIENT\s+USER\s+KYC\s+ADMIN\s+AML\s+WHITELIST\s+ISSUES\s+SUBS\s+NAME\s+EMAIL$/m);
    assert.match(all.stdout, new RegExp(`^7\\s+${userId}\\s+pending\\s+unprocessed\\s+unprocessed\\s+unprocessed\\s+-\\s+1\\s+Katherine Johnson\\s+cli@example\\.com$`, 'm'));
    assert.match(all.stdout, /2 case\(s\), page 1 of 1/);
    assert.equal(client8.code, 0);
    assert.match(client8.stdout, new RegExp(`^8\\s+${other}\\s+pending`, 'm'));
    assert.doesNotMatch(client8.stdout, /cli@example\.com/);
    assert.match(approved.stdout, /\(no case matches\)/);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^ {2}email: cli@example\.com$/m);
    assert.match(show.stdout, /^ {2}kyc_status: pending$/m);
    assert.match(show.stdout, /^ {2}last_name: Johnson$/m);
    assert.match(show.stdout, /^ {2}selfie_file_path \(image, 250000 bytes\): http:\/\/files\.test\/bucket\/7\/i\//m);
    assert.match(show.stdout, /^available actions: qualify,deny,report,aml,eth,delete$/m);
  });

  it('runs actions through the sandbox, which sends the webhooks', async () => {
    const seen = h.receiver.received.length;
    const qualify = await cli(['qualify', '7', String(userId), '--as', 'Review Bot', '--url', h.url]);
    assert.equal(qualify.code, 0, qualify.stderr);
    assert.equal(qualify.stdout.trim(), `qualify: client 7 user ${userId}: kyc_status pending (admin qualified, aml unprocessed, whitelist unprocessed, issues -)`);
    let event = await h.webhook('kyc_status_update', userId, { after: seen });
    assert.equal((event['data'] as { user_kyc: Record<string, string> }).user_kyc['last_acted_by'], 'Review Bot');

    // The other actions through the same entry point in this process, still over HTTP to the sandbox.
    const aml = await inProcess(['aml', '7', String(userId), 'cleared'], { SANDBOX_URL: h.url });
    assert.equal(aml.code, 0, aml.stderr);
    assert.match(aml.stdout, /kyc_status approved/);

    const whitelist = await inProcess(['whitelist', '7', String(userId), 'started', '--json', '--url', h.url]);
    assert.equal(whitelist.code, 0, whitelist.stderr);
    assert.equal(JSON.parse(whitelist.stdout).user_kyc.whitelist_status, 'started');

    const reopenSeen = h.receiver.received.length;
    const reopen = await inProcess(['reopen', '7', String(userId), '--url', h.url]);
    assert.equal(reopen.code, 0, reopen.stderr);
    await h.webhook('kyc_reopen', userId, { after: reopenSeen });

    const report = await inProcess(['report', '7', String(userId), 'data_mismatch', 'other_issue', '--url', h.url]);
    assert.match(report.stdout, /issues data_mismatch,other_issue/);

    const ethSeen = h.receiver.received.length;
    const eth = await inProcess(['eth', '7', String(userId), '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359', '--url', h.url]);
    assert.equal(eth.code, 0, eth.stderr);
    await h.webhook('update_ethereum_address', userId, { after: ethSeen });

    const deny = await inProcess(['deny', '7', String(userId), '--url', h.url]);
    assert.match(deny.stdout, /kyc_status denied/);

    const deleteSeen = h.receiver.received.length;
    const removed = await cli(['delete', '7', String(userId), '--url', h.url]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /user deleted/);
    event = await h.webhook('user_deleted', userId, { after: deleteSeen });
    assert.equal(event['source'], 'web');
  });

  it('exits 1 with the sandbox’s reason when an action does not apply or the sandbox is not there', async () => {
    const [refused, missing, unreachable] = await Promise.all([
      cli(['reopen', '8', String(other), '--url', h.url]),
      cli(['show', '7', '999999', '--url', h.url]),
      cli(['list', '--url', 'http://127.0.0.1:9']),
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: The case is pending: only an approved or denied case can be reopened\. \(409 not_applicable\)$/m);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Client 7 has no KYC case for user 999999\. \(404 not_found\)/);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /the sandbox at http:\/\/127\.0\.0\.1:9 is not reachable/);
  });

  it('prints the delivery log and sends a test webhook', async () => {
    await h.dispatcher.idle();
    const deliveries = await cli(['deliveries', '--client', '7', '--url', h.url]);
    assert.equal(deliveries.code, 0, deliveries.stderr);
    assert.match(deliveries.stdout, /^client 7: \d+ deliveries, \d+ attempts$/m);
    assert.match(deliveries.stdout, /^\d+\s+kyc_submit\s+api\s+delivered\s+0\s/m);
    assert.match(deliveries.stdout, /HTTP 200/);
    const seen = h.receiver.received.length;
    const test = await cli(['test-webhook', '7', '0', 'user', '--url', h.url]);
    assert.equal(test.code, 0, test.stderr);
    assert.match(test.stdout, /^test user_register \(id \d+\) to http:\/\/127\.0\.0\.1:\d+\/hooks\/kyc\/: HTTP 200 \(delivered\)$/m);
    const received = h.receiver.received.slice(seen).find((request) => request.event?.['name'] === 'user_register');
    assert.ok(received?.verified.ok);
  });
});
