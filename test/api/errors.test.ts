// Bad input gets an error that names the argument, the value received and what is valid, and leaves
// the model unchanged (same weights, still trainable).
import { describe, expect, it } from "vitest";
import { layers, optimizers, sequential, setSeed } from "../../src/index.js";

function model() {
  setSeed(1);
  const m = sequential({ layers: [layers.dense({ units: 4, activation: "relu", inputShape: [3] }), layers.dense({ units: 3, activation: "softmax" })] });
  m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}
const X = [[1, 2, 3], [4, 5, 6]];
const Y = [0, 2];
const weights = (m: ReturnType<typeof model>) => m.getWeights().map((w) => Array.from(w.data));

describe("errors", () => {
  it("predict names the row and column of a value that is not finite, in any batch", () => {
    const m = model();
    const x = new Float32Array(700 * 3).fill(0.5);
    x[600 * 3 + 2] = -Infinity; // in the third batch of 256
    expect(() => m.predict({ data: x, shape: [700, 3] })).toThrow("predict(x) must hold finite numbers; received -Infinity at row 600, column 2");
    expect(() => m.predict([[1, NaN, 3]])).toThrow("predict(x) must hold finite numbers; received NaN at row 0, column 1");
    expect(() => m.predict({ data: x, shape: [700, 3] }, { batchSize: 7 })).toThrow(/at row 600, column 2/);
  });

  const fitCases: [string, unknown, unknown, object, RegExp][] = [
    ["x with the wrong width", [[1, 2], [3, 4]], Y, {}, /fit\(x\) columns must be 3 \(the model's input size\); received 2/],
    ["ragged x rows", [[1, 2, 3], [4, 5]], Y, {}, /fit\(x\)\[1\] must be an array of 3 numbers, like row 0; received an array of length 2/],
    ["NaN in x", [[1, NaN, 3], [4, 5, 6]], Y, {}, /fit\(x\) must hold finite numbers; received NaN at row 0, column 1/],
    ["Infinity in x", { data: new Float32Array([1, 2, 3, 4, Infinity, 6]), shape: [2, 3] }, Y, {}, /received Infinity at row 1, column 1/],
    ["NaN in one-hot y", X, [[1, 0, 0], [0, NaN, 1]], {}, /fit\(y\) must hold finite numbers; received NaN at row 1, column 1/],
    ["a label out of range", X, [0, 3], {}, /fit\(y\) must hold class ids, integers in \[0, 2\]; received 3 at index 1/],
    ["a fractional label", X, [0, 1.5], {}, /received 1.5 at index 1/],
    ["too few labels", X, [0], {}, /fit\(y\) length must be 2 \(one label per sample\); received 1/],
    ["one-hot rows of the wrong width", X, [[1, 0], [0, 1]], {}, /fit\(y\) columns must be 3 \(the model's output size\), or 1 for class ids; received 2/],
    ["empty x", [], [], {}, /fit\(x\) must be a non-empty array of rows; received an array of length 0/],
    ["batchSize 0", X, Y, { batchSize: 0 }, /fit\(\{ batchSize \}\) must be a positive integer up to 2\^53 - 1; received 0/],
    ["batchSize -3", X, Y, { batchSize: -3 }, /received -3/],
    ["epochs 1.5", X, Y, { epochs: 1.5 }, /fit\(\{ epochs \}\) must be a positive integer up to 2\^53 - 1; received 1.5/],
    ["validationSplit 1", X, Y, { validationSplit: 1 }, /fit\(\{ validationSplit \}\) must be a number in \(0, 1\); received 1/],
    ["a bad shape", { data: [1, 2, 3], shape: [2, 3] }, Y, {}, /fit\(x\).data must be 6 numbers \(shape \[2, 3\]\)/],
    ["not data at all", "hello", Y, {}, /fit\(x\) must be number\[\]\[\], \{ data, shape: \[rows, columns\] \} or a 2-D TF.js tensor; received "hello"/],
  ];
  it.each(fitCases)("fit with %s", async (_what, x, y, args, message) => {
    const m = model();
    const before = weights(m);
    await expect(m.fit(x as number[][], y as number[], { verbose: 0, ...args })).rejects.toThrow(message);
    expect(weights(m)).toEqual(before);
    await m.fit(X, Y, { verbose: 0 }); // still trainable
    expect(weights(m)).not.toEqual(before);
  });

  it("unknown names list the valid ones", () => {
    expect(() => layers.dense({ units: 3, activation: "swish" as "relu" })).toThrow(/activation must be one of 'linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax', 'step'.*; received "swish"/);
    expect(() => model().compile({ optimizer: "adamax" as "adam", loss: "mse" })).toThrow(/compile\(\{ optimizer \}\) must be one of 'sgd', 'adagrad', 'rmsprop', 'adam', 'adamw'; received "adamax"/);
    expect(() => model().compile({ optimizer: "sgd", loss: "cosineProximity" })).toThrow(/compile\(\{ loss \}\) must be one of .meanSquaredError., .MeanSquaredError., .mse.*; received "cosineProximity"/);
    expect(() => model().compile({ optimizer: "sgd", loss: ((a: number) => a) as never })).toThrow(/a JavaScript function cannot be a loss \(losses run in wasm\); use one of the built-in losses: meanSquaredError, binaryCrossentropy/);
    expect(() => model().compile({ optimizer: "sgd", loss: "mse", metrics: ["f1Score"] })).toThrow(/compile\(\{ metrics \}\)\[0\] must be one of .acc., .accuracy.*; received "f1Score"/);
    expect(() => layers.dense({ units: 3, kernelInitializer: "orthogonal" as "zeros" })).toThrow(/kernelInitializer.*must be one of 'glorotUniform'.*; received "orthogonal"/);
  });

  it("bad layer and optimizer arguments", () => {
    expect(() => layers.dense({ units: 0 })).toThrow(/layers.dense\(\{ units \}\) must be a positive integer up to 2\^28; received 0/);
    expect(() => layers.dropout({ rate: 1 })).toThrow(/layers.dropout\(\{ rate \}\) must be a number in \[0, 1\); received 1/);
    expect(() => layers.leakyReLU({ alpha: -1 })).toThrow(/alpha/);
    expect(() => optimizers.adam({ learningRate: -1 })).toThrow(/optimizers.adam\(\{ learningRate \}\) must be a number in \[0, 1000000\]; received -1/);
    expect(() => optimizers.sgd({ momentum: 1 })).toThrow(/momentum/);
    expect(() => sequential({ layers: [layers.dense({ units: 3 })] })).toThrow(/first layer \(dense_\d+\) inputShape must be given/);
  });

  it("a layer cannot be shared by two models", () => {
    const d = layers.dense({ units: 2, inputShape: [3] });
    sequential({ layers: [d] });
    expect(() => sequential({ layers: [d] })).toThrow(/model.add\(layer\) must be a layer of no other model .*; received "dense_\d+"/);
  });

  it("fit, evaluate and trainOnBatch before compile say so", async () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
    await expect(m.fit(X, [[0, 1], [1, 0]])).rejects.toThrow(/fit\(\) needs a compiled model: call model.compile/);
    expect(() => m.evaluate(X, [[0, 1], [1, 0]])).toThrow(/evaluate\(\) needs a compiled model/);
    expect(() => m.trainOnBatch(X, [[0, 1], [1, 0]])).toThrow(/trainOnBatch\(\) needs a compiled model/);
  });

  it("fit while fit is running is refused, and the first fit completes", async () => {
    const m = model();
    const first = m.fit(X, Y, { epochs: 20, batchSize: 1, yieldEvery: 1, verbose: 0 });
    await expect(m.fit(X, Y, { verbose: 0 })).rejects.toThrow(/fit\(\) was called while another fit\(\) of this model is running/);
    expect(() => m.predict(X)).toThrow(/predict\(\) was called while fit\(\) is running/);
    const h = await first;
    expect(h.epoch.length).toBe(20);
  });

  it("a batch too large for wasm memory is a clear error, and the model still works at a smaller batch", () => {
    setSeed(1);
    const m = sequential({ layers: [layers.dense({ units: 65536, inputShape: [1] })] });
    const before = m.getWeights().map((w) => Array.from(w.data.subarray(0, 8)));
    // 20,000 rows x 65,536 outputs is 5 GiB of activations: more than a 32-bit wasm memory holds.
    const big = { data: new Float32Array(20_000), shape: [20_000, 1] as [number, number] };
    expect(() => m.predict(big, { batchSize: 20_000 })).toThrow(/myelin needs .* MiB of wasm memory .* refused to grow it past/);
    expect(m.getWeights().map((w) => Array.from(w.data.subarray(0, 8)))).toEqual(before);
    expect(m.predict({ data: new Float32Array(2), shape: [2, 1] }).shape).toEqual([2, 65536]);
  });

  it("predict and setWeights check their input; a disposed model says so", () => {
    const m = model();
    expect(() => m.predict([[1, 2]])).toThrow(/predict\(x\) columns must be 3/);
    const w = m.getWeights();
    expect(() => m.setWeights(w.slice(1))).toThrow(/setWeights\(weights\) must be an array of 4 weights/);
    expect(() => m.setWeights([{ data: new Float32Array(12), shape: [4, 3] }, ...w.slice(1)])).toThrow(/setWeights\(weights\)\[0\].shape must be \[3,4\]/);
    const bad = w.map((t) => ({ ...t, data: t.data.slice() }));
    bad[3].data[1] = NaN;
    const before = weights(m);
    expect(() => m.setWeights(bad)).toThrow(/setWeights\(weights\)\[3\].data must be finite in float32; received NaN at index 1/);
    expect(weights(m)).toEqual(before); // nothing written, not even the valid tensors before it
    m.dispose();
    expect(() => m.predict(X)).toThrow(/has been disposed/);
  });
});
