// Float64 reference losses and their gradients (mean reductions as in Keras).
// The clamp bounds as float32 holds them (Keras and the kernels clamp float32 values).
const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);
const clamp = (p: number) => Math.min(Math.max(p, LO), HI);

export interface LossRef { loss: number; grad: Float64Array }

export function mse(p: ArrayLike<number>, y: ArrayLike<number>): LossRef {
  const n = p.length, grad = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) { const d = p[i] - y[i]; s += d * d; grad[i] = (2 * d) / n; }
  return { loss: n ? s / n : 0, grad };
}

export function bce(p: ArrayLike<number>, y: ArrayLike<number>): LossRef {
  const n = p.length, grad = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const q = clamp(p[i]);
    s -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
    grad[i] = q === p[i] ? ((1 - y[i]) / (1 - q) - y[i] / q) / n : 0;
  }
  return { loss: n ? s / n : 0, grad };
}

export function bceLogits(z: ArrayLike<number>, y: ArrayLike<number>): LossRef & { prob: Float64Array } {
  const n = z.length, grad = new Float64Array(n), prob = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
    prob[i] = 1 / (1 + Math.exp(-z[i]));
    grad[i] = (prob[i] - y[i]) / n;
  }
  return { loss: n ? s / n : 0, grad, prob };
}

/** Keras categorical cross-entropy on probabilities: normalise rows, clamp, -sum y log p, mean over rows. */
export function cce(p: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number): LossRef {
  const grad = new Float64Array(rows * cols);
  let s = 0;
  for (let r = 0; r < rows; r++) {
    let S = 0;
    for (let j = 0; j < cols; j++) S += p[r * cols + j];
    if (!(S > 0)) S = LO; // an all-zero row: every q clamps, finite loss, zero gradient
    let gq = 0;
    const g = new Float64Array(cols), q = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      q[j] = p[r * cols + j] / S;
      const c = clamp(q[j]);
      const t = y[r * cols + j];
      if (t !== 0) s -= t * Math.log(c);
      g[j] = c === q[j] ? -t / q[j] : 0;
      gq += g[j] * q[j];
    }
    for (let j = 0; j < cols; j++) grad[r * cols + j] = (g[j] - gq) / S / rows;
  }
  return { loss: rows ? s / rows : 0, grad };
}

export function softmaxCce(z: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number): LossRef & { prob: Float64Array } {
  const grad = new Float64Array(rows * cols), prob = new Float64Array(rows * cols);
  let s = 0;
  for (let r = 0; r < rows; r++) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) mx = Math.max(mx, z[r * cols + j]);
    let se = 0;
    for (let j = 0; j < cols; j++) se += Math.exp(z[r * cols + j] - mx);
    const lse = mx + Math.log(se);
    let ty = 0;
    for (let j = 0; j < cols; j++) {
      const t = y[r * cols + j];
      if (t !== 0) s += t * (lse - z[r * cols + j]);
      ty += t;
      prob[r * cols + j] = Math.exp(z[r * cols + j] - mx) / se;
    }
    for (let j = 0; j < cols; j++) grad[r * cols + j] = (prob[r * cols + j] * ty - y[r * cols + j]) / rows;
  }
  return { loss: rows ? s / rows : 0, grad, prob };
}

export function oneHot(labels: ArrayLike<number>, cols: number): Float64Array {
  const y = new Float64Array(labels.length * cols);
  for (let r = 0; r < labels.length; r++) y[r * cols + labels[r]] = 1;
  return y;
}

/** The losses Keras defines elementwise or per row, in float64 from Keras's formulas (keras/losses.py). */
export type KerasLoss = "mae" | "huber" | "logcosh" | "hinge" | "squaredHinge" | "categoricalHinge" | "kld" | "poisson" | "msle" | "mape";
const EPSILON = Math.fround(1e-7);

/** The mean loss of predictions p against targets y (rows x cols), with Keras's reductions. */
export function kerasLoss(kind: KerasLoss, p: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number, delta = 1): number {
  let total = 0;
  const binary = Array.from(y).every((v) => v === 0 || v === 1);
  for (let r = 0; r < rows; r++) {
    let row = 0;
    if (kind === "categoricalHinge") {
      let pos = 0, neg = -Infinity;
      for (let j = 0; j < cols; j++) {
        pos += y[r * cols + j] * p[r * cols + j];
        neg = Math.max(neg, (1 - y[r * cols + j]) * p[r * cols + j]);
      }
      total += Math.max(neg - pos + 1, 0);
      continue;
    }
    for (let j = 0; j < cols; j++) {
      const pi = p[r * cols + j];
      let t = y[r * cols + j];
      const d = pi - t;
      switch (kind) {
        case "mae": row += Math.abs(d); break;
        case "huber": row += Math.abs(d) <= delta ? 0.5 * d * d : delta * Math.abs(d) - 0.5 * delta * delta; break;
        case "logcosh": row += Math.log(Math.cosh(d)); break;
        case "hinge": case "squaredHinge": {
          if (binary) t = 2 * t - 1;
          const m = Math.max(1 - t * pi, 0);
          row += kind === "hinge" ? m : m * m;
          break;
        }
        case "kld": {
          const tc = Math.min(Math.max(t, EPSILON), 1), pc = Math.min(Math.max(pi, EPSILON), 1);
          row += tc * Math.log(tc / pc);
          break;
        }
        case "poisson": row += pi - t * Math.log(pi + EPSILON); break;
        case "msle": row += (Math.log(Math.max(pi, EPSILON) + 1) - Math.log(Math.max(t, EPSILON) + 1)) ** 2; break;
        case "mape": row += (100 * Math.abs(d)) / Math.max(Math.abs(t), EPSILON); break;
      }
    }
    total += kind === "kld" ? row : row / cols;
  }
  return total / rows;
}
