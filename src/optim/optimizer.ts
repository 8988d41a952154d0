// Optimizers: the base owns the step count, the slots and clipping; each subclass is one update rule
// (STYLE.md 9), ending in one fused kernel call per parameter tensor.
import type { Kernels } from "../kernels.js";
import type { Param } from "../layers/layer.js";
import { checkNumber, invalid } from "../errors.js";

/** Gradient clipping, applied before every update; every optimizer takes these. */
export interface ClipArgs {
  /** Clip each gradient tensor to this L2 norm (Keras's clipnorm). */
  clipnorm?: number;
  /** Clip the gradients of all tensors together to this global L2 norm (Keras's global_clipnorm). */
  globalClipnorm?: number;
  /** Clip every gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number;
}

export const CLIP_KEYS = ["clipnorm", "globalClipnorm", "clipvalue"];

/**
 * The base of the optimizers (made by the `optimizers` factories or named in compile). An optimizer belongs
 * to the model it is compiled into: it holds the step count and, in the model's memory, its slots.
 */
export abstract class Optimizer {
  /** The Keras/TF.js class name ("SGD", "Adam", …), as saved with includeOptimizer. */
  abstract readonly className: string;
  /** @internal The names of the slots (float arrays the size of the parameter) each parameter needs, as saved ("m", "v"). */
  abstract readonly slotNames: string[];
  /** @internal */
  get slotCount(): number {
    return this.slotNames.length;
  }
  private lr = 0;
  /** Each gradient tensor is scaled down to this L2 norm when it is longer (Keras's clipnorm), if set. */
  readonly clipnorm?: number;
  /** All gradients together are scaled down to this global L2 norm (Keras's global_clipnorm), if set. */
  readonly globalClipnorm?: number;
  /** Every gradient element is clipped to [-clipvalue, clipvalue], if set. */
  readonly clipvalue?: number;
  /** Updates applied so far (Keras's `iterations`); Adam's bias corrections use it. */
  iterations = 0;

  protected constructor(what: string, learningRate: number, clip: ClipArgs) {
    this.lr = checkNumber(`${what}({ learningRate })`, learningRate, 0, 1e6);
    for (const key of ["clipnorm", "globalClipnorm", "clipvalue"] as const) {
      const v = clip[key];
      if (v !== undefined && (typeof v !== "number" || !(v > 0) || !Number.isFinite(v))) throw invalid(`${what}({ ${key} })`, v, "a positive number");
    }
    this.clipnorm = clip.clipnorm;
    this.globalClipnorm = clip.globalClipnorm;
    this.clipvalue = clip.clipvalue;
  }

  /** The step size; settable (a schedule, or TF.js code that assigns it), checked like the constructor's. */
  get learningRate(): number {
    return this.lr;
  }
  /** Sets the step size (a number in [0, 1e6]; anything else is a ValueError and changes nothing). */
  set learningRate(v: number) {
    this.lr = checkNumber(`${this.className}.learningRate`, v, 0, 1e6);
  }

  /** @internal The initial value of slot i (Adagrad starts its accumulator at 0.1). */
  slotInit(_i: number): number {
    return 0;
  }

  /** @internal One update of every parameter from its gradient, after clipping. */
  applyGradients(k: Kernels, params: Param[]): void {
    const t = ++this.iterations;
    // Clipping is a method of its own, run when set: this one stays small enough that V8 inlines the
    // update kernels' calls into it (a double passed to a call it does not inline is boxed: an allocation).
    if (this.clipvalue !== undefined || this.clipnorm !== undefined || this.globalClipnorm !== undefined) this.clip(k, params);
    this.prepare(t);
    for (let i = 0; i < params.length; i++) this.update(k, params[i]); // indexed: no iterator object in a step
  }

  private clip(k: Kernels, params: Param[]): void {
    const n = params.length;
    if (this.clipvalue !== undefined) for (let i = 0; i < n; i++) k.clip_value(params[i].grad, params[i].size, -this.clipvalue, this.clipvalue);
    if (this.clipnorm !== undefined) {
      for (let i = 0; i < n; i++) {
        const p = params[i];
        const norm = Math.sqrt(k.sum_squares(p.grad, p.size));
        if (norm > this.clipnorm) k.scale(p.grad, p.size, this.clipnorm / norm);
      }
    }
    if (this.globalClipnorm !== undefined) {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += k.sum_squares(params[i].grad, params[i].size);
      const norm = Math.sqrt(ss);
      if (norm > this.globalClipnorm) for (let i = 0; i < n; i++) k.scale(params[i].grad, params[i].size, this.globalClipnorm / norm);
    }
  }

  /** Per-step scalars shared by all parameters (bias corrections). */
  protected prepare(_t: number): void {}

  protected abstract update(k: Kernels, p: Param): void;

  /** The optimizer's settings, as Keras's get_config (what a save with includeOptimizer writes). */
  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, clipnorm: this.clipnorm, globalClipnorm: this.globalClipnorm, clipvalue: this.clipvalue };
  }
}
