// Activation and LeakyReLU layers: an elementwise (or, for softmax, row-wise) function of their input.
import { Layer, registerLayer, type CommonArgs, type Step } from "./layer.js";
import { getActivation, kerasActivation, leaky, type Activation, type ActivationName } from "../activations.js";
import { Act } from "../kernels.js";
import { checkNumber } from "../errors.js";

/** A layer that applies an activation to its input (softmax: over each row). Made by `layers.activation({ activation })`. */
export class ActivationLayer extends Layer {
  /** "Activation". */
  readonly className: string = "Activation";
  /** The activation (its `name`: "relu", "softmax", …). */
  readonly activation: Activation;

  /** Use `layers.activation({ activation })`. */
  constructor(args: { activation: ActivationName } & CommonArgs, act?: Activation) {
    if (act) super("leaky_re_lu", args, ["alpha"], "leakyReLU");
    else super("activation", args, ["activation"]);
    this.activation = act ?? getActivation(args.activation);
  }

  protected computeOutputShape(shape: number[]): number[] {
    if (this.activation.code === Act.softmax) this.flat(shape); // over each row of features
    return shape;
  }

  getConfig(): Record<string, unknown> {
    return { activation: kerasActivation(this.activation) };
  }

  override get fusable(): Activation {
    return this.activation;
  }

  /** @internal */
  forward(s: Step): void {
    const n = s.rows * this.outputDim;
    const a = this.deferActivation && s.training ? Act.linear : this.activation.code;
    if (a === Act.softmax) s.k.softmax_forward(this.input, this.output, s.rows, this.outputDim);
    else s.k.act_forward(a, this.input, this.output, n, this.activation.alpha);
  }

  /** @internal */
  backward(s: Step, dy: number): number {
    if (this.deferActivation) return dy;
    if (this.activation.code === Act.softmax) s.k.softmax_backward(this.output, dy, dy, s.rows, this.outputDim);
    else s.k.act_backward(this.activation.code, this.output, dy, dy, s.rows * this.outputDim, this.activation.alpha);
    return dy;
  }
}

/** Leaky ReLU as a layer: max(alpha · x, x), alpha 0.3 by default (TF.js, Keras). Made by `layers.leakyReLU({ alpha })`. */
export class LeakyReLU extends ActivationLayer {
  /** "LeakyReLU". */
  override readonly className = "LeakyReLU";
  /** The slope below zero. */
  readonly alpha: number;

  /** Use `layers.leakyReLU({ alpha })`. */
  constructor(args: { alpha?: number } & CommonArgs = {}) {
    const alpha = checkNumber("layers.leakyReLU({ alpha })", args?.alpha ?? 0.3, 0, 1e30);
    super(args as { activation: ActivationName } & CommonArgs, leaky(alpha));
    this.alpha = alpha;
  }

  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha };
  }
}

registerLayer("Activation", ActivationLayer);
registerLayer("LeakyReLU", LeakyReLU);
