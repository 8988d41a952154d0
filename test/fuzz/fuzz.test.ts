// The promises of issue 12, checked by fuzzing (Node: the fuzzers run in a worker thread, so that a call
// that never returns is caught and named). The API fuzzer plays random sequences of public calls with
// valid and invalid arguments; the file fuzzer loads mutated model files. `npm run fuzz` runs them for as
// long as asked; here a fixed number of cases from fixed seeds, so a failure replays:
// `npm run fuzz -- --kind api --seed <seed> --runs <runs> --only <index>`.
import { describe, expect, it } from "vitest";
import { isNode } from "../helpers/files.js";

const load = () => import("./harness.mjs");
const report = (r: { error?: string; counterexample?: string; index?: number; seed: number }) =>
  r.error ? `${r.error}\ncase #${r.index} of seed ${r.seed}: ${r.counterexample}` : "";

describe.skipIf(!isNode)("fuzzing", () => {
  it("the watchdog names a call that never returns (a synchronous loop), and the case", async () => {
    const { fuzz } = await load();
    const r = await fuzz({ kind: "watchdog", runs: 10, callLimitMs: 500 });
    expect(r.error).toBe("a call that never returns did not return within 500 ms");
    expect(r.index).toBe(2);
  });

  it.each([
    [1, 20261128, 3000],
    [2, 20261129, 2000],
  ])("API, %i thread(s): every call succeeds or throws a ValueError that changed nothing and drew no seed; none hangs", async (threads, seed, runs) => {
    const { fuzz } = await load();
    const r = await fuzz({ kind: "api", seed, runs, threads });
    expect(report(r)).toBe("");
    expect(r.stats.cases).toBe(runs);
    // The sequences go deep: every kind of call both succeeds and fails (dispose only succeeds; add
    // succeeds only before the model is built, so more rarely).
    expect(Object.keys(r.stats.byCall!).sort()).toEqual(["add", "compile", "config", "dispose", "evaluate", "fit", "getWeights", "learningRate", "predict", "predictOnBatch", "save", "sequential(...)", "setSeed", "setWeights", "summary", "trainOnBatch"]);
    for (const [call, [ok, failed]] of Object.entries(r.stats.byCall!)) {
      expect(ok, call).toBeGreaterThanOrEqual(runs / 500);
      if (call !== "dispose") expect(failed, call).toBeGreaterThanOrEqual(runs / 500);
    }
  });

  it("10,000 mutated model files: each a ValueError, or a model that predicts, trains and saves soundly, within 1 s and a memory bound", async () => {
    const { fuzz } = await load();
    const r = await fuzz({ kind: "files", seed: 20261128, runs: 10_000 });
    expect(report(r)).toBe("");
    const s = r.stats;
    expect(s.cases).toBe(10_000);
    expect(s.valueError + s.loaded!).toBe(10_000);
    expect(s.loaded).toBeGreaterThan(500); // the mutations leave many files loadable: those are trained and saved
    console.log(`files fuzzed: ${s.cases} (${s.valueError} ValueError, ${s.loaded} loaded); slowest load ${s.worstMs!.toFixed(0)} ms (${s.worstMsCase}); most wasm memory ${s.worstMemory} bytes for ${s.worstMemoryFiles} bytes of files`);
  }, 900_000);
});
