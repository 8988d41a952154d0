// Metrics through the public API: each streamed over batches equals its formula over the whole data
// (Keras's stateful semantics: the batch size does not matter), computed independently here in float64
// (AUC by Keras's thresholds and trapezoids, and near the exact Mann-Whitney AUC), against the real
// TF.js 4.22's metric functions where TF.js has them, evaluate's returnDict, and saving with options.
import { describe, expect, it } from "vitest";
import { layers, loadLayersModel, metrics, sequential, setSeed, type Metric } from "../../src/index.js";
import { isNode } from "../helpers/files.js";
import { expectClose, rng } from "../helpers/check.js";

const f32 = Math.fround;

/** A model whose predictions are known: one dense layer with set weights. */
function fixture(units: number, act: "sigmoid" | "softmax" | "linear", metricList: (string | Metric)[], loss = "meanSquaredError") {
  setSeed(4);
  const m = sequential({ layers: [layers.dense({ units, activation: act, inputShape: [3] })] });
  m.compile({ optimizer: "sgd", loss, metrics: metricList });
  const r = rng(12);
  const x = Array.from({ length: 37 }, () => [r() * 4 - 2, r() * 4 - 2, r() * 2 - 1]);
  return { m, x, p: m.predict(x).data, r };
}

/** Keras's AUC (ROC, "interpolation" = trapezoids) over n thresholds, in float64 from its definition. */
function kerasAuc(p: ArrayLike<number>, y: ArrayLike<number>, n = 200): number {
  const th = [f32(-1e-7), ...Array.from({ length: n - 2 }, (_, i) => f32((i + 1) / (n - 1))), f32(1 + 1e-7)];
  const tpr: number[] = [], fpr: number[] = [];
  const P = Array.from(y).filter((v) => v !== 0).length, N = y.length - P;
  for (const t of th) {
    let tp = 0, fp = 0;
    for (let i = 0; i < p.length; i++) if (p[i] > t) y[i] !== 0 ? tp++ : fp++;
    tpr.push(P ? tp / P : 0);
    fpr.push(N ? fp / N : 0);
  }
  let auc = 0;
  for (let i = 0; i < n - 1; i++) auc += ((fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1])) / 2;
  return auc;
}

describe("metrics", () => {
  it("binary: accuracy, binaryAccuracy, precision, recall, auc streamed in batches of 5 equal their formulas over all 37 samples", () => {
    const { m, x, p, r } = fixture(2, "sigmoid", ["binaryAccuracy", "precision", "recall", "auc", metrics.precision({ threshold: 0.7 })]);
    const y = x.map(() => [+(r() > 0.5), +(r() > 0.3)]);
    const yf = y.flat();
    let tp = 0, fp = 0, fn = 0, tp7 = 0, fp7 = 0, correct = 0;
    yf.forEach((t, i) => {
      const pos = p[i] > 0.5;
      if (pos && t) tp++;
      if (pos && !t) fp++;
      if (!pos && t) fn++;
      if (p[i] > 0.7) t ? tp7++ : fp7++;
      if (+pos === t) correct++;
    });
    const got = m.evaluate(x, y, { batchSize: 5, returnDict: true });
    expect(Object.keys(got)).toEqual(["loss", "binaryAccuracy", "precision", "recall", "auc", "precision_1"]); // a second precision gets Keras's suffix
    expectClose([got.binaryAccuracy, got.precision, got.recall], [correct / yf.length, tp / (tp + fp), tp / (tp + fn)], 1e-6, "binary metrics");
    expectClose([got.auc], [kerasAuc(p, yf)], 1e-6, "auc");
    // Keras's 200-threshold AUC is close to the exact one (Mann-Whitney: pairs ranked right, ties half).
    const pos = yf.flatMap((t, i) => (t ? [p[i]] : [])), neg = yf.flatMap((t, i) => (t ? [] : [p[i]]));
    const exact = pos.reduce((a, u) => a + neg.reduce((b, v) => b + (u > v ? 1 : u === v ? 0.5 : 0), 0), 0) / (pos.length * neg.length);
    expect(Math.abs(got.auc - exact)).toBeLessThan(0.02);
    expect(m.evaluate(x, y, { batchSize: 37, returnDict: true })).toEqual(got); // streamed: the batch size changes nothing
    expectClose([got.precision_1], [tp7 / (tp7 + fp7)], 1e-6, "precision at 0.7");
  });

  it("categorical: categoricalAccuracy and topKCategoricalAccuracy (k 2; ties count in), with one-hot rows or class ids", () => {
    const { m, x, p, r } = fixture(4, "softmax", ["categoricalAccuracy", metrics.topKCategoricalAccuracy({ k: 2 })], "sparseCategoricalCrossentropy");
    const ids = x.map(() => Math.floor(r() * 4));
    let top1 = 0, top2 = 0;
    ids.forEach((c, i) => {
      const row = Array.from(p.subarray(i * 4, i * 4 + 4));
      const above = row.filter((v) => v > row[c]).length;
      if (above === 0 && row.indexOf(Math.max(...row)) === c) top1++;
      if (above < 2) top2++;
    });
    const want = [top1 / ids.length, top2 / ids.length];
    const byIds = m.evaluate(x, ids, { batchSize: 6, returnDict: true });
    expectClose([byIds.categoricalAccuracy, byIds.topKCategoricalAccuracy], want, 1e-6, "ids");
    const oneHot = ids.map((c) => [0, 1, 2, 3].map((j) => +(j === c)));
    const byRows = m.evaluate(x, oneHot, { batchSize: 6, returnDict: true });
    expectClose([byRows.categoricalAccuracy, byRows.topKCategoricalAccuracy], want, 1e-6, "one-hot rows");
  });

  it("regression: rootMeanSquaredError, r2Score (Keras's uniform average over outputs) and meanAbsolutePercentageError", () => {
    const { m, x, p, r } = fixture(2, "linear", ["rootMeanSquaredError", "r2Score", "mape", "mse"]);
    const y = x.map((v) => [v[0] * 0.8 + r() * 0.3, -v[1] + r()]);
    const n = x.length;
    let sq = 0, ape = 0;
    const r2: number[] = [];
    for (let j = 0; j < 2; j++) {
      const col = y.map((row) => row[j]);
      const mean = col.reduce((a, b) => a + b, 0) / n;
      let res = 0, tot = 0;
      col.forEach((t, i) => {
        res += (t - p[i * 2 + j]) ** 2;
        tot += (t - mean) ** 2;
        sq += (t - p[i * 2 + j]) ** 2;
        ape += (100 * Math.abs(t - p[i * 2 + j])) / Math.max(Math.abs(t), 1e-7);
      });
      r2.push(1 - res / tot);
    }
    const got = m.evaluate(x, y, { batchSize: 4, returnDict: true });
    expectClose([got.rootMeanSquaredError, got.r2Score, got.meanAbsolutePercentageError, got.mse], [Math.sqrt(sq / (2 * n)), (r2[0] + r2[1]) / 2, ape / (2 * n), sq / (2 * n)], 1e-5, "regression metrics");
  });

  it("fit logs every metric under its name, for training and validation; saved with options, compiled back on load", async () => {
    const { m, x, r } = fixture(1, "sigmoid", ["accuracy", "auc", metrics.auc({ numThresholds: 50 })], "binaryCrossentropy");
    const y = x.map((v) => +(v[0] + r() * 0.5 > 0));
    const h = await m.fit(x, y, { epochs: 2, validationSplit: 0.3, verbose: 0 });
    expect(Object.keys(h.history)).toEqual(["loss", "acc", "auc", "auc_1", "val_loss", "val_acc", "val_auc", "val_auc_1"]);
    const m2 = fixture(1, "sigmoid", [metrics.auc({ numThresholds: 50 }), metrics.topKCategoricalAccuracy({ k: 3 })], "binaryCrossentropy").m;
    const a = (await m2.save("memory", { includeOptimizer: true })).artifacts!;
    expect(a.trainingConfig!.metrics).toEqual([{ class_name: "AUC", config: { num_thresholds: 50 } }, { class_name: "TopKCategoricalAccuracy", config: { k: 3 } }]);
    const back = await loadLayersModel(a);
    expect(back.compiled!.metrics.map((x2) => [x2.name, x2.numThresholds, x2.k])).toEqual([["auc", 50, 5], ["topKCategoricalAccuracy", 200, 3]]);
  });

  it("bad metric options are ValueErrors", () => {
    expect(() => metrics.auc({ numThresholds: 1 })).toThrow(/metrics.auc\(\{ numThresholds \}\) must be an integer in \[2, 100000\]; received 1/);
    expect(() => metrics.topKCategoricalAccuracy({ k: 0 })).toThrow(/k \}\) must be a positive integer; received 0/);
    expect(() => metrics.precision({ thresholds: 0.5 } as never)).toThrow(/unknown option 'thresholds'; did you mean 'threshold'\?/);
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
    m.compile({ optimizer: "sgd", loss: "mse" });
    expect(() => m.evaluate([[1, 2, 3]], [[0, 1]], { returnDict: "yes" } as never)).toThrow(/evaluate\(\{ returnDict \}\) must be true or false/);
  });
});

describe.skipIf(!isNode)("metrics against the real TF.js 4.22's metric functions", async () => {
  const tf = isNode ? await import("@tensorflow/tfjs") : (undefined as never);
  if (isNode) await tf.setBackend("cpu");
  const one = (t: import("@tensorflow/tfjs").Tensor) => t.mean().dataSync()[0];

  it("binaryAccuracy, precision, recall, categoricalAccuracy, r2Score and MAPE agree with tf.metrics on the same predictions", () => {
    const b = fixture(2, "sigmoid", ["binaryAccuracy", "precision", "recall"]);
    const yb = b.x.map(() => [+(b.r() > 0.5), +(b.r() > 0.4)]);
    const gb = b.m.evaluate(b.x, yb, { batchSize: 7, returnDict: true });
    const [tb, pb] = [tf.tensor2d(yb), tf.tensor2d(b.p, [b.x.length, 2])];
    const hard = tf.greater(pb, 0.5).cast("float32"); // TF.js's precision and recall count predictions equal to 1
    expectClose([gb.binaryAccuracy, gb.precision, gb.recall], [one(tf.metrics.binaryAccuracy(tb, pb)), one(tf.metrics.precision(tb, hard)), one(tf.metrics.recall(tb, hard))], 1e-6, "binary");
    const c = fixture(5, "softmax", ["categoricalAccuracy"], "categoricalCrossentropy");
    const yc = c.x.map(() => { const k = Math.floor(c.r() * 5); return [0, 1, 2, 3, 4].map((j) => +(j === k)); });
    const gc = c.m.evaluate(c.x, yc, { batchSize: 7, returnDict: true });
    const [tc, pc] = [tf.tensor2d(yc), tf.tensor2d(c.p, [c.x.length, 5])];
    expectClose([gc.categoricalAccuracy], [one(tf.metrics.categoricalAccuracy(tc, pc))], 1e-6, "categorical"); // TF.js has no top-k metric
    const g = fixture(2, "linear", ["r2Score", "meanAbsolutePercentageError"]);
    const yr = g.x.map((v) => [v[0] + g.r(), v[2] * 2 - g.r()]);
    const gr = g.m.evaluate(g.x, yr, { batchSize: 7, returnDict: true });
    const [tr, pr] = [tf.tensor2d(yr), tf.tensor2d(g.p, [g.x.length, 2])];
    expectClose([gr.meanAbsolutePercentageError], [one(tf.metrics.MAPE(tr, pr))], 2e-5, "MAPE");
    // TF.js's r2Score pools every output around one mean; Keras's (ours) averages R² per output: one output agrees.
    const g1 = fixture(1, "linear", ["r2Score"]);
    const y1 = g1.x.map((v) => [v[0] + g1.r()]);
    const r1 = g1.m.evaluate(g1.x, y1, { batchSize: 7, returnDict: true }).r2Score;
    expectClose([r1], [one(tf.metrics.r2Score(tf.tensor2d(y1), tf.tensor2d(g1.p, [g1.x.length, 1])))], 2e-5, "r2Score, one output");
  });
});
