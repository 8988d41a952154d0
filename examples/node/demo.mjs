// npm run demo: trains a classifier on data generated here, deterministically, and prints test
// accuracy and training speed. The data: 8x8 "glyphs" of 10 classes (a fixed random prototype per
// class), each sample shifted by up to two pixels, with heavy pixel noise and random contrast.
import { layers, optimizers, sequential, setSeed, activeBuild } from "../../dist/index.js";

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

const protoRng = lcg(7);
const PROTOTYPES = Array.from({ length: 10 }, () => Float32Array.from({ length: 64 }, () => (protoRng() < 0.4 ? 1 : 0)));

function glyphs(n, seed) {
  const proto = PROTOTYPES;
  const r2 = lcg(seed);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r2() * 10);
    const dx = Math.floor(r2() * 5) - 2, dy = Math.floor(r2() * 5) - 2;
    const contrast = 0.6 + 0.4 * r2();
    for (let py = 0; py < 8; py++) {
      for (let px = 0; px < 8; px++) {
        const sx = px - dx, sy = py - dy;
        const v = sx >= 0 && sx < 8 && sy >= 0 && sy < 8 ? proto[c][sy * 8 + sx] : 0;
        x[i * 64 + py * 8 + px] = Math.min(1, Math.max(0, v * contrast + 1.6 * (r2() - 0.5)));
      }
    }
    y[i] = c;
  }
  return { x: { data: x, shape: [n, 64] }, y };
}

const train = glyphs(60000, 11);
const test = glyphs(10000, 12); // the same 10 prototypes, other samples
setSeed(42);
const model = sequential({
  layers: [
    layers.dense({ units: 128, activation: "relu", inputShape: [64] }),
    layers.dropout({ rate: 0.1 }),
    layers.dense({ units: 64, activation: "relu" }),
    layers.dense({ units: 10, activation: "softmax" }),
  ],
});
model.compile({ optimizer: optimizers.adam({ learningRate: 2e-3 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
model.summary();
console.log(`wasm build: ${activeBuild()}\n`);
const t0 = performance.now();
const epochs = 10;
await model.fit(train.x, train.y, { epochs, batchSize: 64, validationSplit: 0.1 });
const seconds = (performance.now() - t0) / 1000;
const [loss, acc] = model.evaluate(test.x, test.y, { batchSize: 500 });
console.log(`\ntest accuracy ${(acc * 100).toFixed(2)} % (loss ${loss.toFixed(4)}) on ${test.y.length} held-out samples`);
console.log(`trained ${epochs} epochs of ${Math.round(train.y.length * 0.9)} samples in ${seconds.toFixed(1)} s: ${Math.round((epochs * train.y.length * 0.9) / seconds)} samples/s (validation included)`);
