// Whole training steps through the API against PyTorch 1.13 (test/fixtures/mlp_steps.json, made by
// test/fixtures/make_mlp_fixtures.py): the same initial weights and batch, three steps, weights within
// 1e-5 of each tensor's largest weight. The adaptive optimizers run with convention 'torch' (epsilon
// where PyTorch puts it: Keras's places differ by up to 3 % of a step where gradients are near 1e-5).
import { describe, it } from "vitest";
import { layers, optimizers, sequential } from "../../src/index.js";
import { expectClose } from "../helpers/check.js";
import { projectUrl, readJson } from "../helpers/files.js";

interface Case { hidden: string; loss: "mse" | "bce" | "cce" | "scce"; optimizer: string; lr: number; out: number; x: number[]; y: number[] | number[][]; init: number[][][]; after: number[][][] }
const FIX = await readJson<{ shape: number[]; rows: number; cases: Case[] }>(projectUrl("test/fixtures/mlp_steps.json"));
const LOSS = { mse: "meanSquaredError", bce: "binaryCrossentropy", cce: "categoricalCrossentropy", scce: "sparseCategoricalCrossentropy" } as const;

describe("training steps match PyTorch", () => {
  it.each(FIX.cases.map((c) => [`${c.hidden} / ${c.loss} / ${c.optimizer}`, c] as const))("%s", (_name, c) => {
    const [IN, H1, H2] = FIX.shape;
    const act = c.hidden as "relu";
    const outAct = c.loss === "mse" ? "linear" : c.loss === "bce" ? "sigmoid" : "softmax";
    const model = sequential({ layers: [layers.dense({ units: H1, activation: act, inputShape: [IN] }), layers.dense({ units: H2, activation: act }), layers.dense({ units: c.out, activation: outAct })] });
    const opt = c.optimizer === "sgd" ? optimizers.sgd({ learningRate: c.lr })
      : c.optimizer === "nesterov" ? optimizers.sgd({ learningRate: c.lr, momentum: 0.9, nesterov: true })
      : c.optimizer === "rmsprop" ? optimizers.rmsprop({ learningRate: c.lr, rho: 0.9, epsilon: 1e-7, centered: true, momentum: 0.5, convention: "torch" })
      : c.optimizer === "adagrad" ? optimizers.adagrad({ learningRate: c.lr, initialAccumulatorValue: 0.1, epsilon: 1e-7, convention: "torch" })
      : c.optimizer === "adamw" ? optimizers.adamw({ learningRate: c.lr, epsilon: 1e-8, convention: "torch" })
      : optimizers.adam({ learningRate: c.lr, epsilon: 1e-8, convention: "torch" });
    model.compile({ optimizer: opt, loss: LOSS[c.loss] });
    const dims = [IN, H1, H2, c.out];
    model.setWeights(c.init.flatMap(([w, b], l) => [{ data: w, shape: [dims[l], dims[l + 1]] }, { data: b, shape: [dims[l + 1]] }]));
    const x = { data: Float32Array.from(c.x), shape: [FIX.rows, IN] as [number, number] };
    for (let s = 0; s < 3; s++) model.trainOnBatch(x, c.y as number[]);
    const got = model.getWeights();
    c.after.flat().forEach((want, k) => {
      const scale = want.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      expectClose(got[k].data, want, 1e-5 * scale, `${c.hidden}/${c.loss}/${c.optimizer} tensor ${k}`);
    });
  });
});
