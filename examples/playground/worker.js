// The playground's training worker: the network lives and trains here, in myelin's wasm (on threads where
// the page is cross-origin isolated), so that the page stays responsive. It trains in slices of about
// 40 ms and after each posts a frame: the epoch, the losses, the output over the input plane (the heat map)
// and every hidden neuron's output over the plane (the thumbnails).
import { layers, loadLayersModel, optimizers, regularizers, sequential, setSeed, threadCount } from "../../dist/browser.js";
import { featureRows, FEATURES } from "./data.js";

const GRID = 60; // heat map cells per side
const THUMB = 24; // thumbnail cells per side
const EXTENT = 6; // the plane shown: [-6, 6]²

let model, subModels = [], cfg, data, epoch = 0, running = false, history = [];

/** Grid points of the plane, row by row from the top (x2 = +6) to the bottom, as the chosen features. */
function gridRows(n, features) {
  const pts = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pts.push([-EXTENT + ((j + 0.5) / n) * 2 * EXTENT, EXTENT - ((i + 0.5) / n) * 2 * EXTENT]);
  return { data: featureRows(pts, features), shape: [pts.length, features.length] };
}

function optimizer(name, learningRate) {
  switch (name) {
    case "sgd": return optimizers.sgd({ learningRate });
    case "momentum": return optimizers.sgd({ learningRate, momentum: 0.9 });
    case "rmsprop": return optimizers.rmsprop({ learningRate });
    default: return optimizers.adam({ learningRate });
  }
}

/** The model for a configuration: hidden dense layers (with dropout after each, if asked), one output. */
function build(c) {
  model?.dispose();
  for (const s of subModels) s.dispose();
  setSeed(c.seed);
  const reg = c.regularization === "l1" ? regularizers.l1({ l1: c.regRate }) : c.regularization === "l2" ? regularizers.l2({ l2: c.regRate }) : undefined;
  const hidden = [];
  c.hidden.forEach((units, i) => {
    hidden.push(layers.dense({ units, activation: c.activation, ...(i === 0 ? { inputShape: [c.features.length] } : {}), ...(reg ? { kernelRegularizer: reg } : {}) }));
    if (c.dropout > 0) hidden.push(layers.dropout({ rate: c.dropout }));
  });
  const out = layers.dense({ units: 1, activation: c.regression ? "linear" : "sigmoid", ...(c.hidden.length ? {} : { inputShape: [c.features.length] }) });
  model = sequential({ layers: [...hidden, out] });
  compile(c);
  makeSubModels(c.hidden, c.activation, c.features.length);
}

function compile(c) {
  model.compile({ optimizer: optimizer(c.optimizer, c.learningRate), loss: c.regression ? "meanSquaredError" : "binaryCrossentropy", metrics: c.regression ? [] : ["accuracy"] });
}

/** One model per hidden layer, of the dense layers up to it: their outputs are the neurons' thumbnails. */
function makeSubModels(hidden, activation, inputs) {
  subModels = hidden.map((_, k) => sequential({
    layers: hidden.slice(0, k + 1).map((units, i) => layers.dense({ units, activation, ...(i === 0 ? { inputShape: [inputs] } : {}) })),
  }));
}

function stats(X, y) {
  const r = model.evaluate(X, y, { batchSize: 512 });
  return Array.isArray(r) ? { loss: r[0], acc: r[1] } : { loss: r, acc: undefined };
}

function frame(samplesPerSecond) {
  const train = stats(data.trainX, data.trainY);
  const test = stats(data.testX, data.testY);
  history.push([epoch, train.loss, test.loss]);
  const heat = model.predict(data.grid, { batchSize: 4096 }).data;
  const weights = model.getWeights();
  const neurons = subModels.map((s, k) => {
    s.setWeights(weights.slice(0, 2 * (k + 1)));
    const p = s.predict(data.thumbs, { batchSize: 1024 });
    return { data: p.data, units: p.shape[1] };
  });
  const testPred = model.predict(data.testX).data;
  postMessage({ type: "frame", epoch, running, train, test, heat, neurons, testPred, samplesPerSecond, threads: threadCount(), grid: GRID, thumb: THUMB }, [heat.buffer, testPred.buffer, ...neurons.map((n) => n.data.buffer)]);
}

/** Trains for about `ms` milliseconds (whole epochs), then posts a frame. */
let msPerEpoch = 1;
/** Trains `epochs` epochs (or, with epochs = 0, as many as fit in `ms`), then posts a frame. */
async function slice(ms, epochs = 0) {
  const t0 = performance.now();
  let samples = 0;
  if (epochs > 0) {
    await model.fit(data.trainX, data.trainY, { epochs: epoch + epochs, initialEpoch: epoch, batchSize: cfg.batchSize, verbose: 0, yieldEvery: "never" });
    epoch += epochs;
    frame((epochs * data.trainY.length) / Math.max(1e-3, (performance.now() - t0) / 1000));
    return;
  }
  do {
    // As many epochs per fit call as fit in what is left of the slice (one call costs more than an epoch here).
    const k = Math.max(1, Math.min(1000, Math.floor((ms - (performance.now() - t0)) / msPerEpoch)));
    const t1 = performance.now();
    await model.fit(data.trainX, data.trainY, { epochs: epoch + k, initialEpoch: epoch, batchSize: cfg.batchSize, verbose: 0, yieldEvery: "never" });
    msPerEpoch = Math.max(0.01, (performance.now() - t1) / k);
    epoch += k;
    samples += k * data.trainY.length;
  } while (performance.now() - t0 < ms);
  frame(samples / ((performance.now() - t0) / 1000));
}

/** While playing: a frame about every 33 ms (30 per second), each after cfg.perFrame epochs ("max": 40 ms of them). */
async function loop() {
  while (running) {
    const t0 = performance.now();
    await slice(40, cfg.perFrame);
    await new Promise((r) => setTimeout(r, Math.max(0, 33 - (performance.now() - t0)))); // and let "pause" and new settings in
  }
}

function setData(c, points) {
  const X = (pts) => ({ data: featureRows(pts, c.features), shape: [pts.length, c.features.length] });
  data = {
    trainX: X(points.train), trainY: points.train.map((p) => (c.regression ? [p[2]] : p[2])),
    testX: X(points.test), testY: points.test.map((p) => (c.regression ? [p[2]] : p[2])),
    grid: gridRows(GRID, c.features), thumbs: gridRows(THUMB, c.features),
  };
}

function summary() {
  const lines = [];
  model.summary((l) => lines.push(l));
  return lines.join("\n");
}

onmessage = async (e) => {
  const m = e.data;
  try {
    switch (m.type) {
      case "reset": // a new configuration or data set: a fresh model
        running = false;
        cfg = m.config;
        setData(cfg, m.points);
        build(cfg);
        epoch = 0;
        history = [];
        postMessage({ type: "summary", text: summary() });
        frame(0);
        break;
      case "settings": { // learning rate, optimizer, batch size, speed: the same model trains on with them
        const c = m.settings;
        if (c.optimizer !== cfg.optimizer) compile(c); // a new optimizer starts with fresh state
        else if (c.learningRate !== cfg.learningRate) model.optimizer.learningRate = c.learningRate;
        cfg = { ...cfg, optimizer: c.optimizer, learningRate: c.learningRate, batchSize: c.batchSize, perFrame: c.perFrame };
        break;
      }
      case "play":
        if (!running) {
          running = true;
          void loop();
        }
        break;
      case "pause":
        running = false;
        frame(0);
        break;
      case "step":
        running = false;
        await slice(0, 1); // one epoch
        break;
      case "save": {
        const saved = await model.save(m.target === "indexeddb" ? "indexeddb://myelin-playground" : "memory");
        postMessage({ type: "saved", target: m.target, bytes: saved.bytes });
        break;
      }
      case "load": {
        const loaded = await loadLayersModel(m.source === "indexeddb" ? "indexeddb://myelin-playground" : m.artifacts);
        const dense = loaded.layers.filter((l) => l.className === "Dense");
        const inputs = loaded.getWeights()[0].shape[0];
        if (inputs !== cfg.features.length) {
          loaded.dispose();
          throw new Error(`the saved model takes ${inputs} inputs; ${cfg.features.length} features are selected`);
        }
        running = false;
        model.dispose();
        model = loaded;
        compile(cfg);
        const hidden = dense.slice(0, -1).map((l) => l.units);
        for (const s of subModels) s.dispose();
        makeSubModels(hidden, dense.length > 1 ? dense[0].activation.name : cfg.activation, inputs);
        cfg = { ...cfg, hidden };
        epoch = 0;
        postMessage({ type: "loaded", hidden, activation: dense.length > 1 ? dense[0].activation.name : cfg.activation });
        postMessage({ type: "summary", text: summary() });
        frame(0);
        break;
      }
    }
  } catch (err) {
    running = false;
    postMessage({ type: "error", message: String(err?.message ?? err) });
  }
};

postMessage({ type: "ready", features: Object.keys(FEATURES), threads: threadCount() });
