/**
 * What a load run of whole journeys runs against, one process per server as deployed: the sandbox
 * provider (API, S3 stand-in, webhook dispatcher, reviewer) in one child process, the proxy compiled as a
 * deployment runs it in another, and in the driving process the SMTP catcher that receives the codes and
 * the sale's backend that receives the statuses the proxy forwards. The sandbox's webhooks go to the
 * proxy, signed, as the provider's would.
 *
 * The sandbox's databases are kept in memory (`databasesInMemory`): the provider stand-in's disk syncs
 * would otherwise set the pace of every write route and of the webhooks.
 *
 * The sale's limits on code mails are raised through the config file (every investor of the run signs up
 * from 127.0.0.1, which the default 30 codes per IP per hour would stop); nothing in the code changes.
 */
import { SALE_ID, WEBHOOK_SECRET } from '../../proxy/support/proxy-stack.js';
import { startBenchStack, type BenchProxy, type BenchStack } from '../../bench/bench-stack.js';
import { buildProxy, type BuiltProxy } from '../../bench/build-proxy.js';
import { askSandbox } from '../../bench/sandbox-reviewer.js';
import { startForwardReceiver, type ForwardReceiver } from './forward-receiver.js';

/** The secret the proxy signs forwarded statuses with (a local stand-in, not a secret). */
const FORWARD_SECRET = 'load-forward-secret-0123456789abcdef';

/** Options of {@link startJourneyStack}. */
export interface JourneyStackOptions {
  /** Code mails the catcher must keep at once (the most investors signing up in one stage). */
  mailsKept: number;
  /** Node flags for the proxy process (e.g. `--expose-gc` for memory after a collection). */
  proxyNodeArgs?: string[];
  /** More environment for the proxy process (e.g. `REDIS_URL`). */
  proxyEnv?: Record<string, string>;
  /** The sale's widget-token lifetime (the proxy's default, 15 minutes, when not given). */
  tokenLifetimeSeconds?: number;
}

/** A running stack. */
export interface JourneyStack {
  bench: BenchStack;
  proxy: BenchProxy;
  /** The sale's backend, receiving forwarded statuses. */
  receiver: ForwardReceiver;
  /** Stop everything and remove the files. Never rejects. */
  close(): Promise<void>;
}

/** Build the proxy, start the processes, and register the proxy's webhook URL at the sandbox. */
export async function startJourneyStack(options: JourneyStackOptions): Promise<JourneyStack> {
  let receiver: ForwardReceiver | undefined;
  let bench: BenchStack | undefined;
  let built: BuiltProxy | undefined;
  const close = async (): Promise<void> => {
    await bench?.close();
    await receiver?.close();
    built?.remove();
  };
  try {
    receiver = await startForwardReceiver(FORWARD_SECRET);
    [bench, built] = await Promise.all([
      startBenchStack({
        webhooks: true,
        databasesInMemory: true,
        config: { codes: { sendsPerIpPerHour: 100_000, ttlSeconds: 3600 } },
        sale: {
          webhook: { secrets: [{ env: 'BENCH_WEBHOOK_SECRET' }], forward: { url: receiver.url, secret: FORWARD_SECRET } },
          ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
        },
        catcher: { maxMessages: Math.max(500, options.mailsKept) },
      }),
      buildProxy(),
    ]);
    const proxy = await bench.startProxy(built, { nodeArgs: options.proxyNodeArgs ?? [], env: options.proxyEnv ?? {} });
    await askSandbox(bench.sandbox, { reviewer: 'webhook', url: `${proxy.url}/webhooks/${SALE_ID}`, secret: WEBHOOK_SECRET }, 10_000);
    return { bench, proxy, receiver, close };
  } catch (error) {
    await close();
    throw error;
  }
}
