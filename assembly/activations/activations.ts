// Activations, forward and backward, elementwise over n floats (softmax: row-wise over rows x cols).
// Backward kernels take the forward output y (every derivative here is a function of y), the upstream
// gradient dy, and write dx; dx may alias dy. Kinds (the host's table in src/kernels.ts mirrors them):
//   0 linear, 1 step (Heaviside, derivative taken as 0), 2 sigmoid, 3 tanh, 4 relu (relu'(0) = 0),
//   5 leakyRelu(alpha >= 0), 6 softmax (row-wise; use softmax_* with the row length).
// Each loop runs 4 lanes at a time in the SIMD build and finishes (or, in the scalar build, does all of
// the work) with the scalar form of the same operations, so the two forms agree bit for bit.
import { expf, expv, logf, logv, tanhf, tanhv, sigmoidf, sigmoidv } from "../math";

export const LINEAR = 0;
export const STEP = 1;
export const SIGMOID = 2;
export const TANH = 3;
export const RELU = 4;
export const LEAKY_RELU = 5;
export const SOFTMAX = 6;

// Scalar pmax: b where a < b, else a (NaN in b never wins).
// @ts-ignore: decorator
@inline function pmax(a: f32, b: f32): f32 {
  return a < b ? b : a;
}

// @ts-ignore: decorator
@inline export function act_scalar(kind: i32, x: f32, alpha: f32): f32 {
  switch (kind) {
    case STEP: return x >= 0.0 ? 1.0 : 0.0;
    case SIGMOID: return sigmoidf(x);
    case TANH: return tanhf(x);
    case RELU: return x < 0.0 ? 0.0 : x; // pmax's select: one instruction, unlike max
    case LEAKY_RELU: return x > 0.0 ? x : alpha * x;
    default: return x;
  }
}

// @ts-ignore: decorator
@inline export function act_simd(kind: i32, x: v128, alpha: f32): v128 {
  switch (kind) {
    case STEP: return v128.and(f32x4.ge(x, f32x4.splat(0.0)), f32x4.splat(1.0));
    case SIGMOID: return sigmoidv(x);
    case TANH: return tanhv(x);
    case RELU: return f32x4.pmax(x, f32x4.splat(0.0));
    case LEAKY_RELU: return v128.bitselect(x, f32x4.mul(f32x4.splat(alpha), x), f32x4.gt(x, f32x4.splat(0.0)));
    default: return x;
  }
}

// @ts-ignore: decorator
@inline function grad_scalar(kind: i32, y: f32, dy: f32, alpha: f32): f32 {
  switch (kind) {
    case STEP: return 0.0;
    case SIGMOID: return dy * (y * (1.0 - y));
    case TANH: return dy * (1.0 - y * y);
    case RELU: return y > 0.0 ? dy : 0.0;
    case LEAKY_RELU: return y > 0.0 ? dy : alpha * dy;
    default: return dy;
  }
}

// @ts-ignore: decorator
@inline function grad_simd(kind: i32, y: v128, dy: v128, alpha: f32): v128 {
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0.0);
  switch (kind) {
    case STEP: return zero;
    case SIGMOID: return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
    case TANH: return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(y, y)));
    case RELU: return v128.and(dy, f32x4.gt(y, zero));
    case LEAKY_RELU: return v128.bitselect(dy, f32x4.mul(f32x4.splat(alpha), dy), f32x4.gt(y, zero));
    default: return dy;
  }
}

/** y[i] = act(x[i]) for i < n; y may alias x. */
export function act_forward(kind: i32, x: usize, y: usize, n: i32, alpha: f32): void {
  // One loop per kind: inlined with a constant kind, the switch inside act_* folds away.
  switch (kind) {
    case STEP: forward_loop(STEP, x, y, n, alpha); break;
    case SIGMOID: forward_loop(SIGMOID, x, y, n, alpha); break;
    case TANH: forward_loop(TANH, x, y, n, alpha); break;
    case RELU: forward_loop(RELU, x, y, n, alpha); break;
    case LEAKY_RELU: forward_loop(LEAKY_RELU, x, y, n, alpha); break;
    default: forward_loop(LINEAR, x, y, n, alpha);
  }
}

// @ts-ignore: decorator
@inline function forward_loop(kind: i32, x: usize, y: usize, n: i32, alpha: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, act_simd(kind, v128.load(x + o), alpha));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, act_scalar(kind, load<f32>(x + o), alpha));
  }
}

/** dx[i] = dy[i] * act'(x[i]), written from the forward output y[i]; dx may alias dy. */
export function act_backward(kind: i32, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  switch (kind) {
    case STEP: backward_loop(STEP, y, dy, dx, n, alpha); break;
    case SIGMOID: backward_loop(SIGMOID, y, dy, dx, n, alpha); break;
    case TANH: backward_loop(TANH, y, dy, dx, n, alpha); break;
    case RELU: backward_loop(RELU, y, dy, dx, n, alpha); break;
    case LEAKY_RELU: backward_loop(LEAKY_RELU, y, dy, dx, n, alpha); break;
    default: backward_loop(LINEAR, y, dy, dx, n, alpha);
  }
}

// @ts-ignore: decorator
@inline function backward_loop(kind: i32, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dx + o, grad_simd(kind, v128.load(y + o), v128.load(dy + o), alpha));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, grad_scalar(kind, load<f32>(y + o), load<f32>(dy + o), alpha));
  }
}

/** Row-wise softmax of a rows x cols matrix: y = exp(x - max) / sum. y may alias x. */
export function softmax_forward(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * <usize>cols) << 2);
    const yr = y + ((<usize>r * <usize>cols) << 2);
    softmax_row(xr, yr, cols);
  }
}

/** One row; also the epilogue of the fused GEMM and the fused softmax + cross-entropy loss. */
export function softmax_row(xr: usize, yr: usize, cols: i32): void {
  let mx: f32 = -Infinity;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let m4 = f32x4.splat(-Infinity);
    for (; j + 4 <= cols; j += 4) m4 = f32x4.pmax(m4, v128.load(xr + (<usize>j << 2)));
    mx = pmax(pmax(mx, f32x4.extract_lane(m4, 0)), f32x4.extract_lane(m4, 1));
    mx = pmax(pmax(mx, f32x4.extract_lane(m4, 2)), f32x4.extract_lane(m4, 3));
  }
  for (; j < cols; j++) mx = pmax(mx, load<f32>(xr + (<usize>j << 2)));
  // x - max, with x == max mapped to 0 so that rows holding +-inf (or +-1e30) give no NaN.
  let sum: f32 = 0.0;
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const m = f32x4.splat(mx);
    let s4 = f32x4.splat(0.0);
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const v = v128.load(xr + o);
      const e = expv(v128.andnot(f32x4.sub(v, m), f32x4.eq(v, m)));
      v128.store(yr + o, e);
      s4 = f32x4.add(s4, e);
    }
    sum = (f32x4.extract_lane(s4, 0) + f32x4.extract_lane(s4, 1)) + (f32x4.extract_lane(s4, 2) + f32x4.extract_lane(s4, 3));
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    const v = load<f32>(xr + o);
    const e = expf(v == mx ? 0.0 : v - mx);
    store<f32>(yr + o, e);
    sum += e;
  }
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(sum);
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(yr + o, f32x4.div(v128.load(yr + o), s));
    }
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    store<f32>(yr + o, load<f32>(yr + o) / sum);
  }
}

/** Row-wise softmax backward: dx = y * (dy - sum(dy * y)). dx may alias dy. */
export function softmax_backward(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>cols) << 2;
    const yr = y + off, dyr = dy + off, dxr = dx + off;
    let dot: f32 = 0.0;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      let d4 = f32x4.splat(0.0);
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j << 2;
        d4 = f32x4.add(d4, f32x4.mul(v128.load(yr + o), v128.load(dyr + o)));
      }
      dot = (f32x4.extract_lane(d4, 0) + f32x4.extract_lane(d4, 1)) + (f32x4.extract_lane(d4, 2) + f32x4.extract_lane(d4, 3));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      dot += load<f32>(yr + o) * load<f32>(dyr + o);
    }
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const d = f32x4.splat(dot);
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j << 2;
        v128.store(dxr + o, f32x4.mul(v128.load(yr + o), f32x4.sub(v128.load(dyr + o), d)));
      }
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dxr + o, load<f32>(yr + o) * (load<f32>(dyr + o) - dot));
    }
  }
}

// The bare math functions over arrays: for the ulp tests and the elementwise benchmark.
export function expf_n(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), expv(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), expf(load<f32>(x + (<usize>i << 2))));
}

export function logf_n(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), logv(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), logf(load<f32>(x + (<usize>i << 2))));
}

export function tanhf_n(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), tanhv(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), tanhf(load<f32>(x + (<usize>i << 2))));
}
