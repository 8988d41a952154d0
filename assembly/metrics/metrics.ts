// What metrics need: row argmax, counts of correct predictions, and float64 sums (scalar, ascending
// order: the same result in both builds).
import { at } from "../util";

// Index of the first largest value of a row (NaN never wins; an all-NaN row gives 0).
// @ts-ignore: decorator
@inline function argmax(row: usize, cols: i32): i32 {
  let best = 0;
  let bv = load<f32>(row);
  for (let j = 1; j < cols; j++) {
    const v = load<f32>(at(row, j));
    if (v > bv || (bv != bv && v == v)) { bv = v; best = j; }
  }
  return best;
}

/** out[r] = argmax of row r (i32). */
export function argmax_rows(x: usize, out: usize, rows: i32, cols: i32): void {
  if (cols <= 0) return;
  for (let r = 0; r < rows; r++) store<i32>(at(out, r), argmax(at(x, r * cols), cols));
}

/** Rows whose argmax agrees with the argmax of the one-hot target row. */
export function count_correct_onehot(pred: usize, y: usize, rows: i32, cols: i32): i32 {
  if (cols <= 0) return 0;
  let c = 0;
  for (let r = 0; r < rows; r++) c += i32(argmax(at(pred, r * cols), cols) == argmax(at(y, r * cols), cols));
  return c;
}

/** Rows whose argmax equals the integer label. */
export function count_correct_sparse(pred: usize, labels: usize, rows: i32, cols: i32): i32 {
  if (cols <= 0) return 0;
  let c = 0;
  for (let r = 0; r < rows; r++) c += i32(argmax(at(pred, r * cols), cols) == load<i32>(at(labels, r)));
  return c;
}

/** Elements where (pred > threshold) equals the 0/1 target (TF.js binaryAccuracy). */
export function count_correct_binary(pred: usize, y: usize, n: i32, threshold: f32): i32 {
  let c = 0;
  for (let i = 0; i < n; i++) c += i32(<f32>(load<f32>(at(pred, i)) > threshold ? 1 : 0) == load<f32>(at(y, i)));
  return c;
}

export function sum(x: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += <f64>load<f32>(at(x, i));
  return s;
}

export function sum_abs_diff(a: usize, b: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += abs(<f64>load<f32>(at(a, i)) - <f64>load<f32>(at(b, i)));
  return s;
}

export function sum_sq_diff(a: usize, b: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <f64>load<f32>(at(a, i)) - <f64>load<f32>(at(b, i));
    s += d * d;
  }
  return s;
}

/** Index of the first NaN or ±Infinity among n floats, or -1 (the check of predict's input, after staging). */
export function first_nonfinite(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // v - v is 0 for a finite v and NaN otherwise; 16 at a time, then the exact index below.
    for (; i + 16 <= n; i += 16) {
      const a = v128.load(at(x, i)), b = v128.load(at(x, i + 4)), c = v128.load(at(x, i + 8)), d = v128.load(at(x, i + 12));
      const s = f32x4.add(f32x4.add(f32x4.sub(a, a), f32x4.sub(b, b)), f32x4.add(f32x4.sub(c, c), f32x4.sub(d, d)));
      if (v128.any_true(f32x4.ne(s, s))) break;
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(at(x, i));
    if (v - v != 0) return i;
  }
  return -1;
}
