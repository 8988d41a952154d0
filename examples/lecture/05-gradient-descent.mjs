// 5. Batch, stochastic and mini-batch gradient descent.
//
// Gradient descent steps against the gradient of the cost: w ← w − η ∂J/∂w. The three variants differ
// only in how many samples one step's gradient is computed from (fit's batchSize):
//   batch       all n samples:   one exact step per epoch (slow to get going, smooth)
//   stochastic  one sample:      n noisy steps per epoch (quick progress, jittery, one small GEMM each)
//   mini-batch  32 samples:      n/32 steps per epoch of a fair gradient (the usual choice)
// The same network, the same starting weights and the same learning rate learn the handwritten digits
// (examples/data) with each; the table shows the cost after each epoch and the time taken.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { layers, optimizers, sequential, setSeed } from "myelin";

const rows = gunzipSync(readFileSync(new URL("../data/digits.csv.gz", import.meta.url))).toString("utf8").trim().split("\n").map((l) => l.split(",").map(Number));
const n = rows.length;
const x = { data: Float32Array.from(rows.flatMap((r) => r.slice(0, 64).map((v) => v / 16))), shape: [n, 64] };
const y = Int32Array.from(rows, (r) => r[64]);

const EPOCHS = 8;
const variants = [
  { name: "batch", batchSize: n },
  { name: "stochastic", batchSize: 1 },
  { name: "mini-batch", batchSize: 32 },
];
const results = [];
for (const v of variants) {
  setSeed(3); // the same starting weights for each
  const model = sequential({
    layers: [layers.dense({ units: 32, activation: "relu", inputShape: [64] }), layers.dense({ units: 10, activation: "softmax" })],
  });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const costs = [];
  let seconds = 0;
  for (let e = 0; e < EPOCHS; e++) {
    const t0 = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: v.batchSize, verbose: 0, seed: e });
    seconds += (performance.now() - t0) / 1000;
    costs.push(model.evaluate(x, y, { batchSize: 512 })); // [J over all samples, accuracy]
  }
  results.push({ ...v, costs, seconds, steps: Math.ceil(n / v.batchSize) });
}

console.log(`the cost J after each epoch (${n} samples, SGD with η = 0.05, the same starting weights)\n`);
console.log(`epoch ${results.map((r) => `${r.name} (${r.batchSize})`.padStart(18)).join("")}`);
for (let e = 0; e < EPOCHS; e++) console.log(`${String(e + 1).padStart(5)} ${results.map((r) => r.costs[e][0].toFixed(4).padStart(18)).join("")}`);
console.log(`\n      ${results.map((r) => `${r.steps} steps/epoch`.padStart(18)).join("")}`);
console.log(`      ${results.map((r) => `${((1000 * r.seconds) / EPOCHS).toFixed(1)} ms/epoch`.padStart(18)).join("")}`);
console.log(`      ${results.map((r) => `accuracy ${(100 * r.costs[EPOCHS - 1][1]).toFixed(1)} %`.padStart(18)).join("")}`);
console.log(`
The trade-off: a step on all samples follows the true gradient but costs a whole pass, so batch descent
improves least per epoch; one sample per step makes ${n} cheap, noisy steps per epoch and gets furthest
per epoch, but each step is a tiny computation, so it uses the machine worst per sample; mini-batches of
32 get most of the progress of stochastic steps at a fraction of the time per sample, which is why they
are the default (fit's batchSize: 32).`);
