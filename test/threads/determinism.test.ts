// Threads change no bit: the large seeded run (test/runtimes/seeded.mjs: GEMMs and an Adam update big
// enough to be split among threads) gives test/fixtures/seeded.json's weights, History and predictions
// with 1, 2, 3 and 4 threads (more threads than this machine's cores included), and the small seeded
// run keeps its hash. Where threads cannot run (a page that is not cross-origin isolated) init() falls
// back to one thread with the same results; test/runtimes runs isolated pages, Deno, Bun and workerd.
import { afterAll, describe, expect, it, vi } from "vitest";
import * as myelin from "../../src/index.js";
import { threadPool } from "../../src/backend.js";
import { threadsUnavailable } from "../../src/threads.js";
import { seededRun, seededRunLarge, workersTakePart, type LargeResult, type SeededResult } from "../runtimes/seeded.mjs";
import { projectUrl, readJson } from "../helpers/files.js";

const GOLDEN = await readJson<{ simd: SeededResult; large: LargeResult }>(projectUrl("test/fixtures/seeded.json"));
const why = threadsUnavailable();

afterAll(async () => {
  await myelin.init({ threads: 1 });
});

describe("threads", () => {
  it.each([1, 2, 3, 4])("%i thread(s): the large seeded run gives the golden weights, History and predictions", async (threads) => {
    await myelin.init({ threads });
    const expected = why ? 1 : threads;
    expect(myelin.threadCount()).toBe(expected);
    expect(myelin.activeBuild()).toBe(expected > 1 ? "threads" : "simd");
    const before = threadPool()?.workerTasks ?? 0;
    const r = await seededRunLarge(myelin);
    expect(r.threads).toBe(expected);
    expect(r.hash).toBe(GOLDEN.large.hash);
    expect(r.predictionsHash).toBe(GOLDEN.large.predictionsHash);
    expect(r.loss).toEqual(GOLDEN.large.loss);
    expect(r.acc).toEqual(GOLDEN.large.acc);
    expect(r.predictions).toEqual(GOLDEN.large.predictions);
    // Not a vacuous pass: with more than one thread the workers take part.
    if (expected > 1) expect(workersTakePart(myelin, threadPool()!, before)).toBeGreaterThan(0);
  }, 60_000);

  it("the small seeded run keeps its hash on several threads", async () => {
    await myelin.init({ threads: 3 });
    const r = await seededRun(myelin);
    expect(r.hash).toBe(GOLDEN.simd.hash);
    expect(r.loss).toEqual(GOLDEN.simd.loss);
    expect(r.predictions).toEqual(GOLDEN.simd.predictions);
  });

  it("the toolbox's layers, losses, metrics and weights change no bit either: 1, 2 and 4 threads train the same model alike", async () => {
    const run = async (threads: number) => {
      await myelin.init({ threads });
      myelin.setSeed(5);
      const { layers } = myelin;
      const m = myelin.sequential({ layers: [
        layers.flatten({ inputShape: [8, 32] }),
        layers.dense({ units: 192, activation: "relu" }),
        layers.batchNormalization(),
        layers.dropout({ rate: 0.1 }),
        layers.dense({ units: 160, activation: "tanh" }),
        layers.layerNormalization(),
        layers.dense({ units: 4 }),
      ] });
      m.compile({ optimizer: "adam", loss: myelin.losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), metrics: ["accuracy", "auc"] });
      let s = 3;
      const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      const x = { data: Float32Array.from({ length: 96 * 256 }, r), shape: [96, 8, 32] };
      const y = Array.from({ length: 96 }, () => Math.floor(r() * 4));
      const h = await m.fit(x, y, { epochs: 2, batchSize: 48, classWeight: { 1: 2 }, verbose: 0 });
      const out = { w: m.getWeights().map((w) => Array.from(new Uint32Array(w.data.buffer))), h: h.history };
      m.dispose();
      return out;
    };
    const one = await run(1);
    for (const t of [2, 4]) expect(await run(t), `${t} threads`).toEqual(one);
  }, 120_000);

  it("init({ threads }) refuses what is not a thread count, naming the value", async () => {
    for (const bad of [0, -1, 1.5, 65, "many", null, NaN]) {
      await expect(myelin.init({ threads: bad as number })).rejects.toThrow(/init\(\{ threads \}\) must be a positive integer \(at most 64\) or 'auto'; received /);
    }
  });

  it("a request that cannot be honoured is a warning, once, and one thread runs", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await myelin.init({ build: "simd", threads: 2 });
      await myelin.init({ build: "simd", threads: 2 });
      expect(myelin.threadCount()).toBe(1);
      expect(myelin.activeBuild()).toBe("simd");
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        "myelin: init({ threads: 2 }) runs one thread: the 'simd' build is single-threaded (give a threads build with build: 'threads')",
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it.skipIf(why !== undefined)("'auto' uses the cores the runtime reports (at most 8)", async () => {
    await myelin.init({ threads: "auto" });
    const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:os") as typeof import("node:os") | undefined;
    const cores = os?.availableParallelism() ?? navigator.hardwareConcurrency;
    expect(myelin.threadCount()).toBe(Math.min(8, cores));
  });
});
