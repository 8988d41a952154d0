// 4. Backpropagation, one step, written out.
//
// The network of the lecture: 3 inputs -> 4 sigmoid units -> 2 sigmoid units -> 1 sigmoid output, and
// the binary cross-entropy cost over m samples (Keras and myelin take the mean; the lecture's sum is m
// times it, with the same direction of steepest descent):
//     J = −(1/m) Σ [ y log a + (1 − y) log(1 − a) ]
// Backpropagation is the chain rule applied from the cost backwards, layer by layer. For layer l with
// input a⁽ˡ⁻¹⁾, pre-activation z⁽ˡ⁾ = a⁽ˡ⁻¹⁾W⁽ˡ⁾ + b⁽ˡ⁾ and output a⁽ˡ⁾ = σ(z⁽ˡ⁾):
//     δ⁽³⁾ = ∂J/∂z⁽³⁾ = (a⁽³⁾ − y) / m               (sigmoid and cross-entropy together: σ' cancels)
//     ∂J/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾,   ∂J/∂b⁽ˡ⁾ = Σ over samples of δ⁽ˡ⁾
//     δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾ W⁽ˡ⁾ᵀ) ⊙ σ'(z⁽ˡ⁻¹⁾),   σ'(z) = a (1 − a)
// Here the library's gradients (model.computeGradients) are checked against this chain rule, written
// out in float64, and against finite differences of J: (J(w + h) − J(w − h)) / 2h for every weight.
import { layers, optimizers, sequential, setSeed } from "myelin";

const X = [[0.2, 0.9, 0.4], [0.7, 0.1, 0.5], [0.3, 0.8, 0.9], [0.9, 0.3, 0.1]];
const Y = [1, 0, 1, 0];
const m = X.length;

setSeed(7);
const model = sequential({
  layers: [
    layers.dense({ units: 4, activation: "sigmoid", inputShape: [3] }),
    layers.dense({ units: 2, activation: "sigmoid" }),
    layers.dense({ units: 1, activation: "sigmoid" }),
  ],
});
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: "binaryCrossentropy" });

// The weights as plain arrays: W[l][i][j] from unit i of layer l-1 to unit j of layer l; b[l][j].
const weights = model.getWeights();
const sizes = [3, 4, 2, 1];
const W = [0, 1, 2].map((l) => Array.from({ length: sizes[l] }, (_, i) => Array.from(weights[2 * l].data.subarray(i * sizes[l + 1], (i + 1) * sizes[l + 1]))));
const b = [0, 1, 2].map((l) => Array.from(weights[2 * l + 1].data));

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** The forward pass: the activations of every layer for every sample, a[0] = the inputs. */
function forward(W, b) {
  const a = [X];
  for (let l = 0; l < 3; l++) {
    a.push(a[l].map((row) => b[l].map((bj, j) => sigmoid(row.reduce((s, v, i) => s + v * W[l][i][j], bj)))));
  }
  return a;
}

/** The cost J, in float64. */
function cost(W, b) {
  const out = forward(W, b)[3];
  return -out.reduce((s, [a], k) => s + Y[k] * Math.log(a) + (1 - Y[k]) * Math.log(1 - a), 0) / m;
}

/** Backpropagation by hand: ∂J/∂W and ∂J/∂b for each layer. */
function backprop(W, b) {
  const a = forward(W, b);
  let delta = a[3].map(([out], k) => [(out - Y[k]) / m]); // δ⁽³⁾
  const dW = [], db = [];
  for (let l = 2; l >= 0; l--) {
    dW[l] = W[l].map((row, i) => row.map((_, j) => a[l].reduce((s, ak, k) => s + ak[i] * delta[k][j], 0))); // a⁽ˡ⁻¹⁾ᵀ δ
    db[l] = b[l].map((_, j) => delta.reduce((s, d) => s + d[j], 0));
    if (l > 0) delta = delta.map((d, k) => W[l].map((row, i) => row.reduce((s, wij, j) => s + wij * d[j], 0) * a[l][k][i] * (1 - a[l][k][i]))); // (δ Wᵀ) ⊙ σ'
  }
  return { dW, db };
}

const hand = backprop(W, b);
const { loss, grads } = await model.computeGradients(X, Y);
console.log(`J = ${cost(W, b).toFixed(6)} by hand, ${loss.toFixed(6)} from the library\n`);

const h = 1e-6;
let worstHand = 0, worstFd = 0;
console.log("layer  tensor   shape   |library − chain rule|  |library − finite differences|");
for (let l = 0; l < 3; l++) {
  for (const [kind, lib, mine, shape] of [["W", grads[2 * l].data, hand.dW[l].flat(), `${sizes[l]}x${sizes[l + 1]}`], ["b", grads[2 * l + 1].data, hand.db[l], `${sizes[l + 1]}`]]) {
    let dHand = 0, dFd = 0;
    mine.forEach((g, idx) => {
      // Finite differences: nudge this one weight both ways and watch J.
      const target = kind === "W" ? W[l][Math.floor(idx / sizes[l + 1])] : b[l];
      const j = kind === "W" ? idx % sizes[l + 1] : idx;
      const v = target[j];
      target[j] = v + h;
      const up = cost(W, b);
      target[j] = v - h;
      const down = cost(W, b);
      target[j] = v;
      dHand = Math.max(dHand, Math.abs(lib[idx] - g));
      dFd = Math.max(dFd, Math.abs(lib[idx] - (up - down) / (2 * h)));
    });
    worstHand = Math.max(worstHand, dHand);
    worstFd = Math.max(worstFd, dFd);
    console.log(`${String(l + 1).padStart(5)}  ∂J/∂${kind}${l + 1}  ${shape.padStart(6)}   ${dHand.toExponential(2).padStart(20)}  ${dFd.toExponential(2).padStart(29)}`);
  }
}
console.log(`\nlargest difference: ${worstHand.toExponential(2)} from the chain rule, ${worstFd.toExponential(2)} from finite differences (the library computes in float32)`);

// One step of gradient descent, w ← w − η ∂J/∂w (η = 0.5), by the library: the cost goes down.
model.trainOnBatch(X, Y);
const after = model.evaluate(X, Y);
console.log(`\none step of gradient descent (η = 0.5): J ${loss.toFixed(6)} -> ${after.toFixed(6)}`);
