// Optimizer updates, in place, one fused pass over n parameters each. The host computes everything
// that does not depend on the element: learning rate and schedule, bias corrections, 1 - beta (in
// float64, passed as float32). Each loop runs 4 lanes at a time in the SIMD build and finishes with the
// scalar form of the same operations; there is no fused multiply-add, so both forms agree bit for bit.
import { at } from "../util";

/** SGD: w -= lr g. */
export function opt_sgd(w: usize, g: usize, n: i32, lr: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr);
    for (; i + 4 <= n; i += 4) {
      v128.store(at(w, i), f32x4.sub(v128.load(at(w, i)), f32x4.mul(vlr, v128.load(at(g, i)))));
    }
  }
  for (; i < n; i++) store<f32>(at(w, i), load<f32>(at(w, i)) - lr * load<f32>(at(g, i)));
}

/**
 * SGD with momentum (the PyTorch / TF.js form): v = mu v + g; w -= lr v, or with Nesterov
 * w -= lr (g + mu v) (Sutskever et al. 2013, as PyTorch and TF.js apply it).
 */
export function opt_momentum(w: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32, nesterov: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), vmu = f32x4.splat(mu);
    for (; i + 4 <= n; i += 4) {
      const gi = v128.load(at(g, i));
      const vi = f32x4.add(f32x4.mul(vmu, v128.load(at(v, i))), gi);
      v128.store(at(v, i), vi);
      const step = nesterov ? f32x4.add(gi, f32x4.mul(vmu, vi)) : vi;
      v128.store(at(w, i), f32x4.sub(v128.load(at(w, i)), f32x4.mul(vlr, step)));
    }
  }
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const vi = mu * load<f32>(at(v, i)) + gi;
    store<f32>(at(v, i), vi);
    const step = nesterov ? gi + mu * vi : vi;
    store<f32>(at(w, i), load<f32>(at(w, i)) - lr * step);
  }
}

/**
 * Adam and AdamW (Kingma & Ba 2015; Loshchilov & Hutter 2019), one kernel:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w = w decay - a m / (sqrt(v) c + eps).
 * The host picks a and c: PyTorch's form a = lr / (1 - b1^t), c = 1 / sqrt(1 - b2^t); Keras and TF.js's
 * a = lr sqrt(1 - b2^t) / (1 - b1^t), c = 1. decay = 1 - lr wd for AdamW's decoupled decay, else 1.
 */
export function opt_adam(
  w: usize, g: usize, m: usize, v: usize, n: i32,
  a: f32, b1: f32, omb1: f32, b2: f32, omb2: f32, eps: f32, c: f32, decay: f32,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a), vb1 = f32x4.splat(b1), vomb1 = f32x4.splat(omb1);
    const vb2 = f32x4.splat(b2), vomb2 = f32x4.splat(omb2), veps = f32x4.splat(eps);
    const vc = f32x4.splat(c), vdecay = f32x4.splat(decay);
    for (; i + 4 <= n; i += 4) {
      const gi = v128.load(at(g, i));
      const mi = f32x4.add(f32x4.mul(vb1, v128.load(at(m, i))), f32x4.mul(vomb1, gi));
      const vi = f32x4.add(f32x4.mul(vb2, v128.load(at(v, i))), f32x4.mul(vomb2, f32x4.mul(gi, gi)));
      v128.store(at(m, i), mi);
      v128.store(at(v, i), vi);
      const den = f32x4.add(f32x4.mul(f32x4.sqrt(vi), vc), veps);
      v128.store(at(w, i), f32x4.sub(f32x4.mul(v128.load(at(w, i)), vdecay), f32x4.div(f32x4.mul(va, mi), den)));
    }
  }
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const mi = b1 * load<f32>(at(m, i)) + omb1 * gi;
    const vi = b2 * load<f32>(at(v, i)) + omb2 * (gi * gi);
    store<f32>(at(m, i), mi);
    store<f32>(at(v, i), vi);
    const den = sqrt<f32>(vi) * c + eps;
    store<f32>(at(w, i), load<f32>(at(w, i)) * decay - (a * mi) / den);
  }
}

/**
 * RMSprop (Hinton, Coursera lecture 6e). ms = rho ms + (1 - rho) g^2; centered: mg = rho mg + (1 - rho) g
 * and the variance is ms - mg^2. d = sqrt(var + eps) if epsInside (TF.js, Keras 2) else sqrt(var) + eps
 * (PyTorch). Without momentum w -= lr g / d; with it (the TF.js / Keras form) mom = mu mom + lr g / d and
 * w -= mom. mg and mom may be 0 when unused.
 */
export function opt_rmsprop(
  w: usize, g: usize, ms: usize, mg: usize, mom: usize, n: i32,
  lr: f32, rho: f32, omrho: f32, eps: f32, mu: f32, centered: bool, epsInside: bool,
): void {
  const useMom = mu != 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), vrho = f32x4.splat(rho), vomrho = f32x4.splat(omrho);
    const veps = f32x4.splat(eps), vmu = f32x4.splat(mu);
    for (; i + 4 <= n; i += 4) {
      const gi = v128.load(at(g, i));
      const si = f32x4.add(f32x4.mul(vrho, v128.load(at(ms, i))), f32x4.mul(vomrho, f32x4.mul(gi, gi)));
      v128.store(at(ms, i), si);
      let vr = si;
      if (centered) {
        const ai = f32x4.add(f32x4.mul(vrho, v128.load(at(mg, i))), f32x4.mul(vomrho, gi));
        v128.store(at(mg, i), ai);
        vr = f32x4.sub(si, f32x4.mul(ai, ai));
      }
      const d = epsInside ? f32x4.sqrt(f32x4.add(vr, veps)) : f32x4.add(f32x4.sqrt(vr), veps);
      const step = f32x4.div(f32x4.mul(vlr, gi), d);
      if (useMom) {
        const mi = f32x4.add(f32x4.mul(vmu, v128.load(at(mom, i))), step);
        v128.store(at(mom, i), mi);
        v128.store(at(w, i), f32x4.sub(v128.load(at(w, i)), mi));
      } else {
        v128.store(at(w, i), f32x4.sub(v128.load(at(w, i)), step));
      }
    }
  }
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const si = rho * load<f32>(at(ms, i)) + omrho * (gi * gi);
    store<f32>(at(ms, i), si);
    let vr = si;
    if (centered) {
      const ai = rho * load<f32>(at(mg, i)) + omrho * gi;
      store<f32>(at(mg, i), ai);
      vr = si - ai * ai;
    }
    const d = epsInside ? sqrt<f32>(vr + eps) : sqrt<f32>(vr) + eps;
    const step = (lr * gi) / d;
    if (useMom) {
      const mi = mu * load<f32>(at(mom, i)) + step;
      store<f32>(at(mom, i), mi);
      store<f32>(at(w, i), load<f32>(at(w, i)) - mi);
    } else {
      store<f32>(at(w, i), load<f32>(at(w, i)) - step);
    }
  }
}

/**
 * Adagrad (Duchi et al. 2011): acc += g^2; w -= lr g / d, d = sqrt(acc + eps) if epsInside (TF.js, Keras)
 * else sqrt(acc) + eps (PyTorch). The host initialises acc (TF.js and Keras: 0.1; PyTorch: 0).
 */
export function opt_adagrad(w: usize, g: usize, acc: usize, n: i32, lr: f32, eps: f32, epsInside: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), veps = f32x4.splat(eps);
    for (; i + 4 <= n; i += 4) {
      const gi = v128.load(at(g, i));
      const ai = f32x4.add(v128.load(at(acc, i)), f32x4.mul(gi, gi));
      v128.store(at(acc, i), ai);
      const d = epsInside ? f32x4.sqrt(f32x4.add(ai, veps)) : f32x4.add(f32x4.sqrt(ai), veps);
      v128.store(at(w, i), f32x4.sub(v128.load(at(w, i)), f32x4.div(f32x4.mul(vlr, gi), d)));
    }
  }
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const ai = load<f32>(at(acc, i)) + gi * gi;
    store<f32>(at(acc, i), ai);
    const d = epsInside ? sqrt<f32>(ai + eps) : sqrt<f32>(ai) + eps;
    store<f32>(at(w, i), load<f32>(at(w, i)) - (lr * gi) / d);
  }
}

/** L1/L2 regularization gradients added to g: g += l1 sign(w) + 2 l2 w (penalty l1 |w| + l2 w^2). */
export function reg_grad(w: usize, g: usize, n: i32, l1: f32, l2: f32): void {
  const l2x2 = l2 + l2;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vl1 = f32x4.splat(l1), vl2 = f32x4.splat(l2x2), zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const wi = v128.load(at(w, i));
      // sign(w) l1: +l1 where w > 0, -l1 where w < 0, 0 at 0.
      const s = f32x4.sub(v128.and(f32x4.gt(wi, zero), vl1), v128.and(f32x4.lt(wi, zero), vl1));
      v128.store(at(g, i), f32x4.add(v128.load(at(g, i)), f32x4.add(s, f32x4.mul(vl2, wi))));
    }
  }
  for (; i < n; i++) {
    const wi = load<f32>(at(w, i));
    const s: f32 = (wi > 0 ? l1 : 0) - (wi < 0 ? l1 : 0);
    store<f32>(at(g, i), load<f32>(at(g, i)) + (s + l2x2 * wi));
  }
}

/** The regularization penalty sum_i l1 |w_i| + l2 w_i^2, in float64. */
export function reg_penalty(w: usize, n: i32, l1: f64, l2: f64): f64 {
  let a: f64 = 0, b: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = <f64>load<f32>(at(w, i));
    a += abs(x);
    b += x * x;
  }
  return l1 * a + l2 * b;
}

/** Clip by value: x = min(max(x, lo), hi) (NaN passes through). */
export function clip_value(x: usize, n: i32, lo: f32, hi: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
    for (; i + 4 <= n; i += 4) v128.store(at(x, i), f32x4.pmin(f32x4.pmax(v128.load(at(x, i)), vlo), vhi));
  }
  for (; i < n; i++) {
    const v = load<f32>(at(x, i));
    const a = v < lo ? lo : v; // pmax, then pmin: as the vector form
    store<f32>(at(x, i), hi < a ? hi : a);
  }
}

/** Sum of squares in float64 (the reduction of clipping by global norm; sum over tensors, then sqrt). */
export function sum_squares(x: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(at(x, i));
    s += v * v;
  }
  return s;
}

/** x *= s (the rescale of clipping by global norm). */
export function scale(x: usize, n: i32, s: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s);
    for (; i + 4 <= n; i += 4) v128.store(at(x, i), f32x4.mul(v128.load(at(x, i)), vs));
  }
  for (; i < n; i++) store<f32>(at(x, i), load<f32>(at(x, i)) * s);
}
