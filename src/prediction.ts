// What predict() returns: a JS-owned copy of the outputs with a shape, and TF.js-like helpers.

/**
 * What predict returns: the outputs as a JS-owned copy (nothing to dispose), one row per input row, with
 * TF.js-like helpers.
 * @example const classes = model.predict(x).argMax();
 */
export class Prediction {
  /** @internal */
  constructor(
    /** The outputs, row after row. */
    readonly data: Float32Array,
    /** [rows, outputs]. */
    readonly shape: [number, number],
  ) {}

  /** Index of the largest value of each row (the predicted class). */
  argMax(): Int32Array {
    const [rows, cols] = this.shape;
    const out = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < cols; j++) if (this.data[r * cols + j] > this.data[r * cols + best]) best = j;
      out[r] = best;
    }
    return out;
  }

  /** Rows as number[][] (TF.js's arraySync). */
  toArray(): number[][] {
    const [rows, cols] = this.shape;
    return Array.from({ length: rows }, (_, r) => Array.from(this.data.subarray(r * cols, (r + 1) * cols)));
  }

  /** The same as toArray (TF.js's name). */
  arraySync(): number[][] {
    return this.toArray();
  }

  /** The outputs, row after row (TF.js's name): `data` itself. */
  dataSync(): Float32Array {
    return this.data;
  }
}
