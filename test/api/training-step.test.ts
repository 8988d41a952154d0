// Whole training steps of a 3-layer MLP through the public API, for each activation, each loss and
// each optimizer, against the float64 MLP in test/reference/mlp.ts: weights after three steps on one
// batch within 1e-5 of the largest weight of each tensor.
import { describe, it } from "vitest";
import { layers, optimizers, sequential, setSeed, type Optimizer } from "../../src/index.js";
import { expectClose } from "../helpers/check.js";
import { batchFor, RefModel, type RefLoss, type RefOpt } from "../reference/mlp.js";
import type { Act } from "../reference/dense.js";

const IN = 5, H1 = 7, H2 = 6, ROWS = 9;
const LOSSES: { loss: RefLoss; name: string; out: number; act: Act }[] = [
  { loss: "mse", name: "meanSquaredError", out: 3, act: "linear" },
  { loss: "bce", name: "binaryCrossentropy", out: 3, act: "sigmoid" },
  { loss: "cce", name: "categoricalCrossentropy", out: 4, act: "softmax" },
  { loss: "scce", name: "sparseCategoricalCrossentropy", out: 4, act: "softmax" },
];
const ACTS: { act: Act; alpha: number }[] = [
  { act: "linear", alpha: 0 }, { act: "sigmoid", alpha: 0 }, { act: "tanh", alpha: 0 }, { act: "relu", alpha: 0 },
  { act: "leakyRelu", alpha: 0.01 }, { act: "step", alpha: 0 }, { act: "softmax", alpha: 0 },
];
const OPTS: { opt: RefOpt; make: () => Optimizer }[] = [
  { opt: { kind: "sgd", lr: 0.1 }, make: () => optimizers.sgd({ learningRate: 0.1 }) },
  { opt: { kind: "momentum", lr: 0.05 }, make: () => optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }) },
  { opt: { kind: "nesterov", lr: 0.05 }, make: () => optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }) },
  { opt: { kind: "adam", lr: 0.01 }, make: () => optimizers.adam({ learningRate: 0.01 }) },
  { opt: { kind: "adamw", lr: 0.01 }, make: () => optimizers.adamw({ learningRate: 0.01 }) },
  { opt: { kind: "rmsprop", lr: 0.01 }, make: () => optimizers.rmsprop({ learningRate: 0.01 }) },
  { opt: { kind: "rmspropCentered", lr: 0.01 }, make: () => optimizers.rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 }) },
  { opt: { kind: "adagrad", lr: 0.1 }, make: () => optimizers.adagrad({ learningRate: 0.1 }) },
];

function check(hidden: { act: Act; alpha: number }, L: (typeof LOSSES)[number], O: (typeof OPTS)[number], seed: number) {
  const model = sequential({
    layers: [
      layers.dense({ units: H1, activation: hidden.act, inputShape: [IN], kernelInitializer: "glorotNormal", biasInitializer: "randomNormal" }),
      layers.dense({ units: H2, activation: hidden.act }),
      layers.dense({ units: L.out, activation: L.act, biasInitializer: "randomUniform" }),
    ],
  });
  model.compile({ optimizer: O.make(), loss: L.name });
  const { x, ids, y } = batchFor(L.loss, ROWS, IN, L.out, seed);
  const w = model.getWeights();
  const dims = [IN, H1, H2, L.out];
  const ref = new RefModel([0, 1, 2].map((l) => ({
    w: Float64Array.from(w[2 * l].data), b: Float64Array.from(w[2 * l + 1].data), inDim: dims[l], units: dims[l + 1],
    act: l < 2 ? hidden.act : L.act, alpha: l < 2 ? hidden.alpha : 0,
  })), L.loss, O.opt);
  const xs = { data: x, shape: [ROWS, IN] as [number, number] };
  const ys = L.loss === "scce" ? ids : { data: Float32Array.from(y), shape: [ROWS, L.out] as [number, number] };
  for (let s = 0; s < 3; s++) {
    model.trainOnBatch(xs, ys);
    ref.step(Float64Array.from(x), Float64Array.from(y), ROWS);
  }
  const got = model.getWeights();
  ref.params().forEach((want, k) => {
    const scale = want.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expectClose(got[k].data, want, 1e-5 * Math.max(scale, 1e-3), `hidden ${hidden.act}, ${L.name}, ${O.opt.kind}: tensor ${k} after 3 steps`);
  });
}

describe("one training step through the API matches a float64 MLP", () => {
  it.each(ACTS.map((a) => [a.act, a] as const))("hidden activation %s, every loss, SGD and Adam", (_n, a) => {
    let seed = 10;
    for (const L of LOSSES) for (const O of [OPTS[0], OPTS[3]]) check(a, L, O, seed++);
  });
  it.each(OPTS.map((o) => [o.opt.kind, o] as const))("optimizer %s, tanh and relu, every loss", (_n, O) => {
    let seed = 100;
    for (const L of LOSSES) for (const a of [ACTS[2], ACTS[3]]) check(a, L, O, seed++);
  });
});

describe("training steps through normalization layers match the float64 reference", () => {
  it.each(OPTS.filter((o) => ["sgd", "adam"].includes(o.opt.kind)).map((o) => [o.opt.kind, o] as const))("dense, batchNormalization, dense, layerNormalization, dense, softmax: 3 steps of %s, weights and moving statistics", (_n, O) => {
    setSeed(77);
    const model = sequential({ layers: [
      layers.dense({ units: 6, activation: "relu", inputShape: [IN], biasInitializer: "randomNormal" }),
      layers.batchNormalization({ momentum: 0.8, gammaInitializer: "randomUniform", betaInitializer: "randomNormal" }),
      layers.dense({ units: 5, activation: "tanh" }),
      layers.layerNormalization({ epsilon: 1e-2, gammaInitializer: "randomUniform", betaInitializer: "randomNormal" }),
      layers.dense({ units: 3, activation: "softmax" }),
    ] });
    model.compile({ optimizer: O.make(), loss: "sparseCategoricalCrossentropy" });
    const { x, ids } = batchFor("scce", ROWS, IN, 3, 5);
    const w = model.getWeights().map((t) => Float64Array.from(t.data));
    const ref = new RefModel([
      { w: w[0], b: w[1], inDim: IN, units: 6, act: "relu", alpha: 0 },
      { kind: "batchnorm", gamma: w[2], beta: w[3], movingMean: w[4], movingVar: w[5], momentum: 0.8, eps: 1e-3, units: 6 },
      { w: w[6], b: w[7], inDim: 6, units: 5, act: "tanh", alpha: 0 },
      { kind: "layernorm", gamma: w[8], beta: w[9], eps: 1e-2, units: 5 },
      { w: w[10], b: w[11], inDim: 5, units: 3, act: "softmax", alpha: 0 },
    ], "scce", O.opt);
    for (let s = 0; s < 3; s++) {
      model.trainOnBatch({ data: x, shape: [ROWS, IN] }, ids);
      ref.step(Float64Array.from(x), Float64Array.from(ids), ROWS);
    }
    const got = model.getWeights();
    // getWeights order: each layer's tensors; the reference's trainable ones, and BatchNormalization's state.
    const want = [w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11]];
    want.forEach((t, k) => {
      const scale = t.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      expectClose(got[k].data, t, 2e-5 * Math.max(scale, 1e-2), `${O.opt.kind}: tensor ${k} after 3 steps`);
    });
    expectClose(model.predict({ data: x, shape: [ROWS, IN] }).data, ref.predict(Float64Array.from(x), ROWS), 2e-5, "inference with the moving statistics");
  });
});
