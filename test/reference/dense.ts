// Float64 reference implementations of the dense-layer math: the slow oracle beside each fast kernel.

export type Act = "linear" | "step" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "softmax";

export function act(kind: Act, x: number, alpha = 0): number {
  switch (kind) {
    case "linear": return x;
    case "step": return x >= 0 ? 1 : 0;
    case "sigmoid": return 1 / (1 + Math.exp(-x));
    case "tanh": return Math.tanh(x);
    case "relu": return Math.max(x, 0);
    case "leakyRelu": return x > 0 ? x : alpha * x;
    case "softmax": throw new Error("softmax is row-wise: use softmaxRows");
  }
}

/** Derivative of act at the point whose output is y, times dy (the kernels' convention). */
export function actGrad(kind: Act, y: number, dy: number, alpha = 0): number {
  switch (kind) {
    case "linear": return dy;
    case "step": return 0;
    case "sigmoid": return dy * y * (1 - y);
    case "tanh": return dy * (1 - y * y);
    case "relu": return y > 0 ? dy : 0;
    case "leakyRelu": return y > 0 ? dy : alpha * dy;
    case "softmax": throw new Error("softmax is row-wise");
  }
}

export function softmaxRows(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) mx = Math.max(mx, x[r * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const v = x[r * cols + j];
      const e = Math.exp(v === mx ? 0 : v - mx);
      y[r * cols + j] = e;
      s += e;
    }
    for (let j = 0; j < cols; j++) y[r * cols + j] /= s;
  }
  return y;
}

export function softmaxRowsGrad(y: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const dx = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += y[r * cols + j] * dy[r * cols + j];
    for (let j = 0; j < cols; j++) dx[r * cols + j] = y[r * cols + j] * (dy[r * cols + j] - dot);
  }
  return dx;
}

/**
 * C[M,N] = op(A)·op(B) in float64, where A(i,k) and B(k,j) are read through the given index functions.
 * Also returns, per element, sum_k |A(i,k) B(k,j)|: the scale of float32 rounding error in the sum.
 */
export function matmul(
  m: number, n: number, k: number,
  A: (i: number, p: number) => number,
  B: (p: number, j: number) => number,
  C0?: ArrayLike<number>,
): { c: Float64Array; mag: Float64Array } {
  const c = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = C0 ? C0[i * n + j] : 0;
      let g = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const t = A(i, p) * B(p, j);
        s += t;
        g += Math.abs(t);
      }
      c[i * n + j] = s;
      mag[i * n + j] = g;
    }
  }
  return { c, mag };
}
