// The lecture, runnable (examples/lecture/): each program is run as a user runs it, and what it prints is
// checked against a computation of the test's own — the neuron's activations and the perceptron's
// decisions recomputed from the weights it prints, XOR solved, backpropagation's gradients within float32
// error of the chain rule and of finite differences, and the three gradient descents in the order the
// lecture predicts.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";

const run = (file: string) => {
  const r = spawnSync(process.execPath, [`examples/lecture/${file}`], { encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};
const nums = (s: string) => s.split(",").map(Number);

describe.skipIf(typeof process === "undefined" || !process.versions?.node)("examples/lecture", () => {
  it("1. the neuron: the library's a = σ(w·x + b) is the textbook formula, for each activation and softmax", () => {
    const out = run("01-neuron.mjs");
    const [, xs, ws, bs] = /x = \[([^\]]+)\], w = \[([^\]]+)\], b = ([-\d.]+)/.exec(out)!;
    const x = nums(xs), w = nums(ws), b = Number(bs);
    const z = x.reduce((s, v, i) => s + v * w[i], b);
    const want: Record<string, number> = { sigmoid: 1 / (1 + Math.exp(-z)), tanh: Math.tanh(z), relu: Math.max(0, z), leakyRelu: z > 0 ? z : 0.01 * z };
    for (const [name, a] of Object.entries(want)) {
      const m = new RegExp(`^${name} +(-?[\\d.]+)`, "m").exec(out)!;
      expect(Number(m[1]), name).toBeCloseTo(a, 5);
    }
    const lib = nums(/library \[([^\]]+)\]/.exec(out)![1]);
    const zs = nums(/z = \[([^\]]+)\]\n/.exec(out)![1]);
    const e = zs.map(Math.exp), sum = e.reduce((s, v) => s + v, 0);
    lib.forEach((a, j) => expect(a).toBeCloseTo(e[j] / sum, 4));
  });

  it("2. the perceptron: the school decisions follow from the printed weights; the rule learns AND and OR, never XOR", () => {
    const out = run("02-perceptron.mjs");
    const [, r, mo, l, bias] = /weights: rain (-?[\d.]+), Monday (-?[\d.]+), late start (-?[\d.]+); bias (-?[\d.]+)/.exec(out)!.map(Number);
    const rows = out.split("\n").filter((line) => /^(yes|no) +(yes|no) +(yes|no) /.test(line));
    expect(rows.length).toBe(8);
    for (const line of rows) {
      const [a, c, d] = line.split(/\s+/).slice(0, 3).map((v) => (v === "yes" ? 1 : 0));
      expect(line.endsWith(r * a + mo * c + l * d + bias >= 0 ? "go" : "stay home"), line).toBe(true);
    }
    expect(out).toMatch(/AND +targets \[0,0,0,1\].*answers \[0,0,0,1\] +all 4 right/);
    expect(out).toMatch(/OR +targets \[0,1,1,1\].*answers \[0,1,1,1\] +all 4 right/);
    const xor = /XOR +targets \[0,1,1,0\].*answers \[([\d,]+)\] +(\d) of 4 right after 20 epochs/.exec(out)!;
    expect(xor[1]).not.toBe("0,1,1,0");
  });

  it("3. a 2-4-1 multilayer perceptron learns XOR", () => {
    const out = run("03-xor.mjs");
    const rows = [...out.matchAll(/^ (\d)  (\d) +(\d) +([\d.]+) +(\d)$/gm)];
    expect(rows.length).toBe(4);
    for (const [, a, b, t, p] of rows) {
      expect(Number(t)).toBe(Number(a) ^ Number(b));
      expect(Math.abs(Number(p) - Number(t))).toBeLessThan(0.1);
    }
  });

  it("4. backpropagation: the library's gradients match the chain rule and finite differences; one step lowers J", () => {
    const out = run("04-backprop.mjs");
    const [, byHand, lib] = /J = ([\d.]+) by hand, ([\d.]+) from the library/.exec(out)!;
    expect(Number(lib)).toBeCloseTo(Number(byHand), 5);
    const [, chain, fd] = /largest difference: ([\d.e+-]+) from the chain rule, ([\d.e+-]+) from finite differences/.exec(out)!;
    expect(Number(chain)).toBeLessThan(1e-6);
    expect(Number(fd)).toBeLessThan(1e-6);
    expect(out.split("\n").filter((l) => /∂J\/∂[Wb]\d/.test(l)).length).toBe(6);
    const [, before, after] = /J ([\d.]+) -> ([\d.]+)/.exec(out)!;
    expect(Number(after)).toBeLessThan(Number(before));
  });

  it("5. batch, stochastic and mini-batch gradient descent: the cost falls fastest per epoch with the smallest batches", () => {
    const out = run("05-gradient-descent.mjs");
    const table = out.split("\n").filter((l) => /^ +\d+ +[\d.]+ +[\d.]+ +[\d.]+$/.test(l)).map((l) => l.trim().split(/\s+/).slice(1).map(Number));
    expect(table.length).toBe(8);
    const [batch, stochastic, mini] = [0, 1, 2].map((k) => table.map((r) => r[k]));
    for (let e = 1; e < 8; e++) expect(batch[e]).toBeLessThan(batch[e - 1]); // one exact step per epoch: always down
    expect(stochastic[7]).toBeLessThan(mini[7]);
    expect(mini[7]).toBeLessThan(batch[7]);
    expect(out).toMatch(/1 steps\/epoch +1797 steps\/epoch +57 steps\/epoch/);
  });
});
