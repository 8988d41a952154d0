// 2. The perceptron: ŷ = step(w·x + b), where step(z) = 1 if z ≥ 0, else 0.
//
// Rosenblatt's perceptron is one neuron with the step activation: it answers yes (1) or no (0). Its
// decision boundary w·x + b = 0 is a line (a plane, with three inputs): inputs on one side say yes.
import { layers, sequential } from "myelin";

// Part 1 — a decision with hand-set weights: do I go to school today?
//   x1: is it raining?   x2: is it Monday?   x3: does school start late?   (1 = yes, 0 = no)
// Rain puts me off (a negative weight), Monday has the lesson I like, a late start makes it easy; the
// bias is how keen I am before I know anything.
const w = [-3, 2, 2];
const b = 0.5;
const school = sequential({ layers: [layers.dense({ units: 1, activation: "step", inputShape: [3] })] });
school.setWeights([{ data: w, shape: [3, 1] }, { data: [b], shape: [1] }]);

console.log(`do I go to school today?  weights: rain ${w[0]}, Monday ${w[1]}, late start ${w[2]}; bias ${b}\n`);
console.log("raining  Monday  starts late   w·x + b   go?");
const all = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => [(k >> 2) & 1, (k >> 1) & 1, k & 1]);
const go = school.predict(all).data;
all.forEach((x, k) => {
  const z = x.reduce((s, xi, i) => s + w[i] * xi, b);
  const yes = (v) => (v ? "yes" : "no");
  console.log(`${yes(x[0]).padEnd(9)}${yes(x[1]).padEnd(8)}${yes(x[2]).padEnd(14)}${z.toFixed(1).padStart(7)}   ${go[k] === 1 ? "go" : "stay home"}`);
});

// Part 2 — the perceptron learning rule: for each sample, w ← w + η (y − ŷ) x and b ← b + η (y − ŷ).
// When the answer ŷ is right, nothing changes; when it is wrong, the boundary moves towards the sample.
// If a line separates the classes, the rule finds one in a finite number of steps (Rosenblatt's
// convergence theorem). The library computes ŷ; the update is the rule, written out here.
function learn(name, targets, epochs = 20, eta = 0.1) {
  const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const p = sequential({ layers: [layers.dense({ units: 1, activation: "step", inputShape: [2] })] });
  let wt = [0, 0], bias = 0;
  let errors = 0, epoch = 0;
  for (epoch = 1; epoch <= epochs; epoch++) {
    errors = 0;
    for (let i = 0; i < X.length; i++) {
      p.setWeights([{ data: wt, shape: [2, 1] }, { data: [bias], shape: [1] }]);
      const yHat = p.predict([X[i]]).data[0];
      const err = targets[i] - yHat; // y − ŷ: 0 when right, ±1 when wrong
      if (err !== 0) errors++;
      wt = wt.map((wi, j) => wi + eta * err * X[i][j]);
      bias += eta * err;
    }
    if (errors === 0) break;
  }
  p.setWeights([{ data: wt, shape: [2, 1] }, { data: [bias], shape: [1] }]);
  const out = Array.from(p.predict(X).data);
  const right = out.filter((v, i) => v === targets[i]).length;
  console.log(`${name.padEnd(4)} targets [${targets}]  learned w = [${wt.map((v) => v.toFixed(1))}], b = ${bias.toFixed(1)}  ->  answers [${out}]  ` +
    (errors === 0 ? `all 4 right after ${epoch} epoch(s)` : `${right} of 4 right after ${epochs} epochs: it never settles`));
}

console.log("\nthe perceptron learning rule on two binary inputs (η = 0.1, weights start at 0):");
learn("AND", [0, 0, 0, 1]);
learn("OR", [0, 1, 1, 1]);
learn("XOR", [0, 1, 1, 0]);
console.log("\nXOR is 1 when exactly one input is 1: (0,1) and (1,0) on one side, (0,0) and (1,1) on the other.");
console.log("No single line separates them, so one perceptron cannot compute it; a hidden layer can (03-xor.mjs).");
