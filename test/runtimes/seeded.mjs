// The seeded run every runtime performs (Node, Chromium, workerd, Deno, Bun): 4 epochs of an MLP with
// two hidden layers, dropout and Adam, on data generated here. Returns an FNV-1a hash of the final
// weights' bytes, the History losses and a few predictions, so runtimes can be compared bit for bit.

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

export function data(n = 600) {
  const r = lcg(99);
  const x = new Float32Array(n * 8);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0, b = 0;
    for (let j = 0; j < 8; j++) {
      const v = r() * 2 - 1;
      x[i * 8 + j] = v;
      if (j < 4) a += v; else b += v * v;
    }
    y[i] = a > 0.5 ? 0 : b > 1.2 ? 1 : 2;
  }
  return { x: { data: x, shape: [n, 8] }, y };
}

export function fnv1a(arrays) {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

export async function seededRun(m) {
  m.setSeed(2024);
  const { x, y } = data();
  const model = m.sequential({
    layers: [
      m.layers.dense({ units: 16, activation: "relu", inputShape: [8] }),
      m.layers.dropout({ rate: 0.25 }),
      m.layers.dense({ units: 12, activation: "tanh" }),
      m.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: m.optimizers.adam({ learningRate: 0.01 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const h = await model.fit(x, y, { epochs: 4, batchSize: 32, verbose: 0, seed: 7 });
  const weights = model.getWeights().map((w) => w.data);
  const p = model.predict({ data: x.data.subarray(0, 4 * 8), shape: [4, 8] });
  return { build: m.activeBuild(), hash: fnv1a(weights), loss: h.history.loss, acc: h.history.acc, predictions: Array.from(p.data) };
}

/**
 * Save and load in this runtime: to `target` when given (a directory path or a browser storage URL),
 * else to memory as one byte string (the form for Workers KV/R2); then load it back. Returns whether
 * weights and predictions came back bit for bit.
 */
export async function saveLoadCheck(m, target) {
  m.setSeed(5);
  const { x, y } = data(64);
  const model = m.sequential({ layers: [m.layers.dense({ units: 6, activation: "relu", inputShape: [8] }), m.layers.dense({ units: 3, activation: "softmax" })] });
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  let back;
  if (target) {
    await model.save(target);
    back = await m.loadLayersModel(target);
  } else {
    const { bytes } = await model.save("memory");
    back = await m.loadLayersModel(bytes);
  }
  const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  const w0 = model.getWeights(), w1 = back.getWeights();
  return w0.every((w, i) => same(Array.from(w.data), Array.from(w1[i].data))) && same(Array.from(model.predict(x).data), Array.from(back.predict(x).data));
}

/**
 * The seeded run at a size where the thread pool splits the work (GEMMs of millions of FLOPs, an Adam
 * update over 32,768 weights): 128 inputs -> 256 relu -> dropout -> 128 tanh -> 10 softmax, batch 64,
 * 2 epochs. Every thread count, build and runtime must give the same hash; `workerTasks` says whether
 * worker threads took part (a pool's count, where the caller can see it).
 */
export async function seededRunLarge(m) {
  m.setSeed(77);
  const n = 512, d = 128;
  const r = lcg(5);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = r() * 2 - 1;
      x[i * d + j] = v;
      s += v * ((j % 7) - 3);
    }
    y[i] = Math.min(9, Math.max(0, Math.floor(s / 4 + 5)));
  }
  const model = m.sequential({
    layers: [
      m.layers.dense({ units: 256, activation: "relu", inputShape: [d] }),
      m.layers.dropout({ rate: 0.1 }),
      m.layers.dense({ units: 128, activation: "tanh" }),
      m.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: m.optimizers.adam({ learningRate: 0.003 }), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const h = await model.fit({ data: x, shape: [n, d] }, y, { epochs: 2, batchSize: 64, verbose: 0, seed: 11 });
  const weights = model.getWeights().map((w) => w.data);
  const all = model.predict({ data: x, shape: [n, d] }, { batchSize: n });
  const one = model.predict({ data: x.subarray(0, d), shape: [1, d] });
  return {
    build: m.activeBuild(),
    threads: m.threadCount ? m.threadCount() : 1,
    hash: fnv1a(weights),
    predictionsHash: fnv1a([all.data]),
    loss: h.history.loss,
    acc: h.history.acc,
    predictions: Array.from(one.data),
  };
}

/**
 * Whether a thread pool's workers take part: the tasks they have run since `before`. If none yet, trains
 * a layer wide enough that its GEMMs split until a worker has run one, for at most 10 s. (A seeded run's
 * jobs are short: on a loaded machine one can end before the OS schedules any worker, and the calling
 * thread then claims every task, as the pool allows.) `pool` is the pool in use (its `workerTasks`).
 */
export function workersTakePart(m, pool, before) {
  if (pool.workerTasks > before) return pool.workerTasks - before;
  const model = m.sequential({ layers: [m.layers.dense({ units: 256, inputShape: [256] })] });
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const x = { data: new Float32Array(64 * 256).fill(0.5), shape: [64, 256] };
  const y = { data: new Float32Array(64 * 256), shape: [64, 256] };
  for (const t0 = performance.now(); pool.workerTasks === before && performance.now() - t0 < 10_000; ) model.trainOnBatch(x, y);
  model.dispose();
  return pool.workerTasks - before;
}
