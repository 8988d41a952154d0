// Normalization kernels: column moments, batch-norm forward and backward, moving averages, against the
// float64 reference on a sweep of shapes (1 row, lane-group tails, primes, wide rows), with a canary
// after every output, in both builds; the SIMD and scalar builds agree bit for bit; and against PyTorch
// 1.13's BatchNorm1d (test/fixtures/make_norm_fixtures.py).
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectClose, randomArray } from "../helpers/check.js";
import { batchNormBackward, batchNormForward, layerNorm } from "../reference/normalization.js";
import { projectUrl, readJson } from "../helpers/files.js";

const SHAPES: [number, number][] = [[1, 1], [1, 5], [2, 3], [3, 4], [4, 8], [5, 7], [7, 9], [16, 16], [17, 33], [32, 100], [128, 13], [3, 257]];
const EPS = 1e-3;
const canary = (s: Scratch, p: number, n: number, what: string) => {
  if (!Number.isNaN(s.get(p, n + 1)[n])) throw new Error(`${what}: wrote past ${n} floats`);
};

/** Runs every kernel on one shape; returns the outputs (to compare the builds). */
function runAll(s: Scratch, rows: number, cols: number, seed: number) {
  s.reset();
  const x = randomArray(rows * cols, seed, -3, 5);
  const dy = randomArray(rows * cols, seed + 1);
  const gamma = randomArray(cols, seed + 2, 0.5, 1.5), beta = randomArray(cols, seed + 3);
  const px = s.put(x), pdy = s.put(dy), pg = s.put(gamma), pb = s.put(beta);
  const mean = s.alloc(cols), vari = s.alloc(cols), inv = s.alloc(cols), y = s.alloc(rows * cols);
  const dg = s.alloc(cols), db = s.alloc(cols), dx = s.alloc(rows * cols);
  s.k.col_moments(px, rows, cols, mean, vari);
  s.k.bn_inv_std(vari, EPS, 0, inv, cols);
  s.k.bn_forward(px, y, rows, cols, mean, inv, pg, pb);
  s.k.bn_backward(px, pdy, dx, rows, cols, mean, inv, pg, dg, db);
  const mm = s.put(randomArray(cols, seed + 4)), mv = s.put(randomArray(cols, seed + 5, 0.5, 2));
  const mm0 = s.get(mm, cols), mv0 = s.get(mv, cols);
  s.k.bn_moving(mm, mv, mean, vari, cols, 0.9, 0.1);
  for (const [p, n, w] of [[mean, cols, "mean"], [vari, cols, "variance"], [inv, cols, "inv"], [y, rows * cols, "y"], [dg, cols, "dgamma"], [db, cols, "dbeta"], [dx, rows * cols, "dx"]] as const) canary(s, p, n, `${w} [${rows}, ${cols}]`);
  return { x, dy, gamma, beta, mm0, mv0, mean: s.get(mean, cols), vari: s.get(vari, cols), inv: s.get(inv, cols), y: s.get(y, rows * cols), dg: s.get(dg, cols), db: s.get(db, cols), dx: s.get(dx, rows * cols), mm: s.get(mm, cols), mv: s.get(mv, cols) };
}

interface TorchCase {
  rows: number; cols: number; eps: number; torch_momentum: number;
  x: number[]; gamma: number[]; beta: number[]; dy: number[]; y: number[]; dx: number[]; dgamma: number[]; dbeta: number[];
  running_mean0: number[]; running_var0: number[]; running_mean: number[]; running_var: number[];
}
const FIXTURES = await readJson<{ batchnorm1d: TorchCase[]; layernorm: TorchCase[] }>(projectUrl("test/fixtures/normalization.json"));
const TORCH = FIXTURES.batchnorm1d;
const TORCH_LN = FIXTURES.layernorm;

describe.each(BUILDS)("normalization kernels (%s build)", (build) => {
  it("col_moments, bn_forward, bn_backward and bn_moving match float64 on every shape", async () => {
    const s = new Scratch(await loadEngine(build));
    SHAPES.forEach(([rows, cols], i) => {
      const r = runAll(s, rows, cols, 10 * i + 1);
      const ref = batchNormForward(r.x, rows, cols, r.gamma, r.beta, EPS);
      const what = `[${rows}, ${cols}]`;
      // float32 sums of `rows` terms: relative error within rows · 2^-24 of the sum of magnitudes
      const tol = (scale: number) => 4 * rows * 2 ** -24 * scale + 1e-6;
      expectClose(r.mean, ref.mean, tol(5), `mean ${what}`);
      expectClose(r.vari, ref.variance, tol(25), `variance ${what}`);
      expectClose(r.inv, Array.from(ref.variance, (v) => 1 / Math.sqrt(v + EPS)), (j) => tol(25) * r.inv[j] ** 3 + 1e-6 * r.inv[j], `inv ${what}`);
      expectClose(r.y, ref.y, (j) => 1e-4 + 1e-4 * Math.abs(ref.y[j]) * (rows > 1 ? 1 : 0), `y ${what}`);
      const g = batchNormBackward(r.x, r.dy, rows, cols, r.gamma, EPS);
      expectClose(r.db, g.dbeta, tol(rows), `dbeta ${what}`);
      expectClose(r.dg, g.dgamma, (j) => 1e-4 * rows + 1e-4 * Math.abs(g.dgamma[j]), `dgamma ${what}`);
      expectClose(r.dx, g.dx, (j) => 2e-3 + 1e-3 * Math.abs(g.dx[j]), `dx ${what}`);
      expectClose(r.mm, Array.from(r.mm0, (m, j) => m * 0.9 + ref.mean[j] * 0.1), 1e-6, `moving mean ${what}`);
      expectClose(r.mv, Array.from(r.mv0, (m, j) => m * 0.9 + ref.variance[j] * 0.1), tol(25), `moving variance ${what}`);
    });
  });

  it("a single row normalizes to beta (its variance is 0), and dx is 0", async () => {
    const s = new Scratch(await loadEngine(build));
    const r = runAll(s, 1, 6, 3);
    expect(Array.from(r.vari)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(r.y)).toEqual(Array.from(r.beta));
    for (const v of r.dx) expect(Math.abs(v)).toBeLessThan(1e-6);
  });
});

it("the SIMD and scalar builds give the same bits for every normalization kernel", async () => {
  const [a, b] = await Promise.all(BUILDS.map(async (build) => new Scratch(await loadEngine(build))));
  SHAPES.forEach(([rows, cols], i) => {
    const ra = runAll(a, rows, cols, 7 * i + 2), rb = runAll(b, rows, cols, 7 * i + 2);
    for (const k of ["mean", "vari", "inv", "y", "dg", "db", "dx", "mm", "mv"] as const) {
      expect(Array.from(new Uint32Array(ra[k].buffer)), `${k} [${rows}, ${cols}]`).toEqual(Array.from(new Uint32Array(rb[k].buffer)));
    }
  });
});

describe.each(BUILDS)("batch normalization against PyTorch 1.13's BatchNorm1d in training mode (%s build)", (build) => {
  it.each(TORCH.map((c) => [`[${c.rows}, ${c.cols}] eps ${c.eps}`, c] as const))("%s: output, dx, dgamma, dbeta; running statistics in PyTorch's conventions", async (_n, c) => {
    const s = new Scratch(await loadEngine(build));
    const { rows, cols } = c;
    const px = s.put(c.x), pdy = s.put(c.dy), pg = s.put(c.gamma), pb = s.put(c.beta);
    const mean = s.alloc(cols), vari = s.alloc(cols), inv = s.alloc(cols), y = s.alloc(rows * cols), dx = s.alloc(rows * cols), dg = s.alloc(cols), db = s.alloc(cols);
    s.k.col_moments(px, rows, cols, mean, vari);
    s.k.bn_inv_std(vari, c.eps, 0, inv, cols);
    s.k.bn_forward(px, y, rows, cols, mean, inv, pg, pb);
    s.k.bn_backward(px, pdy, dx, rows, cols, mean, inv, pg, dg, db);
    expectClose(s.get(y, rows * cols), c.y, (i) => 2e-5 + 2e-5 * Math.abs(c.y[i]), "y");
    expectClose(s.get(dx, rows * cols), c.dx, (i) => 5e-5 + 1e-4 * Math.abs(c.dx[i]), "dx");
    expectClose(s.get(dg, cols), c.dgamma, (i) => 5e-5 + 1e-5 * Math.abs(c.dgamma[i]), "dgamma");
    expectClose(s.get(db, cols), c.dbeta, (i) => 5e-5 + 1e-5 * Math.abs(c.dbeta[i]), "dbeta");
    // Keras's momentum is 1 - PyTorch's; PyTorch's running variance takes the unbiased variance.
    const mm = s.put(c.running_mean0), mv = s.put(c.running_var0);
    const unbiased = s.alloc(cols);
    s.arena.f32(unbiased, cols).set(Array.from(s.get(vari, cols), (v) => (v * rows) / (rows - 1)));
    const m = 1 - c.torch_momentum;
    s.k.bn_moving(mm, mv, mean, unbiased, cols, m, 1 - m);
    expectClose(s.get(mm, cols), c.running_mean, 1e-5, "running mean");
    expectClose(s.get(mv, cols), c.running_var, (i) => 1e-5 + 1e-5 * c.running_var[i], "running variance (unbiased, as PyTorch)");
  });
});

describe.each(BUILDS)("layer normalization kernels (%s build)", (build) => {
  it("ln_forward and ln_backward match float64 on every shape; SIMD and scalar give the same bits", async () => {
    const s = new Scratch(await loadEngine(build));
    const other = new Scratch(await loadEngine(build === "simd" ? "scalar" : "simd"));
    SHAPES.forEach(([rows, cols], i) => {
      const run = (sc: Scratch) => {
        sc.reset();
        const x = randomArray(rows * cols, 5 * i + 1, -3, 5), dy = randomArray(rows * cols, 5 * i + 2);
        const gamma = randomArray(cols, 5 * i + 3, 0.5, 1.5), beta = randomArray(cols, 5 * i + 4);
        const px = sc.put(x), pdy = sc.put(dy), y = sc.alloc(rows * cols), dx = sc.alloc(rows * cols), st = sc.alloc(2 * rows), dg = sc.alloc(cols), db = sc.alloc(cols);
        sc.k.ln_forward(px, y, rows, cols, sc.put(gamma), sc.put(beta), EPS, st);
        sc.k.ln_backward(px, pdy, dx, rows, cols, sc.put(gamma), st, dg, db);
        for (const [p, n, w] of [[y, rows * cols, "y"], [dx, rows * cols, "dx"], [st, 2 * rows, "stats"], [dg, cols, "dgamma"], [db, cols, "dbeta"]] as const) canary(sc, p, n, `${w} [${rows}, ${cols}]`);
        return { x, dy, gamma, beta, y: sc.get(y, rows * cols), dx: sc.get(dx, rows * cols), dg: sc.get(dg, cols), db: sc.get(db, cols) };
      };
      const r = run(s), o = run(other);
      const ref = layerNorm(r.x, r.dy, rows, cols, r.gamma, r.beta, EPS);
      const what = `[${rows}, ${cols}]`;
      expectClose(r.y, ref.y, (j) => 2e-5 + 2e-5 * Math.abs(ref.y[j]) * Math.sqrt(cols), `y ${what}`);
      expectClose(r.dx, ref.dx, (j) => 1e-4 * Math.sqrt(cols) + 1e-4 * Math.abs(ref.dx[j]), `dx ${what}`);
      expectClose(r.dg, ref.dgamma, (j) => 1e-5 * rows + 1e-5 * Math.abs(ref.dgamma[j]), `dgamma ${what}`);
      expectClose(r.db, ref.dbeta, 1e-5 * rows, `dbeta ${what}`);
      for (const k of ["y", "dx", "dg", "db"] as const) expect(Array.from(new Uint32Array(r[k].buffer)), `${k} ${what}: the builds' bits`).toEqual(Array.from(new Uint32Array(o[k].buffer)));
    });
  });

  it.each(TORCH_LN.map((c) => [`[${c.rows}, ${c.cols}] eps ${c.eps}`, c] as const))("against PyTorch 1.13's LayerNorm %s: output, dx, dgamma, dbeta", async (_n, c) => {
    const s = new Scratch(await loadEngine(build));
    const { rows, cols } = c;
    const px = s.put(c.x), y = s.alloc(rows * cols), dx = s.alloc(rows * cols), st = s.alloc(2 * rows), dg = s.alloc(cols), db = s.alloc(cols);
    s.k.ln_forward(px, y, rows, cols, s.put(c.gamma), s.put(c.beta), c.eps, st);
    s.k.ln_backward(px, s.put(c.dy), dx, rows, cols, s.put(c.gamma), st, dg, db);
    expectClose(s.get(y, rows * cols), c.y, (i) => 2e-5 + 2e-5 * Math.abs(c.y[i]), "y");
    expectClose(s.get(dx, rows * cols), c.dx, (i) => 5e-5 + 1e-4 * Math.abs(c.dx[i]), "dx");
    expectClose(s.get(dg, cols), c.dgamma, (i) => 5e-5 + 1e-5 * Math.abs(c.dgamma[i]), "dgamma");
    expectClose(s.get(db, cols), c.dbeta, (i) => 5e-5 + 1e-5 * Math.abs(c.dbeta[i]), "dbeta");
  });
});
