// Save and load in the TF.js layers format: round trips through every target this runtime has, the
// config round trip, resuming training from a save, unsupported classes, and hostile or broken files.
import { describe, expect, it } from "vitest";
import { layers, loadLayersModel, optimizers, sequential, setSeed, Sequential, type ModelArtifacts } from "../../src/index.js";
import { isNode, serveFiles } from "../helpers/files.js";
import { rng } from "../helpers/check.js";

function model(seed = 1) {
  setSeed(seed);
  return sequential({
    layers: [
      layers.dense({ units: 6, activation: "relu", inputShape: [4], kernelRegularizer: "l2" }),
      layers.dropout({ rate: 0.25 }),
      layers.leakyReLU({ alpha: 0.2 }),
      layers.dense({ units: 5, activation: "tanh", kernelInitializer: "heNormal" }),
      layers.activation({ activation: "sigmoid" }),
      layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
}

function data(n: number, seed: number) {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => [r(), r(), r(), r()]);
  return { x, y: x.map((v) => (v[0] > v[1] ? 0 : v[2] > 0.5 ? 1 : 2)) };
}

const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(new Uint32Array(w.data.slice().buffer)));

async function saved(m: Sequential, includeOptimizer = false): Promise<ModelArtifacts> {
  return (await m.save("memory", { includeOptimizer })).artifacts!;
}

describe("save and load", () => {
  it("round-trips through memory artifacts and through bytes: same weights, same predictions", async () => {
    const m = model();
    const { x } = data(7, 1);
    const r = await m.save("memory");
    expect(r.modelArtifactsInfo.weightDataBytes).toBe(4 * m.countParams());
    for (const source of [r.artifacts!, r.bytes!, r.bytes!.buffer.slice(0)]) {
      const back = await loadLayersModel(source);
      expect(bits(back)).toEqual(bits(m));
      expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
      expect(back.toJSON()).toBe(m.toJSON());
    }
  });

  it("writes model.json in the TF.js layers format", async () => {
    const a = await saved(model());
    const t = a.modelTopology as { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(t.class_name).toBe("Sequential");
    expect(t.config.layers.map((l) => l.class_name)).toEqual(["Dense", "Dropout", "LeakyReLU", "Dense", "Activation", "Dense"]);
    expect(t.config.layers[0].config).toMatchObject({ units: 6, activation: "relu", use_bias: true, batch_input_shape: [null, 4], kernel_regularizer: { class_name: "L1L2", config: { l1: 0, l2: 0.01 } } });
    expect(a.weightSpecs.map((s) => s.shape)).toEqual([[4, 6], [6], [6, 5], [5], [5, 3], [3]]);
    expect(a.weightSpecs.every((s) => s.dtype === "float32")).toBe(true);
  });

  it("fromConfig(getConfig()) gives identical JSON, toJSON is Keras's topology", async () => {
    const m = model();
    const again = await Sequential.fromConfig(m.getConfig());
    expect(again.toJSON()).toBe(m.toJSON());
    expect(JSON.parse(m.toJSON()).config.layers[3].config.kernel_initializer).toEqual({ class_name: "HeNormal", config: { seed: null } });
  });

  it("includeOptimizer: training resumed from a save matches training that never stopped, bit for bit", async () => {
    const { x, y } = data(96, 2);
    const a = model(5);
    a.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    await a.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const snapshot = await a.save("memory", { includeOptimizer: true });
    const h1 = await a.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const b = await loadLayersModel(snapshot.bytes!);
    const h2 = await b.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(h2.history).toEqual(h1.history);
    expect(bits(b)).toEqual(bits(a));
  });

  // Every optimizer with every option it has: the resumed run is the uninterrupted one, and the loaded
  // optimizer's config is the saved one (RMSprop and Adagrad once dropped convention: 'torch').
  it.each([
    ["SGD + momentum, Nesterov, clipvalue", () => optimizers.sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true, clipvalue: 0.5 })],
    ["Adagrad, torch convention, initial 0.2, epsilon 1e-6", () => optimizers.adagrad({ learningRate: 0.05, initialAccumulatorValue: 0.2, epsilon: 1e-6, convention: "torch" })],
    ["RMSprop centered with momentum, torch convention, clipnorm", () => optimizers.rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-6, centered: true, convention: "torch", clipnorm: 1 })],
    ["RMSprop, Keras convention", () => optimizers.rmsprop({ learningRate: 0.01 })],
    ["Adam, torch convention, weight decay, globalClipnorm", () => optimizers.adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.01, convention: "torch", globalClipnorm: 2 })],
    ["AdamW", () => optimizers.adamw({ learningRate: 0.01, weightDecay: 0.02 })],
  ])("includeOptimizer resumes %s bit for bit, with the same config", async (_, make) => {
    const { x, y } = data(96, 3);
    const a = model(6);
    a.compile({ optimizer: make(), loss: "sparseCategoricalCrossentropy" });
    await a.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const snapshot = await a.save("memory", { includeOptimizer: true });
    const b = await loadLayersModel(snapshot.bytes!);
    expect(b.optimizer!.className).toBe(a.optimizer!.className);
    expect(b.optimizer!.getConfig()).toEqual(a.optimizer!.getConfig());
    // Every field (the step count, convention, …) but Adam's per-step scratch `ac`, recomputed at each step.
    const fields = (o: object) => Object.entries(o).filter(([k]) => k !== "ac");
    expect(fields(b.optimizer!)).toEqual(fields(a.optimizer!));
    const h1 = await a.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const h2 = await b.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(h2.history).toEqual(h1.history);
    expect(bits(b)).toEqual(bits(a));
  });

  it.skipIf(!isNode)("writes and reads a directory (file path and file:// URL) under Node", async () => {
    const { mkdtempSync, readdirSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = join(mkdtempSync(join(tmpdir(), "myelin-save-")), "m");
    const m = model();
    await m.save(dir);
    expect(readdirSync(dir).sort()).toEqual(["model.json", "weights.bin"]);
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    expect(json.format).toBe("layers-model");
    expect(json.weightsManifest[0].paths).toEqual(["weights.bin"]);
    for (const src of [dir, `file://${dir}/model.json`]) expect(bits(await loadLayersModel(src))).toEqual(bits(m));
    // Missing files: no model.json, and a model.json whose weights file is gone.
    await expect(loadLayersModel(join(dir, "nothing-here"))).rejects.toThrow(/no model.json at .*nothing-here\/model.json/);
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "weights.bin"));
    await expect(loadLayersModel(dir)).rejects.toThrow(/weight file weights.bin is missing beside model.json/);
  });

  it("joins sharded weight files in manifest order", async () => {
    const a = await saved(model());
    const bytes = new Uint8Array(a.weightData);
    const files: Record<string, Uint8Array> = { "group1-shard1of2.bin": bytes.slice(0, 50), "group1-shard2of2.bin": bytes.slice(50) };
    const json = { modelTopology: a.modelTopology, format: "layers-model", weightsManifest: [{ paths: Object.keys(files), weights: a.weightSpecs }] };
    const server = await serveFiles({ "/m/model.json": new TextEncoder().encode(JSON.stringify(json)), ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`/m/${k}`, v])) });
    try {
      const back = await loadLayersModel(`${server.url}/m/model.json`);
      expect(bits(back)).toEqual(bits(await loadLayersModel(a)));
    } finally {
      server.close();
    }
  });
});

describe("unsupported and broken files", () => {
  const base = async () => saved(model());
  const withTopology = async (f: (layers: { class_name: string; config: Record<string, unknown> }[]) => void) => {
    const a = await base();
    const t = JSON.parse(JSON.stringify(a.modelTopology));
    f(t.config.layers);
    return { ...a, modelTopology: t };
  };

  it("another layer class or an activation we lack is named, with what is supported", async () => {
    await expect(loadLayersModel(await withTopology((l) => (l[1].class_name = "Conv2D")))).rejects.toThrow(/layer class "Conv2D" is not supported; supported: Dense, Activation, LeakyReLU, Dropout, Flatten, BatchNormalization, LayerNormalization, Normalization, InputLayer/);
    await expect(loadLayersModel(await withTopology((l) => (l[0].config.activation = "elu")))).rejects.toThrow(/activation "elu" is not supported; supported: linear, relu, sigmoid, tanh, softmax/);
    await expect(loadLayersModel({ ...(await base()), modelTopology: { class_name: "Functional", config: {} } })).rejects.toThrow(/class_name "Functional" is not supported; supported: Sequential/);
  });

  const cases: [string, (a: ModelArtifacts) => unknown, RegExp][] = [
    ["truncated weights", (a) => ({ ...a, weightData: a.weightData.slice(0, a.weightData.byteLength - 4) }), /the file is truncated/],
    ["extra bytes", (a) => ({ ...a, weightData: new Uint8Array([...new Uint8Array(a.weightData), 1, 2, 3, 4]).buffer }), /longer than declared \(extra bytes\)/],
    ["a shape that does not match the topology", (a) => ({ ...a, weightSpecs: a.weightSpecs.map((s, i) => (i === 0 ? { ...s, shape: [6, 4] } : s)) }), /has shape \[6,4\]; the topology's .*kernel needs \[4,6\]/],
    ["a negative shape", (a) => ({ ...a, weightSpecs: a.weightSpecs.map((s, i) => (i === 1 ? { ...s, shape: [-6] } : s)) }), /shape must be a list of at most 8 non-negative integers; received \[-6\]/],
    ["an enormous shape", (a) => ({ ...a, weightSpecs: a.weightSpecs.map((s, i) => (i === 0 ? { ...s, shape: [1e6, 1e6] } : s)) }), /declares 1000000000000 elements/],
    ["a NaN weight", (a) => { const d = new Float32Array(a.weightData.slice(0)); d[5] = NaN; return { ...a, weightData: d.buffer }; }, /holds NaN at index 5: weights must be finite/],
    ["a float16 weight", (a) => ({ ...a, weightSpecs: a.weightSpecs.map((s, i) => (i === 0 ? { ...s, dtype: "float16" } : s)) }), /dtype "float16" is not supported/],
    ["JSON that is not a model", () => ({ hello: "world" }), /must be a path or file:\/\/|artifacts must be|not a source/],
    ["a graph model", (a) => ({ ...a, format: "graph-model" }), /format "graph-model" is not supported/],
    ["bytes that are not a model", () => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), /not a saved myelin model/],
    ["an enormous input width", (a) => { const t = JSON.parse(JSON.stringify(a.modelTopology)); t.config.layers[0].config.batch_input_shape = [null, 1e12]; return { ...a, modelTopology: t }; }, /batch_input_shape must be \[null, \.\.\.sizes\] with every size in \[1, 2\^24\]/],
  ];
  it.each(cases)("%s gives a clear error", async (_what, mutate, message) => {
    await expect(loadLayersModel(mutate(await base()))).rejects.toThrow(message);
  });

  it("model.json files: not JSON, no topology, missing files, paths outside the folder", async () => {
    const a = await base();
    const good = { modelTopology: a.modelTopology, format: "layers-model", weightsManifest: [{ paths: ["w.bin"], weights: a.weightSpecs }] };
    const enc = (o: unknown) => new TextEncoder().encode(typeof o === "string" ? o : JSON.stringify(o));
    const server = await serveFiles({
      "/bad/model.json": enc("{ not json"),
      "/nomodel/model.json": enc({ hello: 1 }),
      "/missing/model.json": enc(good),
      "/escape/model.json": enc({ ...good, weightsManifest: [{ paths: ["../secret.bin"], weights: a.weightSpecs }] }),
    });
    try {
      await expect(loadLayersModel(`${server.url}/bad/model.json`)).rejects.toThrow(/model.json is not JSON/);
      await expect(loadLayersModel(`${server.url}/nomodel/model.json`)).rejects.toThrow(/has no modelTopology: it is not a TF.js layers model/);
      await expect(loadLayersModel(`${server.url}/missing/model.json`)).rejects.toThrow(/weight file w.bin answered 404/);
      await expect(loadLayersModel(`${server.url}/escape/model.json`)).rejects.toThrow(/must be a plain relative name/);
      await expect(loadLayersModel(`${server.url}/none/model.json`)).rejects.toThrow(/fetch answered 404/);
    } finally {
      server.close();
    }
  });
});

describe.skipIf(isNode)("browser storage (Chromium)", () => {
  it("round-trips through localstorage:// and indexeddb://", async () => {
    const m = model(9);
    for (const target of ["localstorage://my-model", "indexeddb://my-model"]) {
      await m.save(target);
      const back = await loadLayersModel(target);
      expect(bits(back)).toEqual(bits(m));
    }
    await expect(loadLayersModel("indexeddb://no-such-model")).rejects.toThrow(/no model saved under that name in IndexedDB/);
    await expect(loadLayersModel("localstorage://no-such-model")).rejects.toThrow(/no model saved under that name in localStorage/);
  });

  it("downloads:// offers model.json and the weights as two downloads", async () => {
    const clicked: { download: string; size: number }[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, size: 0 });
    };
    try {
      await model().save("downloads://my-model");
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    expect(clicked.map((c) => c.download)).toEqual(["my-model.json", "my-model.weights.bin"]);
  });
});

describe.skipIf(isNode)("browser storage shared with TF.js (Chromium)", () => {
  it("a model TF.js saves to indexeddb:// or localstorage:// loads in myelin, and the other way round", async () => {
    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    const { x } = data(6, 11);
    const theirs = tf.sequential({ layers: [tf.layers.dense({ units: 5, activation: "tanh", inputShape: [4] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    const want = (theirs.predict(tf.tensor2d(x)) as import("@tensorflow/tfjs").Tensor).dataSync();
    for (const scheme of ["indexeddb://", "localstorage://"]) {
      await theirs.save(`${scheme}from-tfjs`);
      const mine = await loadLayersModel(`${scheme}from-tfjs`);
      expect(Array.from(mine.predict(x).data).every((v, i) => Math.abs(v - want[i]) <= 1e-5)).toBe(true);
      const m = model(12);
      await m.save(`${scheme}from-myelin`);
      const back = await tf.loadLayersModel(`${scheme}from-myelin`);
      const got = (back.predict(tf.tensor2d(x)) as import("@tensorflow/tfjs").Tensor).dataSync();
      const ours = m.predict(x).data;
      expect(Array.from(got).every((v, i) => Math.abs(v - ours[i]) <= 1e-5)).toBe(true);
    }
  });
});
