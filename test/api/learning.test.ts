// It learns: XOR with 2-4-1, two interleaved spirals to >= 98 % train accuracy, and Fashion-MNIST to
// >= 86.5 % test accuracy after 5 epochs of Adam at batch 128 (784-128-64-10, relu, softmax, CCE,
// glorot-uniform, pixels/255). Seeds are fixed for repeatability, never picked to pass.
import { describe, expect, it } from "vitest";
import { layers, optimizers, sequential, setSeed } from "../../src/index.js";
import { datasetsRequired, fashion, fashionAvailable, spirals } from "../helpers/datasets.js";
import { isNode } from "../helpers/files.js";

describe("learning", () => {
  it("XOR with a 2-4-1 network (tanh, sigmoid, binary cross-entropy)", async () => {
    setSeed(1);
    const model = sequential({ layers: [layers.dense({ units: 4, activation: "tanh", inputShape: [2] }), layers.dense({ units: 1, activation: "sigmoid" })] });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: "binaryCrossentropy", metrics: ["accuracy"] });
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const h = await model.fit(x, [0, 1, 1, 0], { epochs: 500, batchSize: 4, verbose: 0 });
    expect(h.history.acc.at(-1)).toBe(1);
    const p = model.predict(x).data;
    expect(Array.from(p, (v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  });

  it("two interleaved spirals to >= 98 % train accuracy", async () => {
    setSeed(2);
    const { x, y } = spirals(200, 0.02, 7);
    const model = sequential({
      layers: [
        layers.dense({ units: 32, activation: "relu", inputShape: [2] }),
        layers.dense({ units: 32, activation: "relu" }),
        layers.dense({ units: 2, activation: "softmax" }),
      ],
    });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const h = await model.fit(x, y, { epochs: 300, batchSize: 32, verbose: 0 });
    expect(h.history.acc.at(-1)).toBeGreaterThanOrEqual(0.98);
    const [, acc] = model.evaluate(x, y) as number[];
    expect(acc).toBeGreaterThanOrEqual(0.98);
  });

  // Under Node only (the data is on the local disk); skipped on a machine without the Debian package
  // unless MYELIN_REQUIRE_DATASETS is set (.ci/run sets it).
  it.skipIf(!isNode || (!fashionAvailable() && !datasetsRequired))("Fashion-MNIST: >= 86.5 % test accuracy after 5 epochs of Adam at batch 128", async () => {
    setSeed(3);
    const train = fashion("train"), test = fashion("t10k");
    const model = sequential({
      layers: [
        layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
        layers.dense({ units: 64, activation: "relu" }),
        layers.dense({ units: 10, activation: "softmax" }),
      ],
    });
    model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    await model.fit(train.x, train.y, { epochs: 5, batchSize: 128, verbose: 0 });
    const [, acc] = model.evaluate(test.x, test.y, { batchSize: 1000 }) as number[];
    expect(acc).toBeGreaterThanOrEqual(0.865);
  }, 300_000);
});
