// L1/L2 weight penalties (Keras: l1 * sum|w| + l2 * sum w^2, added to the loss; gradient in the kernel).
import { checkNumber, checkOptions, invalid, lookup } from "./errors.js";

export interface Regularizer {
  readonly className: "L1L2";
  readonly l1: number;
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

export const regularizers = {
  l1: (a: { l1?: number } = {}) => make(opts("l1", a, ["l1"]).l1 ?? 0.01, 0),
  l2: (a: { l2?: number } = {}) => make(0, opts("l2", a, ["l2"]).l2 ?? 0.01),
  l1l2: (a: { l1?: number; l2?: number } = {}) => make(opts("l1l2", a, ["l1", "l2"]).l1 ?? 0.01, a.l2 ?? 0.01),
};

export type RegularizerLike = keyof typeof regularizers | Regularizer;

export function getRegularizer(what: string, x: unknown): Regularizer | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x === "object" && (x as Regularizer).className === "L1L2") return make((x as Regularizer).l1, (x as Regularizer).l2); // its values checked again
  return lookup(what, regularizers as Record<string, () => Regularizer>, x)();
}
