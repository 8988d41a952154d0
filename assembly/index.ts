// The kernel surface of myelin's wasm module: every export takes byte offsets into the host's memory,
// sizes and scalars, and returns numbers. Names are stable across the SIMD and scalar builds.
export { expf_n, logf_n, tanhf_n } from "./activations/activations";

/** First free byte after the module's static data: the host's arena starts here. */
export function heap_base(): usize {
  return __heap_base;
}
export { gemm_nn, gemm_tn, gemm_nt, bias_grad, gemm_work_bytes } from "./gemm/gemm";
export { act_forward, act_backward, softmax_forward, softmax_backward } from "./activations/activations";
