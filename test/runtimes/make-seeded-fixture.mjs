// Writes test/fixtures/seeded.json: the seeded run's result with each build, as Node computes it.
// test/api/determinism.test.ts holds Node and Chromium to it, and test/runtimes to it through Deno,
// Bun and workerd. Regenerate (npm run build first) only when a kernel's arithmetic changes on purpose.
import { writeFileSync } from "node:fs";
import * as myelin from "../../dist/index.js";
import { seededRun } from "./seeded.mjs";

const out = {};
for (const build of ["simd", "scalar"]) {
  await myelin.init({ build });
  out[build] = await seededRun(myelin);
}
writeFileSync(new URL("../fixtures/seeded.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");
console.log(Object.fromEntries(Object.entries(out).map(([b, r]) => [b, r.hash])));
