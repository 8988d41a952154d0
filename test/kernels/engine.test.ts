// Loading: the build is chosen with WebAssembly.validate on a SIMD probe; each build runs on its own
// host-owned memory, and the arena keeps views valid across memory.grow.
import { describe, expect, it } from "vitest";
import { chooseBuild, createEngine, simdSupported } from "../../src/engine.js";
import { Arena } from "../../src/arena.js";
import { projectUrl, readBytes } from "../helpers/files.js";

const BYTES = { simd: await readBytes(projectUrl("build/myelin.simd.wasm")), scalar: await readBytes(projectUrl("build/myelin.scalar.wasm")) };
const bytes = (b: "simd" | "scalar") => BYTES[b];

describe("engine", () => {
  it("chooses SIMD where the probe validates, scalar where it does not", () => {
    expect(simdSupported()).toBe(true); // Node 20 and Chromium have wasm SIMD
    expect(chooseBuild()).toBe("simd");
    expect(chooseBuild(() => false)).toBe("scalar");
    // The probe really is SIMD code: a validator that refuses the 0xfd SIMD prefix refuses it.
    expect(chooseBuild((b) => !new Uint8Array(b as ArrayBuffer).includes(0xfd))).toBe("scalar");
  });

  it("the SIMD build validates only with SIMD; the scalar build validates as plain wasm", () => {
    expect(WebAssembly.validate(bytes("simd"))).toBe(true);
    expect(WebAssembly.validate(bytes("scalar"))).toBe(true);
  });

  it("instantiates each build on a memory of its own, with the arena above the static data", async () => {
    for (const build of ["simd", "scalar"] as const) {
      const e = await createEngine(build, bytes(build));
      expect(e.build).toBe(build);
      expect(e.heapBase).toBeGreaterThanOrEqual(0);
      const arena = new Arena(e);
      const p = arena.alloc(100);
      expect(p % 16).toBe(0);
      expect(p).toBeGreaterThanOrEqual(e.heapBase);
      // Growing past the first page: earlier pointers stay valid, new views see the same bytes.
      arena.f32(p, 4).set([1, 2, 3, 4]);
      const big = arena.alloc(1 << 20);
      expect(e.memory.buffer.byteLength).toBeGreaterThanOrEqual(big + (1 << 20));
      expect(Array.from(arena.f32(p, 4))).toEqual([1, 2, 3, 4]);
      expect(() => arena.alloc(-1)).toThrow(/bytes must be a non-negative integer, received -1/);
    }
  });
});
