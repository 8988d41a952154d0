// Runs a fuzzer (test/fuzz/api.mjs or files.mjs) in a worker thread with a per-call time limit: a call
// that does not return in time (a hang, even in a synchronous wasm loop) stops the worker and is named.
import { Worker } from "node:worker_threads";

/**
 * fuzz({ kind: "api" | "files", seed, runs | seconds, threads = 1, callLimitMs = 10_000, only?, onTick?, onStats? })
 * resolves to { stats, seed, error?, counterexample?, index? }; `only: index` runs that case alone.
 */
export function fuzz({ kind, seed = 1, runs, seconds, threads = 1, callLimitMs = 10_000, only, onTick, onStats }) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL("./worker.mjs", import.meta.url), {
      workerData: { kind, seed, runs, seconds, threads, only },
      resourceLimits: { maxOldGenerationSizeMb: 4096 },
      stdout: true, // the library's own output (verbose fits) is not the test's
    });
    worker.stdout.resume();
    let last = Date.now();
    let lastCall = "starting";
    let lastCase;
    let caseCount = 0;
    let stats = {};
    // The index of the case that failed: fuzz({ seed, runs, only: index }) runs it alone.
    const casePath = () => (only ?? caseCount - 1);
    const finish = (r) => {
      clearInterval(timer);
      void worker.terminate();
      resolve({ stats, seed, ...r, ...(r.path != null ? { index: Number(String(r.path).split(":")[0]) } : {}) });
    };
    const timer = setInterval(() => {
      if (Date.now() - last > callLimitMs) finish({ error: `${lastCall} did not return within ${callLimitMs} ms`, counterexample: lastCase, index: casePath() });
    }, 100);
    worker.on("message", (m) => {
      last = Date.now();
      if (m.stats) {
        stats = m.stats;
        onStats?.(stats);
      }
      if (m.t === "case") {
        lastCase = m.value;
        caseCount++;
      } else if (m.t === "call") {
        lastCall = m.what;
        onTick?.(m.what);
      }
      else if (m.t === "done") finish(m);
    });
    worker.on("error", (e) => finish({ error: `the worker failed during ${lastCall}: ${e?.stack ?? e}`, counterexample: lastCase, index: casePath() }));
    worker.on("exit", (code) => finish(code ? { error: `the worker exited (${code}) during ${lastCall}`, counterexample: lastCase, index: casePath() } : {}));
  });
}
