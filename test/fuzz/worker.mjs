// Runs one fuzzer in a worker thread (test/fuzz/harness.mjs watches it): posts each call before making
// it, so that a call that never returns is named, and the counts at the end.
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import * as my from "../../dist/index.js";
import { scenario, runScenario } from "./api.mjs";
import { fileCase, bases, runFileCase } from "./files.mjs";

const { kind, seed, runs, seconds, threads, only } = workerData;
// only: run the case of that index alone (the others are generated, so the case is the same, not run).
let index = -1;
const skip = () => only !== undefined && ++index !== only;
await my.init({ threads });
let ticks = 0;
const stats = kind === "api" ? { cases: 0, ok: 0, valueError: 0, byCall: {} } : { cases: 0, valueError: 0, loaded: 0, worstMs: 0, worstMsCase: "", worstMemory: 0, worstMemoryFiles: 0 };
const tick = (what) => {
  parentPort.postMessage({ t: "call", what, ...(++ticks % 200 === 0 ? { stats } : {}) });
};
let property;
if (kind === "api") {
  property = fc.asyncProperty(scenario, (sc) => {
    if (skip()) return;
    parentPort.postMessage({ t: "case", value: fc.stringify(sc) }); // named if it hangs
    return runScenario(my, sc, tick, stats);
  });
} else if (kind === "watchdog") {
  // The harness's own test: the third case makes a call that never returns (a synchronous loop).
  property = fc.asyncProperty(fc.nat(), () => {
    parentPort.postMessage({ t: "case", value: String(++index) });
    tick(index === 2 ? "a call that never returns" : "a call that returns");
    while (index === 2);
  });
} else {
  const all = await bases(my);
  property = fc.asyncProperty(fileCase, async (c) => {
    if (skip()) return;
    parentPort.postMessage({ t: "case", value: fc.stringify(c) });
    stats.cases++;
    await runFileCase(my, all, c, tick, stats);
  });
}
const details = await fc.check(property, {
  seed,
  numRuns: runs ?? Number.MAX_SAFE_INTEGER,
  ...(seconds ? { interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false } : {}),
  endOnFailure: true, // no shrinking: the seed and the counterexample replay the case
});
const error = details.failed ? String(details.errorInstance?.stack ?? details.errorInstance ?? details.error) : undefined;
let counterexample;
try {
  counterexample = details.counterexample ? fc.stringify(details.counterexample) : undefined;
} catch {
  counterexample = "(not printable)";
}
parentPort.postMessage({ t: "done", stats, error, counterexample, seed, path: details.counterexamplePath });
