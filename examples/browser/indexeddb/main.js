// The page: 20,000 points (two rings) stored in IndexedDB once, then read batch by batch by fitDataset.
import { layers, sequential, setSeed } from "../../../dist/browser.js";
import { addRows, idbDataset, openRows } from "./idb-dataset.js";

const out = document.getElementById("out");
const log = (s) => (out.textContent += `\n${s}`);
const db = await openRows("myelin-example-rings");
const count = await new Promise((res) => { const r = db.transaction("rows").objectStore("rows").count(); r.onsuccess = () => res(r.result); });
if (count === 0) {
  let s = 7;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rows = Array.from({ length: 20000 }, () => {
    const ring = rand() < 0.5 ? 0 : 1, a = rand() * 2 * Math.PI, r = (ring ? 1 : 0.5) + (rand() - 0.5) * 0.3;
    return { x: [r * Math.cos(a), r * Math.sin(a)], y: ring };
  });
  await addRows(db, rows);
}
log("IndexedDB holds 20,000 points; training from it, a batch of 256 read per step…");
setSeed(1);
const model = sequential({ layers: [layers.dense({ units: 16, activation: "relu", inputShape: [2] }), layers.dense({ units: 1, activation: "sigmoid" })] });
model.compile({ optimizer: "adam", loss: "binaryCrossentropy", metrics: ["accuracy"] });
await model.fitDataset(idbDataset(db, 256), { epochs: 5, callbacks: { onEpochEnd: (e, l) => log(`epoch ${e + 1}: loss ${l.loss.toFixed(4)}, accuracy ${(l.acc * 100).toFixed(1)} %`) } });
document.body.dataset.done = "1";
