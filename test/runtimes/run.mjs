// Runs the seeded run with the built package and prints its result as JSON: `deno run`, `bun` and
// `node` run this same file. An argument "init" calls init() first; otherwise first use loads the wasm.
// An argument save=<dir> also saves a model to that directory and loads it back.
import * as myelin from "../../dist/index.js";
import { saveLoadCheck, seededRun } from "./seeded.mjs";

const args = typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2);
if (args.includes("init")) await myelin.init();
const result = await seededRun(myelin);
// Save and load through the file system (a directory path) and through bytes.
const dir = args.find((a) => a.startsWith("save="))?.slice(5);
result.savedToFiles = dir ? await saveLoadCheck(myelin, dir) : undefined;
result.savedToBytes = await saveLoadCheck(myelin);
console.log(JSON.stringify(result));
