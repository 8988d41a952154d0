// Loss and metric names (TF.js spellings, Keras snake_case aliases) and how each maps onto kernels.
import { lookup } from "./errors.js";

export type LossKind = "mse" | "bce" | "cce" | "scce";

const LOSSES: Record<string, LossKind> = {
  meanSquaredError: "mse",
  mse: "mse",
  mean_squared_error: "mse",
  binaryCrossentropy: "bce",
  binary_crossentropy: "bce",
  categoricalCrossentropy: "cce",
  categorical_crossentropy: "cce",
  sparseCategoricalCrossentropy: "scce",
  sparse_categorical_crossentropy: "scce",
};

export const LOSS_NAMES: Record<LossKind, string> = {
  mse: "meanSquaredError",
  bce: "binaryCrossentropy",
  cce: "categoricalCrossentropy",
  scce: "sparseCategoricalCrossentropy",
};

export function getLoss(x: unknown): LossKind {
  return lookup("compile({ loss })", LOSSES, x);
}

export type MetricKind = "acc" | "mse" | "mae";

const METRICS: Record<string, MetricKind> = {
  accuracy: "acc",
  acc: "acc",
  mse: "mse",
  meanSquaredError: "mse",
  mae: "mae",
  meanAbsoluteError: "mae",
};

export function getMetrics(x: unknown): MetricKind[] {
  if (x === undefined) return [];
  const list = Array.isArray(x) ? x : [x];
  const out: MetricKind[] = [];
  list.forEach((m, i) => {
    const kind = lookup(`compile({ metrics })[${i}]`, METRICS, m);
    if (!out.includes(kind)) out.push(kind);
  });
  return out;
}
