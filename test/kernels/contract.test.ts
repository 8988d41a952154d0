// The kernel contract, checked on the built modules (Node only: it reads build/ and the sources):
// no imports but the host's memory, no way to grow or trap, the scalar build free of SIMD, every
// export that src/kernels.ts declares present, and no eval or new Function anywhere in the sources.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILDS } from "../helpers/engines.js";

const root = new URL("../../", import.meta.url).pathname;
const wasm = (b: string) => readFileSync(join(root, `build/myelin.${b}.wasm`));
const wat = (b: string) => readFileSync(join(root, `build/myelin.${b}.wat`), "utf8");

describe.each(BUILDS)("kernel contract (%s build)", (build) => {
  it("imports only the host's memory; exports only functions", () => {
    const m = new WebAssembly.Module(wasm(build));
    expect(WebAssembly.Module.imports(m)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    expect(WebAssembly.Module.exports(m).every((e) => e.kind === "function")).toBe(true);
  });

  it("has no memory.grow (no allocation), no unreachable (no throwing), no indirect calls, no data", () => {
    const text = wat(build);
    for (const op of ["memory.grow", "unreachable", "call_indirect", "(data", "(global"]) {
      expect(text.includes(op), `${build} build contains ${op}`).toBe(false);
    }
  });

  it("exports every kernel src/kernels.ts declares", () => {
    const declared = [...readFileSync(join(root, "src/kernels.ts"), "utf8").matchAll(/^\s+([a-z_0-9]+)\(/gm)].map((m) => m[1]);
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(wasm(build))).map((e) => e.name);
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((d) => !exported.includes(d))).toEqual([]);
  });
});

describe("the threads build", () => {
  it("is the SIMD build on a shared memory: the same code, only the memory import differs (shared, at most 4 GiB)", () => {
    const threads = wat("threads");
    expect(threads).toContain('(import "env" "memory" (memory $0 1 65536 shared))');
    expect(threads.replace("(memory $0 1 65536 shared)", "(memory $0 1)")).toBe(wat("simd"));
  });

  it("has no data segment, global or start function: instantiating it on a memory the workers share writes nothing", () => {
    const text = wat("threads");
    for (const op of ["(data", "(global", "(start", "memory.grow", "unreachable"]) expect(text.includes(op), op).toBe(false);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(wasm("threads")))).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
  });
});

describe("builds", () => {
  it("the scalar build has no v128 instruction; the SIMD build has them", () => {
    expect(wat("scalar").includes("v128")).toBe(false);
    expect(wat("simd").includes("f32x4.mul")).toBe(true);
  });
});

describe("sources", () => {
  it("contain no eval and no new Function", () => {
    const banned = new RegExp(["\\beval\\s*\\(", "new\\s+Function\\b", "\\bFunction\\s*\\("].join("|"));
    const bad: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        // Skipped: this file (it spells the patterns) and browser-csp.test.ts, whose pages call eval on
        // purpose to prove that the Content-Security-Policy refuses it.
        else if (/\.(ts|mjs|js)$/.test(name) && !/(contract|browser-csp)\.test\.ts$/.test(p) && banned.test(readFileSync(p, "utf8"))) bad.push(p);
      }
    };
    for (const d of ["assembly", "src", "test", "bench"]) walk(join(root, d));
    expect(bad).toEqual([]);
  });
});
