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
