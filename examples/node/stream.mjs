// Training on a file too large to load: model.fitDataset reads a CSV line by line, 512 rows a batch, so
// the process holds one batch at a time whatever the file's size. The file is made here: points in 8
// dimensions, labelled by which of 4 regions of a nonlinear rule they fall in.
//
//   node examples/node/stream.mjs                 2,000,000 rows (about 100 MB), 2 epochs
//   node examples/node/stream.mjs --rows 50000    a smaller file
//   node examples/node/stream.mjs --file big.csv  train on your own CSV (8 features, then a class 0-3)
import { createReadStream, createWriteStream, existsSync, statSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layers, sequential, setSeed } from "myelin";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg("rows", 2_000_000));
const file = arg("file", join(tmpdir(), `myelin-stream-${rows}.csv`));
const FEATURES = 8, CLASSES = 4, BATCH = 512;

// A seeded generator (the same file on every run) and the rule that labels a point.
let s = 12345;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const label = (x) => (x[0] * x[1] > 0 ? 0 : 1) + (x[2] + x[3] * x[3] > 0.3 ? 2 : 0);
const point = () => Array.from({ length: FEATURES }, rand);

if (!existsSync(file)) {
  const out = createWriteStream(file);
  for (let i = 0; i < rows; i++) {
    const x = point();
    if (!out.write(`${x.map((v) => v.toFixed(4)).join(",")},${label(x)}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}
const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
console.log(`file: ${file} (${mb(statSync(file).size)})`);

/** The file as a dataset: each epoch reads it again, line by line, and yields batches of BATCH rows. */
const csv = {
  async *[Symbol.asyncIterator]() {
    let xs = [], ys = [];
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!line) continue;
      const v = line.split(",").map(Number);
      xs.push(v.slice(0, FEATURES));
      ys.push(v[FEATURES]);
      if (xs.length === BATCH) {
        yield { xs, ys };
        xs = [];
        ys = [];
      }
    }
    if (xs.length) yield { xs, ys };
  },
};

setSeed(7);
const model = sequential({ layers: [
  layers.dense({ units: 64, activation: "relu", inputShape: [FEATURES] }),
  layers.batchNormalization(),
  layers.dense({ units: 32, activation: "relu" }),
  layers.dense({ units: CLASSES, activation: "softmax" }),
] });
model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });

let peak = 0;
const start = performance.now();
const heap0 = process.memoryUsage().heapUsed;
const history = await model.fitDataset(csv, {
  epochs: 2,
  verbose: 0,
  callbacks: { onBatchEnd: () => void (peak = Math.max(peak, process.memoryUsage().heapUsed)), onEpochEnd: (e, l) => console.log(`epoch ${e + 1}: loss ${l.loss.toFixed(4)}, accuracy ${(100 * l.acc).toFixed(2)} %`) },
});
const seconds = (performance.now() - start) / 1000;
const samples = history.params.samples * history.epoch.length;
console.log(`trained on ${samples.toLocaleString("en-US")} rows streamed in ${seconds.toFixed(1)} s (${Math.round(samples / seconds).toLocaleString("en-US")} rows/s)`);
console.log(`JS heap: ${mb(heap0)} before, at most ${mb(peak)} while training (the file: ${mb(statSync(file).size)})`);

const test = Array.from({ length: 5000 }, point);
const pred = model.predict(test).argMax();
const right = test.filter((x, i) => pred[i] === label(x)).length;
console.log(`test accuracy: ${((100 * right) / test.length).toFixed(2)} % (${right} of ${test.length} new points)`);
