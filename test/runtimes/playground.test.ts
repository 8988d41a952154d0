// The playground (examples/playground/, served by scripts/playground.mjs as `npm run playground` serves it:
// cross-origin isolated, strict CSP), driven in Debian's Chromium as a user would drive it: it loads with no
// console error, learns the spiral with two hidden layers of 8 tanh units to >= 95 % test accuracy, its heat
// map is coloured by the model's own predictions at the data points, pause stops training, step trains one
// epoch, and a model saved to IndexedDB loads back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright";
import { haveChromium } from "../helpers/browsers.js";
import { launchChromium } from "../helpers/server.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlayground, servePlayground } from "../../scripts/playground.mjs";

interface PlaygroundState {
  running: boolean; epoch: number; frames: number; features: string[]; hidden: number[];
  testAccuracy?: number; test?: { x1: number; x2: number; y: number; p: number }[];
}
const read = (page: Page) => page.evaluate(() => (window as unknown as { playground: { state: PlaygroundState } }).playground.state);

let site: { url: string; close(): void };
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  site = await servePlayground(0);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(site.url);
  await page.waitForFunction(() => ((window as unknown as { playground?: { state: PlaygroundState } }).playground?.state.frames ?? 0) > 0, null, { timeout: 60_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  site?.close();
});

describe.skipIf(!haveChromium)("the playground in Chromium", () => {
  it("loads with no console error, on threads (the page is cross-origin isolated), with the default network", async () => {
    expect(problems).toEqual([]);
    const s = await read(page);
    expect(s).toMatchObject({ running: false, epoch: 0, features: ["x1", "x2"], hidden: [8, 8] });
    expect(await page.textContent("#threads")).toMatch(/^[2-8] threads$/);
    expect(await page.textContent("#summary")).toMatch(/Total params: 105/); // 2-8-8-1: 24 + 72 + 9
  });

  it("learns the spiral to >= 95 % test accuracy with two hidden layers of 8 tanh units (inputs x1, x2, sin x1, sin x2)", async () => {
    await page.selectOption("#dataset", "spiral");
    await page.selectOption("#activation", "tanh");
    for (const f of ["sin x1", "sin x2"]) await page.check(`input[data-feature="${f}"]`);
    await page.waitForFunction(() => (window as unknown as { playground: { state: PlaygroundState } }).playground.state.features.length === 4);
    await page.click("#play");
    const t0 = Date.now();
    let s = await read(page);
    while (Date.now() - t0 < 90_000 && !((s.testAccuracy ?? 0) >= 0.95)) {
      await page.waitForTimeout(250);
      s = await read(page);
    }
    expect(s.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.hidden).toEqual([8, 8]);
    expect(problems).toEqual([]);
  }, 120_000);

  it("pause stops training: the epoch stays put; step trains exactly one epoch", async () => {
    if ((await read(page)).running === false) await page.click("#play");
    await page.waitForTimeout(300);
    await page.click("#play"); // pause
    await page.waitForFunction(() => document.body.dataset.running === "false");
    await page.waitForTimeout(300); // a frame already on its way lands
    const paused = await read(page);
    await page.waitForTimeout(1000);
    const later = await read(page);
    expect(later.epoch).toBe(paused.epoch);
    expect(later.frames).toBe(paused.frames);
    await page.click("#step");
    await page.waitForFunction((e) => (window as unknown as { playground: { state: PlaygroundState } }).playground.state.epoch !== e, paused.epoch);
    expect((await read(page)).epoch).toBe(paused.epoch + 1);
  });

  it("the heat map is the model's output: at every test point it shows the class the model predicts there", async () => {
    const s = await read(page);
    const pixels = await page.evaluate((pts) => {
      const pg = (window as unknown as { playground: { toCanvas(x1: number, x2: number): [number, number] } }).playground;
      const c = document.getElementById("heat") as HTMLCanvasElement;
      const g = c.getContext("2d")!;
      return pts.map(({ x1, x2 }) => {
        const [px, py] = pg.toCanvas(x1, x2);
        return Array.from(g.getImageData(Math.min(c.width - 1, Math.floor(px)), Math.min(c.height - 1, Math.floor(py)), 1, 1).data);
      });
    }, s.test!);
    // Blue (class 1) where the model says p > 0.5, orange where p < 0.5; points the model is unsure of
    // (|p - 0.5| < 0.25) may sit on a cell of the 60x60 grid that falls on the other side.
    const sure = s.test!.map((t, i) => ({ ...t, rgb: pixels[i] })).filter((t) => Math.abs(t.p - 0.5) >= 0.25);
    expect(sure.length).toBeGreaterThan(150);
    const wrong = sure.filter((t) => (t.rgb[2] > t.rgb[0]) !== t.p > 0.5);
    expect(wrong, JSON.stringify(wrong.slice(0, 3))).toEqual([]);
  });

  it("a model saved to IndexedDB loads back and shows the same predictions", async () => {
    const before = (await read(page)).test!.map((t) => t.p);
    await page.click("#save-idb");
    await page.waitForFunction(() => /saved in IndexedDB/.test(document.getElementById("message")!.textContent ?? ""));
    await page.click("#reset"); // a fresh model: other predictions
    await page.waitForFunction(() => (window as unknown as { playground: { state: PlaygroundState } }).playground.state.epoch === 0);
    await page.click("#load-idb");
    await page.waitForFunction(() => /loaded a model/.test(document.getElementById("message")!.textContent ?? ""));
    await page.waitForTimeout(300);
    const after = (await read(page)).test!.map((t) => t.p);
    expect(after).toEqual(before);
    expect(problems).toEqual([]);
  });

  it("save (download) writes model.json and its weights as TF.js's downloads:// does", async () => {
    const names: string[] = [];
    page.on("download", (d) => names.push(d.suggestedFilename()));
    await page.click("#save-download");
    await page.waitForFunction(() => /downloaded/.test(document.getElementById("message")!.textContent ?? ""));
    await page.waitForTimeout(300);
    expect(names.sort()).toEqual(["myelin-playground.json", "myelin-playground.weights.bin"]);
    expect(problems).toEqual([]);
  });

  it("model.json and weights.bin chosen as files (saved by myelin in Node) load into the page", async () => {
    const { layers, sequential, setSeed } = await import("../../src/index.js");
    setSeed(5);
    const m = sequential({ layers: [layers.dense({ units: 5, activation: "relu", inputShape: [4] }), layers.dense({ units: 3, activation: "relu" }), layers.dense({ units: 1, activation: "sigmoid" })] });
    m.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    const dir = mkdtempSync(join(tmpdir(), "pg-model-"));
    await m.save(dir);
    await page.setInputFiles("#load-files", [join(dir, "model.json"), join(dir, "weights.bin")]);
    await page.waitForFunction(() => /loaded a model with hidden layers \[5, 3\]/.test(document.getElementById("message")!.textContent ?? ""));
    expect(await page.textContent("#summary")).toMatch(/Total params: 47/); // 4*5+5 + 5*3+3 + 3+1
    expect((await read(page)).hidden).toEqual([5, 3]);
    expect(problems).toEqual([]);
  });

  it("npm run build:playground writes a static site that works on its own (served from that folder alone)", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "playground-")), "site");
    buildPlayground(out);
    const copy = await servePlayground(0, out);
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    p.on("pageerror", (e) => errors.push(String(e)));
    try {
      await p.goto(copy.url);
      await p.waitForFunction(() => ((window as unknown as { playground?: { state: PlaygroundState } }).playground?.state.frames ?? 0) > 0, null, { timeout: 60_000 });
      await p.click("#step");
      await p.waitForFunction(() => (window as unknown as { playground: { state: PlaygroundState } }).playground.state.epoch === 1);
      expect(errors).toEqual([]);
    } finally {
      await p.close();
      copy.close();
    }
  });
});
