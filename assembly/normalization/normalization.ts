// Batch normalization of a batch x [rows, cols], per column (feature), as Keras and TF.js compute it:
// the batch's mean and biased variance in training, moving averages of them for inference,
// y = (x - mean) · inv · gamma + beta with inv = 1 / sqrt(var + eps), and the backward pass of that
// (the textbook closed form of the chain rule through the batch statistics).
// Rows are summed one after another for each column: the SIMD build runs 4 columns per lane group and the
// scalar twin the same operations one column at a time, in the same order, so the two agree bit for bit.
import { at } from "../util";

/**
 * mean[c] = Σ_r x[r, c] / rows; var[c] = Σ_r (x[r, c] - mean[c])² / rows (two passes; rows >= 1).
 * Blocks of 16 columns keep their sums in registers down all the rows (then blocks of 4, then single
 * columns): each column's sum still adds its rows in order, as the scalar twin does.
 */
export function col_moments(x: usize, rows: i32, cols: i32, mean: usize, vari: usize): void {
  const n = <f32>rows, stride = <usize>cols << 2;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vn = f32x4.splat(n);
    for (; c + 16 <= cols; c += 16) {
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
      let p = at(x, c);
      for (let r = 0; r < rows; r++, p += stride) {
        s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
        s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
      }
      const m0 = f32x4.div(s0, vn), m1 = f32x4.div(s1, vn), m2 = f32x4.div(s2, vn), m3 = f32x4.div(s3, vn);
      let q0 = f32x4.splat(0), q1 = q0, q2 = q0, q3 = q0;
      p = at(x, c);
      for (let r = 0; r < rows; r++, p += stride) {
        const d0 = f32x4.sub(v128.load(p), m0), d1 = f32x4.sub(v128.load(p, 16), m1);
        const d2 = f32x4.sub(v128.load(p, 32), m2), d3 = f32x4.sub(v128.load(p, 48), m3);
        q0 = f32x4.add(q0, f32x4.mul(d0, d0)); q1 = f32x4.add(q1, f32x4.mul(d1, d1));
        q2 = f32x4.add(q2, f32x4.mul(d2, d2)); q3 = f32x4.add(q3, f32x4.mul(d3, d3));
      }
      const o = at(mean, c), v = at(vari, c);
      v128.store(o, m0); v128.store(o, m1, 16); v128.store(o, m2, 32); v128.store(o, m3, 48);
      v128.store(v, f32x4.div(q0, vn)); v128.store(v, f32x4.div(q1, vn), 16); v128.store(v, f32x4.div(q2, vn), 32); v128.store(v, f32x4.div(q3, vn), 48);
    }
    for (; c + 4 <= cols; c += 4) {
      let s0 = f32x4.splat(0);
      for (let r = 0, p = at(x, c); r < rows; r++, p += stride) s0 = f32x4.add(s0, v128.load(p));
      const m0 = f32x4.div(s0, vn);
      let q0 = f32x4.splat(0);
      for (let r = 0, p = at(x, c); r < rows; r++, p += stride) {
        const d = f32x4.sub(v128.load(p), m0);
        q0 = f32x4.add(q0, f32x4.mul(d, d));
      }
      v128.store(at(mean, c), m0);
      v128.store(at(vari, c), f32x4.div(q0, vn));
    }
  }
  for (; c < cols; c++) {
    let s: f32 = 0;
    for (let r = 0, p = at(x, c); r < rows; r++, p += stride) s += load<f32>(p);
    const m = s / n;
    let q: f32 = 0;
    for (let r = 0, p = at(x, c); r < rows; r++, p += stride) {
      const d = load<f32>(p) - m;
      q += d * d;
    }
    store<f32>(at(mean, c), m);
    store<f32>(at(vari, c), q / n);
  }
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
  // The sums, 8 columns at a time down all the rows (in registers), then single columns; each column adds
  // its rows in order, as the scalar twin does.
  const stride = <usize>cols << 2;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c + 8 <= cols; c += 8) {
      const m0 = v128.load(at(mean, c)), m1 = v128.load(at(mean, c), 16), i0 = v128.load(at(inv, c)), i1 = v128.load(at(inv, c), 16);
      let b0 = f32x4.splat(0), b1 = b0, g0 = b0, g1 = b0;
      for (let r = 0, p = at(x, c), q = at(dy, c); r < rows; r++, p += stride, q += stride) {
        const y0 = v128.load(q), y1 = v128.load(q, 16);
        b0 = f32x4.add(b0, y0); b1 = f32x4.add(b1, y1);
        g0 = f32x4.add(g0, f32x4.mul(y0, f32x4.mul(f32x4.sub(v128.load(p), m0), i0)));
        g1 = f32x4.add(g1, f32x4.mul(y1, f32x4.mul(f32x4.sub(v128.load(p, 16), m1), i1)));
      }
      v128.store(at(dbeta, c), b0); v128.store(at(dbeta, c), b1, 16);
      v128.store(at(dgamma, c), g0); v128.store(at(dgamma, c), g1, 16);
    }
  }
  for (; c < cols; c++) {
    const m = load<f32>(at(mean, c)), iv = load<f32>(at(inv, c));
    let sb: f32 = 0, sg: f32 = 0;
    for (let r = 0, p = at(x, c), q = at(dy, c); r < rows; r++, p += stride, q += stride) {
      const g = load<f32>(q);
      sb += g;
      sg += g * ((load<f32>(p) - m) * iv);
    }
    store<f32>(at(dbeta, c), sb);
    store<f32>(at(dgamma, c), sg);
  }
  // dx, 4 columns at a time down the rows, their constants in registers: k = gamma · inv / rows.
  const n = <f32>rows;
  c = 0;
  if (ASC_FEATURE_SIMD) {
    const vn = f32x4.splat(n);
    for (; c + 4 <= cols; c += 4) {
      const m = v128.load(at(mean, c)), iv = v128.load(at(inv, c)), sb = v128.load(at(dbeta, c)), sg = v128.load(at(dgamma, c));
      const k = f32x4.div(f32x4.mul(v128.load(at(gamma, c)), iv), vn);
      for (let r = 0, p = at(x, c), q = at(dy, c), o = at(dx, c); r < rows; r++, p += stride, q += stride, o += stride) {
        const xh = f32x4.mul(f32x4.sub(v128.load(p), m), iv);
        v128.store(o, f32x4.mul(k, f32x4.sub(f32x4.sub(f32x4.mul(vn, v128.load(q)), sb), f32x4.mul(xh, sg))));
      }
    }
  }
  for (; c < cols; c++) {
    const m = load<f32>(at(mean, c)), iv = load<f32>(at(inv, c)), sb = load<f32>(at(dbeta, c)), sg = load<f32>(at(dgamma, c));
    const k = (load<f32>(at(gamma, c)) * iv) / n;
    for (let r = 0, p = at(x, c), q = at(dy, c), o = at(dx, c); r < rows; r++, p += stride, q += stride, o += stride) {
      const xh = (load<f32>(p) - m) * iv;
      store<f32>(o, k * (n * load<f32>(q) - sb - xh * sg));
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

// What a row sum adds per element: x, or (x - m)².
const SUM_X = 0, SUM_SQ = 1;

// @ts-ignore: decorator
@inline function row_sum(kind: i32, x: usize, cols: i32, m: f32): f32 {
  let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    let s = f32x4.splat(0);
    for (; c + 4 <= cols; c += 4) {
      const v = v128.load(at(x, c));
      s = f32x4.add(s, kind == SUM_X ? v : f32x4.mul(f32x4.sub(v, vm), f32x4.sub(v, vm)));
    }
    l0 = f32x4.extract_lane(s, 0); l1 = f32x4.extract_lane(s, 1); l2 = f32x4.extract_lane(s, 2); l3 = f32x4.extract_lane(s, 3);
  } else {
    for (; c + 4 <= cols; c += 4) {
      const v0 = load<f32>(at(x, c)), v1 = load<f32>(at(x, c + 1)), v2 = load<f32>(at(x, c + 2)), v3 = load<f32>(at(x, c + 3));
      l0 += kind == SUM_X ? v0 : (v0 - m) * (v0 - m);
      l1 += kind == SUM_X ? v1 : (v1 - m) * (v1 - m);
      l2 += kind == SUM_X ? v2 : (v2 - m) * (v2 - m);
      l3 += kind == SUM_X ? v3 : (v3 - m) * (v3 - m);
    }
  }
  let sum = (l0 + l1) + (l2 + l3);
  for (; c < cols; c++) {
    const v = load<f32>(at(x, c));
    sum += kind == SUM_X ? v : (v - m) * (v - m);
  }
  return sum;
}

/**
 * Σ dy · gamma and Σ dy · gamma · (x - m) · inv over a row, in one pass, each in row_sum's lane order; the
 * two float32 sums come back packed in one 64-bit value (low and high bits: no global, no memory).
 */
// @ts-ignore: decorator
@inline function grad_sums(x: usize, dy: usize, gamma: usize, cols: i32, m: f32, inv: f32): u64 {
  let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0, b0: f32 = 0, b1: f32 = 0, b2: f32 = 0, b3: f32 = 0;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m), vi = f32x4.splat(inv);
    let sa = f32x4.splat(0), sb = sa;
    for (; c + 4 <= cols; c += 4) {
      const g = f32x4.mul(v128.load(at(dy, c)), v128.load(at(gamma, c)));
      sa = f32x4.add(sa, g);
      sb = f32x4.add(sb, f32x4.mul(g, f32x4.mul(f32x4.sub(v128.load(at(x, c)), vm), vi)));
    }
    a0 = f32x4.extract_lane(sa, 0); a1 = f32x4.extract_lane(sa, 1); a2 = f32x4.extract_lane(sa, 2); a3 = f32x4.extract_lane(sa, 3);
    b0 = f32x4.extract_lane(sb, 0); b1 = f32x4.extract_lane(sb, 1); b2 = f32x4.extract_lane(sb, 2); b3 = f32x4.extract_lane(sb, 3);
  } else {
    for (; c + 4 <= cols; c += 4) {
      const g0 = load<f32>(at(dy, c)) * load<f32>(at(gamma, c)), g1 = load<f32>(at(dy, c + 1)) * load<f32>(at(gamma, c + 1));
      const g2 = load<f32>(at(dy, c + 2)) * load<f32>(at(gamma, c + 2)), g3 = load<f32>(at(dy, c + 3)) * load<f32>(at(gamma, c + 3));
      a0 += g0; a1 += g1; a2 += g2; a3 += g3;
      b0 += g0 * ((load<f32>(at(x, c)) - m) * inv); b1 += g1 * ((load<f32>(at(x, c + 1)) - m) * inv);
      b2 += g2 * ((load<f32>(at(x, c + 2)) - m) * inv); b3 += g3 * ((load<f32>(at(x, c + 3)) - m) * inv);
    }
  }
  let sa = (a0 + a1) + (a2 + a3), sb = (b0 + b1) + (b2 + b3);
  for (; c < cols; c++) {
    const g = load<f32>(at(dy, c)) * load<f32>(at(gamma, c));
    sa += g;
    sb += g * ((load<f32>(at(x, c)) - m) * inv);
  }
  return (<u64>reinterpret<u32>(sb) << 32) | <u64>reinterpret<u32>(sa);
}

/**
 * Forward: y = (x - mean) · inv · gamma + beta per row; the row's mean and inv are kept in stats
 * (2 floats per row) for the backward pass. y may be x.
 */
export function ln_forward(x: usize, y: usize, rows: i32, cols: i32, gamma: usize, beta: usize, eps: f32, stats: usize): void {
  const n = <f32>cols;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    const m = row_sum(SUM_X, x + o, cols, 0) / n;
    const inv = <f32>1 / sqrt<f32>(row_sum(SUM_SQ, x + o, cols, m) / n + eps);
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
  // dgamma and dbeta: row after row into the column sums (each column adds its rows in order).
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
    const sums = grad_sums(x + o, dy + o, gamma, cols, m, inv);
    const sg = reinterpret<f32>(<u32>sums), sgx = reinterpret<f32>(<u32>(sums >> 32));
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
