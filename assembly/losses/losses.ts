// Losses over a batch of `rows` samples with `cols` outputs each. Each returns the mean loss (summed in
// float64 in ascending order, the same in both builds) and, when `grad` is not 0, writes dLoss/dInput,
// where the input is the prediction (mse, bce, cce), or the logits (the fused *_logits kernels, which
// also write the probabilities to `prob` when it is not 0). Means follow Keras: mse and the binary losses
// average over all rows x cols elements, categorical losses over rows.
import { at } from "../util";
import { expf, logf, log1pf, tanhf } from "../math";
import { softmax_row } from "../activations/activations";

const EPS: f32 = 1e-7; // Keras's backend epsilon, the clamp of the probability losses
const ONE_MINUS_EPS: f32 = 1.0 - EPS;

/** Mean squared error: mean (p - y)^2; grad 2 (p - y) / count. */
export function loss_mse(pred: usize, y: usize, grad: usize, rows: i32, cols: i32): f64 {
  const n = rows * cols;
  const scale = <f32>(2.0 / <f64>n);
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const d = load<f32>(at(pred, i)) - load<f32>(at(y, i));
    sum += <f64>(d * d);
    if (grad) store<f32>(at(grad, i), d * scale);
  }
  return n > 0 ? sum / <f64>n : 0;
}

/** Binary cross-entropy on probabilities, clamped to [1e-7, 1 - 1e-7] (zero gradient where clamped). */
export function loss_bce(pred: usize, y: usize, grad: usize, rows: i32, cols: i32): f64 {
  const n = rows * cols;
  const inv = <f32>(1.0 / <f64>n);
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const p0 = load<f32>(at(pred, i));
    const t = load<f32>(at(y, i));
    const p = min(max(p0, EPS), ONE_MINUS_EPS);
    const q: f32 = 1.0 - p;
    sum -= <f64>(t * logf(p) + (1.0 - t) * logf(q));
    if (grad) store<f32>(at(grad, i), p0 == p ? ((1.0 - t) / q - t / p) * inv : 0);
  }
  return n > 0 ? sum / <f64>n : 0;
}

/**
 * Sigmoid + binary cross-entropy from logits z, fused: loss max(z, 0) - z y + log(1 + exp(-|z|)),
 * grad (sigmoid(z) - y) / count. Writes sigmoid(z) to prob when prob is not 0.
 */
export function loss_bce_logits(z: usize, y: usize, prob: usize, grad: usize, rows: i32, cols: i32): f64 {
  const n = rows * cols;
  const inv = <f32>(1.0 / <f64>n);
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f32>(at(z, i));
    const t = load<f32>(at(y, i));
    const e = expf(-abs(x));
    sum += <f64>(max(x, 0) - x * t + log1pf(e));
    // sigmoid from the same exp: 1/(1+e) for x >= 0, e/(1+e) below, exact at both saturations.
    const p: f32 = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    if (prob) store<f32>(at(prob, i), p);
    if (grad) store<f32>(at(grad, i), (p - t) * inv);
  }
  return n > 0 ? sum / <f64>n : 0;
}

// One row of categorical cross-entropy on probabilities, Keras style: p normalised by its row sum S,
// clamped to [eps, 1 - eps]. With q = p / S and g_i = -y_i / q_i where unclamped (else 0), the gradient
// is dL/dp_k = (g_k - sum_i g_i q_i) / S, here scaled by 1/rows. `label` >= 0 selects the sparse form.
function cce_row(pr: usize, yr: usize, label: i32, gr: usize, cols: i32, inv: f32): f64 {
  let s: f32 = 0;
  for (let j = 0; j < cols; j++) s += load<f32>(at(pr, j));
  // An all-zero row (Keras gives NaN): every q clamps to eps, a finite loss and a zero gradient.
  s = s > 0 ? s : EPS;
  let loss: f64 = 0;
  let gq: f32 = 0;
  for (let j = 0; j < cols; j++) {
    const t: f32 = label >= 0 ? (j == label ? 1.0 : 0.0) : load<f32>(at(yr, j));
    const q = load<f32>(at(pr, j)) / s;
    const c = min(max(q, EPS), ONE_MINUS_EPS);
    if (t != 0) loss -= <f64>(t * logf(c));
    const g: f32 = q == c ? -t / q : 0;
    if (gr) store<f32>(at(gr, j), g);
    gq += g * q;
  }
  if (gr) for (let j = 0; j < cols; j++) store<f32>(at(gr, j), ((load<f32>(at(gr, j)) - gq) / s) * inv);
  return loss;
}

/** Categorical cross-entropy on probabilities with one-hot (or soft) targets y. */
export function loss_cce(pred: usize, y: usize, grad: usize, rows: i32, cols: i32): f64 {
  const inv = <f32>(1.0 / <f64>rows);
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    sum += cce_row(at(pred, o), at(y, o), -1, grad ? at(grad, o) : 0, cols, inv);
  }
  return rows > 0 ? sum / <f64>rows : 0;
}

/** Sparse categorical cross-entropy: integer labels (i32); a label outside [0, cols) gives NaN. */
export function loss_sparse_cce(pred: usize, labels: usize, grad: usize, rows: i32, cols: i32): f64 {
  return sparse_rows(pred, labels, 0, grad, rows, cols, false);
}

// Both sparse losses: rows with a label outside [0, cols) add NaN to the loss and get a zero gradient
// (and, fused, their softmax), and nothing is read at the bad label.
function sparse_rows(x: usize, labels: usize, prob: usize, grad: usize, rows: i32, cols: i32, fused: bool): f64 {
  const inv = <f32>(1.0 / <f64>rows);
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const label = load<i32>(at(labels, r));
    const gr = grad ? at(grad, o) : 0;
    if (label < 0 || label >= cols) {
      sum = NaN;
      if (fused) softmax_row(at(x, o), at(prob, o), cols);
      if (gr) memory.fill(gr, 0, <usize>cols << 2);
    } else {
      sum += fused ? softmax_cce_row(at(x, o), 0, label, at(prob, o), gr, cols, inv) : cce_row(at(x, o), 0, label, gr, cols, inv);
    }
  }
  return rows > 0 ? sum / <f64>rows : 0;
}

// One row of softmax + cross-entropy from logits: writes p = softmax(z) to pr, returns sum_i y_i (lse - z_i)
// with lse = max + log(sum exp(z - max)), and writes (p sum(y) - y) / rows, which is (p - y) / rows for
// one-hot rows.
function softmax_cce_row(zr: usize, yr: usize, label: i32, pr: usize, gr: usize, cols: i32, inv: f32): f64 {
  let mx: f32 = -Infinity;
  for (let j = 0; j < cols; j++) mx = max(mx, load<f32>(at(zr, j)));
  let se: f32 = 0;
  for (let j = 0; j < cols; j++) {
    const v = load<f32>(at(zr, j));
    se += expf(v == mx ? 0 : v - mx);
  }
  const lse = logf(se);
  let loss: f64 = 0;
  let ty: f32 = 0;
  for (let j = 0; j < cols; j++) {
    const t: f32 = label >= 0 ? (j == label ? 1.0 : 0.0) : load<f32>(at(yr, j));
    if (t != 0) {
      const v = load<f32>(at(zr, j));
      loss += <f64>(t * (lse - (v == mx ? 0 : v - mx)));
    }
    ty += t;
  }
  softmax_row(zr, pr, cols);
  if (gr) {
    for (let j = 0; j < cols; j++) {
      const t: f32 = label >= 0 ? (j == label ? 1.0 : 0.0) : load<f32>(at(yr, j));
      store<f32>(at(gr, j), (load<f32>(at(pr, j)) * ty - t) * inv);
    }
  }
  return loss;
}

/** Softmax + categorical cross-entropy from logits, fused. prob receives the softmax (required). */
export function loss_softmax_cce(z: usize, y: usize, prob: usize, grad: usize, rows: i32, cols: i32): f64 {
  const inv = <f32>(1.0 / <f64>rows);
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    sum += softmax_cce_row(at(z, o), at(y, o), -1, at(prob, o), grad ? at(grad, o) : 0, cols, inv);
  }
  return rows > 0 ? sum / <f64>rows : 0;
}

/** Softmax + sparse categorical cross-entropy from logits, fused; a label outside [0, cols) gives NaN. */
export function loss_sparse_softmax_cce(z: usize, labels: usize, prob: usize, grad: usize, rows: i32, cols: i32): f64 {
  return sparse_rows(z, labels, prob, grad, rows, cols, true);
}

// The elementwise losses, by code (src/losses.ts): each element adds l(p, y) and, with grad, writes
// dl/dp / count. count is rows x cols for the losses Keras averages over the last axis too, rows for
// the one it sums there (Kullback-Leibler). Formulas are Keras's (keras/losses), clamps included.
const MAE = 0, HUBER = 1, LOGCOSH = 2, HINGE = 3, SQ_HINGE = 4, KLD = 5, POISSON = 6, MSLE = 7, MAPE = 8;
const LOG2: f32 = 0.6931471805599453;

// @ts-ignore: decorator
@inline function sign(x: f32): f32 {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** 1 if every one of the n labels at y is 0 or 1 (Keras's hinge losses then convert them to -1/1), else 0. */
export function labels_binary(y: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const t = load<f32>(at(y, i));
    if (t != 0 && t != 1) return 0;
  }
  return 1;
}

/**
 * Mean of an elementwise loss; `param` is Huber's delta. Hinge losses take labels -1/1, or 0/1 (converted,
 * as Keras, when every label of the call is 0 or 1); for them `param` 0 takes the labels as given (the
 * host decided for a whole batch it passes row by row).
 */
export function loss_elem(kind: i32, pred: usize, y: usize, grad: usize, n: i32, count: i32, param: f32): f64 {
  const inv = <f32>(1.0 / <f64>count);
  const binary = (kind == HINGE || kind == SQ_HINGE) && param != 0 && labels_binary(y, n) != 0;
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(pred, i));
    let t = load<f32>(at(y, i));
    let l: f32 = 0, g: f32 = 0;
    const d = p - t;
    if (kind == MAE) {
      l = abs(d);
      g = sign(d);
    } else if (kind == HUBER) {
      const a = abs(d);
      l = a <= param ? <f32>0.5 * d * d : param * a - <f32>0.5 * param * param;
      g = a <= param ? d : param * sign(d);
    } else if (kind == LOGCOSH) {
      // log(cosh(d)) = d + softplus(-2d) - log 2, softplus(z) = max(z, 0) + log1p(exp(-|z|))
      const z: f32 = -2.0 * d;
      l = d + (max<f32>(z, 0) + log1pf(expf(-abs<f32>(z)))) - LOG2;
      g = tanhf(d);
    } else if (kind == HINGE || kind == SQ_HINGE) {
      if (binary) t = 2.0 * t - 1.0;
      const m = max<f32>(1.0 - t * p, 0);
      l = kind == HINGE ? m : m * m;
      g = m > 0 ? (kind == HINGE ? -t : -2.0 * t * m) : 0;
    } else if (kind == KLD) {
      const tc = min<f32>(max<f32>(t, EPS), 1.0), pc = min<f32>(max<f32>(p, EPS), 1.0);
      l = tc * logf(tc / pc);
      g = pc == p ? -tc / pc : 0;
    } else if (kind == POISSON) {
      l = p - t * logf(p + EPS);
      g = 1.0 - t / (p + EPS);
    } else if (kind == MSLE) {
      const pc = max<f32>(p, EPS);
      const e = logf(pc + 1.0) - logf(max<f32>(t, EPS) + 1.0);
      l = e * e;
      g = pc == p ? (2.0 * e) / (pc + 1.0) : 0;
    } else if (kind == MAPE) {
      const s = max<f32>(abs<f32>(t), EPS);
      l = (100.0 * abs<f32>(d)) / s;
      g = (100.0 * sign(d)) / s;
    }
    sum += <f64>l;
    if (grad) store<f32>(at(grad, i), g * inv);
  }
  return count > 0 ? sum / <f64>count : 0;
}

/**
 * Categorical hinge (Keras): per row max(max_j (1 - y_j) p_j - Σ_j y_j p_j + 1, 0), averaged over rows;
 * the gradient is -y + the one-hot of the first j reaching that max, where the loss is positive.
 */
export function loss_cat_hinge(pred: usize, y: usize, grad: usize, rows: i32, cols: i32): f64 {
  const inv = <f32>(1.0 / <f64>rows);
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let pos: f32 = 0, neg: f32 = -Infinity, arg = 0;
    for (let j = 0; j < cols; j++) {
      const p = load<f32>(at(pred, o + j)), t = load<f32>(at(y, o + j));
      pos += t * p;
      const v: f32 = (1.0 - t) * p;
      if (v > neg) {
        neg = v;
        arg = j;
      }
    }
    const l = max<f32>(neg - pos + 1.0, 0);
    sum += <f64>l;
    if (grad) {
      for (let j = 0; j < cols; j++) {
        const t = load<f32>(at(y, o + j));
        store<f32>(at(grad, o + j), l > 0 ? (-t + (j == arg ? 1.0 - t : <f32>0)) * inv : 0);
      }
    }
  }
  return rows > 0 ? sum / <f64>rows : 0;
}
