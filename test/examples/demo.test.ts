// npm run demo (examples/node/demo.mjs), run as a user runs it: it learns the handwritten digits that ship
// with the project to >= 97 % test accuracy, and its printout is consistent: the confusion matrix accounts
// for every test image and agrees with the accuracy it prints; the digits drawn as mistakes are mistakes.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasetsRequired, fashionAvailable } from "../helpers/datasets.js";

const demo = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, ["examples/node/demo.mjs", ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** The printed accuracy, and the confusion matrix's rows (true class) of counts ("." is 0). */
function parse(out: string, names: string[]) {
  const m = /test accuracy: ([\d.]+) % \((\d+) of (\d+) held-out images\)/.exec(out);
  expect(m, out).not.toBeNull();
  const lines = out.split("\n");
  const start = lines.findIndex((l) => l.startsWith("confusion matrix")) + 2;
  const rows = lines.slice(start, start + 10).map((l, c) => {
    const cells = l.trim().split(/\s+/);
    expect(cells[0]).toBe(names[c]);
    return cells.slice(1, 11).map((v) => (v === "." ? 0 : Number(v)));
  });
  return { accuracy: Number(m![1]), right: Number(m![2]), total: Number(m![3]), rows };
}

describe.skipIf(typeof process === "undefined" || !process.versions?.node)("npm run demo", () => {
  it("learns the digits to >= 97 % on the held-out fifth, and prints a consistent confusion matrix, mistakes and speed", () => {
    const { code, out, err } = demo([]);
    expect(code, err).toBe(0);
    const digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    const { accuracy, right, total, rows } = parse(out, digits);
    expect(total).toBe(359); // a stratified fifth of the 1,797 images
    expect(accuracy).toBeGreaterThanOrEqual(97);
    expect(rows.flat().reduce((a, b) => a + b, 0)).toBe(total);
    expect(rows.reduce((a, r, c) => a + r[c], 0)).toBe(right);
    expect(accuracy).toBeCloseTo((100 * right) / total, 2);
    // Every class of the test fifth: 35-37 images.
    for (const r of rows) expect(r.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(35);
    // The mistakes drawn are mistakes the matrix counts, drawn as 8 rows of 8 pixels.
    const captions = [...out.matchAll(/true (\d), said (\d)/g)];
    expect(captions.length).toBe(Math.min(4, total - right));
    for (const [, t, p] of captions) {
      expect(t).not.toBe(p);
      expect(rows[Number(t)][Number(p)]).toBeGreaterThan(0);
    }
    const at = out.split("\n").findIndex((l) => l.startsWith("true "));
    expect(out.split("\n").slice(at + 1, at + 9).every((l) => /^[ ░▒▓█]+$/.test(l))).toBe(true);
    expect(out).toMatch(/trained 40 epochs of 1438 images in [\d.]+ s: [\d,]+ samples\/s/);
  });

  it("refuses an argument it does not know, and says how to get Fashion-MNIST where it is missing", () => {
    const bad = demo(["--fahsion"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown argument --fahsion; the only option is --fashion/);
    const missing = demo(["--fashion"], { FASHION_MNIST_DIR: mkdtempSync(join(tmpdir(), "no-fashion-")) });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Fashion-MNIST is not installed here .*\nOn Debian: sudo apt-get install dataset-fashion-mnist/);
  });

  it.skipIf(!fashionAvailable() && !datasetsRequired)("--fashion trains the Fashion-MNIST MLP to >= 86.5 %", () => {
    const { code, out, err } = demo(["--fashion"]);
    expect(code, err).toBe(0);
    const { accuracy, total } = parse(out, ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]);
    expect(total).toBe(10_000);
    expect(accuracy).toBeGreaterThanOrEqual(86.5);
  });

  it("the README's first model runs as pasted into an app that installed myelin, and learns XOR", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Install and a first model"));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1];
    const app = mkdtempSync(join(tmpdir(), "first-model-"));
    mkdirSync(join(app, "node_modules"));
    symlinkSync(process.cwd(), join(app, "node_modules", "myelin"), "dir"); // as npm install myelin would place it
    writeFileSync(join(app, "first.mjs"), code);
    const r = spawnSync(process.execPath, [join(app, "first.mjs")], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const values = [...r.stdout.matchAll(/(\d\.\d+)/g)].map((m) => Number(m[1]));
    expect(values.length).toBe(4);
    expect(values.map((v) => Math.round(v))).toEqual([0, 1, 1, 0]);
  });
});
