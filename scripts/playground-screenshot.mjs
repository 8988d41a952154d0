// npm run screenshot:playground — refreshes docs/playground.png, the README's picture of the playground:
// Debian's Chromium opens it, trains the spiral (two hidden layers of 8 tanh units on x1, x2, sin x1,
// sin x2) to at least 95 % test accuracy, pauses, and photographs the page.
import { chromium } from "playwright";
import { mkdirSync } from "node:fs";
import { servePlayground } from "./playground.mjs";

const site = await servePlayground(0);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  await page.goto(site.url);
  await page.waitForFunction(() => window.playground?.state.frames > 0);
  for (const f of ["sin x1", "sin x2"]) await page.check(`input[data-feature="${f}"]`);
  await page.waitForFunction(() => window.playground.state.features.length === 4);
  await page.selectOption("#per-frame", "1"); // slowly enough that the curves show the descent
  await page.click("#play");
  await page.waitForFunction(() => window.playground.state.testAccuracy >= 0.95 && window.playground.state.epoch >= 300, null, { timeout: 120_000 });
  await page.click("#play");
  await page.waitForFunction(() => document.body.dataset.running === "false");
  await page.waitForTimeout(300);
  mkdirSync(new URL("../docs/", import.meta.url), { recursive: true });
  const path = new URL("../docs/playground.png", import.meta.url).pathname;
  await page.screenshot({ path });
  const s = await page.evaluate(() => window.playground.state);
  console.log(`wrote ${path}: epoch ${s.epoch}, test accuracy ${(s.testAccuracy * 100).toFixed(1)} %`);
} finally {
  await browser.close();
  site.close();
}
