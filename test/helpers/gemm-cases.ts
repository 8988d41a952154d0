// GEMM cases and the checked runner shared by the GEMM tests (test/kernels/gemm.test.ts, one thread;
// test/threads/kernels.test.ts, the parallel tile dispatch): every layout against a float64 triple loop,
// with the float32 summation bound as tolerance and a canary after the output.
import type { Scratch } from "./engines.js";
import { expectClose, randomArray } from "./check.js";
import { act, matmul, softmaxRows, type Act } from "../reference/dense.js";
import { Act as ActCode } from "../../src/kernels.js";

export const EPS = 2 ** -24;
const SMALL_M = [0, 1, 2, 3, 4, 5, 8, 9, 13];
const SMALL_N = [0, 1, 3, 7, 8, 9, 16, 17, 24, 33]; // from 24 up, A is packed too
const SMALL_K = [0, 1, 2, 4, 7, 8, 17];
export const LARGE: [number, number, number][] = [
  [64, 64, 256], [67, 129, 257], [65, 31, 513], [128, 10, 64], [32, 128, 784], [1, 257, 300], [131, 8, 3],
];

export type Layout = "nn" | "tn" | "nt";
export const LAYOUTS: Layout[] = ["nn", "tn", "nt"];

export interface Case { m: number; n: number; k: number; accumulate: boolean; bias: boolean; act: Act; alpha: number }

export function run(s: Scratch, layout: Layout, c: Case, seed: number) {
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

export function cases(): Case[] {
  const out: Case[] = [];
  for (const m of SMALL_M) for (const n of SMALL_N) for (const k of SMALL_K)
    out.push({ m, n, k, accumulate: (m + n + k) % 2 === 1, bias: false, act: "linear", alpha: 0 });
  for (const [m, n, k] of LARGE) {
    out.push({ m, n, k, accumulate: false, bias: false, act: "linear", alpha: 0 });
    out.push({ m, n, k, accumulate: true, bias: false, act: "linear", alpha: 0 });
  }
  return out;
}

export const EPILOGUES: { act: Act; alpha: number }[] = [
  { act: "linear", alpha: 0 }, { act: "step", alpha: 0 }, { act: "sigmoid", alpha: 0 }, { act: "tanh", alpha: 0 },
  { act: "relu", alpha: 0 }, { act: "leakyRelu", alpha: 0.3 }, { act: "softmax", alpha: 0 },
];

