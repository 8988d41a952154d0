// Per-step scalars the optimizer kernels take, computed in float64 by the host (the kernels only see
// float32 values): bias corrections, and which framework's convention the update follows.

/** Where an optimizer puts epsilon: "keras" (as Keras and TF.js) or "torch" (as PyTorch). */
export type Convention = "keras" | "torch";

/**
 * Adam's a and c for step t (1-based), for the kernel's w = w decay - a m / (sqrt(v) c + eps).
 * keras (and TF.js): lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), epsilon outside the corrected root ("eps hat");
 * torch: m / (1 - b1^t) over sqrt(v / (1 - b2^t)) + eps.
 */
export function adamCoefficients(lr: number, beta1: number, beta2: number, t: number, convention: Convention, out = new Float64Array(2)): Float64Array {
  const bc1 = 1 - beta1 ** t;
  const bc2 = 1 - beta2 ** t;
  out[0] = convention === "torch" ? lr / bc1 : (lr * Math.sqrt(bc2)) / bc1;
  out[1] = convention === "torch" ? 1 / Math.sqrt(bc2) : 1;
  return out; // [a, c]; pass `out` to reuse one array per optimizer (a training step allocates nothing)
}
