/**
 * Preloaded into the proxy's child process by the streams benchmark (`node --expose-gc --import tsx
 * --import ./test/bench/memory-probe.ts proxy/server.ts`, with an IPC channel): on the message
 * `{ probe: 'memory', gc: true }` it runs a full garbage collection first, then answers with
 * `process.memoryUsage()`. Without a collection, heap and resident memory also count garbage not yet
 * collected, which depends on when V8 last ran; after one, they show what the proxy really holds.
 */

/** The request the benchmark sends. */
export interface MemoryProbeRequest {
  probe: 'memory';
  /** Collect garbage first (needs `--expose-gc`). */
  gc: boolean;
}

/** The answer. */
export interface MemoryProbeAnswer {
  probe: 'memory';
  memory: NodeJS.MemoryUsage;
  collected: boolean;
}

if (process.send !== undefined) {
  process.on('message', (message: unknown) => {
    const request = message as Partial<MemoryProbeRequest> | null;
    if (request?.probe !== 'memory') return;
    const collect = request.gc === true && typeof globalThis.gc === 'function';
    // Twice: the first pass may only free objects whose finalizers release more.
    if (collect) globalThis.gc?.(), globalThis.gc?.();
    const answer: MemoryProbeAnswer = { probe: 'memory', memory: process.memoryUsage(), collected: collect };
    process.send?.(answer);
  });
  // The channel must not keep the proxy alive once it has shut down.
  process.channel?.unref();
}
