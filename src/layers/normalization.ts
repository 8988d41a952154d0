// Normalization (Keras's preprocessing layer): each feature shifted and scaled by a mean and variance
// given or learned from data by `await layer.adapt(x)`, y = (x - mean) / max(sqrt(variance), 1e-7). The
// statistics are state (non-trainable weights, saved with the model); adapt computes them in float64,
// chunk by chunk (src/layers/adapt.ts, loaded on first use), so data of any size is never copied whole.
import { Layer, registerLayer, type Alloc, type CommonArgs, type Fill, type Step } from "./layer.js";
import { initializers } from "../initializers.js";
import { checkAxis } from "./affine.js";
import { invalid, ValueError } from "../errors.js";
import type { InputLike } from "../data.js";

/** The options of layers.normalization (Keras's names). */
export interface NormalizationArgs extends CommonArgs {
  /** The feature axis: -1 (1 and [-1] mean the same for flat samples). */
  axis?: number | number[];
  /** Each feature's mean (a number for all), instead of adapt. Given with variance. */
  mean?: number | number[];
  /** Each feature's variance (>= 0), instead of adapt. Given with mean. */
  variance?: number | number[];
  /** Keras's inverse (denormalizing) layer: only false is supported. */
  invert?: boolean;
}

/**
 * Keras's Normalization: y = (x - mean) / max(sqrt(variance), 1e-7) per feature, with the mean and variance
 * given or learned by `await layer.adapt(x)`. Made by `layers.normalization(args)`.
 * @example const norm = layers.normalization({ inputShape: [8] }); await norm.adapt(x);
 */
export class Normalization extends Layer {
  /** "Normalization". */
  readonly className = "Normalization";
  /** @internal The statistics given or adapted, written into the weights when the model is built. */
  stats: { mean: Float64Array; variance: Float64Array } | undefined;
  /** @internal Whether mean and variance were given (then adapt is refused, as Keras). */
  readonly given: boolean;
  private buf = 0; // per feature: 1/std, ones, zeros

  /** Use `layers.normalization(args)`. */
  constructor(args: NormalizationArgs = {}) {
    super("normalization", args, ["axis", "mean", "variance", "invert"]);
    checkAxis("normalization", args.axis);
    if (args.invert !== undefined && args.invert !== false) throw invalid("layers.normalization({ invert })", args.invert, "false (the inverse layer is not supported)");
    if ((args.mean === undefined) !== (args.variance === undefined)) throw invalid("layers.normalization({ mean, variance })", args.mean ?? args.variance, "both given, or neither (then adapt)");
    this.given = args.mean !== undefined;
    if (this.given) {
      const list = (v: unknown, what: string, min: number) => {
        const a = typeof v === "number" ? [v] : v;
        if (!Array.isArray(a) || a.length === 0 || a.some((x) => typeof x !== "number" || !Number.isFinite(x) || x < min)) throw invalid(`layers.normalization({ ${what} })`, v, `a finite number${min === 0 ? " >= 0" : ""} or an array of them, one per feature`);
        return Float64Array.from(a as number[]);
      };
      this.stats = { mean: list(args.mean, "mean", -Infinity), variance: list(args.variance, "variance", 0) };
    }
  }

  protected computeOutputShape(shape: number[]): number[] {
    const c = this.flat(shape);
    const s = this.stats;
    for (const v of s ? [s.mean, s.variance] : []) {
      if (v.length > 1 && v.length !== c) throw new ValueError(`layer ${this.name} (Normalization): ${v.length} statistics for ${c} features`);
    }
    this.addParam("mean", [c], initializers.zeros(), undefined, c, c, false);
    this.addParam("variance", [c], initializers.ones(), undefined, c, c, false);
    return shape;
  }

  getConfig(): Record<string, unknown> {
    // As Keras: the statistics are in the config when they were given, in the weights when adapted.
    return { axis: -1, mean: this.given ? Array.from(this.stats!.mean) : null, variance: this.given ? Array.from(this.stats!.variance) : null, invert: false };
  }

  override allocState(alloc: Alloc): void {
    this.buf = alloc(3 * this.outputDim);
  }

  override init(fill: Fill): void {
    const c = this.outputDim, s = this.stats;
    fill(this.buf + 4 * c, c, 1);
    fill(this.buf + 8 * c, c, 0);
    if (s) for (const [i, v] of [s.mean, s.variance].entries()) if (v.length) fill(this.params[i].value, c, v.length === 1 ? v[0] : v);
  }

  /** Whether the layer has statistics (given, adapted or loaded). */
  get isAdapted(): boolean {
    return this.stats !== undefined;
  }

  /** @internal The model wrote the weights (setWeights, a loaded model): they are the statistics now. */
  override weightsSet(): void {
    this.stats ??= { mean: new Float64Array(0), variance: new Float64Array(0) };
  }

  /**
   * Learns each feature's mean and variance from data (Keras's adapt): `x` as fit takes it, or an (async)
   * iterable of such chunks (a large dataset, read once). Computed in float64; NaN or Infinity is an
   * error naming where it is. Writes the layer's weights (at once if its model is built).
   */
  adapt(x: InputLike | Iterable<InputLike> | AsyncIterable<InputLike>, args?: { batchSize?: number }): Promise<void> {
    return import("./adapt.js").then((m) => m.adapt(this, x, args));
  }

  override checkReady(): void {
    if (!this.stats) throw new ValueError(`layer ${this.name} (Normalization) has no statistics: await layer.adapt(x) first, or give mean and variance`);
  }

  /** @internal */
  forward(s: Step): void {
    const c = this.outputDim;
    s.k.bn_inv_std(this.params[1].value, 0, 1e-7, this.buf, c);
    s.k.bn_forward(this.input, this.output, s.rows, c, this.params[0].value, this.buf, this.buf + 4 * c, this.buf + 8 * c);
  }

  /** @internal dx = dy / max(sqrt(variance), 1e-7). */
  backward(s: Step, dy: number): number {
    const c = this.outputDim, zeros = this.buf + 8 * c;
    s.k.bn_forward(dy, dy, s.rows, c, zeros, this.buf, this.buf + 4 * c, zeros);
    return dy;
  }
}

registerLayer("Normalization", Normalization);
