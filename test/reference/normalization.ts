// Float64 batch normalization over the rows of x [rows, cols], per column, as Keras defines it: the
// oracle of the normalization kernels and of the BatchNormalization layer.

export interface BatchNormRef {
  mean: Float64Array;
  variance: Float64Array; // biased
  y: Float64Array;
}

export function batchNormForward(x: ArrayLike<number>, rows: number, cols: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): BatchNormRef {
  const mean = new Float64Array(cols), variance = new Float64Array(cols), y = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * cols + c];
    mean[c] = s / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * cols + c] - mean[c]) ** 2;
    variance[c] = v / rows;
    for (let r = 0; r < rows; r++) y[r * cols + c] = ((x[r * cols + c] - mean[c]) / Math.sqrt(variance[c] + eps)) * gamma[c] + beta[c];
  }
  return { mean, variance, y };
}

/** dLoss/dx, dLoss/dgamma, dLoss/dbeta of training-mode batch normalization, from dLoss/dy. */
export function batchNormBackward(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number, gamma: ArrayLike<number>, eps: number) {
  const { mean, variance } = batchNormForward(x, rows, cols, gamma, new Float64Array(cols), eps);
  const dx = new Float64Array(rows * cols), dgamma = new Float64Array(cols), dbeta = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const inv = 1 / Math.sqrt(variance[c] + eps);
    let sdy = 0, sdyx = 0;
    for (let r = 0; r < rows; r++) {
      const xh = (x[r * cols + c] - mean[c]) * inv;
      sdy += dy[r * cols + c];
      sdyx += dy[r * cols + c] * xh;
    }
    dgamma[c] = sdyx;
    dbeta[c] = sdy;
    for (let r = 0; r < rows; r++) {
      const xh = (x[r * cols + c] - mean[c]) * inv;
      dx[r * cols + c] = (gamma[c] * inv / rows) * (rows * dy[r * cols + c] - sdy - xh * sdyx);
    }
  }
  return { dx, dgamma, dbeta };
}

/** Layer normalization of each row over its columns (biased variance), and its backward pass. */
export function layerNorm(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number) {
  const y = new Float64Array(rows * cols), dx = new Float64Array(rows * cols), dgamma = new Float64Array(cols), dbeta = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m += x[r * cols + c];
    m /= cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[r * cols + c] - m) ** 2;
    const inv = 1 / Math.sqrt(v / cols + eps);
    let sg = 0, sgx = 0;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c, xh = (x[i] - m) * inv, g = dy[i] * gamma[c];
      y[i] = xh * gamma[c] + beta[c];
      dgamma[c] += dy[i] * xh;
      dbeta[c] += dy[i];
      sg += g;
      sgx += g * xh;
    }
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c, xh = (x[i] - m) * inv;
      dx[i] = (inv / cols) * (cols * dy[i] * gamma[c] - sg - xh * sgx);
    }
  }
  return { y, dx, dgamma, dbeta };
}
