// Loads one of the wasm builds into a host-owned WebAssembly.Memory. Callers use the raw
// `instance.exports` (typed as Kernels), so hot paths pay no wrapper. The kernels import nothing but the
// memory (no AssemblyScript runtime, no abort), so WebAssembly.Instance is all that instantiation takes:
// @assemblyscript/loader, which did it before, cost 5 KB of every browser bundle and nothing else.
import type { Kernels } from "./kernels.js";
import { ValueError } from "./errors.js";

/** simd and scalar: one thread; threads: the SIMD build on a shared memory, for the pool (src/pool.ts). */
export type Build = "simd" | "scalar" | "threads";

// The smallest module that uses a v128 instruction (as wasm-feature-detect's simd probe):
// (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Pages a shared memory may grow to: wasm32's 4 GiB, as the threads build declares. */
export const SHARED_MAX_PAGES = 65536;

/** Whether this runtime's WebAssembly accepts the SIMD build. */
export function simdSupported(validate: (bytes: BufferSource) => boolean = (b) => WebAssembly.validate(b)): boolean {
  return validate(SIMD_PROBE);
}

/** The single-threaded build to load here: SIMD where the engine validates SIMD code, else the scalar fallback. */
export function chooseBuild(validate?: (bytes: BufferSource) => boolean): "simd" | "scalar" {
  return simdSupported(validate) ? "simd" : "scalar";
}

/** What a model's runner needs from the threads build's pool (src/pool.ts). */
export interface EngineThreads {
  /** Workspace slots to plan: one per thread of the pool. */
  readonly slots: number;
  /** Where the job record and the per-thread GEMM workspaces are (planned by the runner). */
  setBuffers(record: number, work: number, stride: number, slots: number): void;
  /** Releases the workers' instances on this model's memory. */
  dispose(): void;
}

export interface Engine {
  readonly build: Build;
  readonly memory: WebAssembly.Memory;
  /** The kernels to call: the exports, or with threads the parallel form of the hot ones. */
  kernels: Kernels;
  /** First byte the host may use: everything below is the module's static data. */
  readonly heapBase: number;
  /** Set when the model runs on the pool. */
  threads?: EngineThreads;
}

/** A fresh memory for a build: shared, with a fixed maximum, for the threads build. */
function newMemory(build: Build): WebAssembly.Memory {
  if (build !== "threads") return new WebAssembly.Memory({ initial: 1 });
  // Engines reserve address space for a shared memory's maximum; a 32-bit one may refuse 4 GiB. When
  // none can be had, too many models are alive (each holds a memory until collected or disposed).
  for (let max = SHARED_MAX_PAGES; ; max /= 4) {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum: max, shared: true });
    } catch (e) {
      if (max <= 1024) {
        throw new ValueError(`myelin could not reserve a shared WebAssembly.Memory (${(e as Error).message}): too many models are alive; dispose() those no longer needed`);
      }
    }
  }
}

/** Instantiates a compiled build on a fresh memory of its own (instantiating a compiled module is allowed everywhere, Workers included). */
export function engineFromModule(build: Build, module: WebAssembly.Module): Engine {
  const memory = newMemory(build);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  return { build, memory, kernels, heapBase: kernels.heap_base() };
}

/** Compiles (if given bytes) and instantiates a build. */
export async function createEngine(build: Build, source: WebAssembly.Module | BufferSource): Promise<Engine> {
  return engineFromModule(build, source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source));
}
