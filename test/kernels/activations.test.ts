// Activations: forward and backward against float64, central finite differences of the kernels'
// own forward, exact saturations, and no NaN for any non-NaN input.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectClose, randomArray } from "../helpers/check.js";
import { act, actGrad, softmaxRows, softmaxRowsGrad, type Act } from "../reference/dense.js";
import { Act as Code } from "../../src/kernels.js";

const SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 16, 17, 1023];
const ELEMENTWISE: { kind: Act; alpha: number }[] = [
  { kind: "linear", alpha: 0 }, { kind: "step", alpha: 0 }, { kind: "sigmoid", alpha: 0 }, { kind: "tanh", alpha: 0 },
  { kind: "relu", alpha: 0 }, { kind: "leakyRelu", alpha: 0.3 }, { kind: "leakyRelu", alpha: 0.01 },
];
const EDGES = [0, -0, 1e-30, -1e-30, 1e30, -1e30, Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, 2 ** -149, 88.8, -88.8, 104, -104];

function forward(s: Scratch, kind: Act, x: Float32Array, alpha: number): Float32Array {
  const px = s.put(x), py = s.alloc(x.length);
  s.k.act_forward(Code[kind], px, py, x.length, alpha);
  const y = s.get(py, x.length + 1);
  if (!Number.isNaN(y[x.length])) throw new Error(`act_forward ${kind}: wrote past n = ${x.length}`);
  return y.subarray(0, x.length);
}

function backward(s: Scratch, kind: Act, y: Float32Array, dy: Float32Array, alpha: number): Float32Array {
  const py = s.put(y), pdy = s.put(dy), pdx = s.alloc(y.length);
  s.k.act_backward(Code[kind], py, pdy, pdx, y.length, alpha);
  const dx = s.get(pdx, y.length + 1);
  if (!Number.isNaN(dx[y.length])) throw new Error(`act_backward ${kind}: wrote past n = ${y.length}`);
  return dx.subarray(0, y.length);
}

function softmax(s: Scratch, x: Float32Array, rows: number, cols: number): Float32Array {
  const px = s.put(x), py = s.alloc(x.length);
  s.k.softmax_forward(px, py, rows, cols);
  return s.get(py, x.length);
}

const relTol = (want: ArrayLike<number>, rel: number) => (i: number) => rel * Math.abs(want[i]) + 1e-37;

describe.each(BUILDS)("activations (%s build)", (build) => {
  it("forward matches float64 within 6e-7 relative, every size", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const { kind, alpha } of ELEMENTWISE) {
      for (const n of SIZES) {
        s.reset();
        const x = randomArray(n, n + 3, -12, 12);
        const y = forward(s, kind, x, alpha);
        expectClose(y, Array.from(x, (v) => act(kind, v, alpha)), relTol(Array.from(x, (v) => act(kind, v, alpha)), 6e-7), `${kind}(alpha ${alpha}) n=${n}`);
      }
    }
  });

  it("backward matches float64 from the forward output, every size", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const { kind, alpha } of ELEMENTWISE) {
      for (const n of SIZES) {
        s.reset();
        const x = randomArray(n, n + 5, -6, 6), dy = randomArray(n, n + 6);
        const y = forward(s, kind, x, alpha);
        const want = Array.from(y, (v, i) => actGrad(kind, v, dy[i], alpha));
        expectClose(backward(s, kind, y, dy, alpha), want, (i) => 4e-7 * Math.abs(dy[i]) + 1e-37, `${kind}' n=${n}`);
      }
    }
  });

  it("backward agrees with central finite differences of the kernel's forward", async () => {
    const s = new Scratch(await loadEngine(build));
    const h = 1e-2;
    for (const { kind, alpha } of ELEMENTWISE) {
      s.reset();
      // Stay 2h away from the kinks of step, relu and leakyRelu at 0.
      const x = randomArray(257, 17, -4, 4).map((v) => (Math.abs(v) < 2 * h ? v + 4 * h : v));
      const xp = x.map((v) => v + h), xm = x.map((v) => v - h);
      const fp = forward(s, kind, xp, alpha), fm = forward(s, kind, xm, alpha);
      const fd = Array.from(x, (_, i) => (fp[i] - fm[i]) / (xp[i] - xm[i]));
      const y = forward(s, kind, x, alpha);
      const g = backward(s, kind, y, new Float32Array(x.length).fill(1), alpha);
      expectClose(g, fd, 2e-4, `finite differences of ${kind}(alpha ${alpha})`);
    }
  });

  it("softmax forward and backward match float64, rows x cols including ragged", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const [rows, cols] of [[0, 3], [1, 1], [1, 10], [3, 7], [32, 10], [5, 17], [2, 1000]]) {
      s.reset();
      const x = randomArray(rows * cols, rows * 7 + cols, -8, 8), dy = randomArray(rows * cols, cols);
      const y = softmax(s, x, rows, cols);
      const want = softmaxRows(x, rows, cols);
      expectClose(y, want, relTol(want, 2e-6), `softmax ${rows}x${cols}`);
      const py = s.put(y), pdy = s.put(dy), pdx = s.alloc(rows * cols);
      s.k.softmax_backward(py, pdy, pdx, rows, cols);
      const gw = softmaxRowsGrad(y, dy, rows, cols);
      expectClose(s.get(pdx, rows * cols), gw, (i) => 1e-6 * y[i] * (1 + Math.abs(dy[i])) * Math.sqrt(cols) + 1e-37, `softmax' ${rows}x${cols}`);
    }
  });

  it("softmax backward agrees with central finite differences", async () => {
    const s = new Scratch(await loadEngine(build));
    const rows = 3, cols = 5, h = 1e-2;
    const x = randomArray(rows * cols, 41, -3, 3), dy = randomArray(rows * cols, 42);
    // L = sum dy * softmax(x); dL/dx_i by central differences, one coordinate at a time.
    const L = (v: Float32Array) => { s.reset(); const y = softmax(s, v, rows, cols); return y.reduce((a, yi, i) => a + dy[i] * yi, 0); };
    const fd = new Float64Array(rows * cols);
    for (let i = 0; i < rows * cols; i++) {
      const xp = x.slice(), xm = x.slice();
      xp[i] += h; xm[i] -= h;
      fd[i] = (L(xp) - L(xm)) / (xp[i] - xm[i]);
    }
    s.reset();
    const y = softmax(s, x, rows, cols);
    const py = s.put(y), pdy = s.put(dy), pdx = s.alloc(rows * cols);
    s.k.softmax_backward(py, pdy, pdx, rows, cols);
    expectClose(s.get(pdx, rows * cols), fd, 2e-4, "softmax finite differences");
  });

  it("saturates exactly: sigmoid(+-1e30), tanh(+-inf), softmax of +-1e30 and +-inf logits", async () => {
    const s = new Scratch(await loadEngine(build));
    expect(Array.from(forward(s, "sigmoid", Float32Array.from([1e30, -1e30, Infinity, -Infinity]), 0))).toEqual([1, 0, 1, 0]);
    expect(Array.from(forward(s, "tanh", Float32Array.from([Infinity, -Infinity, 1e30, -1e30]), 0))).toEqual([1, -1, 1, -1]);
    expect(Array.from(softmax(s, Float32Array.from([1e30, -1e30, 0, -1e30, 1e30, 1e30]), 2, 3))).toEqual([1, 0, 0, 0, 0.5, 0.5]);
    expect(Array.from(softmax(s, Float32Array.from([Infinity, 0, 5, -Infinity, -Infinity, -Infinity]), 2, 3))).toEqual([1, 0, 0, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
  });

  it("no NaN out of any activation, forward or backward, for any non-NaN input", async () => {
    const s = new Scratch(await loadEngine(build));
    const x = Float32Array.from(EDGES);
    for (const { kind, alpha } of ELEMENTWISE) {
      const y = forward(s, kind, x, alpha);
      const dx = backward(s, kind, y, new Float32Array(x.length).fill(1), alpha);
      for (let i = 0; i < x.length; i++) {
        if (Number.isNaN(y[i])) throw new Error(`${kind}(${x[i]}) = NaN`);
        if (Number.isNaN(dx[i])) throw new Error(`${kind}'(${x[i]}) = NaN`);
      }
    }
    const sm = softmax(s, Float32Array.from(EDGES), 3, 5);
    expect(sm.some(Number.isNaN)).toBe(false);
  });
});
