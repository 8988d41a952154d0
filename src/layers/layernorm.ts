// LayerNormalization (Ba, Kiros & Hinton 2016) as Keras and TF.js compute it: each sample is normalized
// over its features by its own mean and biased variance, y = (x - mean) / sqrt(var + epsilon) · gamma + beta,
// the same in training and inference (no state). PyTorch's nn.LayerNorm is the same function (its
// epsilon defaults to 1e-5, Keras's to 1e-3).
import { Layer, registerLayer, type Alloc, type CommonArgs, type Fill, type Step } from "./layer.js";
import { getInitializer, initializerJson, type Initializer, type InitializerLike } from "../initializers.js";
import { checkNumber, invalid } from "../errors.js";

/** The options of layers.layerNormalization (TF.js's names and Keras's defaults). */
export interface LayerNormalizationArgs extends CommonArgs {
  /** The axis normalized over: -1, the features (1 and [-1] mean the same for flat samples). */
  axis?: number | number[];
  /** Added to the variance before the root, > 0 (0.001). */
  epsilon?: number;
  /** Whether to add the learned offset beta (true). */
  center?: boolean;
  /** Whether to multiply by the learned scale gamma (true). */
  scale?: boolean;
  /** How beta starts ("zeros"). */
  betaInitializer?: InitializerLike;
  /** How gamma starts ("ones"). */
  gammaInitializer?: InitializerLike;
}

/**
 * Layer normalization (Keras's and TF.js's LayerNormalization): each sample normalized over its features,
 * then scaled by gamma and shifted by beta (both trained). Made by `layers.layerNormalization(args)`.
 */
export class LayerNormalization extends Layer {
  /** "LayerNormalization". */
  readonly className = "LayerNormalization";
  /** Added to the variance before the root. */
  readonly epsilon: number;
  /** Whether beta is added. */
  readonly center: boolean;
  /** Whether gamma multiplies. */
  readonly scale: boolean;
  private readonly inits: Initializer[];
  private buf = 0; // per feature: ones, zeros, dgamma and dbeta when not trained
  private stats = 0; // per row: mean and 1/std

  /** Use `layers.layerNormalization(args)`. */
  constructor(args: LayerNormalizationArgs = {}) {
    super("layer_normalization", args, ["axis", "epsilon", "center", "scale", "betaInitializer", "gammaInitializer"], "layerNormalization");
    const axis = Array.isArray(args.axis) && args.axis.length === 1 ? args.axis[0] : args.axis;
    if (axis !== undefined && axis !== -1 && axis !== 1) throw invalid("layers.layerNormalization({ axis })", args.axis, "-1 (the features of flat samples; put layers.flatten() first)");
    this.epsilon = checkNumber("layers.layerNormalization({ epsilon })", args.epsilon ?? 1e-3, 0, 1, true);
    for (const k of ["center", "scale"] as const) if (args[k] !== undefined && typeof args[k] !== "boolean") throw invalid(`layers.layerNormalization({ ${k} })`, args[k], "true or false");
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = [getInitializer("layers.layerNormalization({ gammaInitializer })", args.gammaInitializer ?? "ones"), getInitializer("layers.layerNormalization({ betaInitializer })", args.betaInitializer ?? "zeros")];
  }

  protected computeOutputShape(shape: number[]): number[] {
    const c = this.flat(shape);
    if (this.scale) this.addParam("gamma", [c], this.inits[0], undefined, c, c);
    if (this.center) this.addParam("beta", [c], this.inits[1], undefined, c, c);
    return shape;
  }

  getConfig(): Record<string, unknown> {
    return {
      axis: -1, epsilon: this.epsilon, center: this.center, scale: this.scale,
      betaInitializer: initializerJson(this.inits[1]), gammaInitializer: initializerJson(this.inits[0]),
      betaRegularizer: null, gammaRegularizer: null, betaConstraint: null, gammaConstraint: null,
    };
  }

  override allocState(alloc: Alloc): void {
    this.buf = alloc(4 * this.outputDim);
  }

  override init(fill: Fill): void {
    fill(this.buf, this.outputDim, 1);
    fill(this.buf + 4 * this.outputDim, this.outputDim, 0);
  }

  override plan(alloc: Alloc, rows: number): void {
    this.stats = alloc(2 * rows);
  }

  private part(i: number): number {
    return this.buf + 4 * i * this.outputDim;
  }

  /** @internal */
  forward(s: Step): void {
    const p = this.params;
    const gamma = this.scale ? p[0].value : this.part(0), beta = this.center ? p[+this.scale].value : this.part(1);
    s.k.ln_forward(this.input, this.output, s.rows, this.outputDim, gamma, beta, this.epsilon, this.stats);
  }

  /** @internal */
  backward(s: Step, dy: number): number {
    const p = this.params;
    const g = this.scale ? p[0] : undefined, b = this.center ? p[+this.scale] : undefined;
    s.k.ln_backward(this.input, dy, dy, s.rows, this.outputDim, g ? g.value : this.part(0), this.stats, g?.grad || this.part(2), b?.grad || this.part(3));
    return dy;
  }
}

registerLayer("LayerNormalization", LayerNormalization);
