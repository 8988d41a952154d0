// The update rules, in order of increasing complexity. Defaults are Keras's (and TF.js's where it
// agrees); epsilon sits where Keras and TF.js put it.
import { CLIP_KEYS, Optimizer, type ClipArgs } from "./optimizer.js";
import { ADAM_SLOTS, adamCoefficientsInto, type Convention } from "./coefficients.js";
import type { Kernels } from "../kernels.js";
import type { Param } from "../layers/layer.js";
import { checkNumber, checkOptions, invalid } from "../errors.js";

/** The config key only PyTorch's convention needs (Keras's is the default, and Keras reads no such key). */
const torch = (c: Convention) => (c === "torch" ? { convention: c } : {});

function checkConvention(what: string, c: unknown): Convention {
  if (c !== undefined && c !== "keras" && c !== "torch") throw invalid(`${what}({ convention })`, c, "'keras' or 'torch'");
  return (c as Convention | undefined) ?? "keras";
}

/** Plain gradient descent, with optional momentum and Nesterov momentum (Sutskever et al. 2013). */
export class SGD extends Optimizer {
  /** "SGD". */
  readonly className = "SGD";
  /** The momentum, in [0, 1) (0: plain gradient descent). */
  readonly momentum: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;
  /** @internal */
  get slotNames(): string[] {
    return this.momentum > 0 ? ["momentum"] : [];
  }
  /** Use `optimizers.sgd(...)`: learningRate 0.01, momentum 0, nesterov false, and the clipping options. */
  constructor(a: { learningRate?: number; momentum?: number; nesterov?: boolean } & ClipArgs = {}) {
    checkOptions("optimizers.sgd(options)", a, ["learningRate", "momentum", "nesterov", ...CLIP_KEYS]);
    super("optimizers.sgd", a.learningRate ?? 0.01, a);
    this.momentum = checkNumber("optimizers.sgd({ momentum })", a.momentum ?? 0, 0, 1, false, true);
    if (a.nesterov !== undefined && typeof a.nesterov !== "boolean") throw invalid("optimizers.sgd({ nesterov })", a.nesterov, "true or false");
    this.nesterov = a.nesterov ?? false;
  }
  protected update(k: Kernels, p: Param): void {
    if (this.momentum > 0) k.opt_momentum(p.value, p.grad, p.slots[0], p.size, this.learningRate, this.momentum, this.nesterov ? 1 : 0);
    else k.opt_sgd(p.value, p.grad, p.size, this.learningRate);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Adagrad (Duchi et al. 2011), epsilon inside the root as Keras and TF.js apply it; convention 'torch'
 * puts it outside (sqrt(acc) + eps) as PyTorch does.
 */
export class Adagrad extends Optimizer {
  /** "Adagrad". */
  readonly className = "Adagrad";
  /** @internal */
  readonly slotNames = ["accumulator"];
  /** The accumulator's starting value (0.1, as Keras and TF.js; PyTorch starts at 0). */
  readonly initialAccumulatorValue: number;
  /** The small constant added to the root, > 0. */
  readonly epsilon: number;
  /** "keras" (epsilon inside the root, the default) or "torch" (outside, as PyTorch). */
  readonly convention: Convention;
  /** Use `optimizers.adagrad(...)`: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7. */
  constructor(a: { learningRate?: number; initialAccumulatorValue?: number; epsilon?: number; convention?: Convention } & ClipArgs = {}) {
    checkOptions("optimizers.adagrad(options)", a, ["learningRate", "initialAccumulatorValue", "epsilon", "convention", ...CLIP_KEYS]);
    super("optimizers.adagrad", a.learningRate ?? 0.001, a);
    this.initialAccumulatorValue = checkNumber("optimizers.adagrad({ initialAccumulatorValue })", a.initialAccumulatorValue ?? 0.1, 0, 1e30);
    this.epsilon = checkNumber("optimizers.adagrad({ epsilon })", a.epsilon ?? 1e-7, 0, 1, true); // 0 would divide 0 by 0 for a weight never updated
    this.convention = checkConvention("optimizers.adagrad", a.convention);
  }
  override slotInit(): number {
    return this.initialAccumulatorValue;
  }
  protected update(k: Kernels, p: Param): void {
    k.opt_adagrad(p.value, p.grad, p.slots[0], p.size, this.learningRate, this.epsilon, this.convention === "torch" ? 0 : 1);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon, ...torch(this.convention) };
  }
}

/**
 * RMSprop (Hinton, lecture 6e), with Keras's rho, momentum and centered options; epsilon inside the root
 * (Keras 2, TF.js), or outside with convention 'torch' (PyTorch). Momentum is applied in the Keras form
 * mom = mu mom + lr g / d, the same as PyTorch's for a constant learning rate.
 */
export class RMSprop extends Optimizer {
  /** "RMSprop". */
  readonly className = "RMSprop";
  /** The decay of the mean square, in [0, 1) (TF.js's decay; 0.9). */
  readonly rho: number;
  /** Momentum, in [0, 1) (0). */
  readonly momentum: number;
  /** The small constant added to the root, > 0 (1e-7). */
  readonly epsilon: number;
  /** Whether the mean gradient is subtracted (the variance, not the mean square, scales the step). */
  readonly centered: boolean;
  /** "keras" (epsilon inside the root, the default) or "torch" (outside, as PyTorch). */
  readonly convention: Convention;
  /** @internal The mean square, the mean gradient (centered), the momentum. */
  readonly slotNames = ["rms", "mg", "momentum"];
  /** Use `optimizers.rmsprop(...)`: learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false. */
  constructor(a: { learningRate?: number; rho?: number; momentum?: number; epsilon?: number; centered?: boolean; convention?: Convention } & ClipArgs = {}) {
    checkOptions("optimizers.rmsprop(options)", a, ["learningRate", "rho", "momentum", "epsilon", "centered", "convention", ...CLIP_KEYS]);
    super("optimizers.rmsprop", a.learningRate ?? 0.001, a);
    this.rho = checkNumber("optimizers.rmsprop({ rho })", a.rho ?? 0.9, 0, 1, false, true);
    this.momentum = checkNumber("optimizers.rmsprop({ momentum })", a.momentum ?? 0, 0, 1, false, true);
    this.epsilon = checkNumber("optimizers.rmsprop({ epsilon })", a.epsilon ?? 1e-7, 0, 1, true);
    if (a.centered !== undefined && typeof a.centered !== "boolean") throw invalid("optimizers.rmsprop({ centered })", a.centered, "true or false");
    this.centered = a.centered ?? false;
    this.convention = checkConvention("optimizers.rmsprop", a.convention);
  }
  protected update(k: Kernels, p: Param): void {
    const s = p.slots;
    k.opt_rmsprop(p.value, p.grad, s[0], s[1], s[2], p.size, this.learningRate, this.rho, 1 - this.rho, this.epsilon, this.momentum, this.centered ? 1 : 0, this.convention === "torch" ? 0 : 1);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered, ...torch(this.convention) };
  }
}

/**
 * Adam (Kingma & Ba 2015) as Keras and TF.js apply it (epsilon-hat: lr_t = lr sqrt(1 - b2^t)/(1 - b1^t)),
 * and AdamW (Loshchilov & Hutter 2019) with decoupled weight decay w -= lr wd w (Keras default 0.004).
 * `convention: 'torch'` puts epsilon after the bias correction as PyTorch does (m̂ / (sqrt(v̂) + eps)),
 * for models ported from PyTorch; the two differ only where sqrt(v) is near epsilon.
 */
export class Adam extends Optimizer {
  /** "Adam". */
  readonly className: string = "Adam";
  /** @internal */
  readonly slotNames = ["m", "v"];
  /** The decay of the first moment, in [0, 1) (0.9). */
  readonly beta1: number;
  /** The decay of the second moment, in [0, 1) (0.999). */
  readonly beta2: number;
  /** The small constant of the denominator, > 0 (1e-7). */
  readonly epsilon: number;
  /** Decoupled weight decay per step, w -= lr · weightDecay · w (0 for Adam; 0.004 for AdamW). */
  readonly weightDecay: number;
  /** "keras" (the default) or "torch" (epsilon after the bias correction, as PyTorch). */
  readonly convention: Convention;
  private readonly ac = new Float64Array(ADAM_SLOTS); // per-step a and c (and their inputs): typed-array slots, no boxed doubles
  /** Use `optimizers.adam(...)`: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  constructor(a: AdamArgs = {}, what = "optimizers.adam") {
    checkOptions(`${what}(options)`, a, ["learningRate", "beta1", "beta2", "epsilon", "weightDecay", "convention", ...CLIP_KEYS]);
    super(what, a.learningRate ?? 0.001, a);
    this.beta1 = checkNumber(`${what}({ beta1 })`, a.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = checkNumber(`${what}({ beta2 })`, a.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = checkNumber(`${what}({ epsilon })`, a.epsilon ?? 1e-7, 0, 1, true);
    this.weightDecay = checkNumber(`${what}({ weightDecay })`, a.weightDecay ?? 0, 0, 1e6);
    this.convention = checkConvention(what, a.convention);
  }
  protected override prepare(t: number): void {
    const h = this.ac;
    h[2] = this.learningRate;
    h[3] = this.beta1;
    h[4] = this.beta2;
    adamCoefficientsInto(h, t, this.convention === "torch");
  }
  protected update(k: Kernels, p: Param): void {
    const decay = 1 - this.learningRate * this.weightDecay;
    k.opt_adam(p.value, p.grad, p.slots[0], p.slots[1], p.size, this.ac[0], this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2, this.epsilon, this.ac[1], decay);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, ...(this.weightDecay ? { weightDecay: this.weightDecay } : {}), ...torch(this.convention) };
  }
}

/** The options of optimizers.adam and optimizers.adamw. */
export type AdamArgs = {
  /** The step size (0.001). */
  learningRate?: number;
  /** The first moment's decay (0.9). */
  beta1?: number;
  /** The second moment's decay (0.999). */
  beta2?: number;
  /** The denominator's constant (1e-7). */
  epsilon?: number;
  /** Decoupled weight decay (Adam 0, AdamW 0.004). */
  weightDecay?: number;
  /** "keras" (default) or "torch". */
  convention?: Convention;
} & ClipArgs;

/** Adam with decoupled weight decay (Loshchilov & Hutter 2019), weightDecay 0.004 by default (Keras). */
export class AdamW extends Adam {
  /** "AdamW". */
  override readonly className = "AdamW";
  /** Use `optimizers.adamw(...)`. */
  constructor(a: AdamArgs = {}) {
    super({ ...a, weightDecay: a.weightDecay ?? 0.004 }, "optimizers.adamw");
  }
}
