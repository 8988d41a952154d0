// Two projects over the same test files: Node, and Debian's Chromium (headless, driven by Playwright
// through vitest's browser mode; .ci/run installs it with apt-get and requires it; on a machine without
// it the chromium project is left out). Node-only files: the kernel contract (reads build/ and the
// sources), the runtime matrix (spawns workerd, Deno, Bun, browsers), the fuzzers (worker threads) and
// the examples (run as processes).
import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";
import { CHROMIUM, haveChromium } from "./test/helpers/browsers.js";

const LAST = ["test/fuzz/**/*.test.ts", "test/runtimes/playground.test.ts"];
const NODE_ONLY = ["test/kernels/contract.test.ts", "test/runtimes/**", "test/fuzz/**", "test/examples/**"];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    projects: [
      { test: { name: "node", include: ["test/**/*.test.ts"], exclude: LAST, testTimeout: 300_000, sequence: { groupOrder: 0 } } },
      // Run last, apart from the rest: the fuzzers and the playground keep cores busy (a minute of fuzzing,
      // a browser training on threads).
      { test: { name: "last", include: LAST, testTimeout: 900_000, sequence: { groupOrder: 1 } } },
      ...(haveChromium ? [{
        // Served cross-origin isolated, so that the threads tests run in the browser too (SharedArrayBuffer).
        server: { headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } },
        test: {
          name: "chromium",
          include: ["test/**/*.test.ts"],
          exclude: NODE_ONLY,
          setupFiles: ["test/setup-browser.ts"],
          sequence: { groupOrder: 0 },
          testTimeout: 300_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM,
                args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
              },
            }),
            instances: [{ browser: "chromium" as const }],
          },
        },
      }] : []),
    ],
  },
});
