// examples/tfjs-port: a TF.js MNIST-style MLP (inputShape [28, 28], flatten, dense, batchNormalization,
// dropout) and its port to myelin. The port changes only the import and the lines that make tensors from
// arrays or read numbers out of them (checked line by line), and both programs learn Fashion-MNIST alike.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { datasetsRequired, fashionAvailable } from "../helpers/datasets.js";

const lines = (f: string) => readFileSync(`examples/tfjs-port/${f}`, "utf8").split("\n");
// TF.js draws its initializers', dropout's and shuffling's seeds from Math.random: seeded here (a preload),
// its run is as reproducible as myelin's seeded one (unseeded, its accuracy once came out at 79.77 %).
const seeded = ["--import", new URL("../helpers/seed-math-random.mjs", import.meta.url).pathname];
const run = (f: string) => spawnSync(process.execPath, [...(f === "tfjs.mjs" ? seeded : []), `examples/tfjs-port/${f}`, "2", "12000"], { encoding: "utf8", timeout: 300_000 });
const accuracy = (out: string) => Number(/test accuracy: ([\d.]+) %/.exec(out)![1]);

describe.skipIf(typeof process === "undefined" || !process.versions?.node)("the TF.js port", () => {
  it("differs from the TF.js program only in its import and the lines that make or read tensors", () => {
    const a = lines("tfjs.mjs"), b = lines("myelin.mjs");
    expect(b.length).toBe(a.length);
    const changed = a.flatMap((l, i) => (l === b[i] || l.startsWith("//") ? [] : [[l, b[i]]]));
    expect(changed.length).toBe(5);
    for (const [tfjs, ours] of changed) {
      const isImport = tfjs.startsWith("import * as tf from \"@tensorflow/tfjs\"") && ours === "import * as tf from \"myelin\";";
      const isTensor = /tf\.tensor\dd\(|\.dataSync\(\)/.test(tfjs) && !/tf\.tensor|dataSync/.test(ours);
      expect(isImport || isTensor, `${tfjs}\n${ours}`).toBe(true);
    }
  });

  it.skipIf(!fashionAvailable() && !datasetsRequired)("both learn 12,000 Fashion-MNIST images in 2 epochs to >= 80 % on the 10,000 test images, within 3 points of each other", () => {
    const ours = run("myelin.mjs"), theirs = run("tfjs.mjs");
    expect(ours.status, ours.stderr).toBe(0);
    expect(theirs.status, theirs.stderr).toBe(0);
    expect(ours.stdout).toMatch(/batch_normalization_\d+ \(BatchNormalization\)\s+\(None, 128\)\s+512/); // model.summary() as Keras prints it
    const [a, b] = [accuracy(ours.stdout), accuracy(theirs.stdout)];
    expect(a).toBeGreaterThanOrEqual(80);
    expect(b).toBeGreaterThanOrEqual(80);
    expect(Math.abs(a - b)).toBeLessThan(3);
  });
});
