// Losses (TF.js names, Keras's snake_case aliases and options), and how each maps onto the kernels. A loss runs in wasm: a JavaScript function cannot be one (compile says so).
import { checkNumber, checkOptions, invalid, lookup, ValueError } from "./errors.js";

export type LossKind = "mse" | "bce" | "cce" | "scce" | "mae" | "huber" | "logcosh" | "hinge" | "squaredHinge" | "categoricalHinge" | "kld" | "poisson" | "msle" | "mape";

/** A loss as compile takes it: made by `losses.*` (to set its options), or named by a string. */
export interface Loss {
  /** Its TF.js name ("meanSquaredError", "huber", …). */
  readonly name: string;
  /** @internal */
  readonly kind: LossKind;
  /** Cross-entropies: the outputs are logits (no sigmoid or softmax on the last layer), as Keras's from_logits. */
  readonly fromLogits: boolean;
  /** Cross-entropies: targets move toward uniform by this much, in [0, 1) (Keras's label_smoothing). */
  readonly labelSmoothing: number;
  /** Huber: where the loss turns from quadratic to linear (1). */
  readonly delta: number;
}

// kind, TF.js name, Keras class (for a saved loss with options), aliases
export const LOSS_TABLE: [LossKind, string, string, ...string[]][] = [
  ["mse", "meanSquaredError", "MeanSquaredError", "mse", "mean_squared_error"],
  ["bce", "binaryCrossentropy", "BinaryCrossentropy", "binary_crossentropy"],
  ["cce", "categoricalCrossentropy", "CategoricalCrossentropy", "categorical_crossentropy"],
  ["scce", "sparseCategoricalCrossentropy", "SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"],
  ["mae", "meanAbsoluteError", "MeanAbsoluteError", "mae", "mean_absolute_error"],
  ["huber", "huber", "Huber", "huber_loss", "huberLoss"],
  ["logcosh", "logcosh", "LogCosh", "log_cosh", "logCosh"],
  ["hinge", "hinge", "Hinge"],
  ["squaredHinge", "squaredHinge", "SquaredHinge", "squared_hinge"],
  ["categoricalHinge", "categoricalHinge", "CategoricalHinge", "categorical_hinge"],
  ["kld", "kullbackLeiblerDivergence", "KLDivergence", "kld", "KLD", "kl_divergence", "kullback_leibler_divergence"],
  ["poisson", "poisson", "Poisson"],
  ["msle", "meanSquaredLogarithmicError", "MeanSquaredLogarithmicError", "msle", "mean_squared_logarithmic_error"],
  ["mape", "meanAbsolutePercentageError", "MeanAbsolutePercentageError", "mape", "mean_absolute_percentage_error"],
];
const BY_NAME: Record<string, LossKind> = {};
for (const [kind, ...names] of LOSS_TABLE) for (const n of names) BY_NAME[n] = kind;

/** The elementwise losses' codes in the loss_elem kernel (assembly/losses). */
export const ELEMENTWISE: Partial<Record<LossKind, number>> = { mae: 0, huber: 1, logcosh: 2, hinge: 3, squaredHinge: 4, kld: 5, poisson: 6, msle: 7, mape: 8 };

const made = new WeakSet<object>();
function make(kind: LossKind, a: object | undefined, keys: string[]): Loss {
  const what = `losses.${LOSS_TABLE.find((t) => t[0] === kind)![1]}(args)`;
  checkOptions(what, a ?? {}, keys);
  const o = (a ?? {}) as Partial<Loss>;
  if (o.fromLogits !== undefined && typeof o.fromLogits !== "boolean") throw invalid(`${what}.fromLogits`, o.fromLogits, "true or false");
  const loss: Loss = {
    name: LOSS_TABLE.find((t) => t[0] === kind)![1],
    kind,
    fromLogits: o.fromLogits ?? false,
    labelSmoothing: checkNumber(`${what}.labelSmoothing`, o.labelSmoothing ?? 0, 0, 1, false, true),
    delta: checkNumber(`${what}.delta`, o.delta ?? 1, 0, 1e30, true),
  };
  made.add(loss);
  return Object.freeze(loss);
}

/** The options of the cross-entropies. */
export interface CrossentropyArgs {
  /** The outputs are logits (a linear last layer): the loss applies the sigmoid or softmax itself (false). */
  fromLogits?: boolean;
  /** Moves each target toward uniform by this much, in [0, 1) (0): y (1 - s) + s / classes (binary: s / 2). */
  labelSmoothing?: number;
}

/**
 * The losses, by TF.js's names, for the ones with options (compile also takes every name as a string:
 * `loss: "huber"` is `losses.huber()`).
 * @example model.compile({ optimizer: "adam", loss: losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }) });
 */
export const losses = {
  /** Binary cross-entropy: `fromLogits`, `labelSmoothing`. */
  binaryCrossentropy: (a?: CrossentropyArgs) => make("bce", a, ["fromLogits", "labelSmoothing"]),
  /** Categorical cross-entropy (one-hot or soft targets, or class ids): `fromLogits`, `labelSmoothing`. */
  categoricalCrossentropy: (a?: CrossentropyArgs) => make("cce", a, ["fromLogits", "labelSmoothing"]),
  /** Sparse categorical cross-entropy (class ids): `fromLogits`. */
  sparseCategoricalCrossentropy: (a?: { fromLogits?: boolean }) => make("scce", a, ["fromLogits"]),
  /** Huber: 0.5 d² where |d| <= delta, delta (|d| - 0.5 delta) beyond; `delta` (1). */
  huber: (a?: { delta?: number }) => make("huber", a, ["delta"]),
};

/** The names compile takes for a loss, in TF.js's spelling (Keras's snake_case names and short forms work too). */
export type LossName = "meanSquaredError" | "binaryCrossentropy" | "categoricalCrossentropy" | "sparseCategoricalCrossentropy" | "meanAbsoluteError" | "huber" | "logcosh" | "hinge" | "squaredHinge" | "categoricalHinge" | "kullbackLeiblerDivergence" | "poisson" | "meanSquaredLogarithmicError" | "meanAbsolutePercentageError";

export function getLoss(x: unknown): Loss {
  if (typeof x === "function") throw new ValueError(`compile({ loss }): a JavaScript function cannot be a loss (losses run in wasm); use one of the built-in losses: ${LOSS_TABLE.map((t) => t[1]).join(", ")}`);
  if (x !== null && typeof x === "object") {
    if (made.has(x)) return x as Loss;
    throw invalid("compile({ loss })", x, "a loss name or a loss made by losses.*");
  }
  return make(lookup("compile({ loss })", BY_NAME, x), undefined, []);
}
