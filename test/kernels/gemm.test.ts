// GEMM in its three layouts against a float64 triple loop, on XNNPACK-style shapes: size 0 and 1, the
// 4x8 tile, tile +- 1, multiples, primes, and shapes that cross the KC = 256 and MC = 64 blocks.
// Tolerance per element: (k + 2) 2^-24 sum_k |a b| (the float32 summation bound) plus, after an
// activation, 6e-7 |y|; softmax rows get the row's largest input error times 2 y.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectClose, expectSameBits, randomArray } from "../helpers/check.js";
import { cases, EPILOGUES, EPS, run, type Case, type Layout } from "../helpers/gemm-cases.js";

describe.each(BUILDS)("gemm (%s build)", (build) => {
  for (const layout of ["nn", "tn", "nt"] as Layout[]) {
    it(`gemm_${layout} matches the float64 triple loop on every shape`, async () => {
      const s = new Scratch(await loadEngine(build));
      let seed = 1;
      for (const c of cases()) run(s, layout, c, (seed += 7));
    });
  }

  it("gemm_nn's fused epilogue: bias then each activation, ragged and blocked shapes", async () => {
    const s = new Scratch(await loadEngine(build));
    let seed = 5;
    for (const e of EPILOGUES) {
      for (const [m, n, k] of [[1, 1, 1], [5, 9, 3], [13, 17, 7], [67, 129, 257], [4, 8, 0]] as const) {
        run(s, "nn", { m, n, k, accumulate: false, bias: true, ...e }, (seed += 11));
        run(s, "nn", { m, n, k, accumulate: true, bias: true, ...e }, (seed += 11));
      }
    }
  });

  it("bias_grad gives column sums, accumulating or not", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const [m, n] of [[0, 5], [1, 1], [3, 7], [32, 128], [129, 13]]) {
      for (const accumulate of [0, 1] as const) {
        s.reset();
        const dy = randomArray(m * n, m * 31 + n), db0 = randomArray(n, 7);
        const p = s.put(dy), pdb = s.alloc(n);
        s.arena.f32(pdb, n).set(db0);
        s.k.bias_grad(m, n, p, pdb, accumulate);
        const want = new Float64Array(n), mag = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          want[j] = accumulate ? db0[j] : 0;
          mag[j] = Math.abs(want[j]);
          for (let i = 0; i < m; i++) { want[j] += dy[i * n + j]; mag[j] += Math.abs(dy[i * n + j]); }
        }
        const got = s.get(pdb, n + 1);
        expectClose(got.subarray(0, n), want, (j) => (m + 2) * EPS * mag[j], `bias_grad m=${m} n=${n} acc=${accumulate}`);
        expect(Number.isNaN(got[n])).toBe(true);
      }
    }
  });
});

describe("gemm across builds", () => {
  it("the SIMD and scalar builds give the same bits (same sums in the same order, no FMA; one row takes the SIMD build's GEMV path)", async () => {
    const [simd, scalar] = [new Scratch(await loadEngine("simd")), new Scratch(await loadEngine("scalar"))];
    for (const layout of ["nn", "tn", "nt"] as Layout[]) {
      for (const [m, n, k] of [[13, 17, 7], [67, 129, 257], [32, 128, 784], [1, 257, 300], [1, 10, 64]]) {
        const c: Case = { m, n, k, accumulate: false, bias: layout === "nn", act: layout === "nn" ? "relu" : "linear", alpha: 0 };
        expectSameBits(run(simd, layout, c, 99), run(scalar, layout, c, 99), `gemm_${layout} ${m}x${n}x${k}`);
      }
    }
  });
});
