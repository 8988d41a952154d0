// The Keras-like surface: build, summary, weights, predict, evaluate, callbacks, History, determinism.
import { describe, expect, it } from "vitest";
import { callbacks, initializers, layers, optimizers, sequential, setSeed, tensor2d, type Callback } from "../../src/index.js";
import { randomArray, rng } from "../helpers/check.js";

function mlp(seed = 1, out = 3) {
  setSeed(seed);
  return sequential({
    layers: [
      layers.dense({ units: 8, activation: "relu", inputShape: [4] }),
      layers.dropout({ rate: 0.2 }),
      layers.leakyReLU(),
      layers.dense({ units: out, activation: "softmax" }),
    ],
  });
}

function data(n: number, seed: number) {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => [r(), r(), r(), r()]);
  const y = x.map((v) => (v[0] + v[1] > v[2] + v[3] ? (v[0] > 0.5 ? 0 : 1) : 2));
  return { x, y };
}

describe("model API", () => {
  it("summary prints Keras's table with shapes and parameter counts; countParams agrees", () => {
    const lines: string[] = [];
    const m = mlp();
    m.summary((l) => lines.push(l));
    const text = lines.join("\n");
    expect(text).toMatch(/dense_\d+ \(Dense\)\s+\(None, 8\)\s+40/);
    expect(text).toMatch(/dropout_\d+ \(Dropout\)\s+\(None, 8\)\s+0/);
    expect(text).toMatch(/leaky_re_lu_\d+ \(LeakyReLU\)\s+\(None, 8\)\s+0/);
    expect(text).toMatch(/dense_\d+ \(Dense\)\s+\(None, 3\)\s+27/);
    expect(text).toContain("Total params: 67");
    expect(m.countParams()).toBe(67);
  });

  it("getWeights returns copies in TF.js layout; setWeights round-trips; predict is a JS-owned copy", () => {
    const m = mlp();
    const w = m.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[4, 8], [8], [8, 3], [3]]);
    expect(Array.from(w[1].data)).toEqual(new Array(8).fill(0)); // zeros bias initializer
    // glorotUniform: |w| <= sqrt(6 / (4 + 8))
    expect(w[0].data.every((v) => Math.abs(v) <= Math.sqrt(6 / 12))).toBe(true);
    w[0].data[0] = 42;
    expect(m.getWeights()[0].data[0]).not.toBe(42);
    m.setWeights(w);
    expect(m.getWeights()[0].data[0]).toBe(42);
    const x = [[1, 2, 3, 4], [0, 0, 0, 0]];
    const p = m.predict(x);
    expect(p.shape).toEqual([2, 3]);
    // With ones on the first kernel entry row 0 is computed by hand: relu, then leakyReLU(0.3), then softmax.
    const W = m.getWeights();
    const h = Array.from({ length: 8 }, (_, j) => { const z = [0, 1, 2, 3].reduce((s, i) => s + x[0][i] * W[0].data[i * 8 + j], W[1].data[j]); return Math.max(z, 0); });
    const z = [0, 1, 2].map((k) => h.reduce((s, v, j) => s + v * W[2].data[j * 3 + k], W[3].data[k]));
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, k) => expect(p.data[k]).toBeCloseTo(v / sum, 5));
    expect(Array.from(p.argMax())).toEqual([z.indexOf(Math.max(...z)), p.toArray()[1].indexOf(Math.max(...p.toArray()[1]))]);
    p.data[0] = -1;
    expect(m.predict(x).data[0]).not.toBe(-1);
    expect(m.predictOnBatch(tensor2d(x)).data).toEqual(m.predict(x).data);
  });

  it("fit returns a History with loss, acc, val_loss and val_acc; evaluate agrees with the last val_loss", async () => {
    const m = mlp();
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const { x, y } = data(200, 3);
    const v = data(50, 4);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 16, validationData: [v.x, v.y], verbose: 0 });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(h.history).sort()).toEqual(["acc", "loss", "val_acc", "val_loss"]);
    const [loss, acc] = m.evaluate(v.x, v.y, { batchSize: 7 }) as number[];
    expect(loss).toBeCloseTo(h.history.val_loss[2], 5);
    expect(acc).toBeCloseTo(h.history.val_acc[2], 10);
  });

  it("validationSplit holds out the last samples, before shuffling (as Keras)", async () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["acc"] });
    const { x, y } = data(100, 5);
    const h = await m.fit(x, y, { epochs: 1, validationSplit: 0.2, verbose: 0 });
    expect(h.params.samples).toBe(80);
    const [vl] = m.evaluate(x.slice(80), y.slice(80)) as number[];
    expect(vl).toBeCloseTo(h.history.val_loss[0], 5);
  });

  it("batchSize = all samples is full-batch descent (1 step per epoch); batchSize 1 is stochastic", async () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(40, 6);
    const counts: number[] = [];
    let batches = 0;
    const cb: Callback = { onBatchEnd: () => { batches++; }, onEpochEnd: () => { counts.push(batches); batches = 0; } };
    await m.fit(x, y, { epochs: 2, batchSize: 40, callbacks: [cb], verbose: 0 });
    await m.fit(x, y, { epochs: 1, batchSize: 1, callbacks: cb, verbose: 0 });
    expect(counts).toEqual([1, 1, 40]);
  });

  it("callbacks run in Keras's order, may be async, and stopTraining ends fit", async () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(32, 7);
    const log: string[] = [];
    const cb: Callback = {
      onTrainBegin: () => { log.push("trainBegin"); },
      onEpochBegin: (e) => { log.push(`epochBegin ${e}`); },
      onBatchBegin: (b) => { log.push(`batchBegin ${b}`); },
      onBatchEnd: async (b, logs) => { await new Promise((r) => setTimeout(r, 1)); log.push(`batchEnd ${b} ${Number.isFinite(logs?.loss)}`); },
      onEpochEnd: (e, logs) => { log.push(`epochEnd ${e} ${Number.isFinite(logs?.loss)}`); if (e === 1) m.stopTraining = true; },
      onTrainEnd: () => { log.push("trainEnd"); },
    };
    const h = await m.fit(x, y, { epochs: 5, batchSize: 16, callbacks: [cb], verbose: 0 });
    expect(h.epoch).toEqual([0, 1]);
    expect(log).toEqual(["trainBegin", "epochBegin 0", "batchBegin 0", "batchEnd 0 true", "batchBegin 1", "batchEnd 1 true", "epochEnd 0 true",
      "epochBegin 1", "batchBegin 0", "batchEnd 0 true", "batchBegin 1", "batchEnd 1 true", "epochEnd 1 true", "trainEnd"]);
  });

  it("earlyStopping with restoreBestWeights puts back the weights of the best epoch", async () => {
    const m = mlp();
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(64, 8);
    const v = data(32, 9);
    const snapshots: Float32Array[][] = [];
    const rec: Callback = { onEpochEnd: () => { snapshots.push(m.getWeights().map((w) => w.data)); } };
    // An exploding learning rate after epoch 2 makes later epochs worse.
    const es = callbacks.earlyStopping({ monitor: "val_loss", patience: 2, restoreBestWeights: true });
    const lr = callbacks.learningRateScheduler((epoch) => (epoch < 3 ? 0.5 : 50));
    const h = await m.fit(x, y, { epochs: 20, batchSize: 64, validationData: [v.x, v.y], callbacks: [lr, rec, es], verbose: 0, shuffle: false });
    const vl = h.history.val_loss;
    const best = vl.indexOf(Math.min(...vl));
    expect(h.epoch.length).toBeLessThan(20);
    expect(h.epoch.length).toBe(best + 3);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(snapshots[best].map((d) => Array.from(d)));
  });

  it("terminateOnNaN stops at the first non-finite loss", async () => {
    const m = mlp();
    m.compile({ optimizer: optimizers.sgd({ learningRate: 1000 }), loss: "meanSquaredError" });
    const { x } = data(64, 10);
    const y = x.map(() => [1e30, -1e30, 1e30]);
    const h = await m.fit(x, y, { epochs: 10, batchSize: 8, callbacks: [callbacks.terminateOnNaN()], verbose: 0 });
    expect(h.epoch.length).toBeLessThan(10);
  });

  it("the same seed gives bit-identical weights and History twice in a row (dropout and shuffling included)", async () => {
    const run = async () => {
      const m = mlp(77);
      m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
      const { x, y } = data(300, 11);
      const h = await m.fit(x, y, { epochs: 3, batchSize: 32, validationSplit: 0.1, verbose: 0, seed: 5 });
      return { h: h.history, w: m.getWeights().map((t) => Array.from(new Uint32Array(t.data.buffer))) };
    };
    const a = await run(), b = await run();
    expect(b.h).toEqual(a.h);
    expect(b.w).toEqual(a.w);
    // And a different fit seed changes the run.
    const m = mlp(77);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const { x, y } = data(300, 11);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 32, validationSplit: 0.1, verbose: 0, seed: 6 });
    expect(h.history.loss).not.toEqual(a.h.loss);
  });

  it("initializers: seeded ones repeat, constant/ones/zeros are exact, he/lecun scale with fan-in", () => {
    const make = (init: Parameters<typeof layers.dense>[0]["kernelInitializer"]) =>
      sequential({ layers: [layers.dense({ units: 200, inputShape: [300], kernelInitializer: init })] }).getWeights()[0].data;
    expect(make(initializers.glorotNormal({ seed: 3 }))).toEqual(make(initializers.glorotNormal({ seed: 3 })));
    expect(make("ones").every((v) => v === 1)).toBe(true);
    expect(make(initializers.constant({ value: 0.25 })).every((v) => v === 0.25)).toBe(true);
    const sd = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(sd(make("heNormal"))).toBeCloseTo(Math.sqrt(2 / 300), 2);
    expect(sd(make("lecunNormal"))).toBeCloseTo(Math.sqrt(1 / 300), 2);
    expect(sd(make("heUniform"))).toBeCloseTo(Math.sqrt(2 / 300), 2);
    expect(sd(make("glorotUniform"))).toBeCloseTo(Math.sqrt(2 / 500), 2);
    expect(sd(make("randomNormal"))).toBeCloseTo(0.05, 2);
  });

  it("the step activation trains with zero gradient below it, as documented", async () => {
    setSeed(4);
    const m = sequential({ layers: [layers.dense({ units: 3, activation: "step", inputShape: [2] }), layers.dense({ units: 1, activation: "sigmoid" })] });
    m.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    const before = m.getWeights();
    await m.fit([[0, 1], [1, 0], [1, 1]], [0, 1, 1], { epochs: 5, verbose: 0 });
    const after = m.getWeights();
    expect(after[0].data).toEqual(before[0].data);
    expect(after[2].data).not.toEqual(before[2].data);
  });

  it("regularizers add their penalty to the loss (Keras) and their gradient to the step", () => {
    setSeed(9);
    const make = (reg?: "l2") => sequential({ layers: [layers.dense({ units: 2, inputShape: [3], kernelRegularizer: reg, kernelInitializer: "ones" })] });
    const a = make(), b = make("l2");
    for (const m of [a, b]) m.compile({ optimizer: "sgd", loss: "mse" });
    const x = [[1, 2, 3]], y = [[0, 0]];
    const la = a.evaluate(x, y) as number, lb = b.evaluate(x, y) as number;
    expect(lb - la).toBeCloseTo(0.01 * 6, 6); // l2 0.01 * sum of six squared ones
    a.trainOnBatch(x, y); b.trainOnBatch(x, y);
    // The l2 gradient 2 * 0.01 * w = 0.02 per weight, times lr 0.01.
    const d = a.getWeights()[0].data.map((v, i) => v - b.getWeights()[0].data[i]);
    d.forEach((v) => expect(v).toBeCloseTo(0.0002, 7));
  });

  it("clipvalue and clipnorm bound the update", () => {
    setSeed(9);
    const x = [[100, 100, 100]], y = [[0, 0]];
    const step = (opt: ReturnType<typeof optimizers.sgd>) => {
      const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3], kernelInitializer: "ones" })] });
      m.compile({ optimizer: opt, loss: "mse" });
      const w0 = m.getWeights()[0].data;
      m.trainOnBatch(x, y);
      return m.getWeights()[0].data.map((v, i) => w0[i] - v);
    };
    step(optimizers.sgd({ learningRate: 1, clipvalue: 0.5 })).forEach((v) => expect(v).toBeCloseTo(0.5, 6));
    const n = step(optimizers.sgd({ learningRate: 1, clipnorm: 2 }));
    expect(Math.sqrt(n.reduce((s, v) => s + v * v, 0))).toBeCloseTo(2, 5);
  });

  it("yields to the event loop every yieldEvery batches", async () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(64, 12);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await m.fit(x, y, { epochs: 4, batchSize: 1, yieldEvery: 8, verbose: 0 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it("accepts a Float32Array with a shape, one-hot rows or class ids, and randomArray data", async () => {
    const m = mlp();
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", metrics: ["accuracy", "mse", "mae"] });
    const x = { data: randomArray(40, 1, 0, 1), shape: [10, 4] as [number, number] };
    const ids = Int32Array.from({ length: 10 }, (_, i) => i % 3);
    const onehot = Array.from(ids, (c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    const a = m.evaluate(x, ids) as number[], b = m.evaluate(x, onehot) as number[];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
    const h = await m.fit(x, ids, { epochs: 1, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(["acc", "loss", "mae", "mse"]);
  });
});
