// The kernel surface of myelin's wasm module. Every export takes byte offsets into the host's memory,
// sizes and scalars, and returns numbers; none allocates, throws or calls the host. Export names are the
// same in the SIMD and scalar builds. Families, one folder each:
//   gemm/         dense-layer GEMMs (forward with fused bias + activation, both backward layouts), bias_grad
//   activations/  forward and backward of each activation, row-wise softmax
//   losses/       mean losses and their gradients, fused softmax/sigmoid + cross-entropy
//   optimizers/   in-place updates, regularization, clipping
//   random/       PCG32 draws, shuffling, dropout
//   metrics/      argmax, correct counts, sums, the finite check
//   normalization/ batch normalization (column moments, forward, backward, moving averages), layer normalization
//   tasks/        one task (GEMM tile, column block, update chunk) of a job that threads share
// Naming (after XNNPACK's micro-kernel convention): internal kernels say op, tile and ISA, e.g.
// ukernel_4x8_simd, gemm_4x8_simd, gemm_scalar; the exported names say only the op (gemm_nn).
export { gemm_nn, gemm_tn, gemm_nt, bias_grad, gemm_work_bytes } from "./gemm/gemm";
export { act_forward, act_backward, softmax_forward, softmax_backward, expf_n, logf_n, tanhf_n } from "./activations/activations";
export { loss_mse, loss_bce, loss_bce_logits, loss_cce, loss_sparse_cce, loss_softmax_cce, loss_sparse_softmax_cce, loss_elem, loss_cat_hinge, labels_binary } from "./losses/losses";
export { opt_sgd, opt_momentum, opt_adam, opt_rmsprop, opt_adagrad, reg_grad, reg_penalty, clip_value, sum_squares, scale } from "./optimizers/optimizers";
export { pcg_seed, pcg_u32, pcg_uniform, pcg_normal, pcg_shuffle, dropout_forward, dropout_backward } from "./random/pcg32";
export { run_task } from "./tasks/tasks";
export { col_moments, bn_inv_std, bn_forward, bn_backward, bn_moving, ln_forward, ln_backward } from "./normalization/normalization";
export { argmax_rows, count_correct_onehot, count_correct_sparse, count_correct_binary, sum, sum_abs_diff, sum_sq_diff, first_nonfinite } from "./metrics/metrics";

/** First free byte after the module's static data: the host's arena starts here. */
export function heap_base(): usize {
  return __heap_base;
}
