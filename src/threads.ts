// What the main bundle knows about threads: whether this runtime can run them, what "auto" means here,
// and how to reach the pool (src/pool.ts), which each entry provides: the Node entry imports it, the
// browser entry imports it dynamically when threads are wanted, the Workers entry not at all.
import type * as PoolModule from "./pool.js";

export type PoolApi = typeof PoolModule;

let loader: (() => PoolApi | Promise<PoolApi>) | undefined;

/** Called by an entry: how to get the pool module there. */
export function setPoolLoader(load: () => PoolApi | Promise<PoolApi>): void {
  loader = load;
}

export function poolLoader(): (() => PoolApi | Promise<PoolApi>) | undefined {
  return loader;
}

type Global = {
  process?: { getBuiltinModule?: (id: string) => unknown };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: unknown;
};

function builtin<T>(id: string): T | undefined {
  return (globalThis as Global).process?.getBuiltinModule?.(id) as T | undefined;
}

/** Node's (Deno's, Bun's) worker_threads, where the runtime has it. */
export function workerThreads(): typeof import("node:worker_threads") | undefined {
  return builtin<typeof import("node:worker_threads")>("node:worker_threads");
}

/** Why threads cannot run here, or undefined where they can. */
export function threadsUnavailable(): string | undefined {
  const g = globalThis as Global;
  if (!loader) return "Cloudflare Workers have no threads";
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") {
    return g.crossOriginIsolated === false
      ? "the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp or credentialless)"
      : "this runtime has no SharedArrayBuffer";
  }
  if (!workerThreads() && typeof g.Worker === "undefined") return "this runtime has no Worker";
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return "this runtime's WebAssembly has no shared memory";
  }
  return undefined;
}

/** The number of threads "auto" means here: the cores the runtime reports, at most 8. */
export function autoThreads(): number {
  const os = builtin<typeof import("node:os")>("node:os");
  const n = os?.availableParallelism?.() ?? (globalThis as Global).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(8, Math.floor(n)));
}
