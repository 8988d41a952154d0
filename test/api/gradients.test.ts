// model.computeGradients(x, y): the gradients the next trainOnBatch would apply, without applying them
// (issue 10; the lecture's backpropagation example uses it). Checked against the float64 chain rule of
// test/reference/mlp.ts for every hidden activation and loss, against central finite differences of the
// float64 loss, and bit for bit against what a plain SGD step at learning rate 1 subtracts.
import { describe, expect, it } from "vitest";
import { layers, optimizers, regularizers, sequential, setSeed, ValueError, type Sequential } from "../../src/index.js";
import { expectClose } from "../helpers/check.js";
import { batchFor, RefModel, type RefLoss } from "../reference/mlp.js";
import type { Act } from "../reference/dense.js";

const IN = 5, H = 6, ROWS = 7;
const LOSSES: { loss: RefLoss; name: string; out: number; act: Act }[] = [
  { loss: "mse", name: "meanSquaredError", out: 3, act: "linear" },
  { loss: "bce", name: "binaryCrossentropy", out: 3, act: "sigmoid" },
  { loss: "cce", name: "categoricalCrossentropy", out: 4, act: "softmax" },
  { loss: "scce", name: "sparseCategoricalCrossentropy", out: 4, act: "softmax" },
];
const HIDDEN: Act[] = ["linear", "sigmoid", "tanh", "relu", "leakyRelu"];

function problem(hidden: Act, L: (typeof LOSSES)[number], seed: number) {
  setSeed(seed);
  const model = sequential({
    layers: [
      layers.dense({ units: H, activation: hidden, inputShape: [IN], biasInitializer: "randomNormal" }),
      layers.dense({ units: L.out, activation: L.act, biasInitializer: "randomUniform" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: L.name });
  const { x, ids, y } = batchFor(L.loss, ROWS, IN, L.out, seed);
  const w = model.getWeights();
  const ref = () => new RefModel([0, 1].map((l) => ({
    w: Float64Array.from(w[2 * l].data), b: Float64Array.from(w[2 * l + 1].data), inDim: [IN, H][l], units: [H, L.out][l],
    act: l === 0 ? hidden : L.act, alpha: hidden === "leakyRelu" && l === 0 ? 0.01 : 0,
  })), L.loss, { kind: "sgd", lr: 0 });
  const xs = { data: x, shape: [ROWS, IN] as [number, number] };
  const ys = L.loss === "scce" ? ids : { data: Float32Array.from(y), shape: [ROWS, L.out] as [number, number] };
  return { model, ref, xs, ys, x: Float64Array.from(x), y: Float64Array.from(y) };
}

const bits = (m: Sequential) => m.getWeights().map((t) => Array.from(new Uint32Array(t.data.slice().buffer)));

describe("model.computeGradients", () => {
  for (const L of LOSSES) {
    it.each(HIDDEN)(`${L.name}, hidden %s: the float64 chain rule's gradients and loss`, async (hidden) => {
      const { model, ref, xs, ys, x, y } = problem(hidden, L, 11);
      const before = bits(model);
      const { loss, grads } = await model.computeGradients(xs, ys);
      const want = ref().gradients(x, y, ROWS);
      expect(grads.map((g) => g.shape)).toEqual(model.getWeights().map((w) => w.shape));
      grads.forEach((g, k) => expectClose(g.data, want.grads[k], 2e-5, `${L.name}/${hidden} grad ${k}`));
      expect(loss).toBeCloseTo(want.loss, 5);
      expect(bits(model)).toEqual(before); // nothing applied
    });
  }

  it("central finite differences of the float64 loss agree (every weight of a tanh / softmax model)", async () => {
    const L = LOSSES[2];
    const { model, ref, xs, ys, x, y } = problem("tanh", L, 5);
    const { grads } = await model.computeGradients(xs, ys);
    const r = ref();
    const h = 1e-6;
    r.params().forEach((p, k) => {
      const fd = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) {
        const v = p[i];
        p[i] = v + h;
        const up = r.gradients(x, y, ROWS).loss;
        p[i] = v - h;
        const down = r.gradients(x, y, ROWS).loss;
        p[i] = v;
        fd[i] = (up - down) / (2 * h);
      }
      expectClose(grads[k].data, fd, 1e-4, `finite differences, tensor ${k}`);
    });
  });

  it("are exactly what the next trainOnBatch subtracts (SGD at learning rate 1), dropout masks and L2 included; the model's state is untouched", async () => {
    const make = () => {
      setSeed(21);
      const m = sequential({
        layers: [
          layers.dense({ units: 8, activation: "relu", inputShape: [4], kernelRegularizer: regularizers.l2({ l2: 0.01 }) }),
          layers.dropout({ rate: 0.5, seed: 3 }),
          layers.dense({ units: 3, activation: "softmax" }),
        ],
      });
      m.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss: "sparseCategoricalCrossentropy" });
      return m;
    };
    const x = Array.from({ length: 6 }, (_, i) => [i / 6, 1 - i / 6, (i % 3) / 3, 0.5]);
    const y = [0, 1, 2, 0, 1, 2];
    const m = make();
    const w0 = m.getWeights();
    const { grads } = await m.computeGradients(x, y);
    const again = await m.computeGradients(x, y); // the same masks: the dropout stream was not advanced
    expect(again.grads.map((g) => Array.from(g.data))).toEqual(grads.map((g) => Array.from(g.data)));
    m.trainOnBatch(x, y);
    const w1 = m.getWeights();
    w1.forEach((w, k) => expect(Array.from(w.data), `tensor ${k}`).toEqual(Array.from(w0[k].data, (v, i) => Math.fround(v - grads[k].data[i]))));
    // A twin that never called computeGradients trains to the same bits.
    const twin = make();
    twin.trainOnBatch(x, y);
    expect(bits(twin)).toEqual(bits(m));
  });

  it("needs a compiled model and checks its input like trainOnBatch", async () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
    await expect(m.computeGradients([[1, 2, 3]], [[0, 1]])).rejects.toThrow(/computeGradients\(\) needs a compiled model/);
    m.compile({ optimizer: "sgd", loss: "mse" });
    await expect(m.computeGradients([[1, 2]], [[0, 1]])).rejects.toThrow(ValueError);
    await expect(m.computeGradients([[1, 2, 3]], [[0, 1], [1, 0]])).rejects.toThrow(/computeGradients\(y\)/);
  });
});
