// The losses beyond MSE and the cross-entropies, and the cross-entropies' fromLogits and labelSmoothing,
// through the public API: each loss's value against Keras's formula in float64 on the model's own
// predictions, its gradient by central finite differences, and against the real TF.js 4.22 (the loss
// evaluate reports and the weights after one SGD step) for every loss TF.js has.
import { describe, expect, it } from "vitest";
import { layers, loadLayersModel, losses, optimizers, sequential, setSeed, type Loss } from "../../src/index.js";
import type { ActivationName } from "../../src/activations.js";
import { isNode } from "../helpers/files.js";
import { expectClose, rng } from "../helpers/check.js";
import { kerasLoss, type KerasLoss } from "../reference/losses.js";

interface Case { loss: string | (() => Loss); ref: KerasLoss; act: ActivationName; units: number; labels: (r: () => number) => number[]; tfjs?: string; delta?: number }
const softTargets = (r: () => number) => { const v = [r() + 0.1, r() + 0.1, r() + 0.1]; const s = v[0] + v[1] + v[2]; return v.map((x) => x / s); };
const CASES: Record<string, Case> = {
  meanAbsoluteError: { loss: "meanAbsoluteError", ref: "mae", act: "linear", units: 2, labels: (r) => [r() * 2 - 1, r()], tfjs: "meanAbsoluteError" },
  huber: { loss: "huber", ref: "huber", act: "linear", units: 2, labels: (r) => [r() * 4 - 2, r() * 3] },
  "huber delta 0.3": { loss: () => losses.huber({ delta: 0.3 }), ref: "huber", delta: 0.3, act: "linear", units: 2, labels: (r) => [r() * 4 - 2, r() * 3] },
  logcosh: { loss: "logcosh", ref: "logcosh", act: "linear", units: 2, labels: (r) => [r() * 4 - 2, r()], tfjs: "logcosh" },
  hinge: { loss: "hinge", ref: "hinge", act: "tanh", units: 1, labels: (r) => [r() > 0.5 ? 1 : -1], tfjs: "hinge" },
  "hinge, 0/1 labels": { loss: "hinge", ref: "hinge", act: "tanh", units: 1, labels: (r) => [r() > 0.5 ? 1 : 0] },
  squaredHinge: { loss: "squared_hinge", ref: "squaredHinge", act: "tanh", units: 2, labels: (r) => [r() > 0.5 ? 1 : -1, r() > 0.3 ? 1 : -1], tfjs: "squaredHinge" },
  categoricalHinge: { loss: "categoricalHinge", ref: "categoricalHinge", act: "linear", units: 3, labels: (r) => { const c = Math.floor(r() * 3); return [0, 1, 2].map((j) => +(j === c)); }, tfjs: "categoricalHinge" },
  kullbackLeiblerDivergence: { loss: "kld", ref: "kld", act: "softmax", units: 3, labels: softTargets, tfjs: "kullbackLeiblerDivergence" },
  poisson: { loss: "poisson", ref: "poisson", act: "sigmoid", units: 2, labels: (r) => [Math.floor(r() * 3), r()], tfjs: "poisson" },
  meanSquaredLogarithmicError: { loss: "msle", ref: "msle", act: "sigmoid", units: 2, labels: (r) => [r() * 2, r()], tfjs: "meanSquaredLogarithmicError" },
  meanAbsolutePercentageError: { loss: "mape", ref: "mape", act: "linear", units: 2, labels: (r) => [r() + 0.5, -(r() + 0.2)], tfjs: "meanAbsolutePercentageError" },
};

function setup(c: Case, seed = 1) {
  setSeed(seed);
  const m = sequential({ layers: [layers.dense({ units: 6, activation: "tanh", inputShape: [4] }), layers.dense({ units: c.units, activation: c.act })] });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: typeof c.loss === "function" ? c.loss() : c.loss });
  const r = rng(seed + 10);
  const x = Array.from({ length: 12 }, () => [r() * 2 - 1, r() * 2 - 1, r(), r() * 3 - 1]);
  const y = x.map(() => c.labels(r));
  return { m, x, y };
}

describe("losses", () => {
  it.each(Object.keys(CASES))("%s: the value is Keras's formula on the model's predictions, the gradient matches finite differences", async (name) => {
    const c = CASES[name];
    const { m, x, y } = setup(c);
    const p = m.predict(x).data;
    const want = kerasLoss(c.ref, p, y.flat(), x.length, c.units, c.delta);
    const { loss, grads } = await m.computeGradients(x, y);
    expectClose([loss], [want], 1e-5 * Math.max(1, Math.abs(want)), `${name} loss`);
    expectClose([m.evaluate(x, y) as number], [want], 1e-5 * Math.max(1, Math.abs(want)), `${name} evaluate`);
    const w0 = m.getWeights();
    for (const [w, i] of [[0, 3], [2, 0], [2, 5], [3, 0]]) {
      const at = async (d: number) => {
        const ws = m.getWeights();
        ws[w].data[i] += d;
        m.setWeights(ws);
        const l = (await m.computeGradients(x, y)).loss;
        m.setWeights(w0);
        return l;
      };
      const eps = 1e-3;
      const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      expectClose([grads[w].data[i]], [fd], 2e-3 + 1e-2 * Math.abs(fd), `${name}: weight ${w} [${i}]`);
    }
  });

  it("fromLogits: a linear last layer with the cross-entropy from logits trains as softmax (sigmoid) with the plain one", async () => {
    for (const [act, plain, logits, units, labels] of [
      ["softmax", "sparseCategoricalCrossentropy", losses.sparseCategoricalCrossentropy({ fromLogits: true }), 3, (r: () => number) => Math.floor(r() * 3)],
      ["softmax", "categoricalCrossentropy", losses.categoricalCrossentropy({ fromLogits: true }), 3, (r: () => number) => [0, 1, 2].map((j) => +(j === Math.floor(r() * 3)))],
      ["sigmoid", "binaryCrossentropy", losses.binaryCrossentropy({ fromLogits: true }), 1, (r: () => number) => +(r() > 0.5)],
    ] as const) {
      const make = (a: ActivationName, loss: string | Loss) => {
        setSeed(5);
        const m = sequential({ layers: [layers.dense({ units: 6, activation: "tanh", inputShape: [4] }), layers.dense({ units, activation: a })] });
        m.compile({ optimizer: optimizers.sgd({ learningRate: 0.2 }), loss, metrics: ["accuracy"] });
        return m;
      };
      const a = make(act, plain), b = make("linear", logits);
      const r = rng(6);
      const x = Array.from({ length: 16 }, () => [r() * 2 - 1, r() * 2 - 1, r(), r()]);
      const y = x.map(() => labels(r));
      const ha = await a.fit(x, y as never, { epochs: 3, batchSize: 4, verbose: 0 });
      const hb = await b.fit(x, y as never, { epochs: 3, batchSize: 4, verbose: 0 });
      expectClose(hb.history.loss, ha.history.loss, 1e-5, `${plain} from logits: loss`);
      expect(hb.history.acc).toEqual(ha.history.acc); // accuracy on logits: argmax, or the threshold 0
      a.getWeights().forEach((w, i) => expectClose(b.getWeights()[i].data, w.data, 1e-5, `${plain} from logits: weight ${i}`));
    }
  });

  it("labelSmoothing moves the targets toward uniform, as Keras: y (1 - s) + s / classes (binary: s / 2)", async () => {
    const cases = [
      { loss: losses.categoricalCrossentropy({ labelSmoothing: 0.2 }), units: 3, act: "softmax" as const, smooth: (t: number) => t * 0.8 + 0.2 / 3 },
      { loss: losses.binaryCrossentropy({ labelSmoothing: 0.1 }), units: 1, act: "sigmoid" as const, smooth: (t: number) => t * 0.9 + 0.05 },
    ];
    for (const c of cases) {
      setSeed(8);
      const m = sequential({ layers: [layers.dense({ units: c.units, activation: c.act, inputShape: [3] })] });
      m.compile({ optimizer: "sgd", loss: c.loss, metrics: ["accuracy"] });
      const r = rng(9);
      const x = Array.from({ length: 10 }, () => [r(), r() - 0.5, r() * 2]);
      const ids = x.map(() => Math.floor(r() * c.units + (c.units === 1 ? 0.5 : 0)));
      const y = c.units === 1 ? ids : ids.map((k) => [0, 1, 2].map((j) => +(j === k)));
      const p = m.predict(x).data;
      const clamp = (v: number) => Math.min(Math.max(v, Math.fround(1e-7)), Math.fround(1 - 1e-7));
      let want = 0;
      for (let i = 0; i < x.length; i++) {
        for (let j = 0; j < c.units; j++) {
          const t = c.smooth(c.units === 1 ? ids[i] : +(j === ids[i]));
          const q = clamp(p[i * c.units + j]);
          want -= c.units === 1 ? t * Math.log(q) + (1 - t) * Math.log(1 - q) : t * Math.log(q);
        }
      }
      want /= x.length;
      expectClose([(m.evaluate(x, y as never) as number[])[0]], [want], 1e-5, `${c.loss.name} smoothed`);
      // The class ids give the same (they are staged as one-hot rows and smoothed the same way).
      if (c.units === 3) expectClose([(m.evaluate(x, ids) as number[])[0]], [want], 1e-5, "class ids, smoothed");
      const acc = (m.evaluate(x, y as never) as number[])[1];
      const correct = ids.filter((k, i) => (c.units === 1 ? +(p[i] > 0.5) : [0, 1, 2].reduce((b, j) => (p[i * 3 + j] > p[i * 3 + b] ? j : b), 0)) === k).length;
      expect(acc).toBeCloseTo(correct / x.length, 6); // accuracy reads the targets, not the smoothed ones
    }
  });

  it("a loss with options is saved as Keras's { class_name, config } and compiled back on load", async () => {
    setSeed(3);
    const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [2] })] });
    m.compile({ optimizer: "adam", loss: losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }) });
    const a = (await m.save("memory", { includeOptimizer: true })).artifacts!;
    expect(a.trainingConfig!.loss).toEqual({ class_name: "CategoricalCrossentropy", config: { from_logits: true, label_smoothing: 0.1 } });
    const back = await loadLayersModel(a);
    expect(back.compiled!.loss).toMatchObject({ kind: "cce", fromLogits: true, labelSmoothing: 0.1 });
    m.compile({ optimizer: "adam", loss: "huber" });
    expect((await m.save("memory", { includeOptimizer: true })).artifacts!.trainingConfig!.loss).toBe("huber");
  });

  it("bad loss options and a JavaScript function are ValueErrors", () => {
    expect(() => losses.huber({ delta: 0 })).toThrow(/losses.huber\(args\).delta must be a number in \(0, 1e\+30\]; received 0/);
    expect(() => losses.binaryCrossentropy({ labelSmoothing: 1 })).toThrow(/labelSmoothing must be a number in \[0, 1\); received 1/);
    expect(() => losses.sparseCategoricalCrossentropy({ labelSmoothing: 0.1 } as never)).toThrow(/unknown option 'labelSmoothing'/);
    expect(() => losses.categoricalCrossentropy({ fromLogits: 1 as never })).toThrow(/fromLogits must be true or false/);
    const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [2] })] });
    expect(() => m.compile({ optimizer: "sgd", loss: { kind: "mse" } as never })).toThrow(/compile\(\{ loss \}\) must be a loss name or a loss made by losses\.\*/);
  });
});

describe.skipIf(!isNode)("losses against the real TF.js 4.22", async () => {
  const tf = isNode ? await import("@tensorflow/tfjs") : (undefined as never);
  if (isNode) await tf.setBackend("cpu");

  it.each(Object.keys(CASES).filter((k) => CASES[k].tfjs))("%s: the loss evaluate reports, and the weights after one SGD step", async (name) => {
    const c = CASES[name];
    const { m, x, y } = setup(c, 2);
    const t = await tf.loadLayersModel(tf.io.fromMemory((await m.save("memory")).artifacts as never));
    t.compile({ optimizer: tf.train.sgd(0.1), loss: c.tfjs! });
    const theirs = (t.evaluate(tf.tensor2d(x), tf.tensor2d(y)) as import("@tensorflow/tfjs").Scalar).dataSync()[0];
    expectClose([m.evaluate(x, y) as number], [theirs], 2e-5 * Math.max(1, Math.abs(theirs)), `${name}: evaluate`);
    await t.trainOnBatch(tf.tensor2d(x), tf.tensor2d(y));
    m.trainOnBatch(x, y);
    const tw = t.getWeights().map((w) => w.dataSync());
    m.getWeights().forEach((w, i) => expectClose(w.data, tw[i], 2e-5, `${name}: weight ${i} after one step`));
  });
});
