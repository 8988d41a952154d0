// Metric kernels against plain TypeScript loops.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { randomArray, rng } from "../helpers/check.js";

function argmax(a: ArrayLike<number>, from: number, cols: number): number {
  let best = 0;
  for (let j = 1; j < cols; j++) if (a[from + j] > a[from + best]) best = j;
  return best;
}

describe.each(BUILDS)("metrics (%s build)", (build) => {
  it("argmax_rows picks the first largest value; correct counts for one-hot, sparse and binary targets", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const [rows, cols] of [[0, 4], [1, 1], [5, 3], [33, 10]]) {
      s.reset();
      const r = rng(rows + cols);
      const p = randomArray(rows * cols, rows * cols + 1, 0, 1);
      if (rows > 1 && cols > 2) { p[cols + 1] = 2; p[cols + 2] = 2; } // a tie in row 1
      const labels = Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
      const y = new Float32Array(rows * cols);
      labels.forEach((l, i) => (y[i * cols + l] = 1));
      const pp = s.put(p), py = s.put(y), pl = s.putI32(labels), out = s.alloc(rows);
      s.k.argmax_rows(pp, out, rows, cols);
      const want = Array.from({ length: rows }, (_, i) => argmax(p, i * cols, cols));
      expect(Array.from(s.getI32(out, rows))).toEqual(want);
      const correct = want.filter((a, i) => a === labels[i]).length;
      expect(s.k.count_correct_onehot(pp, py, rows, cols)).toBe(correct);
      expect(s.k.count_correct_sparse(pp, pl, rows, cols)).toBe(correct);
      const bin = Float32Array.from({ length: rows * cols }, () => (r() < 0.5 ? 0 : 1));
      const pb = s.put(bin);
      expect(s.k.count_correct_binary(pp, pb, rows * cols, 0.5)).toBe(Array.from(p).filter((v, i) => (v > 0.5 ? 1 : 0) === bin[i]).length);
    }
  });

  it("sums in float64: sum, sum of |a - b|, sum of (a - b)^2", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const n of [0, 1, 7, 1000]) {
      s.reset();
      const a = randomArray(n, n + 1), b = randomArray(n, n + 2);
      const pa = s.put(a), pb = s.put(b);
      let sum = 0, abs = 0, sq = 0;
      for (let i = 0; i < n; i++) { sum += a[i]; abs += Math.abs(a[i] - b[i]); sq += (a[i] - b[i]) ** 2; }
      expect(s.k.sum(pa, n)).toBeCloseTo(sum, 12);
      expect(s.k.sum_abs_diff(pa, pb, n)).toBeCloseTo(abs, 12);
      expect(s.k.sum_sq_diff(pa, pb, n)).toBeCloseTo(sq, 12);
    }
  });
});

describe.each(BUILDS)("first_nonfinite (%s build)", (build) => {
  it("finds the first NaN or ±Infinity at every position of ragged lengths, and -1 when there is none", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const n of [0, 1, 3, 4, 15, 16, 17, 33, 100]) {
      s.reset();
      const a = randomArray(n, n + 1, -1e30, 1e30);
      const p = s.put(a);
      expect(s.k.first_nonfinite(p, n)).toBe(-1);
      for (let i = 0; i < n; i++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const f = s.arena.f32(p, n);
          f[i] = bad;
          if (i + 2 < n) f[i + 2] = NaN; // a later one does not matter
          expect(s.k.first_nonfinite(p, n), `n=${n} i=${i} ${bad}`).toBe(i);
          f.set(a);
        }
      }
      expect(s.k.first_nonfinite(s.put([3.4028234663852886e38, -3.4028234663852886e38, 1e-45]), 3)).toBe(-1); // the largest and smallest finite floats
    }
  });
});
