// npm run demo: an MLP learns to read handwritten digits, the 1,797 8x8 images of the UCI "optical
// recognition of handwritten digits" set as scikit-learn ships them (examples/data/digits.csv.gz; see
// examples/data/README.md for where it comes from and its licence). It prints the training progress, the
// test accuracy, a confusion matrix, the digits it got wrong drawn in the terminal, and the speed.
//
//   npm run demo                 the digits (in the repository: nothing is downloaded)
//   npm run demo -- --fashion    Fashion-MNIST, where Debian's dataset-fashion-mnist is installed
//                                (or the IDX files are in $FASHION_MNIST_DIR)
//
// Deterministic: the same split, weights and accuracy on every run and runtime (setSeed).
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { activeBuild, layers, optimizers, sequential, setSeed, threadCount } from "myelin";

const args = process.argv.slice(2);
for (const a of args) {
  if (a !== "--fashion") {
    console.error(`demo: unknown argument ${a}; the only option is --fashion (Fashion-MNIST instead of the digits)`);
    process.exit(2);
  }
}
const task = args.includes("--fashion") ? fashionTask() : digitsTask();

/** A fixed pseudo-random sequence (so the split is the same on every run). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/**
 * The digits: 64 pixels (0..16) and a label per line. A stratified split keeps 20 % of every class for
 * the test, shuffled by a fixed seed. Each pixel is standardized with the training set's mean and
 * deviation (a network learns faster from inputs centred on 0 with unit spread).
 */
function digitsTask() {
  const file = new URL("../data/digits.csv.gz", import.meta.url);
  const rows = gunzipSync(readFileSync(file)).toString("utf8").trim().split("\n").map((line) => line.split(",").map(Number));
  const byClass = Array.from({ length: 10 }, () => []);
  const r = lcg(7919);
  const order = rows.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const i of order) byClass[rows[i][64]].push(i);
  const testIds = [], trainIds = [];
  for (const ids of byClass) {
    const k = Math.round(ids.length * 0.2);
    testIds.push(...ids.slice(0, k));
    trainIds.push(...ids.slice(k));
  }
  const pick = (ids) => ({
    x: { data: Float32Array.from(ids.flatMap((i) => rows[i].slice(0, 64))), shape: [ids.length, 64] },
    y: Int32Array.from(ids, (i) => rows[i][64]),
  });
  const train = pick(trainIds), test = pick(testIds);
  const raw = Float32Array.from(test.x.data, (v) => v / 16); // for drawing
  standardize(train.x.data, test.x.data, 64);
  return {
    title: `handwritten digits (UCI via scikit-learn): ${train.y.length} training and ${test.y.length} test images of 8x8 pixels`,
    train, test, raw, side: 8,
    names: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    hidden: [128],
    epochs: 40,
    batchSize: 32,
  };
}

/** Fashion-MNIST from Debian's dataset-fashion-mnist: 60,000 + 10,000 images of 28x28, pixels / 255. */
function fashionTask() {
  const dir = process.env.FASHION_MNIST_DIR ?? "/usr/share/datasets/fashion-mnist"; // Debian's place for it
  if (!existsSync(`${dir}/train-images-idx3-ubyte.gz`)) {
    console.error(`Fashion-MNIST is not installed here (looked in ${dir}).\nOn Debian: sudo apt-get install dataset-fashion-mnist, then npm run demo -- --fashion again.\nElsewhere: put the four *-ubyte.gz files of github.com/zalandoresearch/fashion-mnist in a folder and set FASHION_MNIST_DIR to it.`);
    process.exit(1);
  }
  const read = (split) => {
    const img = gunzipSync(readFileSync(`${dir}/${split}-images-idx3-ubyte.gz`));
    const lab = gunzipSync(readFileSync(`${dir}/${split}-labels-idx1-ubyte.gz`));
    const n = img.readUInt32BE(4), d = img.readUInt32BE(8) * img.readUInt32BE(12);
    return { x: { data: Float32Array.from(img.subarray(16, 16 + n * d), (v) => v / 255), shape: [n, d] }, y: Int32Array.from(lab.subarray(8, 8 + n)) };
  };
  const train = read("train"), test = read("t10k");
  return {
    title: `Fashion-MNIST: ${train.y.length} training and ${test.y.length} test images of 28x28 pixels`,
    train, test, raw: test.x.data, side: 28,
    names: ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"],
    hidden: [128, 64],
    epochs: 5,
    batchSize: 128,
  };
}

/** x := (x - mean) / sd per column, with the training set's statistics (computed in float64). */
function standardize(train, test, cols) {
  const n = train.length / cols;
  const mean = new Float64Array(cols), sq = new Float64Array(cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) mean[j] += train[i * cols + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) sq[j] += (train[i * cols + j] - mean[j]) ** 2 / n;
  for (const a of [train, test]) {
    for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean[i % cols]) / Math.sqrt(sq[i % cols] + 1e-3);
  }
}

console.log(task.title);
setSeed(1);
const inputs = task.train.x.shape[1];
const model = sequential({
  layers: [
    ...task.hidden.map((units, i) => layers.dense({ units, activation: "relu", ...(i === 0 ? { inputShape: [inputs] } : {}) })),
    layers.dense({ units: 10, activation: "softmax" }),
  ],
});
model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
model.summary();
console.log(`wasm build: ${activeBuild()}, ${threadCount()} thread(s)\n`);

const t0 = performance.now();
await model.fit(task.train.x, task.train.y, { epochs: task.epochs, batchSize: task.batchSize, verbose: 1 });
const seconds = (performance.now() - t0) / 1000;

const p = model.predict(task.test.x);
const predicted = p.argMax();
const n = task.test.y.length;
let right = 0;
const confusion = Array.from({ length: 10 }, () => new Array(10).fill(0));
for (let i = 0; i < n; i++) {
  confusion[task.test.y[i]][predicted[i]]++;
  if (predicted[i] === task.test.y[i]) right++;
}
console.log(`\ntest accuracy: ${((100 * right) / n).toFixed(2)} % (${right} of ${n} held-out images)`);

// The confusion matrix: row = the true class, column = the model's answer; the diagonal is right.
const w = Math.max(4, ...task.names.map((s) => s.length)) + 1;
console.log(`\nconfusion matrix (rows: true class, columns: predicted)\n${"".padStart(w)}${task.names.map((s) => s.slice(0, 5).padStart(6)).join("")}`);
confusion.forEach((row, c) => {
  console.log(`${task.names[c].padStart(w)}${row.map((v, j) => (v === 0 ? "." : String(v)).padStart(6)).join("")}   ${((100 * row[c]) / row.reduce((a, b) => a + b, 0)).toFixed(0).padStart(3)} %`);
});

// A few mistakes, drawn: each pixel as a shade of grey, two characters wide.
const wrong = [];
for (let i = 0; i < n && wrong.length < 4; i++) if (predicted[i] !== task.test.y[i]) wrong.push(i);
if (wrong.length) {
  console.log("\nsome it got wrong:");
  const shades = [" ", "░", "▒", "▓", "█"];
  const side = task.side, step = side > 14 ? 2 : 1; // 28x28 drawn at half size
  const cell = (i, y, x) => {
    let v = 0;
    for (let dy = 0; dy < step; dy++) for (let dx = 0; dx < step; dx++) v += task.raw[i * side * side + (y + dy) * side + x + dx];
    return shades[Math.min(4, Math.round((v / (step * step)) * 4))].repeat(2);
  };
  const width = (side / step) * 2;
  console.log(wrong.map((i) => `true ${task.names[task.test.y[i]]}, said ${task.names[predicted[i]]}`.slice(0, width).padEnd(width)).join("   "));
  for (let y = 0; y < side; y += step) {
    const line = [];
    for (const i of wrong) {
      let s = "";
      for (let x = 0; x < side; x += step) s += cell(i, y, x);
      line.push(s);
    }
    console.log(line.join("   "));
  }
}

const samples = task.epochs * task.train.y.length;
console.log(`\ntrained ${task.epochs} epochs of ${task.train.y.length} images in ${seconds.toFixed(2)} s: ${Math.round(samples / seconds).toLocaleString("en-US")} samples/s`);
