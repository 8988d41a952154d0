// Parallel jobs, one task at a time. The host writes a job record (32 words) into the model's memory;
// each thread claims task indices and calls run_task(record, t, its workspace). A task is one output
// tile of a GEMM, one column block of a bias gradient, or one chunk of an elementwise update. Tiles and
// chunks partition the output: every element is computed by one task with the same operations, in the
// same order, as the single-threaded kernel, so the bits do not depend on how many threads ran them.
//
// Record words (i32; f32 where noted):
//   0 kind
//   GEMM        1 m  2 n  3 k  4 a  5 ars  6 aks  7 b  8 bT  9 ldb  10 c  11 ldc  12 accumulate  13 bias
//               14 act  15 alpha (f32)  16 tile rows  17 tile columns  18 tiles per row of tiles
//   BIAS_GRAD   1 m  2 n  3 dy  4 db  5 accumulate  17 columns per task
//   updates     1 n  2 floats per task  3..7 pointers  8..15 scalars (f32)  16..17 flags
import { gemm, bias_grad_cols } from "../gemm/gemm";
import { opt_sgd, opt_momentum, opt_adam, opt_rmsprop, opt_adagrad } from "../optimizers/optimizers";

export const GEMM = 1;
export const BIAS_GRAD = 2;
export const SGD = 3;
export const MOMENTUM = 4;
export const ADAM = 5;
export const RMSPROP = 6;
export const ADAGRAD = 7;

// @ts-ignore: decorator
@inline function word(rec: usize, i: i32): i32 {
  return load<i32>(rec + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function real(rec: usize, i: i32): f32 {
  return load<f32>(rec + (<usize>i << 2));
}

// Pointer word i moved to element `off` (0 stays 0: an unused slot).
// @ts-ignore: decorator
@inline function ptr(rec: usize, i: i32, off: i32): usize {
  const p = <usize>word(rec, i);
  return p ? p + (<usize>off << 2) : 0;
}

/** Runs task t of the job recorded at rec, with a GEMM workspace of its own at work. */
export function run_task(rec: usize, t: i32, work: usize): void {
  const kind = word(rec, 0);
  if (kind == GEMM) {
    const m = word(rec, 1), n = word(rec, 2), k = word(rec, 3);
    const mb = word(rec, 16), nb = word(rec, 17), tilesN = word(rec, 18);
    const i0 = (t / tilesN) * mb, j0 = (t % tilesN) * nb;
    const mt = min(mb, m - i0), nt = min(nb, n - j0);
    const ars = <usize>word(rec, 5), ldb = <usize>word(rec, 9), ldc = <usize>word(rec, 11);
    const bT = word(rec, 8) != 0;
    const b = <usize>word(rec, 7) + ((bT ? <usize>j0 * ldb : <usize>j0) << 2);
    const c = <usize>word(rec, 10) + ((<usize>i0 * ldc + <usize>j0) << 2);
    const bias = word(rec, 13) ? <usize>word(rec, 13) + (<usize>j0 << 2) : 0;
    gemm(mt, nt, k, <usize>word(rec, 4) + <usize>i0 * ars, ars, <usize>word(rec, 6), b, bT, ldb, c, ldc, word(rec, 12) != 0, bias, word(rec, 14), real(rec, 15), work);
  } else if (kind == BIAS_GRAD) {
    const n = word(rec, 2), nb = word(rec, 17);
    const j0 = t * nb;
    bias_grad_cols(word(rec, 1), min(nb, n - j0), <usize>n, ptr(rec, 3, j0), ptr(rec, 4, j0), word(rec, 5) != 0);
  } else {
    const chunk = word(rec, 2);
    const off = t * chunk;
    const len = min(chunk, word(rec, 1) - off);
    if (kind == SGD) opt_sgd(ptr(rec, 3, off), ptr(rec, 4, off), len, real(rec, 8));
    else if (kind == MOMENTUM) opt_momentum(ptr(rec, 3, off), ptr(rec, 4, off), ptr(rec, 5, off), len, real(rec, 8), real(rec, 9), word(rec, 16) != 0);
    else if (kind == ADAM) {
      opt_adam(ptr(rec, 3, off), ptr(rec, 4, off), ptr(rec, 5, off), ptr(rec, 6, off), len,
        real(rec, 8), real(rec, 9), real(rec, 10), real(rec, 11), real(rec, 12), real(rec, 13), real(rec, 14), real(rec, 15));
    } else if (kind == RMSPROP) {
      opt_rmsprop(ptr(rec, 3, off), ptr(rec, 4, off), ptr(rec, 5, off), ptr(rec, 6, off), ptr(rec, 7, off), len,
        real(rec, 8), real(rec, 9), real(rec, 10), real(rec, 11), real(rec, 12), word(rec, 16) != 0, word(rec, 17) != 0);
    } else if (kind == ADAGRAD) {
      opt_adagrad(ptr(rec, 3, off), ptr(rec, 4, off), ptr(rec, 5, off), len, real(rec, 8), real(rec, 9), word(rec, 16) != 0);
    }
  }
}
