// model.fitDataset: streamed batches train exactly as fit on the same batches (same bits), from async
// and sync iterables and from the real TF.js's tf.data datasets (and as TF.js's own fitDataset trains);
// batchesPerEpoch across epochs, batches of varying size, validation from arrays or a dataset, classWeight,
// and clear errors for what is not a dataset or a batch of the wrong width.
import { describe, expect, it, vi } from "vitest";
import { layers, optimizers, sequential, setSeed, type Batch, type Sequential } from "../../src/index.js";
import { expectClose, rng } from "../helpers/check.js";
import { isNode } from "../helpers/files.js";

const make = () => {
  setSeed(41);
  const m = sequential({ layers: [layers.dense({ units: 6, activation: "relu", inputShape: [3] }), layers.batchNormalization(), layers.dense({ units: 3, activation: "softmax" })] });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
};
const r = rng(5);
const X = Array.from({ length: 40 }, () => [r() * 2 - 1, r() * 2 - 1, r()]);
const Y = X.map((v) => (v[0] > 0 ? 0 : v[1] > 0 ? 1 : 2));
const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));
/** The data in batches of `size` (the last one smaller), as a re-iterable of { xs, ys }. */
function* batches(size: number): Generator<Batch> {
  for (let i = 0; i < X.length; i += size) yield { xs: X.slice(i, i + size), ys: Y.slice(i, i + size) };
}
const reiterable = (size: number) => ({ [Symbol.iterator]: () => batches(size) });
const asyncReiterable = (size: number) => ({
  async *[Symbol.asyncIterator]() {
    for (const b of batches(size)) {
      await new Promise((res) => setTimeout(res, 0));
      yield b;
    }
  },
});

describe("fitDataset", () => {
  it("trains on a dataset of batches exactly as fit trains on the same batches in order (sync and async iterables)", async () => {
    const a = make(), b = make(), c = make();
    const ha = await a.fit(X, Y, { epochs: 3, batchSize: 7, shuffle: false, verbose: 0 });
    const hb = await b.fitDataset(reiterable(7), { epochs: 3, verbose: 0 });
    const hc = await c.fitDataset(asyncReiterable(7), { epochs: 3, verbose: 0 });
    expect(bits(b)).toEqual(bits(a));
    expect(bits(c)).toEqual(bits(a));
    expect(hb.history).toEqual(ha.history);
    expect(hc.epoch).toEqual([0, 1, 2]);
  });

  it("batchesPerEpoch reads one iterator across epochs; when it runs out, training stops with a warning (as TF.js)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const a = make(), b = make();
    await a.fit(X, Y, { epochs: 1, batchSize: 5, shuffle: false, verbose: 0 }); // 8 batches
    const h = await b.fitDataset(batches(5), { epochs: 4, batchesPerEpoch: 2, verbose: 0 });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(bits(b)).toEqual(bits(a));
    const short = await make().fitDataset(batches(10), { epochs: 3, batchesPerEpoch: 3, verbose: 0 }); // 4 batches
    expect(short.epoch).toEqual([0, 1]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/batchesPerEpoch is 3, but the dataset ran out of data after 1 batches of epoch 1; training stops/));
    warn.mockRestore();
  });

  it("batches of any size, a larger one later; validation from arrays or from a dataset; classWeight", async () => {
    const sizes = [3, 9, 2, 14, 12];
    const varied = { *[Symbol.iterator]() { let i = 0; for (const s of sizes) { yield { xs: X.slice(i, i + s), ys: Y.slice(i, i + s) }; i += s; } } };
    const a = make();
    const h = await a.fitDataset(varied, { epochs: 2, validationData: [X.slice(0, 10), Y.slice(0, 10)], classWeight: { 2: 3 }, verbose: 0 });
    // The same batches, one fit each, with the same class weights.
    const c = make();
    let i = 0;
    for (let e = 0; e < 2; e++, i = 0) for (const s of sizes) {
      await c.fit(X.slice(i, i + s), Y.slice(i, i + s), { batchSize: s, shuffle: false, classWeight: { 2: 3 }, verbose: 0 });
      i += s;
    }
    expect(bits(a)).toEqual(bits(c));
    expect(Object.keys(h.history)).toEqual(["loss", "acc", "val_loss", "val_acc"]);
    const ev = a.evaluate(X.slice(0, 10), Y.slice(0, 10)) as number[];
    expectClose([h.history.val_loss[1], h.history.val_acc[1]], ev, 1e-6, "validation from arrays");
    const d = make();
    const hd = await d.fitDataset(reiterable(8), { epochs: 1, validationData: reiterable(16), validationBatches: 2, verbose: 0 });
    const ev2 = d.evaluate(X.slice(0, 32), Y.slice(0, 32)) as number[];
    expectClose([hd.history.val_loss[0], hd.history.val_acc[0]], ev2, 1e-5, "validation from the first 2 batches of a dataset");
  });

  it("what is not a dataset, a batch of the wrong width, a one-shot iterator for several epochs: clear errors", async () => {
    const m = make();
    await expect(m.fitDataset([{ xs: X, ys: Y }] as never)).rejects.toThrow(/fitDataset\(dataset\) must be a dataset: an async or sync iterable of \{ xs, ys \} batches, or an object with TF.js's iterator\(\)/);
    await expect(m.fitDataset(reiterable(8), { epoch: 2 } as never)).rejects.toThrow(/fitDataset\(dataset, args\): unknown option 'epoch'; did you mean 'epochs'\?/);
    await expect(m.fitDataset(reiterable(8), { batchesPerEpoch: 0 })).rejects.toThrow(/batchesPerEpoch \}\) must be a positive integer/);
    const wide = { *[Symbol.iterator]() { yield { xs: X.slice(0, 4), ys: Y.slice(0, 4) }; yield { xs: X.slice(0, 4).map((v) => [...v, 1]), ys: Y.slice(0, 4) }; } };
    await expect(make().fitDataset(wide, { verbose: 0 })).rejects.toThrow(/fitDataset\(dataset\) batch 1 of epoch 0\.xs columns must be 3 \(the model's input size\); received 4/);
    await expect(make().fitDataset({ *[Symbol.iterator]() { yield { x: 1 }; } } as never, { verbose: 0 })).rejects.toThrow(/batch 0 of epoch 0 must be \{ xs, ys \}/);
    await expect(make().fitDataset(batches(8), { epochs: 2, verbose: 0 })).rejects.toThrow(/gave no batch in epoch 1: without batchesPerEpoch each epoch reads the dataset anew, so it must be re-iterable/);
    await expect(make().fitDataset(reiterable(8), { classWeight: { 7: 1 }, verbose: 0 })).rejects.toThrow(/classWeight \}\) key must be a class in \[0, 2\]/);
  });
});

describe.skipIf(!isNode)("fitDataset with the real TF.js 4.22's tf.data", async () => {
  const tf = isNode ? await import("@tensorflow/tfjs") : (undefined as never);
  if (isNode) await tf.setBackend("cpu");

  it("reads a tf.data dataset of tensors, and trains as TF.js's own fitDataset does on it", async () => {
    setSeed(43);
    const m = sequential({ layers: [layers.dense({ units: 5, activation: "tanh", inputShape: [3] }), layers.dense({ units: 3, activation: "softmax" })] });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.3 }), loss: "categoricalCrossentropy" });
    const t = await tf.loadLayersModel(tf.io.fromMemory((await m.save("memory")).artifacts as never));
    t.compile({ optimizer: tf.train.sgd(0.3), loss: "categoricalCrossentropy" });
    const oneHot = Y.map((c) => [0, 1, 2].map((j) => +(j === c)));
    const ds = tf.data.zip({ xs: tf.data.array(X), ys: tf.data.array(oneHot) }).batch(8) as never;
    await t.fitDataset(ds, { epochs: 3, verbose: 0 });
    await m.fitDataset(ds, { epochs: 3, verbose: 0 });
    const tw = t.getWeights().map((w) => w.dataSync());
    m.getWeights().forEach((w, i) => expectClose(w.data, tw[i], 2e-5, `weight ${i} after 3 epochs`));
  });
});
