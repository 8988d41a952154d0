// npm run diag:memory — shows that a training step allocates nothing: trains 10,000 steps (fit, batch 32,
// Adam, dropout, accuracy metric) and reports the JS heap, the garbage collections that ran during the
// steps, and the model's wasm memory, before and after. Run with --expose-gc (the npm script does).
import { PerformanceObserver } from "node:perf_hooks";
import * as myelin from "../dist/myelin.js";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
const n = 32_000, d = 64;
const x = new Float32Array(n * d);
const y = new Int32Array(n);
let s = 1;
for (let i = 0; i < x.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 2 ** 32; }
for (let i = 0; i < n; i++) y[i] = i % 10;
myelin.setSeed(1);
const model = myelin.sequential({
  layers: [
    myelin.layers.dense({ units: 128, activation: "relu", inputShape: [d] }),
    myelin.layers.dropout({ rate: 0.2 }),
    myelin.layers.dense({ units: 10, activation: "softmax" }),
  ],
});
model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
const X = { data: x, shape: [n, d] };
await model.fit(X, y, { epochs: 1, batchSize: 32, verbose: 0 }); // plan buffers, warm up the JIT

let gcs = 0, scavenges = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) { gcs++; if (e.detail?.kind === 1) scavenges++; }
});
obs.observe({ entryTypes: ["gc"] });
const wasmBytes = () => model.runner.engine.memory.buffer.byteLength;
globalThis.gc();
const heap0 = process.memoryUsage().heapUsed, wasm0 = wasmBytes();
let steps = 0;
const counter = { onBatchEnd: undefined };
const epochs = 10; // 10 x 1000 batches = 10,000 steps
await model.fit(X, y, { epochs, batchSize: 32, verbose: 0, yieldEvery: "never", callbacks: [counter] });
steps = epochs * Math.ceil(n / 32);
const heapNoGc = process.memoryUsage().heapUsed;
await new Promise((r) => setTimeout(r, 50)); // let the observer deliver
globalThis.gc();
const heap1 = process.memoryUsage().heapUsed, wasm1 = wasmBytes();
obs.disconnect();
const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
console.log(`${steps} training steps (batch 32, 64-128-10 MLP, dropout, Adam, accuracy)`);
console.log(`JS heap used: before ${kb(heap0)}, after the steps (no GC) ${kb(heapNoGc)}, after GC ${kb(heap1)}: ${kb(heapNoGc - heap0)} over 10 epochs (History and per-epoch logs), ${(Math.max(0, heapNoGc - heap0) / steps).toFixed(1)} bytes per step`);
console.log(`garbage collections during the steps: ${gcs} (${scavenges} scavenges)`);
console.log(`wasm memory: before ${kb(wasm0)}, after ${kb(wasm1)} (grew ${wasm1 - wasm0} bytes)`);
