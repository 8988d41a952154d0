// The playground page: the controls, the drawing, and the messages to the training worker (worker.js),
// where the network lives. Everything here is drawing and bookkeeping; the learning is myelin's, in the
// worker. The page also loads myelin itself, only to offer a trained model as a download.
import { DATASETS, FEATURES, isRegression, makeData } from "./data.js";

const $ = (id) => document.getElementById(id);
const EXTENT = 6;
const MAX_LAYERS = 6, MAX_UNITS = 16;
const ORANGE = [245, 147, 34], BLUE = [8, 119, 189], WHITE = [255, 255, 255]; // TensorFlow Playground's colours

const state = {
  hidden: [8, 8],
  features: ["x1", "x2"],
  running: false,
  epoch: 0,
  frames: 0,
  points: null,
  last: null, // the last frame from the worker
  history: [], // [epoch, train loss, test loss]
};

// Test and automation hooks: the state a script can read (the page itself never reads these).
window.playground = {
  get state() {
    const f = state.last;
    return {
      running: state.running, epoch: state.epoch, frames: state.frames, features: [...state.features], hidden: [...state.hidden],
      testAccuracy: f?.test.acc, trainLoss: f?.train.loss, testLoss: f?.test.loss,
      test: state.points?.test.map(([x1, x2, y], i) => ({ x1, x2, y, p: f?.testPred[i] })),
    };
  },
  toCanvas, // plane coordinates -> heat map canvas pixels
};

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
worker.onerror = (e) => message(`the training worker failed: ${e.message}`);
worker.onmessage = (e) => {
  const m = e.data;
  switch (m.type) {
    case "ready":
      $("threads").textContent = `${m.threads} thread${m.threads > 1 ? "s" : ""}`;
      reset();
      break;
    case "frame":
      onFrame(m);
      break;
    case "summary":
      $("summary").textContent = m.text;
      break;
    case "saved":
      onSaved(m);
      break;
    case "loaded":
      state.hidden = m.hidden;
      $("activation").value = m.activation;
      state.history = [];
      drawNetwork();
      message(`loaded a model with hidden layers [${m.hidden.join(", ")}]`, true);
      break;
    case "error":
      setRunning(false);
      message(m.message);
      break;
  }
};

function message(text, ok = false) {
  $("message").textContent = text;
  $("message").className = ok ? "ok" : "";
}

// ---- controls ------------------------------------------------------------------------------------

function config() {
  const dataset = $("dataset").value;
  return {
    dataset,
    regression: isRegression(dataset),
    features: state.features,
    hidden: state.hidden,
    activation: $("activation").value,
    learningRate: Number($("lr").value),
    optimizer: $("optimizer").value,
    batchSize: Number($("batch").value),
    regularization: $("reg").value,
    regRate: Number($("reg-rate").value),
    dropout: Number($("dropout").value),
    seed: Number($("seed").value) || 1,
    perFrame: Number($("per-frame").value),
  };
}

/** New data and a fresh model (epoch 0). */
function reset() {
  const c = config();
  state.points = makeData({ dataset: c.dataset, noise: Number($("noise").value) / 100, trainRatio: Number($("ratio").value) / 100, seed: c.seed });
  state.history = [];
  state.last = null;
  setRunning(false);
  message("");
  worker.postMessage({ type: "reset", config: c, points: state.points });
  drawNetwork();
  drawPoints();
}

function setRunning(on) {
  state.running = on;
  $("play").textContent = on ? "❚❚ pause" : "▶ play";
  document.body.dataset.running = String(on);
}

$("play").onclick = () => {
  setRunning(!state.running);
  worker.postMessage({ type: state.running ? "play" : "pause" });
};
$("step").onclick = () => {
  setRunning(false);
  worker.postMessage({ type: "step" });
};
$("reset").onclick = reset;
$("regenerate").onclick = reset;
for (const id of ["dataset", "seed", "activation", "reg", "reg-rate", "dropout"]) $(id).onchange = reset;
for (const [id, out] of [["noise", "noise-out"], ["ratio", "ratio-out"]]) {
  $(id).oninput = () => ($(out).textContent = $(id).value);
  $(id).onchange = reset;
}
// These change how the same model trains on, without resetting it (as in TensorFlow Playground).
for (const id of ["lr", "optimizer", "per-frame"]) $(id).onchange = () => worker.postMessage({ type: "settings", settings: config() });
$("batch").oninput = () => ($("batch-out").textContent = $("batch").value);
$("batch").onchange = () => worker.postMessage({ type: "settings", settings: config() });
$("show-test").onchange = drawPoints;
$("add-layer").onclick = () => {
  if (state.hidden.length < MAX_LAYERS) state.hidden = [...state.hidden, 4];
  reset();
};
$("remove-layer").onclick = () => {
  state.hidden = state.hidden.slice(0, -1);
  reset();
};

// Feature checkboxes, each with its thumbnail over the plane.
for (const name of Object.keys(FEATURES)) {
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.checked = state.features.includes(name);
  box.dataset.feature = name;
  box.onchange = () => {
    const chosen = Object.keys(FEATURES).filter((f) => document.querySelector(`input[data-feature="${f}"]`).checked);
    if (chosen.length === 0) {
      box.checked = true;
      message("keep at least one input feature");
      return;
    }
    state.features = chosen;
    reset();
  };
  const thumb = thumbCanvas();
  drawFeature(thumb, FEATURES[name], name);
  label.append(box, thumb, name);
  $("features").append(label);
}

// ---- save and load -------------------------------------------------------------------------------

$("save-download").onclick = () => worker.postMessage({ type: "save", target: "download" });
$("save-idb").onclick = () => worker.postMessage({ type: "save", target: "indexeddb" });
$("load-idb").onclick = () => worker.postMessage({ type: "load", source: "indexeddb" });
$("load-files").onchange = async () => {
  const files = [...$("load-files").files];
  const json = files.find((f) => f.name.endsWith(".json")), bin = files.find((f) => f.name.endsWith(".bin"));
  if (!json || !bin) return message("choose both files: model.json and its weights .bin");
  let j;
  try {
    j = JSON.parse(await json.text());
  } catch {
    return message(`${json.name} is not JSON`);
  }
  // model.json's parts as TF.js's ModelArtifacts, the weights read from the chosen .bin: the library checks the rest.
  const weightSpecs = Array.isArray(j?.weightsManifest) ? j.weightsManifest.flatMap((g) => g?.weights ?? []) : [];
  worker.postMessage({ type: "load", artifacts: { modelTopology: j?.modelTopology, weightSpecs, weightData: await bin.arrayBuffer(), trainingConfig: j?.trainingConfig, format: j?.format } });
};

async function onSaved(m) {
  if (m.target === "indexeddb") return message("saved in IndexedDB as indexeddb://myelin-playground (TF.js's layout)", true);
  // A download: the page loads the saved bytes into a model of its own and saves that to downloads://,
  // which writes model.json and model.weights.bin as TF.js does.
  const { loadLayersModel } = await import("../../dist/browser.js");
  const copy = await loadLayersModel(m.bytes);
  await copy.save("downloads://myelin-playground");
  copy.dispose();
  message("downloaded myelin-playground.json and myelin-playground.weights.bin", true);
}

// ---- drawing -------------------------------------------------------------------------------------

/** t in [0, 1]: orange (0) through white (0.5) to blue (1), TensorFlow Playground's scale. */
function colour(t) {
  const c = Math.min(1, Math.max(0, t));
  const [a, b, u] = c < 0.5 ? [ORANGE, WHITE, c * 2] : [WHITE, BLUE, (c - 0.5) * 2];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * u));
}

/** Paints n x n values (row by row from the top of the plane) onto a canvas, mapped by `toT`. */
function paint(canvas, values, n, toT) {
  const g = canvas.getContext("2d");
  const img = g.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const [r, gr, b] = colour(toT(values[i]));
    img.data.set([r, gr, b, 255], i * 4);
  }
  // Drawn at grid size, then scaled up to the canvas.
  const off = new OffscreenCanvas(n, n);
  off.getContext("2d").putImageData(img, 0, 0);
  g.imageSmoothingEnabled = true;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.drawImage(off, 0, 0, canvas.width, canvas.height);
}

function thumbCanvas() {
  const c = document.createElement("canvas");
  c.width = c.height = 24;
  c.className = "thumb";
  return c;
}

function drawFeature(canvas, f, name) {
  const n = 24, v = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v[i * n + j] = f(-EXTENT + ((j + 0.5) / n) * 2 * EXTENT, EXTENT - ((i + 0.5) / n) * 2 * EXTENT);
  const scale = name.includes("sin") ? 1 : name === "x1" || name === "x2" ? EXTENT : EXTENT * EXTENT;
  paint(canvas, v, n, (x) => (x / scale + 1) / 2);
}

/** Plane coordinates to heat map canvas pixels. */
function toCanvas(x1, x2) {
  const c = $("heat");
  return [((x1 + EXTENT) / (2 * EXTENT)) * c.width, ((EXTENT - x2) / (2 * EXTENT)) * c.height];
}

function drawPoints() {
  const canvas = $("points"), g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (!state.points) return;
  const regression = isRegression($("dataset").value);
  const draw = (pts, stroke) => {
    for (const [x1, x2, y] of pts) {
      const [px, py] = toCanvas(x1, x2);
      const [r, gr, b] = colour(regression ? (y + 1) / 2 : y);
      g.beginPath();
      g.arc(px, py, 3.5, 0, 2 * Math.PI);
      g.fillStyle = `rgb(${r},${gr},${b})`;
      g.fill();
      g.strokeStyle = stroke;
      g.lineWidth = 1;
      g.stroke();
    }
  };
  draw(state.points.train, "#fff");
  if ($("show-test").checked) draw(state.points.test, "#000");
}

function drawNetwork() {
  const net = $("network");
  net.textContent = "";
  $("layer-count").textContent = `${state.hidden.length} hidden layer${state.hidden.length === 1 ? "" : "s"}`;
  const column = (title) => {
    const col = document.createElement("div");
    col.className = "column";
    const head = document.createElement("div");
    head.className = "head";
    head.textContent = title;
    col.append(head);
    net.append(col);
    return col;
  };
  const inputs = column(`${state.features.length} input${state.features.length > 1 ? "s" : ""}`);
  for (const f of state.features) {
    const t = thumbCanvas();
    t.title = f;
    drawFeature(t, FEATURES[f], f);
    inputs.append(t);
  }
  state.hidden.forEach((units, k) => {
    const col = column(`${units} neuron${units > 1 ? "s" : ""}`);
    const plus = document.createElement("button"), minus = document.createElement("button");
    plus.textContent = "+";
    minus.textContent = "−";
    plus.onclick = () => {
      state.hidden = state.hidden.map((u, i) => (i === k ? Math.min(MAX_UNITS, u + 1) : u));
      reset();
    };
    minus.onclick = () => {
      state.hidden = state.hidden.map((u, i) => (i === k ? Math.max(1, u - 1) : u));
      reset();
    };
    const row = document.createElement("div");
    row.append(plus, minus);
    col.append(row);
    for (let u = 0; u < units; u++) {
      const t = thumbCanvas();
      t.dataset.layer = String(k);
      t.dataset.unit = String(u);
      t.title = `layer ${k + 1}, neuron ${u + 1}: its output over the plane`;
      col.append(t);
    }
  });
}

function drawChart() {
  const canvas = $("chart"), g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const h = state.history;
  if (h.length < 2) return;
  const max = Math.max(...h.flatMap((r) => [r[1], r[2]]).filter(Number.isFinite), 1e-6);
  const x = (i) => (i / (h.length - 1)) * (canvas.width - 4) + 2;
  const y = (v) => canvas.height - 4 - (Math.min(v, max) / max) * (canvas.height - 8);
  for (const [k, colourOf] of [[1, "#333"], [2, "#f59322"]]) {
    g.beginPath();
    h.forEach((r, i) => (i ? g.lineTo(x(i), y(r[k])) : g.moveTo(x(i), y(r[k]))));
    g.strokeStyle = colourOf;
    g.lineWidth = 1.5;
    g.stroke();
  }
}

function onFrame(f) {
  state.last = f;
  state.epoch = f.epoch;
  state.frames++;
  if (!f.running && state.running) setRunning(false);
  if (state.history.at(-1)?.[0] !== f.epoch) state.history.push([f.epoch, f.train.loss, f.test.loss]);
  if (state.history.length > 400) state.history = state.history.filter((_, i) => i % 2 === 0); // keep the curve's shape, not every point
  const regression = isRegression($("dataset").value);
  paint($("heat"), f.heat, f.grid, regression ? (v) => (v + 1) / 2 : (p) => p);
  f.neurons.forEach((layer, k) => {
    for (let u = 0; u < layer.units; u++) {
      const canvas = document.querySelector(`canvas[data-layer="${k}"][data-unit="${u}"]`);
      if (!canvas) continue;
      const v = new Float32Array(f.thumb * f.thumb);
      for (let i = 0; i < v.length; i++) v[i] = layer.data[i * layer.units + u];
      paint(canvas, v, f.thumb, (x) => (x + 1) / 2);
    }
  });
  $("epoch").textContent = String(f.epoch);
  if (f.samplesPerSecond) $("speed").textContent = Math.round(f.samplesPerSecond).toLocaleString("en-US");
  $("train-loss").textContent = f.train.loss.toFixed(3);
  $("test-loss").textContent = f.test.loss.toFixed(3);
  $("test-acc").textContent = f.test.acc === undefined ? "–" : `${(f.test.acc * 100).toFixed(1)} %`;
  document.body.dataset.epoch = String(f.epoch);
  drawChart();
}

// Sanity for anyone editing the data sets: every name the select offers exists.
for (const o of $("dataset").options) if (!DATASETS.includes(o.value)) message(`unknown data set ${o.value}`);
