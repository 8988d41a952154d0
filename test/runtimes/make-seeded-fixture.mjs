// Writes test/fixtures/seeded.json: the seeded run's result with each single-threaded build, and the
// large seeded run's (the size at which threads split the work) with the SIMD build on one thread, as
// Node computes them. test/api/determinism.test.ts and test/threads hold Node and Chromium to it, and
// test/runtimes holds Deno, Bun, workerd and browser pages to it. Regenerate (npm run build first) only
// when a kernel's arithmetic changes on purpose.
import { writeFileSync } from "node:fs";
import * as myelin from "../../dist/index.js";
import { seededRun, seededRunLarge } from "./seeded.mjs";

const out = {};
for (const build of ["simd", "scalar"]) {
  await myelin.init({ build });
  out[build] = await seededRun(myelin);
}
await myelin.init({ build: "simd" });
out.large = await seededRunLarge(myelin);
writeFileSync(new URL("../fixtures/seeded.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");
console.log(Object.fromEntries(Object.entries(out).map(([b, r]) => [b, r.hash])));
