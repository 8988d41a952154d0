// 3. The multilayer perceptron solves XOR, trained by backpropagation.
//
// One perceptron draws one line; XOR needs two. A hidden layer of a few neurons draws several boundaries
// and the output neuron combines them. The step function has no useful derivative, so the network uses
// smooth activations (tanh in the hidden layer, sigmoid at the output: a probability of "1"), and
// gradient descent on the binary cross-entropy, with the gradients from backpropagation (04-backprop.mjs).
import { layers, optimizers, sequential, setSeed } from "myelin";

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [0, 1, 1, 0];

setSeed(1); // the same starting weights, the same result, every run
const model = sequential({
  layers: [
    layers.dense({ units: 4, activation: "tanh", inputShape: [2] }), // 2 inputs -> 4 hidden neurons
    layers.dense({ units: 1, activation: "sigmoid" }), // -> 1 output in (0, 1)
  ],
});
model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: "binaryCrossentropy", metrics: ["accuracy"] });
model.summary();

// Full-batch gradient descent: each epoch is one step on all four samples.
const history = await model.fit(X, Y, { epochs: 300, batchSize: 4, verbose: 0 });
const loss = history.history.loss;
for (const e of [0, 9, 49, 99, 299]) console.log(`epoch ${String(e + 1).padStart(3)}: loss ${loss[e].toFixed(4)}`);

console.log("\nx1 x2   target   output   answer");
const out = model.predict(X).data;
X.forEach((x, i) => console.log(` ${x[0]}  ${x[1]}      ${Y[i]}     ${out[i].toFixed(4)}      ${out[i] >= 0.5 ? 1 : 0}`));
const right = X.filter((_, i) => (out[i] >= 0.5 ? 1 : 0) === Y[i]).length;
console.log(`\n${right} of 4 right: ${right === 4 ? "the hidden layer separates what one line could not" : "not yet: train longer"}`);
