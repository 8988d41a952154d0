// BatchNormalization (Ioffe & Szegedy 2015) as Keras and TF.js compute it: in training, each feature is
// normalized by the batch's mean and biased variance, y = (x - mean) / sqrt(var + epsilon) · gamma + beta,
// and the moving averages move toward them (m = m · momentum + mean · (1 - momentum)); in inference (and
// when the layer is frozen: trainable false, as Keras 2.1.3+) the moving averages are used instead.
// PyTorch's BatchNorm1d differs in two conventions: its momentum is Keras's 1 - momentum (0.1 for 0.9),
// and its running variance is the unbiased one (times n / (n - 1)).
import { registerLayer, type Step } from "./layer.js";
import { AffineNorm, type AffineArgs } from "./affine.js";
import { initializerJson, type InitializerLike } from "../initializers.js";
import { checkNumber } from "../errors.js";

/** The options of layers.batchNormalization (TF.js's names and Keras's defaults). */
export interface BatchNormalizationArgs extends AffineArgs {
  /** The moving averages' decay, in [0, 1) (0.99). */
  momentum?: number;
  /** How the moving mean starts ("zeros"). */
  movingMeanInitializer?: InitializerLike;
  /** How the moving variance starts ("ones"). */
  movingVarianceInitializer?: InitializerLike;
}

/**
 * Batch normalization of each feature (Keras's and TF.js's BatchNormalization): batch statistics while
 * training, moving averages in inference. Its weights are gamma and beta (trained) and the moving mean
 * and variance (state: saved, never trained). Made by `layers.batchNormalization(args)`.
 */
export class BatchNormalization extends AffineNorm {
  /** "BatchNormalization". */
  readonly className = "BatchNormalization";
  /** The moving averages' decay (Keras's convention: 0.99 keeps 99 % of the old average each batch). */
  readonly momentum: number;

  /** Use `layers.batchNormalization(args)`. */
  constructor(args: BatchNormalizationArgs = {}) {
    // Per feature beyond the shared buffers: 4 the batch mean, 5 its variance, 6 1/std.
    super("batch_normalization", "batchNormalization", args, ["momentum"], [["movingMean", "zeros"], ["movingVariance", "ones"]], 3);
    this.momentum = checkNumber("layers.batchNormalization({ momentum })", args.momentum ?? 0.99, 0, 1, false, true);
  }

  protected computeOutputShape(shape: number[]): number[] {
    const c = this.flat(shape);
    this.addAffine(c);
    this.addParam("moving_mean", [c], this.inits[2], undefined, c, c, false);
    this.addParam("moving_variance", [c], this.inits[3], undefined, c, c, false);
    return shape;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.affineConfig(), momentum: this.momentum, movingMeanInitializer: initializerJson(this.inits[2]), movingVarianceInitializer: initializerJson(this.inits[3]) };
  }

  /** @internal */
  forward(s: Step): void {
    const { k, rows } = s;
    const c = this.outputDim, p = this.params;
    const mm = p[p.length - 2].value, mv = p[p.length - 1].value;
    if (s.training && this.trainable) {
      k.col_moments(this.input, rows, c, this.part(4), this.part(5));
      k.bn_inv_std(this.part(5), this.epsilon, 0, this.part(6), c);
      k.bn_forward(this.input, this.output, rows, c, this.part(4), this.part(6), this.gamma, this.beta);
      k.bn_moving(mm, mv, this.part(4), this.part(5), c, this.momentum, 1 - this.momentum);
    } else {
      k.bn_inv_std(mv, this.epsilon, 0, this.part(6), c);
      k.bn_forward(this.input, this.output, rows, c, mm, this.part(6), this.gamma, this.beta);
    }
  }

  /** @internal */
  backward(s: Step, dy: number): number {
    const { k, rows } = s;
    const c = this.outputDim;
    if (this.trainable) k.bn_backward(this.input, dy, dy, rows, c, this.part(4), this.part(6), this.gamma, this.dgamma, this.dbeta);
    else k.bn_forward(dy, dy, rows, c, this.part(1), this.part(6), this.gamma, this.part(1)); // frozen: an affine map, dx = dy · inv · gamma
    return dy;
  }
}

registerLayer("BatchNormalization", BatchNormalization);
