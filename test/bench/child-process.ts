/**
 * A server of the benchmarks in its own Node process (the sandbox, the proxy), with an IPC channel to ask
 * it for its CPU time and memory (`process-probe.ts`). Separate processes so that each one's work is its
 * own: the figures of one are not blurred by the others' garbage collection or event loop, and each
 * process's CPU time per request can be read apart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ProbeAnswer, ProbeRequest } from './process-probe.js';

/** The repository's root (the children's working directory). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running child. */
export interface BenchChild {
  pid: number;
  /** The last few KB of its stdout and stderr, for error messages. */
  output(): string;
  /** CPU time and memory as the child reads them itself (`gc`: after a full garbage collection). */
  probe(options?: { gc?: boolean }): Promise<ProbeAnswer>;
  /** Send a message over the IPC channel (e.g. a command the child answers, see `sandbox-reviewer.ts`). */
  send(message: unknown): void;
  /** Wait for a message that `accept` recognises, within `timeoutMs`. */
  message<T>(accept: (message: unknown) => T | undefined, timeoutMs: number): Promise<T>;
  /** Stop it (SIGTERM, then SIGKILL after 10 s) and wait for it to exit. Never rejects. */
  stop(): Promise<void>;
}

/** Options of {@link startChild}. */
export interface ChildOptions {
  /** Node arguments: flags, then the script and its arguments. */
  args: string[];
  env: Record<string, string>;
}

/** Start `node <args>` from the repository root with an IPC channel. */
export function startChild(options: ChildOptions): BenchChild {
  const child: ChildProcess = spawn(process.execPath, options.args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // `once` rejects on an 'error' event (e.g. a failed kill); stopping only needs to know it is over.
  const exited = once(child, 'exit').catch(() => undefined);

  let probes: Promise<unknown> = Promise.resolve();
  const message = <T>(accept: (message: unknown) => T | undefined, timeoutMs: number): Promise<T> => new Promise<T>((resolve, reject) => {
    const onMessage = (value: unknown): void => {
      const accepted = accept(value);
      if (accepted === undefined) return;
      finish();
      resolve(accepted);
    };
    const onExit = (): void => {
      finish();
      reject(new Error(`the child process exited: ${output}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the child process did not answer within ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    function finish(): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

  return {
    get pid(): number {
      if (child.pid === undefined) throw new Error(`the child process did not start: ${output}`);
      return child.pid;
    },
    output: () => output,
    send: (value) => {
      child.send(value as Parameters<ChildProcess['send']>[0]);
    },
    message,
    probe({ gc = false } = {}) {
      // One probe at a time: answers carry no id, so two in flight could each take the other's answer.
      const asked = probes.then(async () => {
        const answered = message((value) => {
          const answer = value as Partial<ProbeAnswer> | null;
          return answer?.probe === 'process' ? (answer as ProbeAnswer) : undefined;
        }, 10_000);
        child.send({ probe: 'process', gc } satisfies ProbeRequest);
        const answer = await answered;
        if (gc && !answer.collected) throw new Error('the child could not collect garbage (is --expose-gc given?)');
        return answer;
      });
      probes = asked.catch(() => undefined);
      return asked;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
