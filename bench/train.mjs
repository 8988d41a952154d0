// npm run bench:train — trains the Fashion-MNIST MLP 784→128 relu→64 relu→10 softmax (categorical
// cross-entropy, glorot-uniform, pixels/255) with myelin and with TF.js 4.22's wasm and cpu backends in
// the same run, one thread, and prints samples/s and ratios for SGD lr 0.01 at batch 32 and 128 and
// Adam lr 1e-3 at batch 128; then the mean test accuracy over 5 seeds of the 5-epoch Adam recipe.
// PyTorch (Debian's python3-torch, one thread) joins the table when /usr/bin/python3 has it.
// Prints figures only; nothing passes or fails on time.
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import * as myelin from "../dist/index.js";

const DIR = "/usr/share/datasets/fashion-mnist";
if (!existsSync(`${DIR}/train-images-idx3-ubyte.gz`)) {
  console.error(`Fashion-MNIST is not in ${DIR}: apt-get install -y dataset-fashion-mnist`);
  process.exit(1);
}
const quick = process.argv.includes("--quick");

function load(split) {
  const img = gunzipSync(readFileSync(`${DIR}/${split}-images-idx3-ubyte.gz`));
  const lab = gunzipSync(readFileSync(`${DIR}/${split}-labels-idx1-ubyte.gz`));
  const n = img.readUInt32BE(4);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = img[16 + i] / 255;
  const y = Int32Array.from(lab.subarray(8, 8 + n));
  const onehot = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) onehot[i * 10 + y[i]] = 1;
  return { x, y, onehot, n };
}
const train = load("train"), test = load("t10k");

const CONFIGS = [
  { name: "SGD lr 0.01, batch 32", opt: "sgd", lr: 0.01, batch: 32 },
  { name: "SGD lr 0.01, batch 128", opt: "sgd", lr: 0.01, batch: 128 },
  { name: "Adam lr 1e-3, batch 128", opt: "adam", lr: 1e-3, batch: 128 },
];

// Both libraries are timed the same way: the second of two epochs, from onEpochBegin to onEpochEnd
// (steady state: input checks, planning and JIT warm-up happen before or in the first epoch).
function epochTimer() {
  let t0 = 0, seconds = 0;
  return {
    onEpochBegin: async () => { t0 = performance.now(); },
    onEpochEnd: async () => { seconds = (performance.now() - t0) / 1000; },
    last: () => seconds,
  };
}

async function myelinRate(cfg) {
  myelin.setSeed(1);
  const model = myelin.sequential({
    layers: [
      myelin.layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
      myelin.layers.dense({ units: 64, activation: "relu" }),
      myelin.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  const opt = cfg.opt === "sgd" ? myelin.optimizers.sgd({ learningRate: cfg.lr }) : myelin.optimizers.adam({ learningRate: cfg.lr });
  model.compile({ optimizer: opt, loss: "categoricalCrossentropy" });
  const x = { data: train.x, shape: [train.n, 784] }, y = { data: train.onehot, shape: [train.n, 10] };
  const timer = epochTimer();
  await model.fit(x, y, { epochs: 2, batchSize: cfg.batch, verbose: 0, callbacks: [timer] });
  return train.n / timer.last();
}

async function tfRate(tf, cfg, samples) {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
      tf.layers.dense({ units: 64, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  const opt = cfg.opt === "sgd" ? tf.train.sgd(cfg.lr) : tf.train.adam(cfg.lr);
  model.compile({ optimizer: opt, loss: "categoricalCrossentropy" });
  const x = tf.tensor2d(train.x.subarray(0, samples * 784), [samples, 784]);
  const y = tf.tensor2d(train.onehot.subarray(0, samples * 10), [samples, 10]);
  const timer = epochTimer();
  await model.fit(x, y, { batchSize: cfg.batch, epochs: 2, verbose: 0, shuffle: true, callbacks: timer });
  const rate = samples / timer.last();
  x.dispose(); y.dispose(); model.dispose();
  return rate;
}

function torchRates() {
  const py = "/usr/bin/python3";
  const probe = spawnSync(py, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return undefined;
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
  const r = spawnSync(py, [new URL("./train_torch.py", import.meta.url).pathname, ...(quick ? ["--quick"] : [])], { encoding: "utf8", maxBuffer: 1 << 20, env });
  if (r.status !== 0) { console.error(r.stderr); return undefined; }
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

console.log(`myelin training benchmark — ${cpus()[0]?.model}, Node ${process.versions.node}, one thread, wasm build: ${myelin.activeBuild()}`);
console.log("Fashion-MNIST MLP 784→128 relu→64 relu→10 softmax, categorical cross-entropy, glorot-uniform\n");

const tf = await import("@tensorflow/tfjs");
const wasm = await import("@tensorflow/tfjs-backend-wasm");
wasm.setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
wasm.setThreadsCount(1);
const results = [];
for (const cfg of CONFIGS) {
  const row = { cfg, myelin: await myelinRate(cfg) };
  await tf.setBackend("wasm"); await tf.ready();
  row.tfWasm = await tfRate(tf, cfg, quick ? 4096 : 16384);
  await tf.setBackend("cpu"); await tf.ready();
  row.tfCpu = await tfRate(tf, cfg, quick ? 2048 : 4096);
  results.push(row);
}
const torch = torchRates();
const pad = (s, w) => String(s).padStart(w);
console.log(`${"samples/s".padEnd(26)}${pad("myelin", 10)}${pad("TF.js wasm", 12)}${pad("TF.js cpu", 11)}${torch ? pad("PyTorch", 10) : ""}${pad("vs wasm", 10)}${pad("vs cpu", 9)}${torch ? pad("vs torch", 10) : ""}`);
results.forEach((r, i) => {
  const t = torch?.[i];
  console.log(`${r.cfg.name.padEnd(26)}${pad(Math.round(r.myelin), 10)}${pad(Math.round(r.tfWasm), 12)}${pad(Math.round(r.tfCpu), 11)}${t ? pad(Math.round(t), 10) : ""}${pad((r.myelin / r.tfWasm).toFixed(1) + "x", 10)}${pad((r.myelin / r.tfCpu).toFixed(1) + "x", 9)}${t ? pad((r.myelin / t).toFixed(2) + "x", 10) : ""}`);
});
if (!torch) console.log("(PyTorch column: apt-get install -y python3-torch to include it)");

// Accuracy of the recipe: 5 epochs of Adam lr 1e-3 at batch 128, mean over 5 seeds (none picked).
const seeds = quick ? [1] : [1, 2, 3, 4, 5];
const accs = [];
for (const seed of seeds) {
  myelin.setSeed(seed);
  const model = myelin.sequential({
    layers: [
      myelin.layers.dense({ units: 128, activation: "relu", inputShape: [784] }),
      myelin.layers.dense({ units: 64, activation: "relu" }),
      myelin.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: myelin.optimizers.adam({ learningRate: 1e-3 }), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  await model.fit({ data: train.x, shape: [train.n, 784] }, { data: train.onehot, shape: [train.n, 10] }, { epochs: 5, batchSize: 128, verbose: 0, seed });
  accs.push(model.evaluate({ data: test.x, shape: [test.n, 784] }, { data: test.onehot, shape: [test.n, 10] }, { batchSize: 1000 })[1]);
}
const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
console.log(`\ntest accuracy after 5 epochs of Adam (batch 128), seeds ${seeds.join(", ")}: ${accs.map((a) => (a * 100).toFixed(2)).join(", ")} %; mean ${(mean * 100).toFixed(2)} %`);
