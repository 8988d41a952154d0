// Batch normalization of a batch x [rows, cols], per column (feature), as Keras and TF.js compute it:
// the batch's mean and biased variance in training, moving averages of them for inference,
// y = (x - mean) · inv · gamma + beta with inv = 1 / sqrt(var + eps), and the backward pass of that
// (the textbook closed form of the chain rule through the batch statistics).
// Rows are summed one after another for each column: the SIMD build runs 4 columns per lane group and the
// scalar twin the same operations one column at a time, in the same order, so the two agree bit for bit.
import { at } from "../util";

/** mean[c] = Σ_r x[r, c] / rows; var[c] = Σ_r (x[r, c] - mean[c])² / rows (two passes; rows >= 1). */
export function col_moments(x: usize, rows: i32, cols: i32, mean: usize, vari: usize): void {
  memory.fill(mean, 0, <usize>cols << 2);
  memory.fill(vari, 0, <usize>cols << 2);
  const n = <f32>rows;
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 4 <= cols; c += 4) v128.store(at(mean, c), f32x4.add(v128.load(at(mean, c)), v128.load(at(row, c))));
    }
    for (; c < cols; c++) store<f32>(at(mean, c), load<f32>(at(mean, c)) + load<f32>(at(row, c)));
  }
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vn = f32x4.splat(n);
    for (; c + 4 <= cols; c += 4) v128.store(at(mean, c), f32x4.div(v128.load(at(mean, c)), vn));
  }
  for (; c < cols; c++) store<f32>(at(mean, c), load<f32>(at(mean, c)) / n);
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 4 <= cols; c += 4) {
        const d = f32x4.sub(v128.load(at(row, c)), v128.load(at(mean, c)));
        v128.store(at(vari, c), f32x4.add(v128.load(at(vari, c)), f32x4.mul(d, d)));
      }
    }
    for (; c < cols; c++) {
      const d = load<f32>(at(row, c)) - load<f32>(at(mean, c));
      store<f32>(at(vari, c), load<f32>(at(vari, c)) + d * d);
    }
  }
  c = 0;
  if (ASC_FEATURE_SIMD) {
    const vn = f32x4.splat(n);
    for (; c + 4 <= cols; c += 4) v128.store(at(vari, c), f32x4.div(v128.load(at(vari, c)), vn));
  }
  for (; c < cols; c++) store<f32>(at(vari, c), load<f32>(at(vari, c)) / n);
}

/** inv[c] = 1 / max(sqrt(var[c] + eps), floor): batch normalization's (floor 0), Keras's Normalization's (eps 0, floor 1e-7). */
export function bn_inv_std(vari: usize, eps: f32, floor: f32, inv: usize, cols: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const ve = f32x4.splat(eps), vf = f32x4.splat(floor), one = f32x4.splat(1);
    for (; c + 4 <= cols; c += 4) v128.store(at(inv, c), f32x4.div(one, f32x4.max(f32x4.sqrt(f32x4.add(v128.load(at(vari, c)), ve)), vf)));
  }
  for (; c < cols; c++) store<f32>(at(inv, c), <f32>1 / max<f32>(sqrt<f32>(load<f32>(at(vari, c)) + eps), floor));
}

/** y[r, c] = (x[r, c] - mean[c]) · inv[c] · gamma[c] + beta[c] (y may be x). */
export function bn_forward(x: usize, y: usize, rows: i32, cols: i32, mean: usize, inv: usize, gamma: usize, beta: usize): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 4 <= cols; c += 4) {
        const xh = f32x4.mul(f32x4.sub(v128.load(at(x + o, c)), v128.load(at(mean, c))), v128.load(at(inv, c)));
        v128.store(at(y + o, c), f32x4.add(f32x4.mul(xh, v128.load(at(gamma, c))), v128.load(at(beta, c))));
      }
    }
    for (; c < cols; c++) {
      const xh = (load<f32>(at(x + o, c)) - load<f32>(at(mean, c))) * load<f32>(at(inv, c));
      store<f32>(at(y + o, c), xh * load<f32>(at(gamma, c)) + load<f32>(at(beta, c)));
    }
  }
}

/**
 * Backward through training-mode batch normalization. With x̂ = (x - mean) · inv:
 *   dbeta = Σ_r dy, dgamma = Σ_r dy · x̂ (written, not accumulated),
 *   dx = gamma · inv / rows · (rows · dy - dbeta - x̂ · dgamma)   (dx may be dy).
 */
export function bn_backward(x: usize, dy: usize, dx: usize, rows: i32, cols: i32, mean: usize, inv: usize, gamma: usize, dgamma: usize, dbeta: usize): void {
  memory.fill(dgamma, 0, <usize>cols << 2);
  memory.fill(dbeta, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 4 <= cols; c += 4) {
        const g = v128.load(at(dy + o, c));
        const xh = f32x4.mul(f32x4.sub(v128.load(at(x + o, c)), v128.load(at(mean, c))), v128.load(at(inv, c)));
        v128.store(at(dbeta, c), f32x4.add(v128.load(at(dbeta, c)), g));
        v128.store(at(dgamma, c), f32x4.add(v128.load(at(dgamma, c)), f32x4.mul(g, xh)));
      }
    }
    for (; c < cols; c++) {
      const g = load<f32>(at(dy + o, c));
      const xh = (load<f32>(at(x + o, c)) - load<f32>(at(mean, c))) * load<f32>(at(inv, c));
      store<f32>(at(dbeta, c), load<f32>(at(dbeta, c)) + g);
      store<f32>(at(dgamma, c), load<f32>(at(dgamma, c)) + g * xh);
    }
  }
  const n = <f32>rows;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const vn = f32x4.splat(n);
      for (; c + 4 <= cols; c += 4) {
        const xh = f32x4.mul(f32x4.sub(v128.load(at(x + o, c)), v128.load(at(mean, c))), v128.load(at(inv, c)));
        const k = f32x4.div(f32x4.mul(v128.load(at(gamma, c)), v128.load(at(inv, c))), vn);
        const t = f32x4.sub(f32x4.sub(f32x4.mul(vn, v128.load(at(dy + o, c))), v128.load(at(dbeta, c))), f32x4.mul(xh, v128.load(at(dgamma, c))));
        v128.store(at(dx + o, c), f32x4.mul(k, t));
      }
    }
    for (; c < cols; c++) {
      const xh = (load<f32>(at(x + o, c)) - load<f32>(at(mean, c))) * load<f32>(at(inv, c));
      const k = (load<f32>(at(gamma, c)) * load<f32>(at(inv, c))) / n;
      const t = n * load<f32>(at(dy + o, c)) - load<f32>(at(dbeta, c)) - xh * load<f32>(at(dgamma, c));
      store<f32>(at(dx + o, c), k * t);
    }
  }
}

/** Keras's moving averages: m = m · momentum + mean · (1 - momentum), the same for the variance. */
export function bn_moving(mm: usize, mv: usize, mean: usize, vari: usize, cols: i32, momentum: f32, rest: f32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(momentum), vr = f32x4.splat(rest);
    for (; c + 4 <= cols; c += 4) {
      v128.store(at(mm, c), f32x4.add(f32x4.mul(v128.load(at(mm, c)), vm), f32x4.mul(v128.load(at(mean, c)), vr)));
      v128.store(at(mv, c), f32x4.add(f32x4.mul(v128.load(at(mv, c)), vm), f32x4.mul(v128.load(at(vari, c)), vr)));
    }
  }
  for (; c < cols; c++) {
    store<f32>(at(mm, c), load<f32>(at(mm, c)) * momentum + load<f32>(at(mean, c)) * rest);
    store<f32>(at(mv, c), load<f32>(at(mv, c)) * momentum + load<f32>(at(vari, c)) * rest);
  }
}

// Layer normalization of each row (sample) of x [rows, cols] over its features, as Keras and TF.js:
// y = (x - mean) · inv · gamma + beta with the row's mean and biased variance, inv = 1 / sqrt(var + eps).
// Row sums run in 4 lanes (element j into lane j mod 4), combined as (l0 + l1) + (l2 + l3), then the
// tail in order: the scalar build keeps the same four partial sums, so both builds give the same bits.

// What a row sum adds per element: x, (x - m)², dy · gamma, dy · gamma · (x - m) · inv.
const SUM_X = 0, SUM_SQ = 1, SUM_G = 2, SUM_GX = 3;

// @ts-ignore: decorator
@inline function term(kind: i32, x: f32, dy: f32, g: f32, m: f32, inv: f32): f32 {
  if (kind == SUM_X) return x;
  if (kind == SUM_SQ) return (x - m) * (x - m);
  if (kind == SUM_G) return dy * g;
  return dy * g * ((x - m) * inv);
}

// @ts-ignore: decorator
@inline function termv(kind: i32, x: v128, dy: v128, g: v128, m: v128, inv: v128): v128 {
  if (kind == SUM_X) return x;
  if (kind == SUM_SQ) return f32x4.mul(f32x4.sub(x, m), f32x4.sub(x, m));
  if (kind == SUM_G) return f32x4.mul(dy, g);
  return f32x4.mul(f32x4.mul(dy, g), f32x4.mul(f32x4.sub(x, m), inv));
}

function row_sum(kind: i32, x: usize, dy: usize, gamma: usize, cols: i32, m: f32, inv: f32): f32 {
  let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m), vi = f32x4.splat(inv);
    let s = f32x4.splat(0);
    for (; c + 4 <= cols; c += 4) {
      s = f32x4.add(s, termv(kind, v128.load(at(x, c)), kind >= SUM_G ? v128.load(at(dy, c)) : s, kind >= SUM_G ? v128.load(at(gamma, c)) : s, vm, vi));
    }
    l0 = f32x4.extract_lane(s, 0); l1 = f32x4.extract_lane(s, 1); l2 = f32x4.extract_lane(s, 2); l3 = f32x4.extract_lane(s, 3);
  } else {
    for (; c + 4 <= cols; c += 4) {
      l0 += term(kind, load<f32>(at(x, c)), kind >= SUM_G ? load<f32>(at(dy, c)) : 0, kind >= SUM_G ? load<f32>(at(gamma, c)) : 0, m, inv);
      l1 += term(kind, load<f32>(at(x, c + 1)), kind >= SUM_G ? load<f32>(at(dy, c + 1)) : 0, kind >= SUM_G ? load<f32>(at(gamma, c + 1)) : 0, m, inv);
      l2 += term(kind, load<f32>(at(x, c + 2)), kind >= SUM_G ? load<f32>(at(dy, c + 2)) : 0, kind >= SUM_G ? load<f32>(at(gamma, c + 2)) : 0, m, inv);
      l3 += term(kind, load<f32>(at(x, c + 3)), kind >= SUM_G ? load<f32>(at(dy, c + 3)) : 0, kind >= SUM_G ? load<f32>(at(gamma, c + 3)) : 0, m, inv);
    }
  }
  let sum = (l0 + l1) + (l2 + l3);
  for (; c < cols; c++) sum += term(kind, load<f32>(at(x, c)), kind >= SUM_G ? load<f32>(at(dy, c)) : 0, kind >= SUM_G ? load<f32>(at(gamma, c)) : 0, m, inv);
  return sum;
}

/**
 * Forward: y = (x - mean) · inv · gamma + beta per row; the row's mean and inv are kept in stats
 * (2 floats per row) for the backward pass. y may be x.
 */
export function ln_forward(x: usize, y: usize, rows: i32, cols: i32, gamma: usize, beta: usize, eps: f32, stats: usize): void {
  const n = <f32>cols;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    const m = row_sum(SUM_X, x + o, 0, 0, cols, 0, 0) / n;
    const inv = <f32>1 / sqrt<f32>(row_sum(SUM_SQ, x + o, 0, 0, cols, m, 0) / n + eps);
    store<f32>(at(stats, 2 * r), m);
    store<f32>(at(stats, 2 * r + 1), inv);
    bn_forward_row(x + o, y + o, cols, m, inv, gamma, beta);
  }
}

// @ts-ignore: decorator
@inline function bn_forward_row(x: usize, y: usize, cols: i32, m: f32, inv: f32, gamma: usize, beta: usize): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m), vi = f32x4.splat(inv);
    for (; c + 4 <= cols; c += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(at(x, c)), vm), vi);
      v128.store(at(y, c), f32x4.add(f32x4.mul(xh, v128.load(at(gamma, c))), v128.load(at(beta, c))));
    }
  }
  for (; c < cols; c++) store<f32>(at(y, c), (load<f32>(at(x, c)) - m) * inv * load<f32>(at(gamma, c)) + load<f32>(at(beta, c)));
}

/**
 * Backward through layer normalization. With x̂ = (x - mean) · inv and g = dy · gamma:
 *   dgamma = Σ_rows dy · x̂, dbeta = Σ_rows dy (written, not accumulated),
 *   dx = inv / cols · (cols · g - Σ_row g - x̂ · Σ_row g · x̂)   (dx may be dy).
 */
export function ln_backward(x: usize, dy: usize, dx: usize, rows: i32, cols: i32, gamma: usize, stats: usize, dgamma: usize, dbeta: usize): void {
  memory.fill(dgamma, 0, <usize>cols << 2);
  memory.fill(dbeta, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    const m = load<f32>(at(stats, 2 * r)), inv = load<f32>(at(stats, 2 * r + 1));
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(m), vi = f32x4.splat(inv);
      for (; c + 4 <= cols; c += 4) {
        const g = v128.load(at(dy + o, c));
        v128.store(at(dbeta, c), f32x4.add(v128.load(at(dbeta, c)), g));
        v128.store(at(dgamma, c), f32x4.add(v128.load(at(dgamma, c)), f32x4.mul(g, f32x4.mul(f32x4.sub(v128.load(at(x + o, c)), vm), vi))));
      }
    }
    for (; c < cols; c++) {
      const g = load<f32>(at(dy + o, c));
      store<f32>(at(dbeta, c), load<f32>(at(dbeta, c)) + g);
      store<f32>(at(dgamma, c), load<f32>(at(dgamma, c)) + g * ((load<f32>(at(x + o, c)) - m) * inv));
    }
  }
  const n = <f32>cols;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    const m = load<f32>(at(stats, 2 * r)), inv = load<f32>(at(stats, 2 * r + 1));
    const sg = row_sum(SUM_G, x + o, dy + o, gamma, cols, m, inv);
    const sgx = row_sum(SUM_GX, x + o, dy + o, gamma, cols, m, inv);
    const k = inv / n;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(m), vi = f32x4.splat(inv), vn = f32x4.splat(n), vsg = f32x4.splat(sg), vsgx = f32x4.splat(sgx), vk = f32x4.splat(k);
      for (; c + 4 <= cols; c += 4) {
        const g = f32x4.mul(v128.load(at(dy + o, c)), v128.load(at(gamma, c)));
        const xh = f32x4.mul(f32x4.sub(v128.load(at(x + o, c)), vm), vi);
        v128.store(at(dx + o, c), f32x4.mul(vk, f32x4.sub(f32x4.sub(f32x4.mul(vn, g), vsg), f32x4.mul(xh, vsgx))));
      }
    }
    for (; c < cols; c++) {
      const g = load<f32>(at(dy + o, c)) * load<f32>(at(gamma, c));
      const xh = (load<f32>(at(x + o, c)) - m) * inv;
      store<f32>(at(dx + o, c), k * (n * g - sg - xh * sgx));
    }
  }
}
