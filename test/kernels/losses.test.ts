// Losses: mean loss and dLoss/dInput against float64 references, central finite differences of the
// kernels' own loss, the Keras clamp, fused softmax/sigmoid + cross-entropy, and bad labels.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectClose, randomArray, rng } from "../helpers/check.js";
import { bce, bceLogits, cce, kerasLoss, mse, oneHot, softmaxCce, type KerasLoss, type LossRef } from "../reference/losses.js";

type Kind = "mse" | "bce" | "bceLogits" | "cce" | "sparseCce" | "softmaxCce" | "sparseSoftmaxCce";
const KINDS: Kind[] = ["mse", "bce", "bceLogits", "cce", "sparseCce", "softmaxCce", "sparseSoftmaxCce"];
const SHAPES: [number, number][] = [[1, 1], [1, 3], [4, 2], [7, 5], [32, 10], [3, 17]];

interface Data { x: Float32Array; y: Float32Array; labels: Int32Array }

function data(kind: Kind, rows: number, cols: number, seed: number): Data {
  const r = rng(seed);
  const labels = Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
  const onehot = Float32Array.from(oneHot(labels, cols));
  switch (kind) {
    case "mse": return { x: randomArray(rows * cols, seed, -2, 2), y: randomArray(rows * cols, seed + 1, -2, 2), labels };
    case "bce": return { x: randomArray(rows * cols, seed, 0.02, 0.98), y: Float32Array.from({ length: rows * cols }, () => (r() < 0.5 ? 0 : 1)), labels };
    case "bceLogits": return { x: randomArray(rows * cols, seed, -6, 6), y: Float32Array.from({ length: rows * cols }, () => (r() < 0.5 ? 0 : 1)), labels };
    case "cce": case "sparseCce": return { x: randomArray(rows * cols, seed, 0.05, 1), y: onehot, labels };
    default: return { x: randomArray(rows * cols, seed, -5, 5), y: onehot, labels };
  }
}

function reference(kind: Kind, d: Data, rows: number, cols: number): LossRef {
  switch (kind) {
    case "mse": return mse(d.x, d.y);
    case "bce": return bce(d.x, d.y);
    case "bceLogits": return bceLogits(d.x, d.y);
    case "cce": case "sparseCce": return cce(d.x, d.y, rows, cols);
    default: return softmaxCce(d.x, d.y, rows, cols);
  }
}

/** Runs the kernel; returns the loss, the gradient (when wanted) and the probabilities (fused kinds). */
function kernel(s: Scratch, kind: Kind, d: Data, rows: number, cols: number, withGrad = true) {
  s.reset();
  const n = rows * cols;
  const px = s.put(d.x), py = s.put(d.y), pl = s.putI32(d.labels);
  const pg = withGrad ? s.alloc(n) : 0, pp = s.alloc(n);
  const k = s.k;
  const loss = {
    mse: () => k.loss_mse(px, py, pg, rows, cols),
    bce: () => k.loss_bce(px, py, pg, rows, cols),
    bceLogits: () => k.loss_bce_logits(px, py, pp, pg, rows, cols),
    cce: () => k.loss_cce(px, py, pg, rows, cols),
    sparseCce: () => k.loss_sparse_cce(px, pl, pg, rows, cols),
    softmaxCce: () => k.loss_softmax_cce(px, py, pp, pg, rows, cols),
    sparseSoftmaxCce: () => k.loss_sparse_softmax_cce(px, pl, pp, pg, rows, cols),
  }[kind]();
  return { loss, grad: withGrad ? s.get(pg, n + 1) : undefined, prob: s.get(pp, n) };
}

describe.each(BUILDS)("losses (%s build)", (build) => {
  it("loss within 1e-6 relative and gradient within 1e-6 of |grad| of float64, every loss and shape", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const kind of KINDS) {
      for (const [rows, cols] of SHAPES) {
        const d = data(kind, rows, cols, rows * 13 + cols);
        const want = reference(kind, d, rows, cols);
        const got = kernel(s, kind, d, rows, cols);
        const what = `${kind} ${rows}x${cols}`;
        expect(Math.abs(got.loss - want.loss), `${what}: loss ${got.loss} vs ${want.loss}`).toBeLessThanOrEqual(1e-6 * Math.abs(want.loss) + 1e-12);
        const scale = want.grad.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        expectClose(got.grad!.subarray(0, rows * cols), want.grad, 1e-6 * scale + 1e-12, `${what} gradient`);
        expect(Number.isNaN(got.grad![rows * cols]), `${what}: wrote past the gradient`).toBe(true);
      }
    }
  });

  it("gradients agree with central finite differences of the kernel's own loss", async () => {
    const s = new Scratch(await loadEngine(build));
    const rows = 3, cols = 4, h = 1e-3;
    for (const kind of KINDS) {
      const d = data(kind, rows, cols, 77);
      const g = kernel(s, kind, d, rows, cols).grad!;
      for (let i = 0; i < rows * cols; i++) {
        const xp = d.x.slice(), xm = d.x.slice();
        xp[i] += h; xm[i] -= h;
        const fd = (kernel(s, kind, { ...d, x: xp }, rows, cols, false).loss - kernel(s, kind, { ...d, x: xm }, rows, cols, false).loss) / (xp[i] - xm[i]);
        if (Math.abs(fd - g[i]) > 2e-3 * Math.abs(g[i]) + 2e-4) {
          throw new Error(`${kind} ${rows}x${cols}: at index ${i} gradient ${g[i]}, finite differences ${fd}`);
        }
      }
    }
  });

  it("fused kernels write the probabilities and (p - y) / batch", async () => {
    const s = new Scratch(await loadEngine(build));
    const rows = 6, cols = 5;
    const d = data("softmaxCce", rows, cols, 3);
    const got = kernel(s, "softmaxCce", d, rows, cols);
    expectClose(got.prob, softmaxCce(d.x, d.y, rows, cols).prob, 1e-6, "softmax probabilities");
    expectClose(got.grad!.subarray(0, rows * cols), Array.from(got.prob, (p, i) => (p - d.y[i]) / rows), 1e-7, "(p - y) / batch");
    const b = data("bceLogits", rows, cols, 4);
    const gb = kernel(s, "bceLogits", b, rows, cols);
    expectClose(gb.prob, bceLogits(b.x, b.y).prob, (i) => 4e-7 * gb.prob[i], "sigmoid probabilities");
    expectClose(gb.grad!.subarray(0, rows * cols), Array.from(gb.prob, (p, i) => (p - b.y[i]) / (rows * cols)), 1e-8, "(p - y) / count");
  });

  it("binary cross-entropy clamps to [1e-7, 1 - 1e-7] as Keras does, with zero gradient where clamped", async () => {
    const s = new Scratch(await loadEngine(build));
    const d: Data = { x: Float32Array.from([0, 1, 0, 1]), y: Float32Array.from([1, 0, 0, 1]), labels: new Int32Array(1) };
    const got = kernel(s, "bce", d, 1, 4);
    // Two terms at -log(1e-7) (float32 clamp values), two at -log(1 - 1e-7).
    const e = Math.fround(1e-7), o = Math.fround(1 - 1e-7);
    expect(got.loss).toBeCloseTo((-Math.log(e) - Math.log(1 - o) - Math.log(1 - e) - Math.log(o)) / 4, 5);
    expect(Array.from(got.grad!.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    const saturated = kernel(s, "bceLogits", { ...d, x: Float32Array.from([1e30, -1e30, -1e30, 1e30]) }, 1, 4);
    expect(Number.isFinite(saturated.loss)).toBe(true);
    expect(Array.from(saturated.prob)).toEqual([1, 0, 0, 1]);
  });

  it("categorical cross-entropy of an all-zero probability row is finite with zero gradient (no NaN)", async () => {
    const s = new Scratch(await loadEngine(build));
    const d: Data = { x: Float32Array.from([0, 0, 0, 0.2, 0.5, 0.3]), y: Float32Array.from([1, 0, 0, 0, 1, 0]), labels: Int32Array.from([0, 1]) };
    for (const kind of ["cce", "sparseCce"] as Kind[]) {
      const got = kernel(s, kind, d, 2, 3);
      expect(Number.isFinite(got.loss)).toBe(true);
      expect(Array.from(got.grad!.subarray(0, 3))).toEqual([0, 0, 0]);
      expect(got.loss).toBeCloseTo(cce(d.x, d.y, 2, 3).loss, 6);
    }
  });

  it("a label outside [0, classes) gives NaN loss and zero gradient, never an out-of-bounds read", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const kind of ["sparseCce", "sparseSoftmaxCce"] as Kind[]) {
      const d = data(kind, 2, 3, 1);
      d.labels[1] = 1 << 30;
      const got = kernel(s, kind, d, 2, 3);
      expect(got.loss).toBeNaN();
      expect(Array.from(got.grad!.subarray(3, 6))).toEqual([0, 0, 0]);
    }
  });

  it("softmax cross-entropy of +-1e30 logits is finite where the label has the largest logit", async () => {
    const s = new Scratch(await loadEngine(build));
    const d: Data = { x: Float32Array.from([1e30, -1e30, 0]), y: Float32Array.from([1, 0, 0]), labels: Int32Array.from([0]) };
    const got = kernel(s, "softmaxCce", d, 1, 3);
    expect(got.loss).toBe(0);
    expect(Array.from(got.prob)).toEqual([1, 0, 0]);
    expect(Array.from(got.grad!.subarray(0, 3))).toEqual([0, 0, 0]);
  });
});

// The elementwise losses (loss_elem) and categorical hinge (loss_cat_hinge): value against Keras's
// formula in float64 (test/reference/losses.ts), gradient by central finite differences of the kernel's
// own float64-summed loss, a canary after the gradient, and the same bits from both builds.
const ELEM: [KerasLoss, number, number, number][] = [
  // kind, code, prediction range lo, hi (targets drawn to suit each loss)
  ["mae", 0, -2, 2], ["huber", 1, -3, 3], ["logcosh", 2, -3, 3], ["hinge", 3, -2, 2], ["squaredHinge", 4, -2, 2],
  ["kld", 5, 0.05, 1], ["poisson", 6, 0.05, 3], ["msle", 7, 0.05, 3], ["mape", 8, -3, 3],
];
const target = (kind: KerasLoss, r: () => number) =>
  kind === "hinge" || kind === "squaredHinge" ? (r() < 0.5 ? -1 : 1) : kind === "kld" ? 0.05 + r() : kind === "poisson" ? Math.floor(r() * 4) : kind === "msle" ? r() * 3 : kind === "mape" ? (r() < 0.5 ? -1 : 1) * (0.2 + r()) : r() * 4 - 2;

describe.each(BUILDS)("elementwise and categorical hinge losses (%s build)", (build) => {
  it.each(ELEM.map((e) => [e[0], e] as const))("%s: Keras's value on every shape, finite-difference gradient, canary", async (_n, [kind, code, lo, hi]) => {
    const s = new Scratch(await loadEngine(build));
    SHAPES.forEach(([rows, cols], si) => {
      s.reset();
      const n = rows * cols, r = rng(si + 1);
      const x = randomArray(n, si + 7, lo, hi), y = Float32Array.from({ length: n }, () => target(kind, r));
      const count = kind === "kld" ? rows : n;
      const px = s.put(x), py = s.put(y), g = s.alloc(n);
      const delta = kind === "huber" ? 0.7 : 1;
      const loss = s.k.loss_elem(code, px, py, g, n, count, delta);
      expect(Number.isNaN(s.get(g, n + 1)[n]), "canary").toBe(true);
      expectClose([loss], [kerasLoss(kind, x, y, rows, cols, delta)], 1e-5 * Math.max(1, Math.abs(loss)), `${kind} [${rows}, ${cols}]`);
      const grad = s.get(g, n);
      for (const i of [0, Math.floor(n / 2), n - 1]) {
        const at = (d: number) => { const x2 = Float64Array.from(x); x2[i] += d; return kerasLoss(kind, x2, y, rows, cols, delta); };
        const h = 1e-4, fd = (at(h) - at(-h)) / (2 * h);
        if (kind === "mae" || kind === "mape" || kind === "hinge") if (Math.abs(at(h) - 2 * at(0) + at(-h)) > 1e-9) continue; // at a kink: no derivative
        expectClose([grad[i]], [fd], 1e-4 + 1e-3 * Math.abs(fd), `${kind} [${rows}, ${cols}] d/dx[${i}]`);
      }
    });
  });

  it("categoricalHinge: Keras's value per row, its gradient -y + one-hot(argmax (1 - y) p) where positive", async () => {
    const s = new Scratch(await loadEngine(build));
    SHAPES.filter(([, c]) => c > 1).forEach(([rows, cols], si) => {
      s.reset();
      const n = rows * cols, r = rng(si + 3);
      const x = randomArray(n, si + 9, -1, 1), labels = Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
      const y = Float32Array.from(oneHot(labels, cols));
      const g = s.alloc(n);
      const loss = s.k.loss_cat_hinge(s.put(x), s.put(y), g, rows, cols);
      expect(Number.isNaN(s.get(g, n + 1)[n]), "canary").toBe(true);
      expectClose([loss], [kerasLoss("categoricalHinge", x, y, rows, cols)], 1e-6, `[${rows}, ${cols}]`);
      const grad = s.get(g, n);
      for (let i = 0; i < n; i++) {
        const at = (d: number) => { const x2 = Float64Array.from(x); x2[i] += d; return kerasLoss("categoricalHinge", x2, y, rows, cols); };
        const fd = (at(1e-5) - at(-1e-5)) / 2e-5;
        expectClose([grad[i]], [fd], 1e-4, `[${rows}, ${cols}] d/dx[${i}]`);
      }
    });
  });
});

it("the SIMD and scalar builds give the same bits for loss_elem and loss_cat_hinge", async () => {
  const [a, b] = await Promise.all(BUILDS.map(async (build) => new Scratch(await loadEngine(build))));
  for (const [kind, code, lo, hi] of ELEM) {
    const run = (s: Scratch) => {
      s.reset();
      const r = rng(2), x = randomArray(70, 3, lo, hi), y = Float32Array.from({ length: 70 }, () => target(kind, r));
      const g = s.alloc(70);
      const l = s.k.loss_elem(code, s.put(x), s.put(y), g, 70, 70, 1);
      return [l, ...s.get(g, 70)];
    };
    expect(run(a), kind).toEqual(run(b));
  }
});
