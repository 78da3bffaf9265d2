/**
 * A real, throw-away redis-server for tests: Debian's `/usr/bin/redis-server` on 127.0.0.1, a free
 * port, no persistence, its own temporary directory. `restart()` brings it back on the same port, which
 * is what a reconnect test needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `redis-server` package puts the server. */
export const REDIS_SERVER_PATH = '/usr/bin/redis-server';

/** How long the server may take to answer PING after it was spawned, and to exit after SIGTERM. */
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Stop the server (SIGTERM; SIGKILL if it has not exited in 5 s) and remove its directory. */
  stop(): Promise<void>;
  /**
   * Stop the server and start it again on the same port, empty. `whileDown` runs in between, for
   * tests of what clients do while Redis is away. `crash`: SIGKILL instead of a clean shutdown, as a
   * crash or an OOM kill does (no goodbye to its clients).
   */
  restart(whileDown?: () => Promise<void>, options?: { crash?: boolean }): Promise<void>;
}

/** A port nothing listens on right now (the kernel's choice for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/** Whether a Redis on `port` answers PING within a short time. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (answer: boolean) => {
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Spawn redis-server on `port` in `dir` and wait (bounded) until it answers PING. */
async function spawnServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER_PATH,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
      '--daemonize', 'no',
      '--loglevel', 'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) break;
    if (await answersPing(port)) return child;
    await delay(25);
  }
  child.kill('SIGKILL');
  await exited(child);
  const why = spawnError?.message ?? (child.exitCode !== null ? `it exited with code ${child.exitCode}` : `no PING answer within ${START_TIMEOUT_MS} ms`);
  throw new Error(`redis-server did not start on 127.0.0.1:${port}: ${why}\n${output}`);
}

/** SIGTERM, then SIGKILL if it has not exited within the time limit. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const tooLate = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
  });
  const outcome = await Promise.race([exited(child), tooLate]);
  clearTimeout(timer);
  if (outcome === 'late') {
    child.kill('SIGKILL');
    await exited(child);
  }
}

/**
 * Start a redis-server for a test. Always `stop()` it (in `after`/`finally`).
 * @throws when `/usr/bin/redis-server` is missing, with the command that installs it.
 */
export async function startRedisServer(): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER_PATH)) {
    throw new Error(
      `${REDIS_SERVER_PATH} is missing; the Redis tests need Debian's server. Install it with:\n` +
        '  sudo apt-get update && sudo apt-get install redis-server',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'kyc-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the free port between our check and the server's bind: try a few.
  for (let attempt = 1; child === undefined; attempt += 1) {
    port = await freePort();
    try {
      child = await spawnServer(port, dir);
    } catch (error) {
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current: ChildProcess = child;
  // Should the test process die without stop(), do not leave a server behind.
  const killOnExit = () => current.kill('SIGKILL');
  process.once('exit', killOnExit);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      process.off('exit', killOnExit);
      await stopServer(current);
      await rm(dir, { recursive: true, force: true });
    },
    async restart(whileDown, options = {}) {
      if (options.crash) {
        current.kill('SIGKILL');
        await exited(current);
      } else {
        await stopServer(current);
      }
      try {
        await whileDown?.();
      } finally {
        current = await spawnServer(port, dir);
      }
    },
  };
}
