// npm run bench:scaling — how training speed scales with the hidden width: MLPs 784→h→h→10 (relu,
// softmax, categorical cross-entropy, SGD) for h = 16, 64, 256, 1024 at batch 32 and 128, myelin on 1
// and 2 threads beside PyTorch (Debian's python3-torch with OpenBLAS) on 1 and 2 threads, in one run:
// samples/s and GFLOP/s (forward, weight gradients, and input gradients of every layer but the first).
// Random data: the figures are about arithmetic, not accuracy. Prints figures only.
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import * as myelin from "../dist/index.js";

const WIDTHS = [16, 64, 256, 1024];
const BATCHES = [32, 128];
const THREADS = [1, 2];
const flopPerSample = (h) => 2 * 3 * (784 * h + h * h + h * 10) - 2 * 784 * h;
const samplesFor = (h) => (h >= 1024 ? 4096 : 8192);

function data(n) {
  const x = new Float32Array(n * 784);
  let s = 1;
  for (let i = 0; i < x.length; i++) x[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) y[i * 10 + (i % 10)] = 1;
  return { x: { data: x, shape: [n, 784] }, y: { data: y, shape: [n, 10] } };
}

async function myelinRate(h, batch) {
  const n = samplesFor(h);
  const { x, y } = data(n);
  myelin.setSeed(1);
  const model = myelin.sequential({
    layers: [
      myelin.layers.dense({ units: h, activation: "relu", inputShape: [784] }),
      myelin.layers.dense({ units: h, activation: "relu" }),
      myelin.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: myelin.optimizers.sgd({ learningRate: 0.01 }), loss: "categoricalCrossentropy" });
  let t0 = 0, best = Infinity, epochs = 0;
  const timer = { onEpochBegin: () => { t0 = performance.now(); }, onEpochEnd: () => { if (epochs++ > 0) best = Math.min(best, performance.now() - t0); } };
  await model.fit(x, y, { epochs: 4, batchSize: batch, verbose: 0, callbacks: [timer] });
  model.dispose();
  return n / (best / 1000);
}

// PyTorch on `threads` threads; for 2, the better of its two ways to use them per row (torch's threads
// with a one-thread OpenBLAS, or one torch thread and a two-thread OpenBLAS), as bench/train.mjs does.
function torchRates(threads) {
  const py = "/usr/bin/python3";
  if (spawnSync(py, ["-c", "import torch"]).status !== 0) return undefined;
  let best;
  for (const [torchThreads, blas] of threads === 1 ? [[1, 1]] : [[threads, 1], [1, threads]]) {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(blas), OMP_NUM_THREADS: String(torchThreads) };
    const r = spawnSync(py, [new URL("./scaling_torch.py", import.meta.url).pathname, String(torchThreads), JSON.stringify({ widths: WIDTHS, batches: BATCHES, samples: WIDTHS.map(samplesFor) })], { encoding: "utf8", env, maxBuffer: 1 << 20 });
    if (r.status !== 0) { console.error(r.stderr); return undefined; }
    const rates = JSON.parse(r.stdout.trim().split("\n").at(-1));
    best = best ? best.map((v, i) => Math.max(v, rates[i])) : rates;
  }
  return best;
}

const rows = [];
for (const threads of THREADS) {
  await myelin.init({ threads });
  for (const h of WIDTHS) for (const b of BATCHES) (rows[WIDTHS.indexOf(h) * BATCHES.length + BATCHES.indexOf(b)] ??= { h, b, myelin: [] }).myelin.push(await myelinRate(h, b));
}
const torch = THREADS.map(torchRates);
console.log(`myelin scaling benchmark — ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.versions.node}; MLP 784→h→h→10, SGD`);
console.log("samples/s (GFLOP/s)            myelin 1t          myelin 2t           torch 1t           torch 2t |  2t/1t  1t/torch1t  2t/torch2t");
const pad = (s, w) => String(s).padStart(w);
rows.forEach((r, i) => {
  const f = flopPerSample(r.h);
  const t = torch.map((tt) => tt?.[i]);
  const cell = (v) => (v === undefined ? pad("-", 19) : pad(`${Math.round(v)} (${((v * f) / 1e9).toFixed(1)})`, 19));
  const ratio = (a, b) => (a === undefined || b === undefined ? pad("-", 7) : pad(`${(a / b).toFixed(2)}x`, 7));
  console.log(`h = ${String(r.h).padEnd(5)} batch ${String(r.b).padEnd(4)} ${" ".repeat(4)}${cell(r.myelin[0])}${cell(r.myelin[1])}${cell(t[0])}${cell(t[1])} | ${ratio(r.myelin[1], r.myelin[0])}    ${ratio(r.myelin[0], t[0])}     ${ratio(r.myelin[1], t[1])}`);
});
if (!torch.every(Boolean)) console.log("(PyTorch columns: apt-get install -y python3-torch libopenblas0-pthread)");
