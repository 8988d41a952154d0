// L1/L2 weight penalties (Keras: l1 * sum|w| + l2 * sum w^2, added to the loss; gradient in the kernel).
import { checkNumber, checkOptions, invalid, lookup } from "./errors.js";

/** A weight penalty l1 · Σ|w| + l2 · Σw², added to the loss (and its gradient to the weights'), as Keras. */
export interface Regularizer {
  /** "L1L2" (Keras saves all three kinds as this class). */
  readonly className: "L1L2";
  /** The L1 factor. */
  readonly l1: number;
  /** The L2 factor. */
  readonly l2: number;
}

const make = (l1: number, l2: number): Regularizer => ({
  className: "L1L2",
  l1: checkNumber("regularizer l1", l1, 0, 1e30),
  l2: checkNumber("regularizer l2", l2, 0, 1e30),
});

function opts<T extends object>(what: string, a: T, keys: string[]): T {
  checkOptions(`regularizers.${what}(args)`, a, keys);
  return a;
}

/**
 * The regularizers, by Keras's and TF.js's names (default factor 0.01). Pass one, or its name, as a dense
 * layer's kernelRegularizer or biasRegularizer.
 * @example layers.dense({ units: 32, kernelRegularizer: regularizers.l2({ l2: 1e-4 }), inputShape: [10] })
 */
export const regularizers = {
  /** l1 · Σ|w|. */
  l1: (a: { l1?: number } = {}) => make(opts("l1", a, ["l1"]).l1 ?? 0.01, 0),
  /** l2 · Σw² (weight decay in the loss). */
  l2: (a: { l2?: number } = {}) => make(0, opts("l2", a, ["l2"]).l2 ?? 0.01),
  /** Both. */
  l1l2: (a: { l1?: number; l2?: number } = {}) => make(opts("l1l2", a, ["l1", "l2"]).l1 ?? 0.01, a.l2 ?? 0.01),
};

/** A layer's regularizer argument: "l1", "l2", "l1l2" or a `regularizers.*` value. */
export type RegularizerLike = keyof typeof regularizers | Regularizer;

export function getRegularizer(what: string, x: unknown): Regularizer | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x === "object" && (x as Regularizer).className === "L1L2") return make((x as Regularizer).l1, (x as Regularizer).l2); // its values checked again
  return lookup(what, regularizers as Record<string, () => Regularizer>, x)();
}

/** A regularizer as Keras's JSON holds it ({ class_name: "L1L2", config: { l1, l2 } }), or null. */
export function regularizerJson(r: Regularizer | undefined): { class_name: string; config: { l1: number; l2: number } } | null {
  return r ? { class_name: "L1L2", config: { l1: r.l1, l2: r.l2 } } : null;
}
