// exp, log and tanh (our own, inside wasm) against float64 Math, in ulps of the float32 result:
// at most 4 ulp over >= 10^6 points spread over the whole float32 range (every 2^12-th bit pattern of
// both signs, every 2^11-th for log's positive half), a dense sweep of the range where the function is not saturated, and the edges.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectSameBits, ulpF32 } from "../helpers/check.js";

const MAX_ULP = 4;
const FLT_MAX = 3.4028234663852886e38;

function wholeRange(positiveOnly: boolean): Float32Array {
  const step = positiveOnly ? 2048 : 4096; // >= 10^6 points either way
  const per = Math.floor(2 ** 31 / step);
  const bits = new Uint32Array(positiveOnly ? per : 2 * per);
  for (let i = 0; i < per; i++) {
    const b = (i * step + (i % 4093)) >>> 0; // jitter the low bits too
    if (b >= 0x7f800000) { bits[i] = 0x7f7fffff; if (!positiveOnly) bits[per + i] = 0xff7fffff; continue; }
    bits[i] = b;
    if (!positiveOnly) bits[per + i] = (b | 0x80000000) >>> 0;
  }
  return new Float32Array(bits.buffer);
}

function dense(lo: number, hi: number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + ((hi - lo) * i) / (n - 1);
  return a;
}

const EDGES = [0, -0, Infinity, -Infinity, NaN, 1, -1, 2 ** -149, -(2 ** -149), 2 ** -126, 1.1754942e-38, FLT_MAX, -FLT_MAX,
  88.72283, 88.72284, 88.7229, 89, -87.33654, -103.27893, -103.97208, -104, -1e30, 1e30, 0.625, -0.625, 0.62499994, 0.6250001,
  1 - 2 ** -24, 1 + 2 ** -23, 0.5, 0.70710677, 0.7071068, 1e-10, -1e-10, 9, -9, 20, -20, 44, 100];

function ulpError(got: number, ref: number): number {
  if (Number.isNaN(ref)) return Number.isNaN(got) ? 0 : Infinity;
  if (Number.isNaN(got)) return Infinity;
  if (!Number.isFinite(ref) || Math.abs(ref) > FLT_MAX) {
    // The true result overflows float32: +-inf, or the largest finite value within 4 ulp, is right.
    const r = Math.sign(ref) * Infinity;
    return got === r ? 0 : Math.abs(got) >= FLT_MAX * (1 - MAX_ULP * 2 ** -24) && Math.sign(got) === Math.sign(ref) ? 1 : Infinity;
  }
  if (!Number.isFinite(got)) return Math.abs(ref) >= FLT_MAX * (1 - MAX_ULP * 2 ** -24) ? 1 : Infinity;
  return Math.abs(got - ref) / ulpF32(ref);
}

type Fn = "exp" | "log" | "tanh";
const REF: Record<Fn, (x: number) => number> = { exp: Math.exp, log: Math.log, tanh: Math.tanh };

function run(s: Scratch, fn: Fn, x: Float32Array): Float32Array {
  s.reset();
  const px = s.put(x), py = s.alloc(x.length);
  ({ exp: s.k.expf_n, log: s.k.logf_n, tanh: s.k.tanhf_n })[fn](px, py, x.length);
  return s.get(py, x.length);
}

function worst(fn: Fn, x: Float32Array, y: Float32Array) {
  let w = 0, at = 0;
  for (let i = 0; i < x.length; i++) {
    const e = ulpError(y[i], REF[fn](x[i]));
    if (e > w) { w = e; at = i; }
  }
  return { ulp: w, x: x[at], got: y[at], want: REF[fn](x[at]) };
}

describe.each(BUILDS)("float32 math (%s build)", (build) => {
  const sweeps: Record<Fn, Float32Array[]> = {
    exp: [wholeRange(false), dense(-104, 89, 1_000_000), Float32Array.from(EDGES)],
    log: [wholeRange(true), dense(1e-3, 10, 1_000_000), Float32Array.from(EDGES.filter((v) => !(v < 0)))],
    tanh: [wholeRange(false), dense(-10, 10, 1_000_000), Float32Array.from(EDGES)],
  };
  for (const fn of ["exp", "log", "tanh"] as Fn[]) {
    it(`${fn}: <= ${MAX_ULP} ulp on >= 10^6 points over the float32 range and its edges`, async () => {
      const s = new Scratch(await loadEngine(build));
      let points = 0;
      for (const x of sweeps[fn]) {
        const r = worst(fn, x, run(s, fn, x));
        points += x.length;
        if (r.ulp > MAX_ULP) throw new Error(`${fn}(${r.x}) = ${r.got}, float64 says ${r.want}: ${r.ulp.toFixed(2)} ulp > ${MAX_ULP}`);
      }
      expect(points).toBeGreaterThanOrEqual(2_000_000);
    });
  }

  it("exact edges: exp(-inf) = 0, exp(inf) = inf, log(0) = -inf, log(-1) = NaN, log(1) = 0, tanh(+-inf) = +-1", async () => {
    const s = new Scratch(await loadEngine(build));
    expect(Array.from(run(s, "exp", Float32Array.from([-Infinity, Infinity, 0, -200, 200])))).toEqual([0, Infinity, 1, 0, Infinity]);
    expect(Array.from(run(s, "log", Float32Array.from([0, -0, Infinity, 1])))).toEqual([-Infinity, -Infinity, Infinity, 0]);
    expect(run(s, "log", Float32Array.from([-1, -Infinity, NaN])).every(Number.isNaN)).toBe(true);
    expect(Array.from(run(s, "tanh", Float32Array.from([Infinity, -Infinity, 1e30, -1e30, 0])))).toEqual([1, -1, 1, -1, 0]);
  });
});

describe("vector body and scalar tail agree", () => {
  it("a value gives the same bits whichever lane or tail position it lands in (SIMD build)", async () => {
    const s = new Scratch(await loadEngine("simd"));
    const x = dense(-30, 30, 4001);
    for (const fn of ["exp", "log", "tanh"] as Fn[]) {
      const base = run(s, fn, x);
      for (let shift = 1; shift < 4; shift++) {
        const shifted = new Float32Array(x.length + shift);
        shifted.set(x, shift);
        expectSameBits(run(s, fn, shifted).subarray(shift), base, `${fn} shifted by ${shift}`);
      }
    }
  });
});
