// LayerNormalization (Ba, Kiros & Hinton 2016) as Keras and TF.js compute it: each sample is normalized
// over its features by its own mean and biased variance, y = (x - mean) / sqrt(var + epsilon) · gamma + beta,
// the same in training and inference (no state). PyTorch's nn.LayerNorm is the same function (its
// epsilon defaults to 1e-5, Keras's to 1e-3).
import { registerLayer, type Alloc, type Step } from "./layer.js";
import { AffineNorm, type AffineArgs } from "./affine.js";

/** The options of layers.layerNormalization (TF.js's names and Keras's defaults). */
export type LayerNormalizationArgs = AffineArgs;

/**
 * Layer normalization (Keras's and TF.js's LayerNormalization): each sample normalized over its features,
 * then scaled by gamma and shifted by beta (both trained). Made by `layers.layerNormalization(args)`.
 */
export class LayerNormalization extends AffineNorm {
  /** "LayerNormalization". */
  readonly className = "LayerNormalization";
  private stats = 0; // per row: mean and 1/std

  /** Use `layers.layerNormalization(args)`. */
  constructor(args: LayerNormalizationArgs = {}) {
    super("layer_normalization", "layerNormalization", args, [], [], 0);
  }

  protected computeOutputShape(shape: number[]): number[] {
    this.addAffine(this.flat(shape));
    return shape;
  }

  getConfig(): Record<string, unknown> {
    return this.affineConfig();
  }

  override plan(alloc: Alloc, rows: number): void {
    this.stats = alloc(2 * rows);
  }

  /** @internal */
  forward(s: Step): void {
    s.k.ln_forward(this.input, this.output, s.rows, this.outputDim, this.gamma, this.beta, this.epsilon, this.stats);
  }

  /** @internal */
  backward(s: Step, dy: number): number {
    s.k.ln_backward(this.input, dy, dy, s.rows, this.outputDim, this.gamma, this.stats, this.dgamma, this.dbeta);
    return dy;
  }
}

registerLayer("LayerNormalization", LayerNormalization);
