// fitDataset from IndexedDB in the browser (the chromium project; Node has no IndexedDB): the rows stored
// by examples/browser/indexeddb/idb-dataset.js and read back a batch per step train the model exactly as
// fit on the same rows in the same order.
import { describe, expect, it } from "vitest";
import { layers, sequential, setSeed } from "../../src/index.js";
// @ts-expect-error: the example is plain JavaScript
import { addRows, idbDataset, openRows } from "../../examples/browser/indexeddb/idb-dataset.js";
import { rng } from "../helpers/check.js";

describe.skipIf(typeof indexedDB === "undefined")("fitDataset from IndexedDB", () => {
  it("3,000 rows stored, read 128 a step for 2 epochs: the same weights as fit on the rows in order", async () => {
    const r = rng(4);
    const rows = Array.from({ length: 3000 }, () => { const x = [r() * 2 - 1, r() * 2 - 1]; return { x, y: +(x[0] * x[1] > 0) }; });
    const name = `myelin-test-${Math.floor(r() * 1e9)}`;
    const db = await openRows(name);
    await addRows(db, rows);
    const make = () => {
      setSeed(9);
      const m = sequential({ layers: [layers.dense({ units: 8, activation: "tanh", inputShape: [2] }), layers.dense({ units: 1, activation: "sigmoid" })] });
      m.compile({ optimizer: "adam", loss: "binaryCrossentropy", metrics: ["accuracy"] });
      return m;
    };
    const a = make(), b = make();
    const h = await a.fitDataset(idbDataset(db, 128), { epochs: 2, verbose: 0 });
    await b.fit(rows.map((v) => v.x), rows.map((v) => v.y), { epochs: 2, batchSize: 128, shuffle: false, verbose: 0 });
    expect(a.getWeights().map((w) => Array.from(w.data))).toEqual(b.getWeights().map((w) => Array.from(w.data)));
    expect(h.params.samples).toBe(3000);
    db.close();
    indexedDB.deleteDatabase(name);
  });
});
