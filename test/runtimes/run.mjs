// Runs the seeded run with the built package and prints its result as JSON: `deno run`, `bun` and
// `node` run this same file. An argument "init" calls init() first; otherwise first use loads the wasm.
import * as myelin from "../../dist/index.js";
import { seededRun } from "./seeded.mjs";

const args = typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2);
if (args.includes("init")) await myelin.init();
console.log(JSON.stringify(await seededRun(myelin)));
