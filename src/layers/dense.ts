// Dense: y = activation(x · W + b), W in TF.js layout [inputs, units]. Forward is one GEMM with the
// bias and activation fused; backward is the activation's derivative, dW = xᵀ·dz, db = column sums of
// dz, and dx = dz·Wᵀ.
import { Layer, registerLayer, type CommonArgs, type Step } from "./layer.js";
import { getActivation, kerasActivation, type Activation, type ActivationName } from "../activations.js";
import { getInitializer, initializerJson, type Initializer, type InitializerLike } from "../initializers.js";
import { getRegularizer, regularizerJson, type Regularizer, type RegularizerLike } from "../regularizers.js";
import type { Kernels } from "../kernels.js";
import { Act } from "../kernels.js";
import { checkSize, invalid } from "../errors.js";

/** The options of layers.dense (TF.js's names; any other key is a ValueError). */
export interface DenseArgs extends CommonArgs {
  /** The number of outputs, a positive integer up to 2^28. */
  units: number;
  /** The activation of the outputs ("linear"). */
  activation?: ActivationName;
  /** Whether to add a bias (true). */
  useBias?: boolean;
  /** How the kernel starts ("glorotUniform"): a name or an `initializers.*` value. */
  kernelInitializer?: InitializerLike;
  /** How the bias starts ("zeros"). */
  biasInitializer?: InitializerLike;
  /** A penalty on the kernel: "l1", "l2", "l1l2" or a `regularizers.*` value. */
  kernelRegularizer?: RegularizerLike;
  /** A penalty on the bias. */
  biasRegularizer?: RegularizerLike;
}

/**
 * A fully connected layer: output = activation(input · kernel + bias), the kernel of shape
 * [inputs, units] (TF.js's layout). Made by `layers.dense(args)`.
 */
export class Dense extends Layer {
  /** "Dense". */
  readonly className = "Dense";
  /** The number of outputs (neurons). */
  readonly units: number;
  /** The activation applied to each output (its `name`: "relu", "sigmoid", …). */
  readonly activation: Activation;
  /** Whether the layer adds a bias (default true). */
  readonly useBias: boolean;
  private readonly inits: [Initializer, Initializer];
  private readonly reg: [Regularizer | undefined, Regularizer | undefined];

  /** Use `layers.dense(args)`; throws a ValueError on an argument it does not act on or cannot take. */
  constructor(args: DenseArgs) {
    super("dense", args, ["units", "activation", "useBias", "kernelInitializer", "biasInitializer", "kernelRegularizer", "biasRegularizer"]);
    this.units = checkSize("layers.dense({ units })", args.units);
    this.activation = getActivation(args.activation ?? "linear");
    if (args.useBias !== undefined && typeof args.useBias !== "boolean") throw invalid("layers.dense({ useBias })", args.useBias, "true or false");
    this.useBias = args.useBias ?? true;
    // Resolved now, so that a bad name fails at the call that has it.
    this.inits = [getInitializer("layers.dense({ kernelInitializer })", args.kernelInitializer ?? "glorotUniform"), getInitializer("layers.dense({ biasInitializer })", args.biasInitializer ?? "zeros")];
    this.reg = [getRegularizer("layers.dense({ kernelRegularizer })", args.kernelRegularizer), getRegularizer("layers.dense({ biasRegularizer })", args.biasRegularizer)];
  }

  protected computeOutputShape(shape: number[]): number[] {
    const inputs = this.flat(shape);
    this.addParam("kernel", [inputs, this.units], this.inits[0], this.reg[0], inputs, this.units);
    if (this.useBias) this.addParam("bias", [this.units], this.inits[1], this.reg[1], inputs, this.units);
    return [this.units];
  }

  getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: kerasActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: initializerJson(this.inits[0]),
      biasInitializer: initializerJson(this.inits[1]),
      kernelRegularizer: regularizerJson(this.reg[0]),
      biasRegularizer: regularizerJson(this.reg[1]),
      activityRegularizer: null,
      kernelConstraint: null,
      biasConstraint: null,
    };
  }

  override get fusable(): Activation {
    return this.activation;
  }

  override workBytes(k: Kernels, rows: number): number {
    const i = this.inputDim, u = this.units;
    return Math.max(k.gemm_work_bytes(u, i), k.gemm_work_bytes(u, rows), k.gemm_work_bytes(i, u));
  }

  /** @internal */
  forward(s: Step): void {
    const act = this.deferActivation && s.training ? Act.linear : this.activation.code;
    const bias = this.useBias ? this.params[1].value : 0;
    s.k.gemm_nn(s.rows, this.units, this.inputDim, this.input, this.params[0].value, this.output, 0, bias, act, this.activation.alpha, s.work);
  }

  /** @internal */
  backward(s: Step, dy: number, dx: number): number {
    const { k, rows } = s;
    const n = this.units;
    const w = this.params[0], b = this.useBias ? this.params[1] : undefined; // indexed: no iterator in a step
    if (!this.deferActivation) {
      if (this.activation.code === Act.softmax) k.softmax_backward(this.output, dy, dy, rows, n);
      else if (this.activation.code !== Act.linear) k.act_backward(this.activation.code, this.output, dy, dy, rows * n, this.activation.alpha);
    }
    if (w.grad) k.gemm_tn(this.inputDim, n, rows, this.input, dy, w.grad, 0, s.work);
    if (b?.grad) k.bias_grad(rows, n, dy, b.grad, 0);
    if (dx) k.gemm_nt(rows, this.inputDim, n, dy, w.value, dx, 0, s.work);
    return dx;
  }
}

registerLayer("Dense", Dense);
