// npm run fuzz — runs the fuzzers of test/fuzz/ for as long as asked (issue 12), on the built dist/.
//   --kind api|files|both   which fuzzer (both: one worker thread each, at the same time); default both
//   --seconds N             how long (default 60), or --runs N cases each
//   --seed S                the first seed (default: from the clock, printed); --threads N for the model
//   --only I                run case I of that seed and run count alone (to replay a failure)
// Prints the cases and their outcomes, the slowest load and the most memory; exits 1 on a failure, with
// the command that replays it.
import { parseArgs } from "node:util";
import { fuzz } from "../test/fuzz/harness.mjs";

const { values: o } = parseArgs({
  options: {
    kind: { type: "string", default: "both" },
    seconds: { type: "string" },
    runs: { type: "string" },
    seed: { type: "string" },
    threads: { type: "string", default: "1" },
    only: { type: "string" },
  },
});
const int = (name, v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer; received ${v}`);
  return n;
};
if (!["api", "files", "both"].includes(o.kind)) throw new Error(`--kind must be api, files or both; received ${o.kind}`);
const kinds = o.kind === "both" ? ["api", "files"] : [o.kind];
const seed = o.seed !== undefined ? int("seed", o.seed) : Date.now() % 2 ** 31;
const runs = o.runs !== undefined ? int("runs", o.runs) : undefined;
const seconds = runs === undefined ? int("seconds", o.seconds ?? "60") : undefined;
const only = o.only !== undefined ? int("only", o.only) : undefined;
const threads = int("threads", o.threads);
console.log(`fuzzing ${kinds.join(" and ")} from seed ${seed}, ${runs !== undefined ? `${runs} cases` : `${seconds} s`} each, ${threads} thread(s)`);

const t0 = Date.now();
const progress = {};
const timer = setInterval(() => console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${kinds.map((k) => `${k} ${progress[k] ?? 0} cases`).join(", ")}`), 10_000);
const results = await Promise.all(kinds.map((kind) => fuzz({ kind, seed, runs, seconds, threads, only, onStats: (s) => (progress[kind] = s.cases) })));
clearInterval(timer);

let failed = false;
for (const [i, r] of results.entries()) {
  const kind = kinds[i];
  const s = r.stats;
  if (kind === "api") {
    console.log(`api: ${s.cases} sequences, ${s.ok + s.valueError} calls (${s.ok} succeeded, ${s.valueError} ValueError, no other outcome)`);
    console.log(`  by call (succeeded/ValueError): ${Object.entries(s.byCall ?? {}).map(([k, [a, b]]) => `${k} ${a}/${b}`).join(", ")}`);
  } else {
    console.log(`files: ${s.cases} mutated models (${s.valueError} ValueError, ${s.loaded} loaded, predicted, trained and saved)`);
    console.log(`  slowest load ${s.worstMs?.toFixed(1)} ms (${s.worstMsCase}); most wasm memory ${s.worstMemory} bytes, for ${s.worstMemoryFiles} bytes of files`);
  }
  if (r.error) {
    failed = true;
    console.log(`${kind} FAILED: ${r.error}\n  case: ${r.counterexample}`);
    if (r.index !== undefined) console.log(`  replay: npm run fuzz -- --kind ${kind} --seed ${seed} --runs ${runs ?? s.cases} --only ${r.index}${threads !== 1 ? ` --threads ${threads}` : ""}`);
  }
}
console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
