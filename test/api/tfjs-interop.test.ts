// Models move between myelin and the real TF.js 4.22 (Node, cpu backend) in the layers format, both
// ways, predicting the same within 1e-5; and a model.json in tfjs-converter's older Keras form
// (test/fixtures/keras-converter, made by make_keras_fixture.mjs with TF.js) loads and predicts as
// TF.js predicts it.
import { describe, expect, it } from "vitest";
import { layers, loadLayersModel, optimizers, sequential, setSeed, type ModelArtifacts } from "../../src/index.js";
import { isNode, projectUrl, readJson } from "../helpers/files.js";
import { expectClose, rng } from "../helpers/check.js";

const X = (() => {
  const r = rng(3);
  return Array.from({ length: 16 }, () => [r(), r() * 2 - 1, r(), r() * 3]);
})();

describe.skipIf(!isNode)("TF.js interop", async () => {
  const tf = isNode ? await import("@tensorflow/tfjs") : (undefined as never);
  if (isNode) await tf.setBackend("cpu");

  it("a Sequential model built, trained and saved by TF.js loads in myelin and predicts the same", async () => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ units: 9, activation: "relu", inputShape: [4] }),
      tf.layers.dense({ units: 8, activation: "tanh" }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 7, activation: "sigmoid" }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.dense({ units: 6, activation: "linear" }),
      tf.layers.activation({ activation: "tanh" }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ] });
    m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    const y = tf.oneHot(tf.tensor1d(X.map((v) => (v[0] > 0.5 ? 0 : v[1] > 0 ? 1 : 2)), "int32"), 3);
    await m.fit(tf.tensor2d(X), y, { epochs: 5, verbose: 0 });
    let art: ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => { art = a as unknown as ModelArtifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; }));
    const ours = await loadLayersModel(art!);
    const want = (m.predict(tf.tensor2d(X)) as import("@tensorflow/tfjs").Tensor).dataSync();
    expectClose(ours.predict(X).data, want, 1e-5, "TF.js model predicted by myelin");
  });

  it("a myelin model saved loads in TF.js (tf.loadLayersModel) and predicts the same", async () => {
    setSeed(4);
    const m = sequential({ layers: [
      layers.dense({ units: 9, activation: "relu", inputShape: [4], kernelRegularizer: "l2" }),
      layers.dropout({ rate: 0.2 }),
      layers.dense({ units: 8, activation: "sigmoid", kernelInitializer: "heUniform" }),
      layers.leakyReLU({ alpha: 0.1 }),
      layers.dense({ units: 6, activation: "tanh" }),
      layers.activation({ activation: "linear" }),
      layers.dense({ units: 3, activation: "softmax" }),
    ] });
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: "sparseCategoricalCrossentropy" });
    await m.fit(X, X.map((v) => (v[0] > 0.5 ? 0 : v[1] > 0 ? 1 : 2)), { epochs: 5, verbose: 0 });
    const { artifacts } = await m.save("memory");
    const theirs = await tf.loadLayersModel(tf.io.fromMemory(artifacts as never));
    const got = (theirs.predict(tf.tensor2d(X)) as import("@tensorflow/tfjs").Tensor).dataSync();
    expectClose(got, m.predict(X).data, 1e-5, "myelin model predicted by TF.js");
    // And from the files myelin writes, served over http to TF.js's own http loader.
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createServer } = await import("node:http");
    const dir = mkdtempSync(join(tmpdir(), "myelin-tfjs-"));
    await m.save(dir);
    const server = createServer((req, res) => {
      try {
        const body = readFileSync(join(dir, new URL(req.url ?? "/", "http://x").pathname.slice(1)));
        res.writeHead(200).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const fromHttp = await tf.loadLayersModel(`http://127.0.0.1:${(server.address() as { port: number }).port}/model.json`);
      expectClose((fromHttp.predict(tf.tensor2d(X)) as import("@tensorflow/tfjs").Tensor).dataSync(), m.predict(X).data, 1e-5, "myelin files loaded by TF.js over http");
    } finally {
      server.close();
    }
  });

  it("Flatten, samples of rank 3 and frozen layers move both ways: TF.js's model predicts the same in myelin, myelin's in TF.js", async () => {
    const r = rng(8);
    const imgs = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => [r(), r() - 0.5])));
    const t = tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: [4, 3, 2] }),
      tf.layers.dense({ units: 5, activation: "relu", trainable: false }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ] });
    let art: ModelArtifacts | undefined;
    await t.save(tf.io.withSaveHandler(async (a) => { art = a as unknown as ModelArtifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; }));
    const ours = await loadLayersModel(art!);
    expect(ours.layers.map((l) => [l.className, l.trainable])).toEqual([["Flatten", true], ["Dense", false], ["Dense", true]]);
    const want = (t.predict(tf.tensor4d(imgs)) as import("@tensorflow/tfjs").Tensor).dataSync();
    expectClose(ours.predict(imgs as never).data, want, 1e-5, "TF.js flatten model predicted by myelin");
    // And back: myelin's save of it (trained a little, so the weights are myelin's) loads in TF.js.
    ours.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    await ours.fit(imgs as never, [0, 1, 2, 0, 1, 2], { epochs: 3, verbose: 0 });
    const { artifacts } = await ours.save("memory");
    const theirs = await tf.loadLayersModel(tf.io.fromMemory(artifacts as never));
    expect(theirs.layers.map((l) => l.trainable)).toEqual([true, false, true]);
    expectClose((theirs.predict(tf.tensor4d(imgs)) as import("@tensorflow/tfjs").Tensor).dataSync(), ours.predict(imgs as never).data, 1e-5, "myelin flatten model predicted by TF.js");
  });

  it("a TF.js model with an explicit InputLayer loads in myelin (its shape goes to the next layer) and saves back for TF.js", async () => {
    const t = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4] }), tf.layers.dense({ units: 5, activation: "tanh" }), tf.layers.dense({ units: 2 })] });
    let art: ModelArtifacts | undefined;
    await t.save(tf.io.withSaveHandler(async (a) => { art = a as unknown as ModelArtifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; }));
    expect((art!.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers[0].class_name).toBe("InputLayer");
    const ours = await loadLayersModel(art!);
    expect(ours.layers.map((l) => l.className)).toEqual(["Dense", "Dense"]);
    expectClose(ours.predict(X).data, (t.predict(tf.tensor2d(X)) as import("@tensorflow/tfjs").Tensor).dataSync(), 1e-5, "InputLayer model in myelin");
    const back = await tf.loadLayersModel(tf.io.fromMemory((await ours.save("memory")).artifacts as never));
    expectClose((back.predict(tf.tensor2d(X)) as import("@tensorflow/tfjs").Tensor).dataSync(), ours.predict(X).data, 1e-5, "and back in TF.js");
  });

  it("loads tfjs-converter's older Keras form (model_config, bare layer list, VarianceScaling) as TF.js does", async () => {
    const exp = await readJson<{ inputs: number[][]; outputs: number[] }>(projectUrl("test/fixtures/keras-converter/expected.json"));
    const m = await loadLayersModel(new URL("model.json", projectUrl("test/fixtures/keras-converter/")).href);
    expect(m.layers.map((l) => l.name)).toEqual(["dense_1", "dense_2", "dropout_1", "dense_3"]);
    expectClose(m.predict(exp.inputs).data, exp.outputs, 1e-5, "Keras-converter fixture");
  });
});
