// In the browser the wasm is fetched: load it once before the tests (init() is optional under Node).
import { init } from "../src/index.js";

await init();
