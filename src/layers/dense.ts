// Dense: y = activation(x · W + b), W in TF.js layout [inputs, units]. Forward is one GEMM with the
// bias and activation fused; backward is the activation's derivative, dW = xᵀ·dz, db = column sums of
// dz, and dx = dz·Wᵀ.
import { checkLayerArgs, Layer, type CommonArgs, type Param, type Step } from "./layer.js";
import { getActivation, type Activation, type ActivationName } from "../activations.js";
import { getInitializer, type InitializerLike } from "../initializers.js";
import { getRegularizer, type RegularizerLike } from "../regularizers.js";
import { Act } from "../kernels.js";
import { checkSize, invalid, ValueError } from "../errors.js";
import { MAX_ELEMENTS } from "../limits.js";

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
  private readonly args: DenseArgs;

  /** Use `layers.dense(args)`; throws a ValueError on an argument it does not act on or cannot take. */
  constructor(args: DenseArgs) {
    checkLayerArgs("dense", args, ["units", "activation", "useBias", "kernelInitializer", "biasInitializer", "kernelRegularizer", "biasRegularizer"]);
    super("dense", args);
    this.units = checkSize("layers.dense({ units })", args.units);
    this.activation = getActivation(args.activation ?? "linear");
    if (args.useBias !== undefined && typeof args.useBias !== "boolean") throw invalid("layers.dense({ useBias })", args.useBias, "true or false");
    this.useBias = args.useBias ?? true;
    // Resolve names now, so a bad one fails at the call that has it.
    getInitializer("layers.dense({ kernelInitializer })", args.kernelInitializer ?? "glorotUniform");
    getInitializer("layers.dense({ biasInitializer })", args.biasInitializer ?? "zeros");
    getRegularizer("layers.dense({ kernelRegularizer })", args.kernelRegularizer);
    getRegularizer("layers.dense({ biasRegularizer })", args.biasRegularizer);
    this.args = args;
  }

  protected computeOutputDim(inputDim: number): number {
    const a = this.args;
    const param = (name: string, shape: number[], init: unknown, reg: unknown, what: string): Param => ({
      name: `${this.name}/${name}`,
      shape,
      size: shape.reduce((x, y) => x * y, 1),
      initializer: getInitializer(`layers.dense({ ${what}Initializer })`, init),
      regularizer: getRegularizer(`layers.dense({ ${what}Regularizer })`, reg),
      fanIn: inputDim,
      fanOut: this.units,
      value: 0,
      grad: 0,
      slots: [],
    });
    if (inputDim * this.units > MAX_ELEMENTS) {
      throw new ValueError(`layer ${this.name}: a kernel [${inputDim}, ${this.units}] holds more than 2^28 weights (1 GiB)`);
    }
    this.params.length = 0;
    this.params.push(param("kernel", [inputDim, this.units], a.kernelInitializer ?? "glorotUniform", a.kernelRegularizer, "kernel"));
    if (this.useBias) this.params.push(param("bias", [this.units], a.biasInitializer ?? "zeros", a.biasRegularizer, "bias"));
    return this.units;
  }

  /** @internal */
  forward(s: Step): void {
    const act = this.deferActivation && s.training ? Act.linear : this.activation.code;
    const bias = this.useBias ? this.params[1].value : 0;
    s.k.gemm_nn(s.rows, this.units, this.inputDim, this.input, this.params[0].value, this.output, 0, bias, act, this.activation.alpha, s.work);
  }

  backward(s: Step, dy: number, dx: number): number {
    const { k, rows } = s;
    const n = this.units;
    if (!this.deferActivation) {
      if (this.activation.code === Act.softmax) k.softmax_backward(this.output, dy, dy, rows, n);
      else if (this.activation.code !== Act.linear) k.act_backward(this.activation.code, this.output, dy, dy, rows * n, this.activation.alpha);
    }
    k.gemm_tn(this.inputDim, n, rows, this.input, dy, this.params[0].grad, 0, s.work);
    if (this.useBias) k.bias_grad(rows, n, dy, this.params[1].grad, 0);
    if (dx) k.gemm_nt(rows, this.inputDim, n, dy, this.params[0].value, dx, 0, s.work);
    return dx;
  }
}
