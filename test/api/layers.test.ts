// The layer registry and what every layer gets through it: its gradient checked by central finite
// differences through the public API (a new layer is tested by adding it to LAYERS), its config round
// trip, flatten and inputs of any rank, trainable (frozen layers), model.getLayer, summary's counts.
import { describe, expect, it } from "vitest";
import { initializers, layers, loadLayersModel, sequential, setSeed, ValueError, type Layer } from "../../src/index.js";
import { LAYER_CLASSES } from "../../src/layers/layer.js";
import { expectClose, rng } from "../helpers/check.js";

/** Every layer class, made as a middle layer of width 6 (the list a new layer is added to). */
const LAYERS: Record<string, () => Layer> = {
  Dense: () => layers.dense({ units: 5, activation: "sigmoid", kernelRegularizer: "l1l2" }),
  Activation: () => layers.activation({ activation: "tanh" }),
  LeakyReLU: () => layers.leakyReLU({ alpha: 0.2 }),
  Dropout: () => layers.dropout({ rate: 0.3, seed: 5 }),
  Flatten: () => layers.flatten(),
  Normalization: () => layers.normalization({ mean: [0.1, -0.2, 0.3, 0, 0.5, -1], variance: [0.5, 2, 1, 0.25, 3, 1] }),
  LayerNormalization: () => layers.layerNormalization({ gammaInitializer: initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }), betaInitializer: initializers.randomNormal({ seed: 4 }) }),
  BatchNormalization: () => layers.batchNormalization({ momentum: 0.9, gammaInitializer: initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 1 }), betaInitializer: initializers.randomNormal({ seed: 2 }) }),
};

const data = (n: number, d: number, seed: number) => {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: d }, () => r() * 2 - 1));
  return { x, y: x.map((v) => (v[0] + v[1] > 0 ? 0 : v[2] > 0 ? 1 : 2)) };
};

describe("the layer registry", () => {
  it("lists every layer class the layers factories make, by its Keras className", () => {
    expect([...LAYER_CLASSES.keys()].sort()).toEqual(Object.keys(LAYERS).sort());
    for (const [name, make] of Object.entries(LAYERS)) expect(make().className).toBe(name);
  });

  it.each(Object.keys(LAYERS))("%s: dLoss/dWeight and dLoss/dInput match central finite differences through the public API", async (name) => {
    setSeed(11);
    const model = sequential({ layers: [layers.dense({ units: 6, activation: "tanh", inputShape: [4] }), LAYERS[name](), layers.dense({ units: 3, activation: "softmax" })] });
    model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(8, 4, 2);
    const { grads } = await model.computeGradients(x, y);
    const weights = model.getWeights();
    // Gradients come for the trained weights (state such as moving statistics has none), in order.
    const trained = model.layers.flatMap((l) => l.params.map((p) => p.trainable)).flatMap((t, i) => (t ? [i] : []));
    expect(grads.length).toBe(trained.length);
    // The first dense layer's gradient goes through the tested layer's backward (dLoss/dInput).
    const eps = 1e-2;
    for (const [g, w] of trained.entries()) {
      const n = weights[w].data.length;
      for (const i of [0, Math.floor(n / 3), n - 1]) {
        const at = async (delta: number) => {
          const ws = model.getWeights();
          ws[w].data[i] += delta;
          model.setWeights(ws);
          const loss = (await model.computeGradients(x, y)).loss;
          model.setWeights(weights);
          return loss;
        };
        const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
        expectClose([grads[g].data[i]], [fd], 2e-3 + 2e-2 * Math.abs(fd), `${name}: weight ${w} [${weights[w].shape}] index ${i}`);
      }
    }
  });

  it.each(Object.keys(LAYERS))("%s: getConfig() makes the same layer again (Keras JSON round trip, by className)", async (name) => {
    const model = sequential({ layers: [layers.dense({ units: 6, inputShape: [4] }), LAYERS[name](), layers.dense({ units: 2 })] });
    const again = await (await import("../../src/index.js")).Sequential.fromConfig(JSON.parse(JSON.stringify(model.getConfig())));
    expect(again.getConfig()).toEqual(model.getConfig());
    expect(again.layers[1]).toBeInstanceOf(LAYER_CLASSES.get(name)!);
  });
});

describe("flatten and inputs of any rank", () => {
  const images = (n: number) => {
    const r = rng(9);
    return Array.from({ length: n }, () => Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => r())));
  };

  it("inputShape [4, 3] + flatten reads each sample row-major: nested arrays, { data, shape: [n, 4, 3] } and flat rows predict the same", () => {
    setSeed(2);
    const m = sequential({ layers: [layers.flatten({ inputShape: [4, 3] }), layers.dense({ units: 2, kernelInitializer: "ones" })] });
    const x = images(5);
    const flat = x.map((s) => s.flat());
    const want = flat.map((r) => r.reduce((a, b) => a + b, 0));
    const got = m.predict(x as never);
    expectClose(Array.from(got.data).filter((_, i) => i % 2 === 0), want, 1e-5, "sums of each sample");
    expect(Array.from(m.predict({ data: Float32Array.from(flat.flat()), shape: [5, 4, 3] }).data)).toEqual(Array.from(got.data));
    expect(Array.from(m.predict(flat).data)).toEqual(Array.from(got.data));
    expect(m.layers[0].outputShape).toEqual([12]);
    const lines: string[] = [];
    m.summary((l) => lines.push(l));
    expect(lines.join("\n")).toMatch(/flatten_\d+ \(Flatten\)\s+\(None, 12\)\s+0/);
  });

  it("a sample of the wrong shape names the index path; Dense on a sample of rank 2 says to flatten first", () => {
    const m = sequential({ layers: [layers.flatten({ inputShape: [4, 3] }), layers.dense({ units: 2 })] });
    const x = images(2);
    x[1][2] = [1, 2];
    expect(() => m.predict(x as never)).toThrow(/predict\(x\)\[1\]\[2\] must be an array of 3 \(samples of shape \[4,3\]\); received an array of length 2/);
    x[1][2] = [1, 2, "3" as never];
    expect(() => m.predict(x as never)).toThrow(/predict\(x\) must hold numbers; received "3" at \[1\]\[2\]\[2\]/);
    const bad = sequential({ layers: [layers.dense({ units: 2, inputShape: [4, 3] })] });
    expect(() => bad.predict(images(1) as never)).toThrow(/layer dense_\d+ \(Dense\) takes flat samples; its input has shape \[4,3\]: put layers.flatten\(\) before it/);
    expect(() => layers.flatten({ inputShape: [4, 0] })).toThrow(ValueError);
  });

  it("trains on nested samples exactly as on the same samples flattened, and saves batch_input_shape [null, 4, 3]", async () => {
    const make = () => {
      setSeed(3);
      const m = sequential({ layers: [layers.flatten({ inputShape: [4, 3] }), layers.dense({ units: 5, activation: "relu" }), layers.dense({ units: 3, activation: "softmax" })] });
      m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
      return m;
    };
    const x = images(20);
    const y = x.map((s) => (s[0][0] > 0.5 ? 0 : s[1][1] > 0.5 ? 1 : 2));
    const a = make(), b = make();
    await a.fit(x as never, y, { epochs: 3, batchSize: 4, verbose: 0 });
    await b.fit(x.map((s) => s.flat()), y, { epochs: 3, batchSize: 4, verbose: 0 });
    expect(a.getWeights().map((w) => Array.from(w.data))).toEqual(b.getWeights().map((w) => Array.from(w.data)));
    const artifacts = (await a.save("memory")).artifacts!;
    const t = artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } };
    expect(t.config.layers[0].config.batch_input_shape).toEqual([null, 4, 3]);
    const back = await loadLayersModel(artifacts);
    expect(Array.from(back.predict(x as never).data)).toEqual(Array.from(a.predict(x as never).data));
  });
});

describe("trainable", () => {
  const model = (frozen: boolean[]) => {
    setSeed(7);
    return sequential({ layers: [
      layers.dense({ units: 6, activation: "tanh", inputShape: [4], trainable: !frozen[0] }),
      layers.dense({ units: 5, activation: "relu", trainable: !frozen[1] }),
      layers.dense({ units: 3, activation: "softmax", trainable: !frozen[2] }),
    ] });
  };

  it("a frozen layer's weights do not move; the others get the same gradients as in the unfrozen model", async () => {
    const { x, y } = data(16, 4, 4);
    const free = model([false, false, false]);
    free.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const full = await free.computeGradients(x, y);
    const frozen = model([true, false, true]);
    frozen.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const part = await frozen.computeGradients(x, y);
    expect(part.grads.length).toBe(2); // the middle layer's kernel and bias
    expect(Array.from(part.grads[0].data)).toEqual(Array.from(full.grads[2].data));
    expect(Array.from(part.grads[1].data)).toEqual(Array.from(full.grads[3].data));
    const before = frozen.getWeights();
    await frozen.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const after = frozen.getWeights();
    for (const i of [0, 1, 4, 5]) expect(Array.from(after[i].data)).toEqual(Array.from(before[i].data));
    for (const i of [2, 3]) expect(Array.from(after[i].data)).not.toEqual(Array.from(before[i].data));
  });

  it("set through model.layers or getLayer before compile; a change after compile makes fit ask for compile again", async () => {
    const { x, y } = data(8, 4, 5);
    const m = model([false, false, false]);
    m.getLayer(0).trainable = false;
    expect(m.getLayer(m.layers[0].name)).toBe(m.layers[0]);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const lines: string[] = [];
    m.summary((l) => lines.push(l));
    expect(lines).toContain("Trainable params: 53"); // 6*5+5 + 5*3+3
    expect(lines).toContain("Non-trainable params: 30"); // 4*6+6
    const artifacts = (await m.save("memory", { includeOptimizer: true })).artifacts!;
    expect(artifacts.weightSpecs.filter((s) => s.group === "optimizer" && s.name.endsWith("/m")).map((s) => s.name.split("/")[0])).toEqual([m.layers[1].name, m.layers[1].name, m.layers[2].name, m.layers[2].name]);
    expect((artifacts.modelTopology as { config: { layers: { config: { trainable: boolean } }[] } }).config.layers.map((l) => l.config.trainable)).toEqual([false, true, true]);
    const back = await loadLayersModel(artifacts);
    expect(back.layers.map((l) => l.trainable)).toEqual([false, true, true]);
    m.layers[2].trainable = false;
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(/fit\(\): a layer's trainable changed after compile; call model.compile again/);
    expect(() => m.trainOnBatch(x, y)).toThrow(/trainOnBatch\(\): a layer's trainable changed after compile/);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const w = m.getWeights();
    await m.fit(x, y, { verbose: 0 });
    expect(Array.from(m.getWeights()[4].data)).toEqual(Array.from(w[4].data));
    expect(() => (m.layers[0].trainable = "no" as never)).toThrow(/trainable must be true or false; received "no"/);
  });

  it("everything frozen: fit reports the loss and changes nothing", async () => {
    const { x, y } = data(8, 4, 6);
    const m = model([true, true, true]);
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const w = m.getWeights();
    const h = await m.fit(x, y, { epochs: 2, verbose: 0 });
    expect(h.history.loss[0]).toBeCloseTo(m.evaluate(x, y) as number, 5);
    expect(m.getWeights().map((v) => Array.from(v.data))).toEqual(w.map((v) => Array.from(v.data)));
  });

  it("getLayer by name or index (TF.js's getLayer(undefined, index)); an unknown one lists the layers", () => {
    const m = model([false, false, false]);
    expect(m.getLayer(undefined, 2)).toBe(m.layers[2]);
    expect(m.getLayer(1)).toBe(m.layers[1]);
    expect(() => m.getLayer("nope")).toThrow(new RegExp(`getLayer\\("nope"\\) must be a layer's name or index: 0 '${m.layers[0].name}'`));
    expect(() => m.getLayer(3)).toThrow(ValueError);
  });
});
