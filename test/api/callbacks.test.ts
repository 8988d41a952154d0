// The Keras callbacks of issue 11: reduceLROnPlateau (checked step by step against Keras's algorithm,
// re-implemented here from its documented behaviour), modelCheckpoint and csvLogger (Node: what they
// write, read back), and lambda; each refuses bad options before training starts.
import { describe, expect, it } from "vitest";
import { callbacks, layers, loadLayersModel, optimizers, sequential, setSeed, ValueError, type Logs, type Sequential } from "../../src/index.js";
import { isNode } from "../helpers/files.js";
import { rng } from "../helpers/check.js";

function model(seed = 1) {
  setSeed(seed);
  const m = sequential({ layers: [layers.dense({ units: 8, activation: "relu", inputShape: [4] }), layers.dense({ units: 3, activation: "softmax" })] });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

function data(n: number, seed: number) {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => [r(), r(), r(), r()]);
  return { x, y: x.map((v) => (v[0] > v[1] ? 0 : v[2] > 0.5 ? 1 : 2)) };
}

const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(new Uint32Array(w.data.slice().buffer)));

/** Keras's ReduceLROnPlateau.on_epoch_end, one epoch at a time: the learning rate after each epoch. */
function kerasReduce(values: number[], o: { lr: number; factor: number; patience: number; cooldown: number; minDelta: number; minLr: number }): number[] {
  let best = Infinity, wait = 0, cooldownCounter = 0, lr = o.lr;
  const out: number[] = [];
  for (const current of values) {
    if (cooldownCounter > 0) {
      cooldownCounter -= 1;
      wait = 0;
    }
    if (current < best - o.minDelta) {
      best = current;
      wait = 0;
    } else if (!(cooldownCounter > 0)) {
      wait += 1;
      if (wait >= o.patience && lr > Math.fround(o.minLr)) {
        lr = Math.max(lr * o.factor, o.minLr);
        cooldownCounter = o.cooldown;
        wait = 0;
      }
    }
    out.push(lr);
  }
  return out;
}

describe("callbacks.reduceLROnPlateau", () => {
  it("reduces the learning rate exactly as Keras does: patience, cooldown, minDelta, minLr", () => {
    const values = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.795, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85];
    const o = { lr: 0.1, factor: 0.5, patience: 2, cooldown: 1, minDelta: 0.01, minLr: 0.02 };
    const cb = callbacks.reduceLROnPlateau({ monitor: "val_loss", factor: o.factor, patience: o.patience, cooldown: o.cooldown, minDelta: o.minDelta, minLr: o.minLr });
    const fake = { stopTraining: false, getWeights: () => [], setWeights: () => {}, optimizer: { learningRate: o.lr } };
    cb.setModel!(fake);
    cb.onTrainBegin!();
    const got = values.map((v, e) => {
      cb.onEpochEnd!(e, { val_loss: v } as Logs);
      return fake.optimizer.learningRate;
    });
    const want = kerasReduce(values, o);
    expect(got).toEqual(want);
    expect(new Set(want).size).toBeGreaterThan(2); // the fixture does reduce, and reaches the floor
    expect(want.at(-1)).toBe(0.02);
  });

  it("in a real fit: the optimizer's rate after each epoch (monitor 'loss', every epoch a plateau)", async () => {
    const m = model(2);
    const { x, y } = data(64, 1);
    const rates: number[] = [];
    await m.fit(x, y, {
      epochs: 4, batchSize: 16, verbose: 0,
      callbacks: [callbacks.reduceLROnPlateau({ monitor: "loss", factor: 0.5, patience: 1, minDelta: 1e9 }), callbacks.lambda({ onEpochEnd: () => void rates.push(m.optimizer!.learningRate) })],
    });
    expect(rates).toEqual([0.1, 0.05, 0.025, 0.0125]); // epoch 0 improves on Infinity; every later epoch is a plateau
  });

  it("refuses what it cannot act on, before the first epoch changes a weight", async () => {
    expect(() => callbacks.reduceLROnPlateau({ factor: 1 })).toThrow(/reduceLROnPlateau\(\{ factor \}\) must be a number in \(0, 1\)/);
    expect(() => callbacks.reduceLROnPlateau({ patience: -1 })).toThrow(/\{ patience \}\) must be a non-negative integer; received -1/);
    expect(() => callbacks.reduceLROnPlateau({ min_lr: 0.1 } as never)).toThrow(/unknown option 'min_lr'; did you mean 'minLr'\?/);
    const m = model(3);
    const before = bits(m);
    await expect(m.fit(data(8, 2).x, data(8, 2).y, { verbose: 0, callbacks: [callbacks.reduceLROnPlateau()] })).rejects.toThrow(/reduceLROnPlateau\(\{ monitor \}\) must be one of the keys fit\(\) logs: 'loss', 'acc'; received "val_loss"/);
    expect(bits(m)).toEqual(before);
  });
});

describe("callbacks.lambda", () => {
  it("calls the functions it is given, with fit's arguments; refuses unknown hooks and non-functions", async () => {
    const seen: string[] = [];
    const m = model(4);
    await m.fit(data(32, 3).x, data(32, 3).y, {
      epochs: 2, batchSize: 16, verbose: 0,
      callbacks: callbacks.lambda({ onTrainBegin: () => void seen.push("begin"), onEpochEnd: (e, logs) => void seen.push(`epoch ${e} ${typeof logs?.loss}`), onTrainEnd: () => void seen.push("end") }),
    });
    expect(seen).toEqual(["begin", "epoch 0 number", "epoch 1 number", "end"]);
    expect(() => callbacks.lambda({ onEpochEnds: () => {} } as never)).toThrow(/unknown option 'onEpochEnds'; did you mean 'onEpochEnd'\?/);
    expect(() => callbacks.lambda({ onEpochEnd: 5 } as never)).toThrow(ValueError);
  });
});

describe.skipIf(!isNode)("callbacks.modelCheckpoint and callbacks.csvLogger (Node)", async () => {
  const { mkdtempSync, readFileSync, existsSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");

  it("saves every epoch to the formatted target; each save loads back as the model was at that epoch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ckpt-"));
    const m = model(5);
    const snapshots: number[][][] = [];
    const ckpt = callbacks.modelCheckpoint(join(dir, "e{epoch:02d}-loss{loss:.3f}"), { monitor: "loss" });
    const h = await m.fit(data(64, 4).x, data(64, 4).y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [ckpt, callbacks.lambda({ onEpochEnd: () => void snapshots.push(bits(m)) })] });
    expect(ckpt.saved).toEqual(h.history.loss.map((l, e) => join(dir, `e0${e + 1}-loss${l.toFixed(3)}`)));
    for (const [e, path] of ckpt.saved.entries()) expect(bits(await loadLayersModel(path))).toEqual(snapshots[e]);
  });

  it("saveBestOnly saves only improvements; with includeOptimizer a saved checkpoint resumes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ckpt-best-"));
    const m = model(6);
    m.compile({ optimizer: optimizers.sgd({ learningRate: 3 }), loss: "sparseCategoricalCrossentropy" }); // big steps: the loss goes up and down
    const ckpt = callbacks.modelCheckpoint(join(dir, "best-{epoch}"), { monitor: "loss", saveBestOnly: true, includeOptimizer: true });
    const h = await m.fit(data(64, 5).x, data(64, 5).y, { epochs: 8, batchSize: 8, verbose: 0, callbacks: [ckpt] });
    let best = Infinity;
    const want: string[] = [];
    h.history.loss.forEach((l, e) => {
      if (l < best) {
        best = l;
        want.push(join(dir, `best-${e + 1}`));
      }
    });
    expect(ckpt.saved).toEqual(want);
    expect(want.length).toBeLessThan(8); // the fixture has epochs that are not improvements
    expect((await loadLayersModel(want.at(-1)!)).optimizer?.className).toBe("SGD");
  });

  it("csvLogger writes Keras's CSV: a header of epoch and the sorted keys, a row per epoch, equal to History", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "csv-")), "log.csv");
    const m = model(7);
    const h = await m.fit(data(64, 6).x, data(64, 6).y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25, callbacks: [callbacks.csvLogger(path)] });
    const lines = readFileSync(path, "utf8").trim().split("\n");
    expect(lines[0]).toBe("epoch,acc,loss,val_acc,val_loss");
    lines.slice(1).forEach((line, e) => {
      const [epoch, acc, loss, vacc, vloss] = line.split(",").map(Number);
      expect([epoch, acc, loss, vacc, vloss]).toEqual([e, h.history.acc[e], h.history.loss[e], h.history.val_acc[e], h.history.val_loss[e]]);
    });
    // append: a second fit adds rows under the same header; without it, the file starts afresh.
    await m.fit(data(64, 6).x, data(64, 6).y, { epochs: 1, verbose: 0, validationSplit: 0.25, callbacks: [callbacks.csvLogger(path, { append: true, separator: ";" })] });
    const appended = readFileSync(path, "utf8").trim().split("\n");
    expect(appended.length).toBe(5);
    expect(appended[4].split(";").length).toBe(5);
    await m.fit(data(64, 6).x, data(64, 6).y, { epochs: 1, verbose: 0, callbacks: [callbacks.csvLogger(path)] });
    expect(readFileSync(path, "utf8").trim().split("\n")).toEqual(["epoch,acc,loss", expect.stringMatching(/^0,/)]);
    expect(existsSync(path)).toBe(true);
    expect(() => callbacks.csvLogger(path, { separator: "\n" })).toThrow(/csvLogger\(\{ separator \}\) must be a non-empty string without line breaks/);
  });
});
