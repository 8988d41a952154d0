// npm run build:js — bundles the TypeScript host into dist/ with esbuild, then writes the .d.ts files.
//   dist/index.js     Node, Deno, Bun (export condition "default"): one file, thread pool included
//   dist/browser.js   browsers and bundlers ("browser"): the thread pool is a separate chunk (dist/pool.js)
//                     that loads only where threads can run, so an app that does not use them ships without it
//   dist/workerd.js   Cloudflare Workers ("workerd", "worker"): imports the SIMD wasm as a module; no threads
//   dist/worker.js    the pool's worker script (src/worker.js as it is: plain JavaScript, no imports)
import { build } from "esbuild";
import { copyFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";

const common = { bundle: true, format: "esm", platform: "neutral", mainFields: ["module", "main"], logLevel: "warning" };
rmSync("dist", { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" }),
  build({ ...common, entryPoints: ["src/browser.ts", "src/pool.ts"], outdir: "dist", splitting: true, chunkNames: "chunk-[hash]" }),
  build({ ...common, entryPoints: ["src/workerd.ts"], outfile: "dist/workerd.js", external: ["*.wasm"] }),
]);
copyFileSync("src/worker.js", "dist/worker.js");
copyFileSync("build/myelin.simd.wasm", "dist/myelin.simd.wasm"); // the Workers entry imports it from beside itself
execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
