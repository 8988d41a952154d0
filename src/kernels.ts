// The wasm module's exports, typed (assembly/index.ts). Pointers are byte offsets into the engine's
// memory; Bool is 0 or 1. The activation codes mirror assembly/activations/activations.ts.

type Ptr = number;
type Bool = 0 | 1;

export const Act = { linear: 0, step: 1, sigmoid: 2, tanh: 3, relu: 4, leakyRelu: 5, softmax: 6 } as const;
export type ActName = keyof typeof Act;

export interface Kernels {
  heap_base(): number;

  // gemm/
  gemm_work_bytes(n: number, k: number): number;
  gemm_nn(m: number, n: number, k: number, x: Ptr, w: Ptr, y: Ptr, accumulate: Bool, bias: Ptr, act: number, alpha: number, work: Ptr): void;
  gemm_tn(m: number, n: number, k: number, x: Ptr, dy: Ptr, dw: Ptr, accumulate: Bool, work: Ptr): void;
  gemm_nt(m: number, n: number, k: number, dy: Ptr, w: Ptr, dx: Ptr, accumulate: Bool, work: Ptr): void;
  bias_grad(m: number, n: number, dy: Ptr, db: Ptr, accumulate: Bool): void;

  // tasks/: task t of the job recorded at rec (src/pool.ts writes the record), with workspace `work`
  run_task(rec: Ptr, t: number, work: Ptr): void;

  // activations/
  act_forward(kind: number, x: Ptr, y: Ptr, n: number, alpha: number): void;
  act_backward(kind: number, y: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void;
  softmax_forward(x: Ptr, y: Ptr, rows: number, cols: number): void;
  softmax_backward(y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number): void;
  expf_n(x: Ptr, y: Ptr, n: number): void;
  logf_n(x: Ptr, y: Ptr, n: number): void;
  tanhf_n(x: Ptr, y: Ptr, n: number): void;

  // losses/ (each returns the mean loss; grad 0 = loss only)
  loss_mse(pred: Ptr, y: Ptr, grad: Ptr, rows: number, cols: number): number;
  loss_bce(pred: Ptr, y: Ptr, grad: Ptr, rows: number, cols: number): number;
  loss_bce_logits(z: Ptr, y: Ptr, prob: Ptr, grad: Ptr, rows: number, cols: number): number;
  loss_cce(pred: Ptr, y: Ptr, grad: Ptr, rows: number, cols: number): number;
  loss_sparse_cce(pred: Ptr, labels: Ptr, grad: Ptr, rows: number, cols: number): number;
  loss_softmax_cce(z: Ptr, y: Ptr, prob: Ptr, grad: Ptr, rows: number, cols: number): number;
  loss_sparse_softmax_cce(z: Ptr, labels: Ptr, prob: Ptr, grad: Ptr, rows: number, cols: number): number;
  loss_elem(kind: number, pred: Ptr, y: Ptr, grad: Ptr, n: number, count: number, param: number): number;
  labels_binary(y: Ptr, n: number): number;
  loss_cat_hinge(pred: Ptr, y: Ptr, grad: Ptr, rows: number, cols: number): number;

  // optimizers/
  opt_sgd(w: Ptr, g: Ptr, n: number, lr: number): void;
  opt_momentum(w: Ptr, g: Ptr, v: Ptr, n: number, lr: number, mu: number, nesterov: Bool): void;
  opt_adam(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, a: number, b1: number, omb1: number, b2: number, omb2: number, eps: number, c: number, decay: number): void;
  opt_rmsprop(w: Ptr, g: Ptr, ms: Ptr, mg: Ptr, mom: Ptr, n: number, lr: number, rho: number, omrho: number, eps: number, mu: number, centered: Bool, epsInside: Bool): void;
  opt_adagrad(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, eps: number, epsInside: Bool): void;
  reg_grad(w: Ptr, g: Ptr, n: number, l1: number, l2: number): void;
  reg_penalty(w: Ptr, n: number, l1: number, l2: number): number;
  clip_value(x: Ptr, n: number, lo: number, hi: number): void;
  sum_squares(x: Ptr, n: number): number;
  scale(x: Ptr, n: number, s: number): void;

  // random/
  pcg_seed(st: Ptr, seedLo: number, seedHi: number, seq: number): void;
  pcg_u32(st: Ptr, dst: Ptr, n: number): void;
  pcg_uniform(st: Ptr, dst: Ptr, n: number, lo: number, hi: number): void;
  pcg_normal(st: Ptr, dst: Ptr, n: number, mean: number, std: number, truncated: Bool): void;
  pcg_shuffle(st: Ptr, idx: Ptr, n: number): void;
  dropout_forward(st: Ptr, x: Ptr, y: Ptr, mask: Ptr, n: number, rate: number, keepScale: number): void;
  dropout_backward(dy: Ptr, mask: Ptr, dx: Ptr, n: number): void;

  // normalization/ (per column of a [rows, cols] batch)
  col_moments(x: Ptr, rows: number, cols: number, mean: Ptr, vari: Ptr): void;
  bn_inv_std(vari: Ptr, eps: number, floor: number, inv: Ptr, cols: number): void;
  bn_forward(x: Ptr, y: Ptr, rows: number, cols: number, mean: Ptr, inv: Ptr, gamma: Ptr, beta: Ptr): void;
  bn_backward(x: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number, mean: Ptr, inv: Ptr, gamma: Ptr, dgamma: Ptr, dbeta: Ptr): void;
  bn_moving(mm: Ptr, mv: Ptr, mean: Ptr, vari: Ptr, cols: number, momentum: number, rest: number): void;
  // (per row) stats: [mean, inv] per row, written by ln_forward, read by ln_backward
  ln_forward(x: Ptr, y: Ptr, rows: number, cols: number, gamma: Ptr, beta: Ptr, eps: number, stats: Ptr): void;
  ln_backward(x: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number, gamma: Ptr, stats: Ptr, dgamma: Ptr, dbeta: Ptr): void;

  // metrics/
  argmax_rows(x: Ptr, out: Ptr, rows: number, cols: number): void;
  count_correct_onehot(pred: Ptr, y: Ptr, rows: number, cols: number): number;
  count_correct_sparse(pred: Ptr, labels: Ptr, rows: number, cols: number): number;
  count_correct_binary(pred: Ptr, y: Ptr, n: number, threshold: number): number;
  sum(x: Ptr, n: number): number;
  sum_abs_diff(a: Ptr, b: Ptr, n: number): number;
  sum_sq_diff(a: Ptr, b: Ptr, n: number): number;
  first_nonfinite(x: Ptr, n: number): number;
}
