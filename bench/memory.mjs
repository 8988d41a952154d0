// npm run diag:memory [-- --model toolbox] — shows that a training step allocates nothing: after a
// warm-up, two fits of 2,000 and 32,000 steps (batch 32, Adam, dropout, accuracy metric; with
// `--model toolbox` also BatchNormalization, LayerNormalization and a third dense layer); the difference of their JS heap
// growth over the 30,000 extra steps is what a step allocates (V8's accounting of a fit wanders by some
// 100 KiB on a loaded machine: over 30,000 steps that is a few bytes a step). Also reports the garbage collections
// and the model's wasm memory. Run with --expose-gc (the npm script does). The model is wide enough
// (256 -> 256) that with threads (the default here) its big GEMMs and update are split among them: that
// path allocates nothing either.
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import * as myelin from "../dist/index.js";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
const n = 32_000, d = 256;
const x = new Float32Array(n * d);
const y = new Int32Array(n);
let s = 1;
for (let i = 0; i < x.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 2 ** 32; }
for (let i = 0; i < n; i++) y[i] = i % 10;
myelin.setSeed(1);
// --model toolbox: batch and layer normalization and a third dense layer between them (more parameters,
// more calls per step: where V8 stops inlining, a double passed to a call is boxed).
const modelArg = process.argv.includes("--model") ? process.argv[process.argv.indexOf("--model") + 1] : "dense";
if (modelArg !== "dense" && modelArg !== "toolbox") throw new Error(`--model must be dense or toolbox; received ${JSON.stringify(modelArg)}`);
const toolbox = modelArg === "toolbox";
const model = myelin.sequential({
  layers: [
    myelin.layers.dense({ units: 256, activation: "relu", inputShape: [d] }),
    ...(toolbox ? [myelin.layers.batchNormalization(), myelin.layers.layerNormalization()] : []),
    myelin.layers.dropout({ rate: 0.2 }),
    ...(toolbox ? [myelin.layers.dense({ units: 64, activation: "tanh" })] : []),
    myelin.layers.dense({ units: 10, activation: "softmax" }),
  ],
});
model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
const X = { data: x, shape: [n, d] };
await model.fit(X, y, { epochs: 1, batchSize: 32, verbose: 0 }); // plan buffers, warm up the JIT

let gcs = 0, scavenges = 0;
const obs = new PerformanceObserver((list) => {
  // The GCs this script asks for are marked forced (flag 4): a scavenge it did not ask for means allocation.
  for (const e of list.getEntries()) { if (e.detail?.flags & 4) gcs++; else if (e.detail?.kind === 1) scavenges++; }
});
const wasmBytes = () => model.runner.engine.memory.buffer.byteLength;
const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;

// Bytes allocated by one fit: the growth of V8's new space, where every small allocation lands, across
// a fit during which no scavenge ran (checked). Epochs are 1,000 steps each.
const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_used_size;
async function measure(epochs, yieldEvery, check = true, full = false) {
  // A scavenge now and then comes from outside the steps (Node's own timers and ports); a measurement
  // it lands in is retried, up to 3 times.
  for (let attempt = 0; ; attempt++) {
    // A scavenge empties the new space and keeps the optimized code. A full GC would not: V8 drops code
    // that embeds a map or object the collection frees, and the fit after it runs unoptimized, allocating
    // numbers, until TurboFan compiles again (on a loaded machine that took megabytes: the JIT measured,
    // not the steps).
    globalThis.gc(full ? undefined : { type: "minor" });
    const scavengesBefore = scavenges;
    const h0 = newSpace();
    await model.fit(X, y, { epochs, batchSize: 32, verbose: 0, yieldEvery });
    const grown = newSpace() - h0;
    await new Promise((r) => setTimeout(r, 20)); // let the GC observer deliver
    if (!check || scavenges === scavengesBefore) return grown;
    if (attempt === 2) throw new Error("a scavenge ran during each of 3 measured fits: the steps allocate");
    retried++;
  }
}
let retried = 0;
let smallNever = 0;
const results = {};
obs.observe({ entryTypes: ["gc"] });
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
const wasm0 = wasmBytes();
const modes = process.argv.includes("--json") ? ["never"] : ["never", 32];
// Warm-up, after the last full GC, on each path measured (its span loop): the JIT optimizes the step
// path during the first thousands of steps.
for (const yieldEvery of modes) await measure(3, yieldEvery, false);
gcs = 0;
scavenges = 0;
// The synchronous loop over 30,000 extra steps; with a yield every 32 steps over 10,000 (each turn given
// to the event loop costs a promise: more steps would fill the new space and start a scavenge). --json
// (the test) measures the synchronous loop only.
const epochs = { never: 32, 32: 12 };
let measured = modes.length * 3 * Math.ceil(n / 32); // the warm-ups
for (const yieldEvery of modes) {
  const small = await measure(2, yieldEvery);
  if (yieldEvery === "never") smallNever = small;
  const large = await measure(epochs[yieldEvery], yieldEvery);
  const steps = (epochs[yieldEvery] - 2) * Math.ceil(n / 32);
  measured += (epochs[yieldEvery] + 2) * Math.ceil(n / 32);
  results[yieldEvery] = (large - small) / steps;
  console.log(`yieldEvery ${yieldEvery}: a fit of 2,000 steps allocates ${kb(small)}, of ${epochs[yieldEvery]},000 steps ${kb(large)}` +
    ` => ${((large - small) / steps).toFixed(2)} bytes allocated per step`);
}
// A fit right after a full GC allocates what one after a scavenge does: the objects of the fits before are
// freed, and with them their maps unless something keeps them (Totals.shapes in src/model/runner.ts); V8
// then drops the step code that checked for those maps and the fit starts unoptimized.
const afterFull = await measure(2, "never", true, true);
measured += 2 * Math.ceil(n / 32);
console.log(`a fit of 2,000 steps right after a full GC allocates ${kb(afterFull)} (after a scavenge, above: ${kb(smallNever)})`);
await new Promise((r) => setTimeout(r, 50)); // let the observer deliver
obs.disconnect();
console.log("(a step itself allocates nothing; what remains is per epoch — History, logs — and one promise per event-loop turn)");
console.log(`garbage collections during the measured steps: ${scavenges} scavenges (besides the ${gcs} GCs this script asks for; ${retried} measurement(s) retried)`);
globalThis.gc();
console.log(`JS heap used (after a full GC): before the ${measured.toLocaleString("en")} steps ${kb(heapBefore)}, after ${kb(process.memoryUsage().heapUsed)}`);
console.log(`wasm memory: before ${kb(wasm0)}, after ${kb(wasmBytes())} (grew ${wasmBytes() - wasm0} bytes); threads: ${myelin.threadCount()}`);
// For test/threads/allocation.test.ts.
if (process.argv.includes("--json")) console.log(JSON.stringify({ perStep: results, afterFullGc: afterFull - smallNever, wasmGrew: wasmBytes() - wasm0, threads: myelin.threadCount() }));
