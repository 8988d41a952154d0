// 1. The artificial neuron: a = σ(z), z = Σᵢ wᵢxᵢ + b.
//
// A neuron weighs its inputs, adds a bias and passes the sum z through an activation function σ. In
// myelin a neuron is a dense layer of one unit: its kernel holds the weights wᵢ (shape [inputs, 1]) and
// its bias b. Here we set them by hand, let the library compute a, and compute the same a by hand.
import { layers, sequential } from "myelin";

const x = [0.5, -1.2, 2.0]; // three inputs
const w = [0.8, 0.3, -0.5]; // one weight per input
const b = 0.1;

// z = Σ wᵢxᵢ + b, by hand (in float64).
const z = x.reduce((sum, xi, i) => sum + w[i] * xi, b);
console.log(`x = [${x}], w = [${w}], b = ${b}`);
console.log(`z = Σ wᵢxᵢ + b = ${z.toFixed(6)}\n`);

// The activation functions of the lecture, by hand.
const byHand = {
  sigmoid: (v) => 1 / (1 + Math.exp(-v)), // σ(z) = 1 / (1 + e^(-z)), in (0, 1)
  tanh: (v) => Math.tanh(v), // (e^z - e^(-z)) / (e^z + e^(-z)), in (-1, 1)
  relu: (v) => Math.max(0, v), // max(0, z)
  leakyRelu: (v) => Math.max(0.01 * v, v), // max(0.01 z, z): a small slope below 0 instead of none
};

let worst = 0;
console.log("activation   library     by hand");
for (const [activation, f] of Object.entries(byHand)) {
  const neuron = sequential({ layers: [layers.dense({ units: 1, activation, inputShape: [3] })] });
  neuron.setWeights([{ data: w, shape: [3, 1] }, { data: [b], shape: [1] }]);
  const a = neuron.predict([x]).data[0]; // the library computes in float32
  const want = f(z);
  worst = Math.max(worst, Math.abs(a - want));
  console.log(`${activation.padEnd(12)} ${a.toFixed(6).padStart(9)}   ${want.toFixed(6).padStart(9)}`);
}

// Softmax is an activation of a whole layer: aⱼ = e^(zⱼ) / Σₖ e^(zₖ). The outputs are positive and sum
// to 1, so a layer of softmax units gives a probability for each class.
const W = [
  [0.8, -0.2, 0.1], // weights of input 1 to each of the 3 units
  [0.3, 0.5, -0.4],
  [-0.5, 0.2, 0.9],
];
const B = [0.1, 0, -0.1];
const Z = [0, 1, 2].map((j) => x.reduce((sum, xi, i) => sum + W[i][j] * xi, B[j]));
const E = Z.map(Math.exp);
const softmax = E.map((e) => e / E.reduce((s, v) => s + v, 0));
const layer = sequential({ layers: [layers.dense({ units: 3, activation: "softmax", inputShape: [3] })] });
layer.setWeights([{ data: W.flat(), shape: [3, 3] }, { data: B, shape: [3] }]);
const A = Array.from(layer.predict([x]).data);
A.forEach((a, j) => (worst = Math.max(worst, Math.abs(a - softmax[j]))));
console.log(`\nsoftmax over 3 units: z = [${Z.map((v) => v.toFixed(4))}]`);
console.log(`  library [${A.map((v) => v.toFixed(6))}] (sum ${A.reduce((s, v) => s + v, 0).toFixed(6)})`);
console.log(`  by hand [${softmax.map((v) => v.toFixed(6))}]`);
console.log(`\nlargest difference between the library and the hand computation: ${worst.toExponential(2)} (float32 against float64)`);
