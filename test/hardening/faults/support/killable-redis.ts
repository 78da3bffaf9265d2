/**
 * Test support: a real redis-server that a test can kill (SIGKILL, as a crash or an OOM kill does:
 * no goodbye to its clients) and start again on the same port, empty. The graceful stop and restart of
 * `test/support/redis-server.ts` cover a clean shutdown; this covers the crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../proxy/support/proxy-stack.js';
import { REDIS_SERVER_PATH } from '../../../support/redis-server.js';

/** A redis-server that can be killed and started again. */
export interface KillableRedis {
  url: string;
  port: number;
  /** SIGKILL the server and wait until it is gone. */
  kill(): Promise<void>;
  /** Start it again on the same port (empty) and wait until it answers PING. */
  start(): Promise<void>;
  /** Kill it (if running) and remove its directory. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Start a killable redis-server on a free port. Always `stop()` it. */
export async function startKillableRedis(): Promise<KillableRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'kyc-redis-kill-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const start = async (): Promise<void> => {
    const spawned = spawn(REDIS_SERVER_PATH, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    child = spawned;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline && spawned.exitCode === null) {
      if (await answersPing(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    spawned.kill('SIGKILL');
    await exited(spawned);
    throw new Error(`redis-server did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`);
  };
  const kill = async (): Promise<void> => {
    if (child === undefined) return;
    child.kill('SIGKILL');
    await exited(child);
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async stop() {
      process.off('exit', killOnExit);
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
