// A plain <script type="module"> page served from a static server with the strict Content-Security-Policy
// `script-src 'self' 'wasm-unsafe-eval'` (no 'unsafe-eval') loads the package unbundled, trains the seeded
// model, and gets test/fixtures/seeded.json's weights; a dedicated Web Worker started from such a page
// does the same, and saves and loads a model (the save/load code is a chunk loaded on first use). In Debian's Chromium (Playwright) and Debian's Firefox ESR (puppeteer-core over
// WebDriver BiDi).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright";
import type { Browser as PBrowser } from "puppeteer-core";
import { haveChromium, haveFirefox } from "../helpers/browsers.js";
import { launchChromium, launchFirefox, pageResult, serve, type Site } from "../helpers/server.js";

const root = new URL("../../", import.meta.url).pathname;
const CSP = "script-src 'self' 'wasm-unsafe-eval'";
const golden = JSON.parse(readFileSync(join(root, "test/fixtures/seeded.json"), "utf8")).simd;

const PAGES: Record<string, string> = {
  "/page.html": `<!doctype html><meta charset="utf-8"><title>myelin</title><script type="module" src="/page.js"></script>`,
  "/page.js": `import * as m from "/pkg/dist/browser.js"; // loads the wasm at import: no init() call
import { seededRun, saveLoadCheck } from "/pkg/test/runtimes/seeded.mjs";
let evalRefused = false;
try { (0, eval)("1"); } catch { evalRefused = true; }
try { document.body.dataset.result = JSON.stringify({ ...(await seededRun(m)), savedToBytes: await saveLoadCheck(m), evalRefused }); }
catch (e) { document.body.dataset.result = JSON.stringify({ error: String(e) }); }`,
  "/worker.html": `<!doctype html><meta charset="utf-8"><title>myelin worker</title><script type="module" src="/worker-page.js"></script>`,
  "/worker-page.js": `const w = new Worker("/worker.js", { type: "module" });
w.onmessage = (e) => { document.body.dataset.result = JSON.stringify(e.data); };
w.onerror = (e) => { document.body.dataset.result = JSON.stringify({ error: e.message }); };`,
  "/worker.js": `import * as m from "/pkg/dist/browser.js"; // loads the wasm at import: no init() call
import { seededRun, saveLoadCheck } from "/pkg/test/runtimes/seeded.mjs";
let evalRefused = false;
try { (0, eval)("1"); } catch { evalRefused = true; }
try { postMessage({ ...(await seededRun(m)), savedToBytes: await saveLoadCheck(m), evalRefused }); } catch (e) { postMessage({ error: String(e) }); }`,
};
let site: Site;
let browser: Browser;
let firefox: PBrowser;
let base = "";

beforeAll(async () => {
  site = await serve(PAGES, () => ({ "content-security-policy": CSP }));
  base = site.base;
  if (haveChromium) browser = await launchChromium();
  if (haveFirefox) firefox = await launchFirefox();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await firefox?.close();
  site?.close();
});

describe.skipIf(!haveChromium)("Chromium under a strict Content-Security-Policy", () => {
  it.each(["/page.html", "/worker.html"])("%s trains the seeded model to the golden weights", async (page) => {
    const p = await browser.newPage();
    const problems: string[] = [];
    p.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
    p.on("pageerror", (e) => problems.push(String(e)));
    await p.goto(base + page);
    await p.waitForFunction(() => document.body?.dataset.result, undefined, { timeout: 60_000 });
    const r = JSON.parse((await p.evaluate(() => document.body.dataset.result))!);
    expect(r.error, problems.join("\n")).toBeUndefined();
    expect(r.hash).toBe(golden.hash);
    expect(r.predictions).toEqual(golden.predictions);
    expect(r.savedToBytes).toBe(true); // save/load's chunks, loaded on first use, under the policy
    // The policy really was in force: the page's (or worker's) own eval was refused.
    expect(r.evalRefused).toBe(true);
    expect(problems.filter((m) => !/Content Security Policy.*'unsafe-eval'|EvalError/.test(m))).toEqual([]);
    await p.close();
  }, 90_000);
});

describe.skipIf(!haveFirefox)("Firefox ESR under a strict Content-Security-Policy", () => {
  it.each(["/page.html", "/worker.html"])("%s trains the seeded model to the golden weights", async (page) => {
    const p = await firefox.newPage();
    await p.goto(base + page);
    const r = await pageResult(() => p.evaluate(() => document.body?.dataset.result));
    expect(r.error).toBeUndefined();
    expect(r.build).toBe("simd");
    expect(r.evalRefused).toBe(true);
    expect(r.hash).toBe(golden.hash);
    expect(r.predictions).toEqual(golden.predictions);
    expect(r.savedToBytes).toBe(true);
    await p.close();
  }, 90_000);
});
