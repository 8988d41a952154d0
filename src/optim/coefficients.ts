// Per-step scalars the optimizer kernels take, computed in float64 by the host (the kernels only see
// float32 values): bias corrections, and which framework's convention the update follows.

/** Where an optimizer puts epsilon: "keras" (as Keras and TF.js) or "torch" (as PyTorch). */
export type Convention = "keras" | "torch";

/**
 * Adam's a and c for step t (1-based), for the kernel's w = w decay - a m / (sqrt(v) c + eps).
 * keras (and TF.js): lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), epsilon outside the corrected root ("eps hat");
 * torch: m / (1 - b1^t) over sqrt(v / (1 - b2^t)) + eps.
 */
export function adamCoefficients(lr: number, beta1: number, beta2: number, t: number, convention: Convention): Float64Array {
  const h = new Float64Array(ADAM_SLOTS);
  h[2] = lr;
  h[3] = beta1;
  h[4] = beta2;
  adamCoefficientsInto(h, t, convention === "torch");
  return h.subarray(0, 2); // [a, c]
}

/** The length of adamCoefficientsInto's array. */
export const ADAM_SLOTS = 5;

/**
 * adamCoefficients for a training step: reads lr, beta1 and beta2 from h[2], h[3], h[4] and writes a and c
 * to h[0] and h[1]. Numbers pass through the array, not as arguments: a double passed to a call that V8
 * does not inline is boxed, an allocation in every step.
 */
export function adamCoefficientsInto(h: Float64Array, t: number, torch: boolean): void {
  const bc1 = 1 - h[3] ** t;
  const bc2 = 1 - h[4] ** t;
  h[0] = torch ? h[2] / bc1 : (h[2] * Math.sqrt(bc2)) / bc1;
  h[1] = torch ? 1 / Math.sqrt(bc2) : 1;
}
