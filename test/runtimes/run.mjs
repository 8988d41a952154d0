// Runs the seeded run with the built package and prints its result as JSON: `deno run`, `bun` and
// `node` run this same file. An argument "init" calls init() first; otherwise first use loads the wasm.
// An argument save=<dir> also saves a model to that directory and loads it back. An argument
// threads=1,2,4 also runs the large seeded run on each of those thread counts (result.large), with any
// warnings printed meanwhile. The process must then exit by itself: idle worker threads keep no runtime alive.
import * as myelin from "../../dist/index.js";
import { saveLoadCheck, seededRun, seededRunLarge } from "./seeded.mjs";

const args = typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2);
if (args.includes("init")) await myelin.init();
const result = await seededRun(myelin);
// Save and load through the file system (a directory path) and through bytes.
const dir = args.find((a) => a.startsWith("save="))?.slice(5);
result.savedToFiles = dir ? await saveLoadCheck(myelin, dir) : undefined;
result.savedToBytes = await saveLoadCheck(myelin);
const counts = args.find((a) => a.startsWith("threads="))?.slice(8).split(",").map(Number);
if (counts) {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...a) => warnings.push(a.join(" "));
  result.large = [];
  for (const threads of counts) {
    await myelin.init({ threads });
    result.large.push({ asked: threads, ...(await seededRunLarge(myelin)) });
  }
  console.warn = warn;
  result.warnings = warnings;
}
console.log(JSON.stringify(result));
