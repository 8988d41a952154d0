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

/** inv[c] = 1 / sqrt(var[c] + eps). */
export function bn_inv_std(vari: usize, eps: f32, inv: usize, cols: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const ve = f32x4.splat(eps), one = f32x4.splat(1);
    for (; c + 4 <= cols; c += 4) v128.store(at(inv, c), f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(at(vari, c)), ve))));
  }
  for (; c < cols; c++) store<f32>(at(inv, c), <f32>1 / sqrt<f32>(load<f32>(at(vari, c)) + eps));
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
