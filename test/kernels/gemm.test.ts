// GEMM in its three layouts against a float64 triple loop, on XNNPACK-style shapes: size 0 and 1, the
// 4x8 tile, tile +- 1, multiples, primes, and shapes that cross the KC = 256 and MC = 64 blocks.
// Tolerance per element: (k + 2) 2^-24 sum_k |a b| (the float32 summation bound) plus, after an
// activation, 6e-7 |y|; softmax rows get the row's largest input error times 2 y.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectClose, expectSameBits, randomArray } from "../helpers/check.js";
import { act, matmul, softmaxRows, type Act } from "../reference/dense.js";
import { Act as ActCode } from "../../src/kernels.js";

const EPS = 2 ** -24;
const SMALL_M = [0, 1, 2, 3, 4, 5, 8, 9, 13];
const SMALL_N = [0, 1, 3, 7, 8, 9, 16, 17, 24, 33]; // from 24 up, A is packed too
const SMALL_K = [0, 1, 2, 4, 7, 8, 17];
const LARGE: [number, number, number][] = [
  [64, 64, 256], [67, 129, 257], [65, 31, 513], [128, 10, 64], [32, 128, 784], [1, 257, 300], [131, 8, 3],
];

type Layout = "nn" | "tn" | "nt";

interface Case { m: number; n: number; k: number; accumulate: boolean; bias: boolean; act: Act; alpha: number }

function run(s: Scratch, layout: Layout, c: Case, seed: number) {
  const { m, n, k } = c;
  // Operands as stored: nn X[m,k] W[k,n]; tn X[k,m] dY[k,n]; nt dY[m,k] W[n,k].
  const a = randomArray(m * k, seed);
  const b = randomArray(k * n, seed + 1);
  const c0 = randomArray(m * n, seed + 2);
  const bias = randomArray(n, seed + 3);
  const A = layout === "tn" ? (i: number, p: number) => a[p * m + i] : (i: number, p: number) => a[i * k + p];
  const B = layout === "nt" ? (p: number, j: number) => b[j * k + p] : (p: number, j: number) => b[p * n + j];
  s.reset();
  const pa = s.put(a), pb = s.put(b);
  const pc = s.alloc(m * n);
  if (c.accumulate) s.arena.f32(pc, m * n).set(c0);
  const pbias = c.bias ? s.put(bias) : 0;
  const work = s.alloc(s.k.gemm_work_bytes(n, k) / 4);
  const acc = c.accumulate ? 1 : 0;
  if (layout === "nn") s.k.gemm_nn(m, n, k, pa, pb, pc, acc, pbias, ActCode[c.act], c.alpha, work);
  else if (layout === "tn") s.k.gemm_tn(m, n, k, pa, pb, pc, acc, work);
  else s.k.gemm_nt(m, n, k, pa, pb, pc, acc, work);
  const got = s.get(pc, m * n + 4);
  // Reference.
  const { c: z, mag } = matmul(m, n, k, A, B, c.accumulate ? c0 : undefined);
  const err = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) {
    if (c.bias) { z[i] += bias[i % n]; mag[i] += Math.abs(bias[i % n]); }
    err[i] = (k + 2) * EPS * mag[i] + 1e-30;
  }
  let want: Float64Array;
  let tol: (i: number) => number;
  if (c.act === "softmax") {
    want = softmaxRows(z, m, n);
    const rowErr = new Float64Array(m);
    for (let i = 0; i < m * n; i++) rowErr[Math.floor(i / n)] = Math.max(rowErr[Math.floor(i / n)], err[i]);
    tol = (i) => 2 * rowErr[Math.floor(i / n)] * want[i] + 1e-6 * want[i] + 1e-30;
  } else {
    want = z.map((v) => act(c.act, v, c.alpha));
    tol = (i) => err[i] + 6e-7 * Math.abs(want[i]);
  }
  const what = `gemm_${layout} ${JSON.stringify(c)}`;
  expectClose(got.subarray(0, m * n), want, tol, what);
  // Nothing written past the output (the canary NaNs after it survive).
  for (let i = m * n; i < m * n + 4; i++) if (!Number.isNaN(got[i])) throw new Error(`${what}: wrote past the end at ${i}`);
  return got.slice(0, m * n);
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const m of SMALL_M) for (const n of SMALL_N) for (const k of SMALL_K)
    out.push({ m, n, k, accumulate: (m + n + k) % 2 === 1, bias: false, act: "linear", alpha: 0 });
  for (const [m, n, k] of LARGE) {
    out.push({ m, n, k, accumulate: false, bias: false, act: "linear", alpha: 0 });
    out.push({ m, n, k, accumulate: true, bias: false, act: "linear", alpha: 0 });
  }
  return out;
}

const EPILOGUES: { act: Act; alpha: number }[] = [
  { act: "linear", alpha: 0 }, { act: "step", alpha: 0 }, { act: "sigmoid", alpha: 0 }, { act: "tanh", alpha: 0 },
  { act: "relu", alpha: 0 }, { act: "leakyRelu", alpha: 0.3 }, { act: "softmax", alpha: 0 },
];

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
  it("the SIMD and scalar builds give the same bits (same sums in the same order, no FMA)", async () => {
    const [simd, scalar] = [new Scratch(await loadEngine("simd")), new Scratch(await loadEngine("scalar"))];
    for (const layout of ["nn", "tn", "nt"] as Layout[]) {
      for (const [m, n, k] of [[13, 17, 7], [67, 129, 257], [32, 128, 784]]) {
        const c: Case = { m, n, k, accumulate: false, bias: layout === "nn", act: layout === "nn" ? "relu" : "linear", alpha: 0 };
        expectSameBits(run(simd, layout, c, 99), run(scalar, layout, c, 99), `gemm_${layout} ${m}x${n}x${k}`);
      }
    }
  });
});
