/**
 * Test support: `npm start` as a real child process (`node --import tsx demo/start.ts`) on free ports
 * and a temporary data folder, with its output captured and every wait bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { DEMO_PORT_SETTINGS, type DemoPart, type DemoPorts } from '../../../demo/demo-ports.js';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The line `demo/start.ts` ends its banner with, once everything listens. */
const READY_TEXT = 'Press Ctrl-C to stop.';

/** `count` distinct free ports on 127.0.0.1 (all held open together while they are picked, so none repeats). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
      servers.push(server);
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Free ports for every part of the demo. */
export async function freeDemoPorts(): Promise<DemoPorts> {
  const parts = Object.keys(DEMO_PORT_SETTINGS) as DemoPart[];
  const ports = await freePorts(parts.length);
  return Object.fromEntries(parts.map((part, index) => [part, ports[index]])) as DemoPorts;
}

/** Whether something listens on `port` of 127.0.0.1 (tried by listening there ourselves). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** The widget must be built for the site to serve it; build it once when it is missing (a few seconds). */
export function ensureWidgetBuiltOnce(): void {
  if (existsSync(join(ROOT, 'dist', 'kyc-onboarding.js'))) return;
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
  if (build.status !== 0) throw new Error('npm run build failed; the demo tests need dist/kyc-onboarding.js');
}

/** A demo process. */
export interface DemoProcess {
  child: ChildProcess;
  /** Everything it printed to stdout (so far). */
  stdout(): string;
  /** Everything it printed to stderr (so far). */
  stderr(): string;
  /** Resolves once the ready banner is printed; rejects if the process exits first or after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code and signal once it exits; rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL it if it still runs (for `after` hooks). */
  kill(): void;
}

/** The environment of a demo on `ports` with its data in `dataDir`; the widget build is used as it is. */
export function demoEnv(ports: DemoPorts, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_DATA_DIR: dataDir, DEMO_SKIP_BUILD: '1', LOG_LEVEL: 'warn' };
  // Settings a developer's shell may hold must not change what the test sees.
  delete env['SANDBOX_AUTO_REVIEW_SECONDS'];
  delete env['SANDBOX_WEBHOOK_TIME_FACTOR'];
  for (const part of Object.keys(ports) as DemoPart[]) env[DEMO_PORT_SETTINGS[part].variable] = String(ports[part]);
  return env;
}

/** Spawn `demo/start.ts` with `env`. */
export function spawnDemo(env: NodeJS.ProcessEnv): DemoProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  function bounded<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms.\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ready(timeoutMs = 30_000) {
      const ready = new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (out.includes(READY_TEXT)) {
            child.stdout?.off('data', check);
            resolve();
          }
        };
        child.stdout?.on('data', check);
        check();
        void exit.then(({ code, signal }) => reject(new Error(`The demo exited (code ${code}, signal ${signal}) before it was ready.\nstdout:\n${out}\nstderr:\n${err}`)));
      });
      return bounded(ready, timeoutMs, 'The demo was not ready');
    },
    exited(timeoutMs = 10_000) {
      return bounded(exit, timeoutMs, 'The demo did not exit');
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
