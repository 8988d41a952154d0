// Loads one of the two wasm builds into a host-owned WebAssembly.Memory.
// @assemblyscript/loader does the instantiation only; callers use the raw `instance.exports` (typed as
// Kernels) so that hot paths pay no wrapper.
import { instantiateSync } from "@assemblyscript/loader";
import type { Kernels } from "./kernels.js";

export type Build = "simd" | "scalar";

// The smallest module that uses a v128 instruction (as wasm-feature-detect's simd probe):
// (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Whether this runtime's WebAssembly accepts the SIMD build. */
export function simdSupported(validate: (bytes: BufferSource) => boolean = (b) => WebAssembly.validate(b)): boolean {
  return validate(SIMD_PROBE);
}

/** The build to load here: SIMD where the engine validates SIMD code, else the scalar fallback. */
export function chooseBuild(validate?: (bytes: BufferSource) => boolean): Build {
  return simdSupported(validate) ? "simd" : "scalar";
}

export interface Engine {
  readonly build: Build;
  readonly memory: WebAssembly.Memory;
  readonly kernels: Kernels;
  /** First byte the host may use: everything below is the module's static data. */
  readonly heapBase: number;
}

/** Instantiates a compiled build on a fresh memory of its own (instantiating a compiled module is allowed everywhere, Workers included). */
export function engineFromModule(build: Build, module: WebAssembly.Module): Engine {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = instantiateSync(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  return { build, memory, kernels, heapBase: kernels.heap_base() };
}

/** Compiles (if given bytes) and instantiates a build. */
export async function createEngine(build: Build, source: WebAssembly.Module | BufferSource): Promise<Engine> {
  return engineFromModule(build, source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source));
}
