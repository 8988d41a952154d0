// The wasm module's exports, typed. Pointers are byte offsets into the engine's memory; bool is 0 or 1.
// Kinds and codes mirror assembly/ (activations.ts, losses.ts).

type Ptr = number;
type Bool = 0 | 1;

export const Act = { linear: 0, step: 1, sigmoid: 2, tanh: 3, relu: 4, leakyRelu: 5, softmax: 6 } as const;
export type ActKind = (typeof Act)[keyof typeof Act];

export interface Kernels {
  heap_base(): number;

  // assembly/gemm
  gemm_work_bytes(n: number, k: number): number;
  gemm_nn(m: number, n: number, k: number, x: Ptr, w: Ptr, y: Ptr, accumulate: Bool, bias: Ptr, act: number, alpha: number, work: Ptr): void;
  gemm_tn(m: number, n: number, k: number, x: Ptr, dy: Ptr, dw: Ptr, accumulate: Bool, work: Ptr): void;
  gemm_nt(m: number, n: number, k: number, dy: Ptr, w: Ptr, dx: Ptr, accumulate: Bool, work: Ptr): void;
  bias_grad(m: number, n: number, dy: Ptr, db: Ptr, accumulate: Bool): void;

  // assembly/activations
  act_forward(kind: number, x: Ptr, y: Ptr, n: number, alpha: number): void;
  act_backward(kind: number, y: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void;
  softmax_forward(x: Ptr, y: Ptr, rows: number, cols: number): void;
  softmax_backward(y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number): void;
  expf_n(x: Ptr, y: Ptr, n: number): void;
  logf_n(x: Ptr, y: Ptr, n: number): void;
  tanhf_n(x: Ptr, y: Ptr, n: number): void;
}
