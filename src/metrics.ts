// Metrics: names (TF.js's, Keras's snake_case), options, and how each is streamed over batches and
// finished, exactly as Keras's stateful metrics are (a confusion count, a histogram of predictions over
// AUC's thresholds, R²'s running sums), so a metric over an epoch does not depend on the batch size.
import { checkNumber, checkOptions, invalid, lookup } from "./errors.js";

export type MetricKind = "acc" | "mse" | "mae" | "precision" | "recall" | "auc" | "binaryAccuracy" | "categoricalAccuracy" | "topK" | "rmse" | "r2" | "mape";

/** A metric as compile takes it: a name, or made by `metrics.*` with options. */
export interface Metric {
  /** Its key in the logs and History ("acc", "precision", "auc", …). */
  readonly name: string;
  /** @internal */
  readonly kind: MetricKind;
  /** Predictions above it count as positive (binaryAccuracy, precision, recall; 0.5). */
  readonly threshold: number;
  /** topKCategoricalAccuracy: the number of top classes (5). */
  readonly k: number;
  /** auc: the number of thresholds (200). */
  readonly numThresholds: number;
  /** @internal auc: the thresholds, ascending, as float32 (Keras's: -1e-7, i/(n-1) for 0 < i < n-1, 1 + 1e-7). */
  readonly thresholds?: Float32Array;
}

// kind, log key (TF.js's name), aliases
const TABLE: [MetricKind, string, ...string[]][] = [
  ["acc", "acc", "accuracy"],
  ["mse", "mse", "meanSquaredError", "mean_squared_error"],
  ["mae", "mae", "meanAbsoluteError", "mean_absolute_error"],
  ["precision", "precision"],
  ["recall", "recall"],
  ["auc", "auc", "AUC"],
  ["binaryAccuracy", "binaryAccuracy", "binary_accuracy"],
  ["categoricalAccuracy", "categoricalAccuracy", "categorical_accuracy"],
  ["topK", "topKCategoricalAccuracy", "top_k_categorical_accuracy"],
  ["rmse", "rootMeanSquaredError", "root_mean_squared_error", "rmse"],
  ["r2", "r2Score", "r2_score"],
  ["mape", "meanAbsolutePercentageError", "mean_absolute_percentage_error", "mape"],
];
const BY_NAME: Record<string, MetricKind> = {};
for (const [kind, ...names] of TABLE) for (const n of names) BY_NAME[n] = kind;

const made = new WeakSet<object>();
function make(kind: MetricKind, a: object = {}, keys: string[] = []): Metric {
  const name = TABLE.find((t) => t[0] === kind)![1];
  checkOptions(`metrics.${name}(args)`, a, keys);
  const o = a as Partial<Metric>;
  const n = o.numThresholds ?? 200;
  if (!Number.isInteger(n) || n < 2 || n > 1e5) throw invalid(`metrics.${name}({ numThresholds })`, n, "an integer in [2, 100000]");
  if (o.k !== undefined && (!Number.isInteger(o.k) || o.k < 1)) throw invalid(`metrics.${name}({ k })`, o.k, "a positive integer");
  const m: Metric = {
    name, kind, numThresholds: n, k: o.k ?? 5,
    threshold: checkNumber(`metrics.${name}({ threshold })`, o.threshold ?? 0.5, -1e30, 1e30),
    thresholds: kind === "auc" ? Float32Array.from({ length: n }, (_, i) => (i === 0 ? -1e-7 : i === n - 1 ? 1 + 1e-7 : i / (n - 1))) : undefined,
  };
  made.add(m);
  return Object.freeze(m);
}

/**
 * The metrics with options (compile also takes every metric by name: "precision", "auc", "r2Score", …).
 * @example model.compile({ optimizer: "adam", loss: "binaryCrossentropy", metrics: ["accuracy", metrics.auc({ numThresholds: 500 })] });
 */
export const metrics = {
  /** Elements whose (prediction > threshold) equals the 0/1 target: `threshold` (0.5). */
  binaryAccuracy: (a?: { threshold?: number }) => make("binaryAccuracy", a, ["threshold"]),
  /** True positives / predicted positives, over all outputs: `threshold` (0.5). */
  precision: (a?: { threshold?: number }) => make("precision", a, ["threshold"]),
  /** True positives / actual positives, over all outputs: `threshold` (0.5). */
  recall: (a?: { threshold?: number }) => make("recall", a, ["threshold"]),
  /** Area under the ROC curve, Keras's trapezoids over `numThresholds` (200) thresholds. */
  auc: (a?: { numThresholds?: number }) => make("auc", a, ["numThresholds"]),
  /** Whether the true class is among the `k` (5) highest predictions (ties count as in, as tf.math.in_top_k). */
  topKCategoricalAccuracy: (a?: { k?: number }) => make("topK", a, ["k"]),
};

/** compile's metrics; a name given twice is logged twice, the second with Keras's suffix ("acc_1"). */
export function getMetrics(x: unknown): Metric[] {
  if (x === undefined) return [];
  const list = Array.isArray(x) ? x : [x];
  const out: Metric[] = [];
  list.forEach((m, i) => {
    let metric = m !== null && typeof m === "object" && made.has(m) ? (m as Metric) : make(lookup(`compile({ metrics })[${i}]`, BY_NAME, m));
    // The same name again (a second precision with another threshold) gets Keras's suffix: precision_1.
    for (let n = 1; out.some((o) => o.name === metric.name); n++) metric = Object.freeze({ ...metric, name: `${metric.name.replace(/_\d+$/, "")}_${n}` });
    out.push(metric);
  });
  return out;
}

/** The size of a metric's running state (for a model with `units` outputs). */
export function stateSize(m: Metric, units: number): number {
  return m.kind === "auc" ? 2 * (m.numThresholds + 1) : m.kind === "r2" ? 3 * units : m.kind === "precision" || m.kind === "recall" ? 2 : 1;
}

/** A metric's value from its running state over `rows` samples (Keras's result()). */
export function metricResult(m: Metric, s: Float64Array, rows: number): number {
  switch (m.kind) {
    case "precision":
    case "recall":
      return s[0] + s[1] > 0 ? s[0] / (s[0] + s[1]) : 0; // tp / (tp + fp | fn), 0 when empty (divide_no_nan)
    case "rmse":
      return Math.sqrt(s[0] / rows);
    case "auc": {
      // s: positives then negatives per bucket b = the number of thresholds below the prediction.
      const T = m.numThresholds;
      let P = 0, N = 0;
      for (let b = 0; b <= T; b++) (P += s[b]), (N += s[T + 1 + b]);
      let auc = 0, tp = P, fp = N; // at threshold t: predictions above it are those in buckets > t
      let tpr0 = 0, fpr0 = 0;
      for (let t = 0; t < T; t++) {
        tp -= s[t];
        fp -= s[T + 1 + t];
        const tpr = P ? tp / P : 0, fpr = N ? fp / N : 0;
        if (t > 0) auc += ((fpr0 - fpr) * (tpr0 + tpr)) / 2;
        tpr0 = tpr;
        fpr0 = fpr;
      }
      return auc;
    }
    case "r2": {
      // Keras's R2Score, uniform average over outputs: 1 - SS_res / SS_tot per output (an infinite ratio counts 0).
      const u = s.length / 3;
      let sum = 0;
      for (let j = 0; j < u; j++) {
        const mean = s[j] / rows, total = s[u + j] - s[j] * mean;
        const r = 1 - s[2 * u + j] / total;
        sum += Number.isFinite(r) || Number.isNaN(r) ? r : 0;
      }
      return sum / u;
    }
    default:
      return s[0] / rows;
  }
}
