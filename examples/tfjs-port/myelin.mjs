// The port of tfjs.mjs to myelin: the import, and the lines that made tensors from arrays or read
// numbers out of them, changed; nothing else (test/examples/tfjs-port.test.ts checks that, and that both
// programs learn Fashion-MNIST alike).
import * as tf from "myelin";
import { loadFashion } from "./data.mjs";

const epochs = Number(process.argv[2] ?? 3), count = Number(process.argv[3] ?? 60000);
const train = loadFashion("train", count);
const test = loadFashion("t10k", 10000);

const model = tf.sequential();
model.add(tf.layers.flatten({ inputShape: [28, 28] }));
model.add(tf.layers.dense({ units: 128, activation: "relu" }));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.dropout({ rate: 0.2 }));
model.add(tf.layers.dense({ units: 64, activation: "relu" }));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
model.compile({ optimizer: tf.train.adam(0.001), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
model.summary();

const xs = train.images;
const ys = train.labels;
const start = performance.now();
const history = await model.fit(xs, ys, { epochs, batchSize: 64, validationSplit: 0.1, verbose: 0, callbacks: { onEpochEnd: (epoch, logs) => console.log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, val_acc ${logs.val_acc.toFixed(4)}`) } });
const seconds = (performance.now() - start) / 1000;
const [testLoss, testAcc] = model.evaluate(test.images, test.labels);
console.log(`trained ${history.epoch.length} epochs in ${seconds.toFixed(1)} s`);
console.log(`test accuracy: ${(testAcc * 100).toFixed(2)} %, loss ${testLoss.toFixed(4)}`);
