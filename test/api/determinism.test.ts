// Bit-identical training wherever it runs: the seeded run (test/runtimes/seeded.mjs: two hidden layers,
// dropout, Adam, 4 epochs) must reproduce test/fixtures/seeded.json — weights hash, losses, predictions —
// with each build, in every environment this file runs in (Node and Chromium; test/runtimes holds Deno,
// Bun and workerd to it too). The builds can differ only where a SIMD reduction splits a sum into four
// lanes (a softmax row of 4 or more classes); with this model's 3 classes their hashes are equal.
import { describe, expect, it } from "vitest";
import * as myelin from "../../src/index.js";
import { seededRun, type SeededResult } from "../runtimes/seeded.mjs";
import { projectUrl, readBytes, readJson } from "../helpers/files.js";

const GOLDEN = await readJson<Record<"simd" | "scalar", SeededResult>>(projectUrl("test/fixtures/seeded.json"));

describe("determinism", () => {
  it.each(["simd", "scalar"] as const)("the %s build reproduces the seeded run bit for bit", async (build) => {
    await myelin.init({ build, wasm: await readBytes(projectUrl(`build/myelin.${build}.wasm`)) });
    const r = await seededRun(myelin);
    expect(r.build).toBe(build);
    expect(r.loss).toEqual(GOLDEN[build].loss);
    expect(r.predictions).toEqual(GOLDEN[build].predictions);
    expect(r.hash).toBe(GOLDEN[build].hash);
    await myelin.init({ build: "simd", wasm: await readBytes(projectUrl("build/myelin.simd.wasm")) });
  });
});

describe("labels", () => {
  it("one-hot rows and the same class ids train a categorical cross-entropy model to the same bits", async () => {
    const run = async (labels: "ids" | "onehot" | "almost") => {
      myelin.setSeed(9);
      const n = 96;
      const x = Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5]);
      const ids = Array.from({ length: n }, (_, i) => i % 4);
      const onehot: number[][] = ids.map((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0)));
      if (labels === "almost") onehot[5][0] = 0.5; // not one-hot any more: trained from the dense rows, differently
      const m = myelin.sequential({ layers: [myelin.layers.dense({ units: 8, activation: "tanh", inputShape: [3] }), myelin.layers.dense({ units: 4, activation: "softmax" })] });
      m.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy", "mse"] });
      const h = await m.fit(x, labels === "ids" ? ids : onehot, { epochs: 3, batchSize: 16, verbose: 0, seed: 1, validationSplit: 0.25 });
      return { weights: m.getWeights().map((w) => Array.from(w.data)), history: h.history, evaluated: m.evaluate(x, labels === "ids" ? ids : onehot) };
    };
    const ids = await run("ids");
    expect(await run("onehot")).toEqual(ids);
    expect((await run("almost")).weights).not.toEqual(ids.weights);
  });
});
