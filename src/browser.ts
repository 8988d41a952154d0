// The entry for browsers and bundlers (export condition "browser"): it loads the wasm at import time
// with top-level await, so that after `import` everything works synchronously, as under Node. If the
// wasm cannot be fetched from where the package puts it (a bundler that moved it, a strict server),
// the import still succeeds and `await init({ wasm })` with the right URL, bytes or module fixes it.
// The thread pool (src/pool.ts) is a separate chunk, loaded only on a cross-origin isolated page or
// worker, where threads can run.
import { init } from "./backend.js";
import { setPoolLoader } from "./threads.js";

setPoolLoader(() => import("./pool.js"));

export * from "./api.js";

try {
  await init();
} catch {
  // First use will say: call `await init()` (with { wasm }) before the first model.
}
