// fit's sampleWeight and classWeight, with Keras's semantics: the loss is sum_i w_i loss_i / batch size.
// The oracle is built from the public API on single samples: evaluate gives each loss_i, computeGradients
// each gradient, and one full-batch SGD step must move the weights by their weighted mean.
import { describe, expect, it } from "vitest";
import { layers, optimizers, sequential, setSeed, type Sequential } from "../../src/index.js";
import { expectClose, rng } from "../helpers/check.js";
import { isNode } from "../helpers/files.js";

const make = (units = 3, act: "softmax" | "sigmoid" = "softmax", loss = "sparseCategoricalCrossentropy") => {
  setSeed(31);
  const m = sequential({ layers: [layers.dense({ units: 5, activation: "tanh", inputShape: [3] }), layers.dense({ units, activation: act })] });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss, metrics: ["accuracy"] });
  return m;
};
const data = (n: number, classes: number) => {
  const r = rng(17);
  const x = Array.from({ length: n }, () => [r() * 2 - 1, r() * 2 - 1, r()]);
  return { x, y: x.map(() => Math.floor(r() * classes)) };
};
const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));

describe("sampleWeight and classWeight", () => {
  it("one full-batch step: the loss is sum(w_i loss_i) / n and the update the weighted mean of the per-sample gradients", async () => {
    const { x, y } = data(6, 3);
    const w = [0.5, 2, 0, 1, 3, 1.5];
    const ref = make();
    const losses: number[] = [], grads: Float32Array[][] = [];
    for (let i = 0; i < x.length; i++) {
      losses.push(ref.evaluate([x[i]], [y[i]]) as unknown as number);
      grads.push((await ref.computeGradients([x[i]], [y[i]])).grads.map((g) => g.data));
    }
    const w0 = ref.getWeights();
    const m = make();
    const h = await m.fit(x, y, { sampleWeight: w, batchSize: 6, shuffle: false, verbose: 0 });
    const want = losses.reduce((a, l, i) => a + w[i] * (l as unknown as number[])[0], 0) / x.length;
    expectClose([h.history.loss[0]], [want], 1e-6, "weighted loss");
    m.getWeights().forEach((got, t) => {
      const step = Array.from(got.data, (_, j) => w0[t].data[j] - (0.5 * grads.reduce((a, g, i) => a + w[i] * g[t][j], 0)) / x.length);
      expectClose(got.data, step, 1e-6, `weight ${t} after the weighted step`);
    });
    // Metrics stay unweighted (Keras's metrics, not weighted_metrics).
    const acc = y.filter((c, i) => { const p = ref.predict([x[i]]).data; return p.indexOf(Math.max(...p)) === c; }).length / y.length;
    expect(h.history.acc[0]).toBeCloseTo(acc, 6);
  });

  it("hinge losses decide whether 0/1 labels are converted for the whole batch (Keras), also when sample-weighted", async () => {
    // Keras converts 0/1 labels to -1/1 when every label of the batch is 0 or 1. A batch mixing -1, 0 and 1
    // converts none (each row through the kernel alone once converted its own 0/1 rows); a 0/1 batch, all.
    const { x } = data(6, 2);
    const w = [0.5, 2, 1, 1, 3, 1.5];
    const cases: [number[], boolean][] = [[[1, 0, -1, 0, 1, 1], false], [[1, 0, 0, 1, 1, 0], true]];
    for (const loss of ["hinge", "squaredHinge"]) {
      for (const [labels, converted] of cases) {
        setSeed(3);
        const m = sequential({ layers: [layers.dense({ units: 4, activation: "tanh", inputShape: [3] }), layers.dense({ units: 1, activation: "tanh" })] });
        m.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss });
        const p = m.predict(x).data;
        // Keras's reduction in float64: sum_i w_i loss_i / batch size.
        const want = (weights?: number[]) => labels.reduce((a, y, i) => {
          const margin = Math.max(1 - (converted ? 2 * y - 1 : y) * p[i], 0);
          return a + (weights?.[i] ?? 1) * (loss === "hinge" ? margin : margin * margin);
        }, 0) / labels.length;
        for (const sampleWeight of [w, undefined]) {
          const h = await m.fit(x, labels, { sampleWeight, batchSize: 6, shuffle: false, verbose: 0 });
          expectClose([h.history.loss[0]], [want(sampleWeight)], 1e-6, `${loss}, labels ${labels}, ${sampleWeight ? "weighted" : "unweighted"}`);
        }
      }
    }
  });

  it("classWeight is the sample weight of each sample's class (class ids, one-hot rows, or a single output's 0/1), multiplied with sampleWeight", async () => {
    const { x, y } = data(20, 3);
    const cw = { 0: 0.2, 2: 3 }; // class 1 unlisted: weight 1
    const sw = x.map((_, i) => 1 + (i % 3));
    const byClass = make();
    await byClass.fit(x, y, { classWeight: cw, sampleWeight: sw, epochs: 2, batchSize: 5, verbose: 0 });
    const bySample = make();
    await bySample.fit(x, y, { sampleWeight: y.map((c, i) => ({ 0: 0.2, 1: 1, 2: 3 })[c]! * sw[i]), epochs: 2, batchSize: 5, verbose: 0 });
    expect(bits(byClass)).toEqual(bits(bySample));
    const oneHot = make(3, "softmax", "categoricalCrossentropy");
    await oneHot.fit(x, y.map((c) => [0, 1, 2].map((j) => +(j === c))), { classWeight: cw, sampleWeight: sw, epochs: 2, batchSize: 5, verbose: 0 });
    expect(bits(oneHot)).toEqual(bits(byClass)); // one-hot rows train as their class ids, weights too
    const yb = y.map((c) => +(c > 0));
    const binA = make(1, "sigmoid", "binaryCrossentropy"), binB = make(1, "sigmoid", "binaryCrossentropy");
    await binA.fit(x, yb, { classWeight: { 1: 4 }, epochs: 2, batchSize: 5, verbose: 0 });
    await binB.fit(x, yb, { sampleWeight: yb.map((v) => (v ? 4 : 1)), epochs: 2, batchSize: 5, verbose: 0 });
    expect(bits(binA)).toEqual(bits(binB));
    const unweighted = make();
    await unweighted.fit(x, y, { sampleWeight: x.map(() => 1), epochs: 2, batchSize: 5, verbose: 0 });
    const plain = make();
    await plain.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0 });
    expectClose(bits(unweighted).flat(), bits(plain).flat(), 1e-6, "weights of 1 train as no weights");
  });

  it("bad weights are ValueErrors naming the argument, and the model is unchanged", async () => {
    const { x, y } = data(8, 3);
    const m = make();
    const before = bits(m);
    await expect(m.fit(x, y, { classWeight: { 3: 1 } })).rejects.toThrow(/fit\(\{ classWeight \}\) key must be a class in \[0, 2\] \(the model has 3 classes\); received "3"/);
    await expect(m.fit(x, y, { classWeight: { 1: -1 } })).rejects.toThrow(/fit\(\{ classWeight \}\)\[1\] must be a finite weight >= 0; received -1/);
    await expect(m.fit(x, y, { classWeight: [1, 2] as never })).rejects.toThrow(/classWeight \}\) must be an object/);
    await expect(m.fit(x, y, { sampleWeight: [1, 2] })).rejects.toThrow(/fit\(\{ sampleWeight \}\) must be 8 weights, one per sample; received an array of length 2/);
    await expect(m.fit(x, y, { sampleWeight: x.map((_, i) => (i === 5 ? NaN : 1)) })).rejects.toThrow(/sampleWeight \}\) must hold finite weights >= 0; received NaN at index 5/);
    const reg = make(1, "sigmoid", "meanSquaredError");
    await expect(reg.fit(x, x.map((v) => v[0]), { classWeight: { 0: 2 } })).rejects.toThrow(/classWeight \}\) needs class labels; received .* at index 0/);
    expect(bits(m)).toEqual(before);
  });

  it("validationSplit takes the last samples' weights away with them", async () => {
    const { x, y } = data(10, 3);
    const a = make(), b = make();
    await a.fit(x, y, { sampleWeight: x.map((_, i) => (i < 8 ? 2 : 100)), validationSplit: 0.2, batchSize: 4, shuffle: false, verbose: 0 });
    await b.fit(x.slice(0, 8), y.slice(0, 8), { sampleWeight: x.slice(0, 8).map(() => 2), batchSize: 4, shuffle: false, verbose: 0 });
    expect(bits(a)).toEqual(bits(b));
  });
});

describe.skipIf(!isNode)("classWeight against the real TF.js 4.22", async () => {
  const tf = isNode ? await import("@tensorflow/tfjs") : (undefined as never);
  if (isNode) await tf.setBackend("cpu");

  it("one full-batch SGD step with classWeight gives TF.js's weights", async () => {
    const { x, y } = data(12, 3);
    const m = make();
    const t = await tf.loadLayersModel(tf.io.fromMemory((await m.save("memory")).artifacts as never));
    t.compile({ optimizer: tf.train.sgd(0.5), loss: "sparseCategoricalCrossentropy" });
    const cw = { 0: 0.5, 1: 2, 2: 1 };
    await t.fit(tf.tensor2d(x), tf.tensor1d(y, "float32"), { classWeight: cw, batchSize: 12, epochs: 1, shuffle: false, verbose: 0 });
    await m.fit(x, y, { classWeight: cw, batchSize: 12, shuffle: false, verbose: 0 });
    const tw = t.getWeights().map((w) => w.dataSync());
    m.getWeights().forEach((w, i) => expectClose(w.data, tw[i], 1e-5, `weight ${i}`));
  });
});
