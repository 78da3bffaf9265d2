/**
 * Preloaded into the benchmarks' child processes (`node --expose-gc --import ./process-probe.js …`, with an
 * IPC channel; the sandbox's entry imports it itself). On the message `{ probe: 'process', gc }` it
 * answers with the process's CPU time so far and its memory, after a full garbage collection when `gc`
 * is true. Without a collection, heap and resident memory also count garbage not yet collected, which
 * depends on when V8 last ran; after one, they show what the process really holds.
 */
import { getHeapSpaceStatistics } from 'node:v8';

/** The request the benchmark sends. */
export interface ProbeRequest {
  probe: 'process';
  /** Collect garbage first (needs `--expose-gc`). */
  gc: boolean;
}

/** The answer. */
export interface ProbeAnswer {
  probe: 'process';
  /** `process.cpuUsage()`: user and system CPU time since the process started, µs. */
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
  /** Bytes of memory V8 holds (committed) for its young generation (new space), where short-lived objects go. */
  newSpaceBytes: number;
  collected: boolean;
}

if (process.send !== undefined) {
  process.on('message', (message: unknown) => {
    const request = message as Partial<ProbeRequest> | null;
    if (request?.probe !== 'process') return;
    const collect = request.gc === true && typeof globalThis.gc === 'function';
    // Twice: the first pass may only free objects whose finalizers release more.
    if (collect) globalThis.gc?.(), globalThis.gc?.();
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const answer: ProbeAnswer = {
      probe: 'process',
      cpu: process.cpuUsage(),
      memory: process.memoryUsage(),
      newSpaceBytes: newSpace?.physical_space_size ?? 0,
      collected: collect,
    };
    process.send?.(answer);
  });
  // The channel must not keep the process alive once it has shut down.
  process.channel?.unref();
}
