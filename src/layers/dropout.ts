// Inverted dropout (Srivastava et al. 2014): in training, each input is kept with probability 1 - rate
// and scaled by 1/(1 - rate); in inference it is the identity. The mask comes from the layer's own
// PCG32 stream, seeded from `seed` or the global sequence, so a seeded run is repeatable everywhere.
import { Layer, registerLayer, type Alloc, type CommonArgs, type Step } from "./layer.js";
import { nextSeed, seedStream, STREAM } from "../initializers.js";
import type { Kernels } from "../kernels.js";
import { Act } from "../kernels.js";
import { checkNumber, invalid } from "../errors.js";

/**
 * Inverted dropout: while training, each input is zeroed with probability `rate` and the others scaled by
 * 1 / (1 - rate); in inference it passes its input through. Made by `layers.dropout({ rate, seed })`.
 */
export class Dropout extends Layer {
  /** "Dropout". */
  readonly className = "Dropout";
  /** The fraction of inputs dropped while training, in [0, 1). */
  readonly rate: number;
  /** The seed of the mask stream, if given (otherwise the global sequence's next, or fit's `seed`). */
  readonly seed: number | undefined;
  private mask = 0;

  /** Use `layers.dropout({ rate, seed })`. */
  constructor(args: { rate: number; seed?: number } & CommonArgs) {
    super("dropout", args, ["rate", "seed"]);
    this.rate = checkNumber("layers.dropout({ rate })", args.rate, 0, 1, false, true);
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) throw invalid("layers.dropout({ seed })", args.seed, "a non-negative integer");
    this.seed = args.seed;
  }

  protected computeOutputShape(shape: number[]): number[] {
    return shape;
  }

  getConfig(): Record<string, unknown> {
    return { rate: this.rate, noiseShape: null, seed: this.seed ?? null };
  }

  override allocState(alloc: Alloc): void {
    this.rng = alloc(4);
  }

  override reseed(k: Kernels, seed: number = this.seed ?? nextSeed()): void {
    seedStream(k, this.rng, seed, STREAM.dropout);
  }

  override plan(alloc: Alloc, rows: number): void {
    this.mask = alloc(rows * this.outputDim);
  }

  /** @internal */
  forward(s: Step): void {
    const n = s.rows * this.outputDim;
    if (s.training && this.rate > 0) s.k.dropout_forward(this.rng, this.input, this.output, this.mask, n, this.rate, 1 / (1 - this.rate));
    else s.k.act_forward(Act.linear, this.input, this.output, n, 0);
  }

  /** @internal */
  backward(s: Step, dy: number): number {
    if (this.rate > 0) s.k.dropout_backward(dy, this.mask, dy, s.rows * this.outputDim);
    return dy;
  }
}

registerLayer("Dropout", Dropout);
