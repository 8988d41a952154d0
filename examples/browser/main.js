// The browser entry loads the wasm at import time; nothing else to set up.
import { sequential, layers, optimizers } from "../../dist/browser.js";

const out = document.getElementById("out");
const model = sequential({
  layers: [layers.dense({ units: 8, activation: "tanh", inputShape: [2] }), layers.dense({ units: 1, activation: "sigmoid" })],
});
model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: "binaryCrossentropy", metrics: ["accuracy"] });
const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
await model.fit(x, [0, 1, 1, 0], {
  epochs: 300,
  batchSize: 4,
  callbacks: { onEpochEnd: (epoch, logs) => { if (epoch % 50 === 0) out.textContent = `epoch ${epoch}: loss ${logs.loss.toFixed(4)}`; } },
});
const p = model.predict(x).data;
out.textContent = x.map((v, i) => `${v.join(" xor ")} -> ${p[i].toFixed(3)}`).join("\n");
