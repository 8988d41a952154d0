// The entry for Node, Deno and Bun (export condition "default"): the wasm loads synchronously on first
// use, and the thread pool is part of the bundle, so a first model already computes on every core.
import * as pool from "./pool.js";
import { setPoolLoader } from "./threads.js";

setPoolLoader(() => pool);

export * from "./api.js";
