// The entry for browsers and bundlers (export condition "browser"): it loads the wasm at import time
// with top-level await, so that after `import` everything works synchronously, as under Node. If the
// wasm cannot be fetched from where the package puts it (a bundler that moved it, a strict server),
// the import still succeeds and `await init({ wasm })` with the right URL, bytes or module fixes it.
import { init } from "./backend.js";

export * from "./index.js";

try {
  await init();
} catch {
  // First use will say: call `await init()` (with { wasm }) before the first model.
}
