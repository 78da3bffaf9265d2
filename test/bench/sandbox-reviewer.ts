/**
 * The sandbox's reviewer over IPC, for benchmarks and load runs that take cases all the way to a decision:
 * the sandbox process (`sandbox-process.ts`, started with `BENCH_SANDBOX_WEBHOOKS=1`) answers these
 * commands, and the driving process asks them with {@link askSandbox}. A reviewer action changes the case
 * in the sandbox's store exactly as the review console does, and the sandbox's webhook dispatcher then
 * delivers the signed webhooks to the registered proxy, as the provider would.
 */
import type { Database } from 'better-sqlite3';
import type { SandboxStore } from '../../demo/sandbox/store.js';
import type { WebhookDispatcher } from '../../demo/sandbox/webhooks/dispatcher.js';
import type { BenchChild } from './child-process.js';

/** What the driving process can ask of the sandbox's reviewer. */
export type ReviewerCommand =
  /** Register `url` as the client's one webhook (every source and result type), signed with `secret`. */
  | { reviewer: 'webhook'; url: string; secret: string }
  /** Approve each case: AML cleared (as the AML vendor), then qualified (as an admin). */
  | { reviewer: 'approve'; userIds: number[] }
  /** Resolve once no webhook delivery is in flight or due. */
  | { reviewer: 'idle' }
  /** Count the webhook deliveries by state. */
  | { reviewer: 'deliveries' };

/** The answer to `approve`. */
export interface ApproveResult {
  approved: number;
  /** Cases the store refused to approve (closed, unknown), with the reason. */
  refused: Array<{ userId: number; reason: string }>;
}

/** The answer to `deliveries`: how many deliveries are in each state (`delivered`, `pending`, `expired`). */
export type DeliveryCounts = Record<string, number>;

/** The answer of each command. */
interface ReviewerResults {
  webhook: null;
  approve: ApproveResult;
  idle: null;
  deliveries: DeliveryCounts;
}

interface CommandMessage {
  reviewerCommand: number;
  command: ReviewerCommand;
}

interface AnswerMessage {
  reviewerAnswer: number;
  result?: unknown;
  error?: string;
}

/** What the sandbox process hands the reviewer. */
export interface ReviewerWiring {
  clientId: number;
  store: SandboxStore;
  webhooks: WebhookDispatcher;
  /** The dispatcher's database (for the delivery counts). */
  db: Database;
}

async function run(command: ReviewerCommand, wiring: ReviewerWiring): Promise<unknown> {
  const { clientId, store, webhooks, db } = wiring;
  switch (command.reviewer) {
    case 'webhook':
      webhooks.settings.set(clientId, [{ url: command.url, secret: command.secret, sources: ['api', 'web', 'kyc_system'], types: ['user', 'user_kyc'] }] as never);
      return null;
    case 'approve': {
      const result: ApproveResult = { approved: 0, refused: [] };
      for (const userId of command.userIds) {
        try {
          store.setAmlStatus(clientId, userId, 'cleared', 'kyc_system');
          store.qualify(clientId, userId, 'Load reviewer');
          result.approved += 1;
        } catch (error) {
          result.refused.push({ userId, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      return result;
    }
    case 'idle':
      await webhooks.idle();
      return null;
    case 'deliveries': {
      const rows = db.prepare('SELECT state, COUNT(*) AS n FROM webhook_deliveries GROUP BY state').all() as Array<{ state: string; n: number }>;
      return Object.fromEntries(rows.map((row) => [row.state, row.n]));
    }
  }
}

/** In the sandbox process: answer the reviewer commands arriving over IPC. */
export function serveReviewer(wiring: ReviewerWiring): void {
  process.on('message', (message: unknown) => {
    const asked = message as Partial<CommandMessage> | null;
    if (typeof asked?.reviewerCommand !== 'number' || asked.command === undefined) return;
    const id = asked.reviewerCommand;
    run(asked.command, wiring).then(
      (result) => process.send?.({ reviewerAnswer: id, result } satisfies AnswerMessage),
      (error: unknown) => process.send?.({ reviewerAnswer: id, error: error instanceof Error ? error.message : String(error) } satisfies AnswerMessage),
    );
  });
}

let nextCommandId = 1;

/**
 * In the driving process: send `command` to the sandbox process and wait for its answer.
 * @example
 * await askSandbox(stack.sandbox, { reviewer: 'webhook', url: `${proxy.url}/webhooks/acme`, secret }, 5000);
 * const { approved } = await askSandbox(stack.sandbox, { reviewer: 'approve', userIds }, 60_000);
 */
export async function askSandbox<C extends ReviewerCommand>(sandbox: BenchChild, command: C, timeoutMs: number): Promise<ReviewerResults[C['reviewer']]> {
  const id = nextCommandId++;
  const answered = sandbox.message((message) => {
    const answer = message as Partial<AnswerMessage> | null;
    return answer?.reviewerAnswer === id ? answer : undefined;
  }, timeoutMs);
  sandbox.send({ reviewerCommand: id, command } satisfies CommandMessage);
  const answer = await answered;
  if (answer.error !== undefined) throw new Error(`the sandbox's reviewer refused ${command.reviewer}: ${answer.error}`);
  return answer.result as ReviewerResults[C['reviewer']];
}
