// layers.batchNormalization (and layers.layerNormalization against TF.js) through the public API: against the real TF.js 4.22 (inference, one
// training step with its moving statistics, save/load both ways), Keras's frozen-layer semantics,
// moving statistics in evaluate and validation, and bad options.
import { describe, expect, it } from "vitest";
import { initializers, layers, loadLayersModel, optimizers, sequential, setSeed, ValueError, type ModelArtifacts } from "../../src/index.js";
import { isNode } from "../helpers/files.js";
import { expectClose, rng } from "../helpers/check.js";
import { batchNormForward } from "../reference/normalization.js";

const data = (n: number, seed: number) => {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => [r() * 4 - 1, r() * 2, r() - 3, r() * 10]);
  return { x, y: x.map((v) => (v[0] > 0.5 ? 0 : v[1] > 1 ? 1 : 2)) };
};

const model = (bn: Parameters<typeof layers.batchNormalization>[0] = {}) => {
  setSeed(21);
  return sequential({ layers: [
    layers.dense({ units: 6, activation: "relu", inputShape: [4] }),
    layers.batchNormalization({ gammaInitializer: initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }), betaInitializer: initializers.randomNormal({ seed: 4 }), movingMeanInitializer: initializers.randomNormal({ stddev: 0.5, seed: 5 }), ...bn }),
    layers.dense({ units: 3, activation: "softmax" }),
  ] });
};

describe("batchNormalization", () => {
  it("has gamma and beta (trained) and the moving mean and variance (state); summary counts them as Keras does", () => {
    const m = model();
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const names = m.layers[1].params.map((p) => [p.name.split("/")[1], p.trainable]);
    expect(names).toEqual([["gamma", true], ["beta", true], ["moving_mean", false], ["moving_variance", false]]);
    const lines: string[] = [];
    m.summary((l) => lines.push(l));
    expect(lines).toContain("Trainable params: 63"); // 4*6+6 + 6+6 + 6*3+3
    expect(lines).toContain("Non-trainable params: 12");
    expect(m.getWeights().map((w) => w.shape)).toEqual([[4, 6], [6], [6], [6], [6], [6], [6, 3], [3]]);
    const noCenter = sequential({ layers: [layers.batchNormalization({ inputShape: [3], center: false, scale: false })] });
    expect(noCenter.getWeights().length).toBe(2);
    expect(Array.from(noCenter.predict([[1, 2, 3]]).data)).toEqual(Array.from([1, 2, 3], (v) => Math.fround(v / Math.fround(Math.sqrt(1.001)))).map((v) => Math.fround(v)));
  });

  it("inference uses the moving statistics; one training step uses the batch's and moves the averages by momentum", async () => {
    const m = model({ momentum: 0.8 });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(10, 1);
    const hidden = sequential({ layers: [m.layers[0]].map(() => layers.dense({ units: 6, activation: "relu", inputShape: [4] })) });
    hidden.setWeights(m.getWeights().slice(0, 2));
    const h = hidden.predict(x).data;
    const [, , gamma, beta, mm, mv] = m.getWeights().map((w) => w.data);
    // Inference: (h - moving mean) / sqrt(moving var + eps) · gamma + beta, then the last dense layer.
    const inf = sequential({ layers: [layers.batchNormalization({ inputShape: [6] })] });
    inf.setWeights([gamma, beta, mm, mv].map((d) => ({ data: d, shape: [6] })));
    const want = Array.from(h, (v, i) => ((v - mm[i % 6]) / Math.sqrt(mv[i % 6] + 1e-3)) * gamma[i % 6] + beta[i % 6]);
    expectClose(inf.predict({ data: h, shape: [10, 6] }).data, want, 1e-5, "inference");
    // A training step (learning rate 0: only the statistics move): batch mean and biased variance.
    m.trainOnBatch(x, y);
    const ref = batchNormForward(h, 10, 6, gamma, beta, 1e-3);
    const after = m.getWeights().map((w) => w.data);
    expectClose(after[4], Array.from(mm, (v, i) => v * 0.8 + ref.mean[i] * 0.2), 1e-5, "moving mean");
    expectClose(after[5], Array.from(mv, (v, i) => v * 0.8 + ref.variance[i] * 0.2), 1e-5, "moving variance");
    // evaluate and validation run in inference: they do not move the statistics.
    m.evaluate(x, y);
    await m.fit(x, y, { epochs: 1, batchSize: 10, shuffle: false, validationData: [x, y], verbose: 0 });
    const moved = m.getWeights()[4].data;
    expectClose(moved, Array.from(after[4], (v, i) => v * 0.8 + ref.mean[i] * 0.2), 1e-5, "one more training batch, not two");
  });

  it("frozen (trainable false), it runs in inference mode as in Keras: nothing of it moves, and the layers below still learn through it", async () => {
    const m = model();
    m.layers[1].trainable = false;
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(16, 2);
    const before = m.getWeights();
    const p0 = m.predict(x).data;
    const { grads } = await m.computeGradients(x, y);
    expect(grads.length).toBe(4); // the two dense layers'
    // In inference mode the frozen layer is the same function in training and in predict: its gradient
    // is checked by finite differences of the predicted loss.
    const loss = () => m.evaluate(x, y) as number;
    const w0 = m.getWeights();
    for (const i of [0, 5, 13]) {
      const at = (d: number) => {
        const ws = m.getWeights();
        ws[0].data[i] += d;
        m.setWeights(ws);
        const l = loss();
        m.setWeights(w0);
        return l;
      };
      const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
      expectClose([grads[0].data[i]], [fd], 2e-3 + 2e-2 * Math.abs(fd), `first kernel [${i}] through the frozen layer`);
    }
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const after = m.getWeights();
    for (const i of [2, 3, 4, 5]) expect(Array.from(after[i].data)).toEqual(Array.from(before[i].data));
    expect(Array.from(after[0].data)).not.toEqual(Array.from(before[0].data));
    expect(Array.from(m.predict(x).data)).not.toEqual(Array.from(p0));
  });

  it("computeGradients leaves the moving statistics as they were", async () => {
    const m = model();
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(8, 3);
    const before = m.getWeights().map((w) => Array.from(w.data));
    await m.computeGradients(x, y);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  it("bad options are ValueErrors naming the option", () => {
    expect(() => layers.batchNormalization({ momentum: 1 })).toThrow(/layers.batchNormalization\(\{ momentum \}\) must be a number in \[0, 1\); received 1/);
    expect(() => layers.batchNormalization({ epsilon: 0 })).toThrow(/epsilon \}\) must be a number in \(0, 1\]/);
    expect(() => layers.batchNormalization({ axis: 2 })).toThrow(/axis \}\) must be -1 \(the features of flat samples; put layers.flatten\(\) first\); received 2/);
    expect(() => layers.batchNormalization({ center: "yes" as never })).toThrow(/center \}\) must be true or false/);
    expect(() => layers.batchNormalization({ betaRegularizer: "l2" } as never)).toThrow(/layers.batchNormalization\(args\): unknown option 'betaRegularizer'/);
    expect(() => layers.batchNormalization({ gammaInitializer: "nope" as never })).toThrow(ValueError);
    const m = sequential({ layers: [layers.flatten({ inputShape: [2, 3] }), layers.batchNormalization()] });
    expect(m.predict([[[1, 2, 3], [4, 5, 6]]] as never).shape).toEqual([1, 6]);
    const rank2 = sequential({ layers: [layers.batchNormalization({ inputShape: [2, 3] })] });
    expect(() => rank2.predict([[[1, 2, 3], [4, 5, 6]]] as never)).toThrow(/takes flat samples; its input has shape \[2,3\]: put layers.flatten\(\) before it/);
  });
});

describe.skipIf(!isNode)("batchNormalization against the real TF.js 4.22", async () => {
  const tf = isNode ? await import("@tensorflow/tfjs") : (undefined as never);
  if (isNode) await tf.setBackend("cpu");
  type T = import("@tensorflow/tfjs").Tensor;

  it("myelin's model loads in TF.js: the same predictions, and after one SGD step on a batch the same weights and moving statistics", async () => {
    const m = model({ momentum: 0.9 });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(12, 4);
    const { artifacts } = await m.save("memory");
    const t = await tf.loadLayersModel(tf.io.fromMemory(artifacts as never));
    expectClose((t.predict(tf.tensor2d(x)) as T).dataSync(), m.predict(x).data, 1e-5, "inference");
    t.compile({ optimizer: tf.train.sgd(0.1), loss: "sparseCategoricalCrossentropy" });
    await t.trainOnBatch(tf.tensor2d(x), tf.tensor1d(y, "float32"));
    m.trainOnBatch(x, y);
    // TF.js lists trainable weights first: match by name.
    const theirs = new Map(t.weights.map((w) => [w.name, w.read().dataSync()]));
    const ours = m.layers.flatMap((l) => l.params.map((p) => p.name));
    m.getWeights().forEach((w, i) => expectClose(w.data, theirs.get(ours[i])!, 2e-5, `${ours[i]} after one step`));
    expectClose((t.predict(tf.tensor2d(x)) as T).dataSync(), m.predict(x).data, 2e-5, "inference after the step");
  });

  it("TF.js's trained model loads in myelin and predicts the same; its config round-trips", async () => {
    const t = tf.sequential({ layers: [
      tf.layers.dense({ units: 5, activation: "tanh", inputShape: [4] }),
      tf.layers.batchNormalization({ momentum: 0.8, epsilon: 0.01 }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ] });
    t.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(20, 5);
    await t.fit(tf.tensor2d(x), tf.tensor1d(y, "float32"), { epochs: 3, batchSize: 5, verbose: 0 });
    let art: ModelArtifacts | undefined;
    await t.save(tf.io.withSaveHandler(async (a) => { art = a as unknown as ModelArtifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; }));
    const ours = await loadLayersModel(art!);
    const bn = ours.layers[1] as import("../../src/index.js").BatchNormalization;
    expect([bn.className, bn.momentum, bn.epsilon]).toEqual(["BatchNormalization", 0.8, 0.01]);
    expectClose(ours.predict(x).data, (t.predict(tf.tensor2d(x)) as T).dataSync(), 1e-5, "TF.js's BatchNormalization model in myelin");
  });

  it("layerNormalization: TF.js's trained model predicts the same in myelin, and one SGD step on a batch gives the same weights in both", async () => {
    const t = tf.sequential({ layers: [
      tf.layers.dense({ units: 7, activation: "relu", inputShape: [4] }),
      tf.layers.layerNormalization({ epsilon: 0.01 }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ] });
    t.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(20, 6);
    await t.fit(tf.tensor2d(x), tf.tensor1d(y, "float32"), { epochs: 3, batchSize: 5, verbose: 0 });
    let art: ModelArtifacts | undefined;
    await t.save(tf.io.withSaveHandler(async (a) => { art = a as unknown as ModelArtifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; }));
    const ours = await loadLayersModel(art!);
    expect(ours.layers[1].className).toBe("LayerNormalization");
    expectClose(ours.predict(x).data, (t.predict(tf.tensor2d(x)) as T).dataSync(), 1e-5, "TF.js's LayerNormalization model in myelin");
    t.compile({ optimizer: tf.train.sgd(0.2), loss: "sparseCategoricalCrossentropy" });
    ours.compile({ optimizer: optimizers.sgd({ learningRate: 0.2 }), loss: "sparseCategoricalCrossentropy" });
    await t.trainOnBatch(tf.tensor2d(x), tf.tensor1d(y, "float32"));
    ours.trainOnBatch(x, y);
    const theirs = new Map(t.weights.map((w) => [w.name, w.read().dataSync()]));
    const names = ours.layers.flatMap((l) => l.params.map((p) => p.name));
    ours.getWeights().forEach((w, i) => expectClose(w.data, theirs.get(names[i])!, 2e-5, `${names[i]} after one step`));
    const back = await tf.loadLayersModel(tf.io.fromMemory((await ours.save("memory")).artifacts as never));
    expectClose((back.predict(tf.tensor2d(x)) as T).dataSync(), ours.predict(x).data, 1e-5, "myelin's LayerNormalization model in TF.js");
  });
});
