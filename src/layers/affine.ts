// What the normalization layers share: the feature axis (-1 only: flat samples), and for BatchNormalization
// and LayerNormalization epsilon and the learned scale gamma and offset beta (either may be off, as Keras's
// center and scale), with per-feature buffers of ones and zeros standing in for them and for their
// gradients when they are off or frozen.
import { Layer, type Alloc, type CommonArgs, type Fill } from "./layer.js";
import { getInitializer, initializerJson, type Initializer, type InitializerLike } from "../initializers.js";
import { checkNumber, invalid } from "../errors.js";

/** Refuses a feature axis other than the last (-1; 1 and [-1] say the same for flat samples). */
export function checkAxis(factory: string, axis: unknown): void {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (a !== undefined && a !== -1 && a !== 1) throw invalid(`layers.${factory}({ axis })`, axis, "-1 (the features of flat samples; put layers.flatten() first)");
}

/** The options BatchNormalization and LayerNormalization share (Keras's names and defaults). */
export interface AffineArgs extends CommonArgs {
  /** The feature axis: -1 (the default; 1 and [-1] mean the same for flat samples). */
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

/** The base of BatchNormalization and LayerNormalization: y = normalized(x) · gamma + beta. */
export abstract class AffineNorm extends Layer {
  /** Added to the variance before the root. */
  readonly epsilon: number;
  /** Whether beta is added. */
  readonly center: boolean;
  /** Whether gamma multiplies. */
  readonly scale: boolean;
  /** @internal gamma's, beta's and the subclass's initializers, in that order. */
  protected readonly inits: Initializer[];
  private buf = 0;

  protected constructor(prefix: string, factory: string, args: AffineArgs, keys: string[], inits: [string, string][], private readonly extra: number) {
    const all: [string, string][] = [["gamma", "ones"], ["beta", "zeros"], ...inits];
    super(prefix, args, ["axis", "epsilon", "center", "scale", ...keys, ...all.map(([n]) => `${n}Initializer`)], factory);
    checkAxis(factory, args.axis);
    this.epsilon = checkNumber(`layers.${factory}({ epsilon })`, args.epsilon ?? 1e-3, 0, 1, true);
    for (const k of ["center", "scale"] as const) if (args[k] !== undefined && typeof args[k] !== "boolean") throw invalid(`layers.${factory}({ ${k} })`, args[k], "true or false");
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = all.map(([n, d]) => getInitializer(`layers.${factory}({ ${n}Initializer })`, (args as Record<string, unknown>)[`${n}Initializer`] ?? d));
  }

  /** @internal Adds gamma and beta (those on) for c features. */
  protected addAffine(c: number): void {
    if (this.scale) this.addParam("gamma", [c], this.inits[0], undefined, c, c);
    if (this.center) this.addParam("beta", [c], this.inits[1], undefined, c, c);
  }

  /** @internal Keras's config entries of the two: axis, epsilon, center, scale and the initializers (then the subclass's). */
  protected affineConfig(): Record<string, unknown> {
    const [g, b] = this.inits.map(initializerJson);
    return { axis: -1, epsilon: this.epsilon, center: this.center, scale: this.scale, betaInitializer: b, gammaInitializer: g, betaRegularizer: null, gammaRegularizer: null, betaConstraint: null, gammaConstraint: null };
  }

  override allocState(alloc: Alloc): void {
    this.buf = alloc((4 + this.extra) * this.outputDim);
  }

  override init(fill: Fill): void {
    fill(this.part(0), this.outputDim, 1);
    fill(this.part(1), this.outputDim, 0);
  }

  /** @internal Per-feature buffer i: 0 ones, 1 zeros, 2 and 3 gradient sums, 4.. the subclass's. */
  protected part(i: number): number {
    return this.buf + 4 * i * this.outputDim;
  }

  // gamma and beta (or ones and zeros), and where their gradients go (scratch when not trained): numbers,
  // not an object, so that a training step allocates nothing.
  /** @internal */
  protected get gamma(): number {
    return this.scale ? this.params[0].value : this.part(0);
  }
  /** @internal */
  protected get beta(): number {
    return this.center ? this.params[+this.scale].value : this.part(1);
  }
  /** @internal */
  protected get dgamma(): number {
    return (this.scale && this.params[0].grad) || this.part(2);
  }
  /** @internal */
  protected get dbeta(): number {
    return (this.center && this.params[+this.scale].grad) || this.part(3);
  }
}
