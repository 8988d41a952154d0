// User data in: number[][] or { data, shape } for inputs; one-hot rows or integer class ids for labels.
// Everything is checked (shape, NaN, Infinity, label range) before any model state changes.
import { describe, invalid, ValueError } from "./errors.js";

/** A JS-owned row-major matrix, TF.js's tensor2d without anything to dispose. */
export interface Matrix {
  /** The values, row after row. */
  data: Float32Array;
  /** [rows, columns]. */
  shape: [number, number];
}

/** One weight tensor as getWeights returns it: a JS-owned copy. */
export interface Weight {
  /** The values, row-major (a Dense kernel [inputs, units] row by row: TF.js's layout). */
  data: Float32Array;
  /** Its shape. */
  shape: number[];
}

/**
 * What inputs may be: rows of numbers (`number[][]`), `{ data, shape: [rows, columns] }` with data any
 * array of numbers (a Float32Array is read without a copy per row), or a TF.js Tensor (anything with
 * `shape` and `dataSync()`; a 1-D tensor is one column). Every value must be a finite number: anything
 * else is a ValueError naming its row and column.
 */
export type InputLike = number[][] | Matrix | {
  /** The values, row after row. */
  data: ArrayLike<number>;
  /** [rows, columns]. */
  shape: readonly number[];
};
/**
 * What labels may be: class ids (`number[]` or an integer typed array, for sparse losses and, converted to
 * one-hot, for categorical cross-entropy), or rows as for inputs (one-hot or target values).
 */
export type LabelsLike = InputLike | number[] | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** Labels as the kernels take them: dense float rows, or integer class ids. */
export type Labels =
  | { kind: "dense"; data: Float32Array; rows: number; cols: number }
  | { kind: "ids"; data: Int32Array; rows: number };

/** Labels are made by these two only: one map per kind for V8 (see Totals.shapes in model/runner.ts). */
export function idsLabels(data: Int32Array, rows: number): Labels {
  return { kind: "ids", data, rows };
}
export function denseLabels(data: Float32Array, rows: number, cols: number): Labels {
  return { kind: "dense", data, rows, cols };
}

/** Makes a Matrix from values and a [rows, cols] shape (the values are copied). */
export function tensor2d(values: ArrayLike<number> | number[][], shape?: [number, number]): Matrix {
  if (shape === undefined) return toMatrix("tensor2d(values)", values);
  return toMatrix("tensor2d(values)", { data: values as ArrayLike<number>, shape });
}

/**
 * Checks and converts an input to a Matrix; the expected sample shape (or column count), when given,
 * must match: for samples of rank 2 or more ([28, 28]) rows may be nested arrays of that shape, or
 * { data, shape: [rows, ...sample] }, read row-major. `finite: false` leaves the check for NaN and
 * Infinity to the caller (predict does it in wasm, batch by batch).
 */
export function toMatrix(what: string, x: unknown, sample?: number | readonly number[], finite = true): Matrix {
  const rank = typeof sample === "object" ? sample.length : 1;
  const cols = typeof sample === "object" ? sample.reduce((a, b) => a * b, 1) : sample;
  let m: Matrix;
  if (rank > 1 && Array.isArray(x) && Array.isArray(x[0]) && Array.isArray(x[0][0])) {
    m = nested(what, x, sample as number[]);
  } else if (Array.isArray(x)) {
    if (x.length === 0) throw invalid(what, x, "a non-empty array of rows");
    const c = Array.isArray(x[0]) ? x[0].length : -1;
    if (c <= 0) throw invalid(`${what}[0]`, x[0], "a non-empty array of numbers (one row per sample)");
    const data = new Float32Array(x.length * c);
    for (let i = 0; i < x.length; i++) {
      const row = x[i];
      if (!Array.isArray(row) || row.length !== c) throw invalid(`${what}[${i}]`, row, `an array of ${c} numbers, like row 0`);
      for (let j = 0; j < c; j++) {
        const v = row[j];
        // Only numbers: null, true, "2" or [5] would be coerced silently, a BigInt would throw a TypeError.
        if (typeof v !== "number") throw new ValueError(`${what} must hold numbers; received ${describe(v)} at row ${i}, column ${j}`);
        data[i * c + j] = v;
      }
    }
    m = { data, shape: [x.length, c] };
  } else if (x !== null && typeof x === "object" && "shape" in x && ("data" in x || typeof (x as { dataSync?: unknown }).dataSync === "function")) {
    // { data, shape }, or a TF.js Tensor (shape and dataSync()): read once, never kept.
    const tensor = !("data" in x) || typeof (x as { data: unknown }).data === "function";
    let shape = (x as { shape: unknown }).shape;
    if (Array.isArray(shape) && shape.length === 1) shape = [shape[0], 1]; // [rows]: one column, as TF.js reads a 1-D tensor
    // [rows, ...sample]: each sample read row-major, as one row
    if (rank > 1 && Array.isArray(shape) && shape.length === rank + 1 && shape.every((d, i) => d === (i ? (sample as number[])[i - 1] : d))) shape = [shape[0], cols];
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw invalid(`${what}.shape`, shape, "[rows, columns] or [rows], positive integers");
    }
    const data = tensor ? tensorData(what, x as unknown as { dataSync: () => unknown }) : (x as { data: unknown }).data;
    if (!data || typeof (data as ArrayLike<number>).length !== "number" || (data as ArrayLike<number>).length !== shape[0] * shape[1]) {
      throw invalid(`${what}.data`, data, `${shape[0] * shape[1]} numbers (shape [${shape.join(", ")}])`);
    }
    m = { data: toFloat32(`${what}.data`, data as ArrayLike<number>, shape[1]), shape: [shape[0], shape[1]] };
  } else {
    throw invalid(what, x, "number[][], { data, shape: [rows, columns] } or a 2-D TF.js tensor");
  }
  if (cols !== undefined && m.shape[1] !== cols) throw invalid(`${what} columns`, m.shape[1], `${cols} (the model's input size${rank > 1 ? `: samples of shape [${sample}], or nested arrays of that shape` : ""})`);
  if (finite) checkFinite(what, m.data, m.shape[1]);
  return m;
}

/** Nested arrays of samples of a given shape (rank 2 or more) as rows, row-major; errors name the index path. */
function nested(what: string, x: unknown[], sample: number[]): Matrix {
  const size = sample.reduce((a, b) => a * b, 1);
  const data = new Float32Array(x.length * size);
  const at: number[] = [];
  let o = 0;
  const walk = (v: unknown, d: number): void => {
    if (d === sample.length) {
      if (typeof v !== "number") throw new ValueError(`${what} must hold numbers; received ${describe(v)} at [${at.join("][")}]`);
      data[o++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== sample[d]) throw invalid(`${what}[${at.join("][")}]`, v, `an array of ${sample[d]} (samples of shape [${sample}])`);
    for (let i = 0; i < v.length; i++) {
      at[d + 1] = i;
      walk(v[i], d + 1);
    }
    at.length = d + 1;
  };
  for (let i = 0; i < x.length; i++) {
    at.length = 0;
    at[0] = i;
    walk(x[i], 0);
  }
  return { data, shape: [x.length, size] };
}

/**
 * Values as a Float32Array: a Float32Array as it is (or copied), other typed arrays converted, plain
 * arrays checked to hold numbers (errors name the row and column, or the index when cols is 0).
 */
export function toFloat32(what: string, data: ArrayLike<number>, cols: number, copy = false): Float32Array {
  if (data instanceof Float32Array) return copy ? data.slice() : data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) throw invalid(what, data, "numbers, not BigInts");
  if (ArrayBuffer.isView(data)) return Float32Array.from(data);
  const n = data.length; // read once: an array-like whose length changes cannot resize the copy
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = data[i] as unknown;
    if (typeof v !== "number") throw new ValueError(`${what} must hold numbers; received ${describe(v)} at ${cols ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`}`);
    out[i] = v;
  }
  return out;
}

/** A TF.js tensor's values (dataSync()); a disposed one would throw TF.js's own error. */
function tensorData(what: string, t: { dataSync: () => unknown; isDisposed?: unknown }): unknown {
  if (t.isDisposed === true) throw new ValueError(`${what}: the TF.js tensor is disposed`);
  return t.dataSync();
}

/** The error for a value that is not finite at flat index i of a matrix with `cols` columns. */
export function notFinite(what: string, v: number, i: number, cols: number): ValueError {
  return new ValueError(`${what} must hold finite numbers; received ${v} at row ${Math.floor(i / cols)}, column ${i % cols}`);
}

function checkFinite(what: string, data: ArrayLike<number>, cols: number): void {
  // v - v is 0 for a finite v and NaN for NaN and ±Infinity: a sum of them is 0 exactly when all are
  // finite. Eight at a time without a branch is twice as fast as testing each (V8, 0.6 ns a value).
  const n = data.length;
  let s = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    s += (data[i] - data[i]) + (data[i + 1] - data[i + 1]) + (data[i + 2] - data[i + 2]) + (data[i + 3] - data[i + 3]) +
      (data[i + 4] - data[i + 4]) + (data[i + 5] - data[i + 5]) + (data[i + 6] - data[i + 6]) + (data[i + 7] - data[i + 7]);
  }
  for (; i < n; i++) s += data[i] - data[i];
  if (s === 0) return;
  for (let j = 0; j < n; j++) {
    const v = data[j];
    if (v - v !== 0) throw notFinite(what, v, j, cols);
  }
}

/**
 * Checks and converts labels for `rows` samples and a model with `units` outputs. Integer class ids
 * (a flat array, or a [rows, 1] matrix when units > 1) are kept as ids; anything else must be dense
 * rows of `units` values.
 */
export function toLabels(what: string, y: unknown, rows: number, units: number): Labels {
  const flat = Array.isArray(y) && (y.length === 0 || !Array.isArray(y[0]));
  const typed = ArrayBuffer.isView(y) && !(y instanceof DataView);
  if (flat || typed) {
    const v = y as ArrayLike<number>;
    if (v.length !== rows) throw invalid(`${what} length`, v.length, `${rows} (one label per sample)`);
    if (units === 1) {
      const data = toFloat32(what, v, 0);
      checkFinite(what, data, 1);
      return denseLabels(data, rows, 1);
    }
    return idsLabels(toIds(what, v, units), rows);
  }
  const m = toMatrix(what, y);
  if (m.shape[0] !== rows) throw invalid(`${what} rows`, m.shape[0], `${rows} (one row per sample of x)`);
  if (m.shape[1] === 1 && units > 1) return idsLabels(toIds(what, m.data, units), rows);
  if (m.shape[1] !== units) throw invalid(`${what} columns`, m.shape[1], `${units} (the model's output size), or 1 for class ids`);
  return denseLabels(m.data, rows, units);
}

function toIds(what: string, v: ArrayLike<number>, classes: number): Int32Array {
  const ids = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new ValueError(`${what} must hold class ids, integers in [0, ${classes - 1}]; received ${describe(c)} at index ${i}`);
    }
    ids[i] = c;
  }
  return ids;
}

/**
 * Dense labels whose every row is one-hot (a single 1, the rest 0) as class ids, for a categorical
 * cross-entropy: the kernels give the same bits for a one-hot row and its class id (the same terms,
 * the same gradient), and a step then stages one integer per sample instead of a row of floats.
 * Anything else is returned as it is.
 */
export function oneHotAsIds(y: Labels): Labels {
  if (y.kind !== "dense" || y.cols < 2) return y;
  const { data, rows, cols } = y;
  const ids = new Int32Array(rows);
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let at = -1;
    for (let j = 0; j < cols; j++) {
      const v = data[o + j];
      if (v === 1 && at < 0) at = j;
      else if (v !== 0) return y;
    }
    if (at < 0) return y;
    ids[r] = at;
  }
  return idsLabels(ids, rows);
}

/** Rows [from, to) of a matrix, and of labels: used by validationSplit (copies). */
export function sliceRows(m: Matrix, from: number, to: number): Matrix {
  const c = m.shape[1];
  return { data: m.data.slice(from * c, to * c), shape: [to - from, c] };
}

export function sliceLabels(l: Labels, from: number, to: number): Labels {
  return l.kind === "ids"
    ? idsLabels(l.data.slice(from, to), to - from)
    : denseLabels(l.data.slice(from * l.cols, to * l.cols), to - from, l.cols);
}
