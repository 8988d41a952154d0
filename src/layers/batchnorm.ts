// BatchNormalization (Ioffe & Szegedy 2015) as Keras and TF.js compute it: in training, each feature is
// normalized by the batch's mean and biased variance, y = (x - mean) / sqrt(var + epsilon) · gamma + beta,
// and the moving averages move toward them (m = m · momentum + mean · (1 - momentum)); in inference (and
// when the layer is frozen: trainable false, as Keras 2.1.3+) the moving averages are used instead.
// PyTorch's BatchNorm1d differs in two conventions: its momentum is Keras's 1 - momentum (0.1 for 0.9),
// and its running variance is the unbiased one (times n / (n - 1)).
import { Layer, registerLayer, type Alloc, type CommonArgs, type Fill, type Param, type Step } from "./layer.js";
import { getInitializer, initializerJson, type Initializer, type InitializerLike } from "../initializers.js";
import { checkNumber, invalid } from "../errors.js";

/** The options of layers.batchNormalization (TF.js's names and Keras's defaults). */
export interface BatchNormalizationArgs extends CommonArgs {
  /** The feature axis: -1 (the default; 1 and [-1] mean the same for flat samples). */
  axis?: number | number[];
  /** The moving averages' decay, in [0, 1) (0.99). */
  momentum?: number;
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
  /** How the moving mean starts ("zeros"). */
  movingMeanInitializer?: InitializerLike;
  /** How the moving variance starts ("ones"). */
  movingVarianceInitializer?: InitializerLike;
}

const INITS = [["gamma", "ones"], ["beta", "zeros"], ["movingMean", "zeros"], ["movingVariance", "ones"]] as const;

/**
 * Batch normalization of each feature (Keras's and TF.js's BatchNormalization): batch statistics while
 * training, moving averages in inference. Its weights are gamma and beta (trained) and the moving mean
 * and variance (state: saved, never trained). Made by `layers.batchNormalization(args)`.
 */
export class BatchNormalization extends Layer {
  /** "BatchNormalization". */
  readonly className = "BatchNormalization";
  /** The moving averages' decay (Keras's convention: 0.99 keeps 99 % of the old average each batch). */
  readonly momentum: number;
  /** Added to the variance before the root. */
  readonly epsilon: number;
  /** Whether beta is added. */
  readonly center: boolean;
  /** Whether gamma multiplies. */
  readonly scale: boolean;
  private readonly inits: Initializer[];
  // Per-feature buffers (state, planned once): batch mean, variance, 1/std, ones and zeros standing in
  // for gamma and beta when they are off, and gradient sums when gamma or beta is not trained.
  private buf = 0;

  /** Use `layers.batchNormalization(args)`. */
  constructor(args: BatchNormalizationArgs = {}) {
    super("batch_normalization", args, ["axis", "momentum", "epsilon", "center", "scale", ...INITS.map(([n]) => `${n}Initializer`)], "batchNormalization");
    const axis = Array.isArray(args.axis) && args.axis.length === 1 ? args.axis[0] : args.axis;
    if (axis !== undefined && axis !== -1 && axis !== 1) throw invalid("layers.batchNormalization({ axis })", args.axis, "-1 (the features of flat samples; put layers.flatten() first)");
    this.momentum = checkNumber("layers.batchNormalization({ momentum })", args.momentum ?? 0.99, 0, 1, false, true);
    this.epsilon = checkNumber("layers.batchNormalization({ epsilon })", args.epsilon ?? 1e-3, 0, 1, true);
    for (const k of ["center", "scale"] as const) if (args[k] !== undefined && typeof args[k] !== "boolean") throw invalid(`layers.batchNormalization({ ${k} })`, args[k], "true or false");
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = INITS.map(([n, d]) => getInitializer(`layers.batchNormalization({ ${n}Initializer })`, args[`${n}Initializer`] ?? d));
  }

  protected computeOutputShape(shape: number[]): number[] {
    const c = this.flat(shape);
    if (this.scale) this.addParam("gamma", [c], this.inits[0], undefined, c, c);
    if (this.center) this.addParam("beta", [c], this.inits[1], undefined, c, c);
    this.addParam("moving_mean", [c], this.inits[2], undefined, c, c, false);
    this.addParam("moving_variance", [c], this.inits[3], undefined, c, c, false);
    return shape;
  }

  getConfig(): Record<string, unknown> {
    const [g, b, m, v] = this.inits.map(initializerJson);
    return {
      axis: -1, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      betaInitializer: b, gammaInitializer: g, movingMeanInitializer: m, movingVarianceInitializer: v,
      betaRegularizer: null, gammaRegularizer: null, betaConstraint: null, gammaConstraint: null,
    };
  }

  override allocState(alloc: Alloc): void {
    this.buf = alloc(7 * this.outputDim);
  }

  override init(fill: Fill): void {
    fill(this.at(3), this.outputDim, 1);
    fill(this.at(4), this.outputDim, 0);
  }

  /** Buffer i of the per-feature ones: 0 mean, 1 variance, 2 inv, 3 ones, 4 zeros, 5 dgamma, 6 dbeta. */
  private at(i: number): number {
    return this.buf + 4 * i * this.outputDim;
  }

  private get weights(): { gamma: number; beta: number; g?: Param; b?: Param; mm: Param; mv: Param } {
    const p = this.params;
    const g = this.scale ? p[0] : undefined;
    const b = this.center ? p[+this.scale] : undefined;
    return { g, b, gamma: g ? g.value : this.at(3), beta: b ? b.value : this.at(4), mm: p[p.length - 2], mv: p[p.length - 1] };
  }

  /** @internal */
  forward(s: Step): void {
    const { k, rows } = s;
    const c = this.outputDim;
    const { gamma, beta, mm, mv } = this.weights;
    if (s.training && this.trainable) {
      k.col_moments(this.input, rows, c, this.at(0), this.at(1));
      k.bn_inv_std(this.at(1), this.epsilon, this.at(2), c);
      k.bn_forward(this.input, this.output, rows, c, this.at(0), this.at(2), gamma, beta);
      k.bn_moving(mm.value, mv.value, this.at(0), this.at(1), c, this.momentum, 1 - this.momentum);
    } else {
      k.bn_inv_std(mv.value, this.epsilon, this.at(2), c);
      k.bn_forward(this.input, this.output, rows, c, mm.value, this.at(2), gamma, beta);
    }
  }

  /** @internal */
  backward(s: Step, dy: number): number {
    const { k, rows } = s;
    const c = this.outputDim;
    const { gamma, g, b } = this.weights;
    if (this.trainable) k.bn_backward(this.input, dy, dy, rows, c, this.at(0), this.at(2), gamma, g?.grad || this.at(5), b?.grad || this.at(6));
    else k.bn_forward(dy, dy, rows, c, this.at(4), this.at(2), gamma, this.at(4)); // frozen: an affine map, dx = dy · inv · gamma
    return dy;
  }
}

registerLayer("BatchNormalization", BatchNormalization);
