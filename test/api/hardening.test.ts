// Bad input gets a clear error and leaves everything as it was (issue 12): a build is all or nothing,
// sizes that can never fit are refused when the layer is made, numbers and types are checked where they
// come in, divergence is reported, and no option is silently ignored. Each test is named after the
// promise it keeps.
import { afterEach, describe, expect, it, vi } from "vitest";
import { callbacks, initializers, layers, optimizers, regularizers, sequential, setSeed, ValueError, type Sequential } from "../../src/index.js";
import { isNode } from "../helpers/files.js";
import { rng } from "../helpers/check.js";

function mlp(seed = 1, width = 100) {
  setSeed(seed);
  return sequential({ layers: [layers.dense({ units: width, activation: "relu", inputShape: [4] }), layers.dense({ units: 3, activation: "softmax" })] });
}

function data(n: number, seed: number) {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => [r(), r(), r(), r()]);
  return { x, y: x.map((v) => (v[0] > v[1] ? 0 : v[2] > 0.5 ? 1 : 2)) };
}

const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(new Uint32Array(w.data.slice().buffer)));

afterEach(() => vi.restoreAllMocks());

describe("a build is all or nothing", () => {
  it("memory refused half-way leaves the model unbuilt: the next call fails the same way, then works once memory is there", () => {
    const m = mlp(3, 3000); // 3000 x 4 + 3000 x 3 weights: more than the first 64 KiB page
    const real = WebAssembly.Memory.prototype.grow;
    vi.spyOn(WebAssembly.Memory.prototype, "grow").mockImplementation(function () {
      throw new RangeError("refused by the test");
    });
    const x = data(2, 1).x;
    for (let i = 0; i < 2; i++) expect(() => m.predict(x)).toThrow(/myelin needs .* MiB of wasm memory and the runtime refused to grow it past .*refused by the test/);
    expect(() => m.countParams()).toThrow(ValueError);
    vi.mocked(WebAssembly.Memory.prototype.grow).mockImplementation(real);
    // No seed was drawn by the failed builds: the weights are those of a model that never failed.
    expect(bits(m)).toEqual(bits(mlp(3, 3000)));
    expect(Array.from(m.predict(x).data)).toEqual(Array.from(mlp(3, 3000).predict(x).data));
  });

  it("memory refused while compiling keeps the old optimizer and its slots", async () => {
    const { x, y } = data(8, 2);
    // Weight-heavy (400 x 400), trained in batches of 2: three slots per weight need more memory than
    // the momentum slot and the batch buffers took.
    const heavy = () => {
      setSeed(4);
      const m = sequential({ layers: [layers.dense({ units: 400, activation: "relu", inputShape: [4] }), layers.dense({ units: 400, activation: "relu" }), layers.dense({ units: 3, activation: "softmax" })] });
      m.compile({ optimizer: optimizers.sgd({ momentum: 0.5 }), loss: "sparseCategoricalCrossentropy" });
      return m;
    };
    const m = heavy();
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const before = bits(m);
    const grow = vi.spyOn(WebAssembly.Memory.prototype, "grow").mockImplementation(() => {
      throw new RangeError("refused by the test");
    });
    expect(() => m.compile({ optimizer: optimizers.rmsprop({ centered: true }), loss: "sparseCategoricalCrossentropy" })).toThrow(/refused to grow/);
    grow.mockRestore();
    expect(m.optimizer?.className).toBe("SGD");
    expect(m.optimizer!.iterations).toBe(4);
    expect(bits(m)).toEqual(before);
    // Training goes on with the old optimizer and its momentum, exactly as a model never asked to change.
    const twin = heavy();
    await twin.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    await twin.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(bits(m)).toEqual(bits(twin));
  });

  it("sizes that can never fit are refused when the layer is made; a kernel too large when the model is built", () => {
    expect(() => layers.dense({ units: 1e30 })).toThrow(/layers.dense\(\{ units \}\) must be a positive integer up to 2\^28; received 1e\+30/);
    expect(() => layers.dense({ units: 4, inputShape: [1e9] })).toThrow(/dense\(\{ inputShape \}\)\[0\] must be a positive integer up to 2\^28; received 1000000000/);
    expect(() => layers.dropout({ rate: 0.5, inputDim: 2 ** 40 })).toThrow(/dropout\(\{ inputDim \}\) must be a positive integer up to 2\^28/);
    const m = sequential({ layers: [layers.dense({ units: 20_000, inputShape: [20_000] })] });
    for (let i = 0; i < 2; i++) expect(() => m.summary(() => {})).toThrow(/layer dense_\d+: a kernel \[20000, 20000\] holds more than 2\^28 weights/);
  });

  it("only the library's initializers are taken (an object with a fill method is not one)", () => {
    const fake = { className: "Mine", config: {}, fill() {} };
    expect(() => layers.dense({ units: 2, kernelInitializer: fake as never })).toThrow(/kernelInitializer \}\) must be a name or an initializer made by initializers\.\*; received an object with keys \[className, config, fill\]/);
    expect(() => layers.dense({ units: 2, biasInitializer: { fill: () => {} } as never })).toThrow(ValueError);
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [2], kernelInitializer: initializers.constant({ value: 0.5 }) })] });
    expect(Array.from(m.getWeights()[0].data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it("sequential({ layers }) that fails claims none of its layers", () => {
    const d = layers.dense({ units: 2, inputShape: [3] });
    expect(() => sequential({ layers: [d, "relu" as never] })).toThrow(/model.add\(layer\) must be a layer/);
    expect(sequential({ layers: [d] }).countParams()).toBe(8);
  });
});

describe("a call that fails on its arguments builds nothing and draws no seed", () => {
  // The weights a model gets when nothing failed before its first build.
  const fresh = () => bits(mlp(5));
  it("predict with NaN, compile with a loss the output cannot take, setWeights of the wrong shape", () => {
    const cases: [string, (m: Sequential) => void, RegExp][] = [
      ["predict", (m) => m.predict([[NaN, 0, 0, 0]]), /predict\(x\) must hold finite numbers; received NaN at row 0, column 0/],
      ["predict (width)", (m) => m.predict([[1, 2]]), /predict\(x\) columns must be 4/],
      ["setWeights", (m) => m.setWeights([{ data: [1], shape: [1] }]), /setWeights\(weights\) must be an array of 4 weights/],
    ];
    for (const [what, call, message] of cases) {
      const m = mlp(5);
      expect(() => call(m), what).toThrow(message);
      expect(bits(m), what).toEqual(fresh());
    }
    setSeed(5);
    const one = sequential({ layers: [layers.dense({ units: 1, inputShape: [4] })] });
    expect(() => one.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" })).toThrow(/output layer width must be at least 2 classes/);
    const w = bits(one);
    setSeed(5);
    expect(w).toEqual(bits(sequential({ layers: [layers.dense({ units: 1, inputShape: [4] })] })));
  });
});

describe("reading a model's config builds nothing", () => {
  it("getConfig and toJSON on an unbuilt model allocate nothing and draw no seed (as Keras's get_config)", () => {
    // The next seed of the global sequence, as the weights of a fresh layer.
    const probe = () => bits(sequential({ layers: [layers.dense({ units: 2, inputShape: [2] })] }));
    mlp(6);
    const next = probe();
    const m = mlp(6);
    expect(JSON.parse(m.toJSON()).config).toEqual(m.getConfig());
    expect(probe()).toEqual(next);
  });
});

describe("callbacks are checked before training starts", () => {
  async function unchanged(run: (m: Sequential, x: number[][], y: number[]) => Promise<unknown>, message: RegExp) {
    const { x, y } = data(40, 5);
    const m = mlp(6);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const before = bits(m);
    await expect(run(m, x, y)).rejects.toThrow(message);
    expect(bits(m)).toEqual(before);
    expect(m.optimizer!.iterations).toBe(0);
  }

  it("a mistyped earlyStopping monitor fails before the first epoch changes a weight", async () => {
    await unchanged((m, x, y) => m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [callbacks.earlyStopping({ monitor: "val_acc" })] }),
      /callbacks.earlyStopping\(\{ monitor \}\) must be one of the keys fit\(\) logs: 'loss', 'acc' \(val_ keys need validationData or validationSplit\); received "val_acc"/);
    await unchanged((m, x, y) => m.fit(x, y, { epochs: 3, verbose: 0, validationSplit: 0.25, callbacks: [callbacks.earlyStopping({ monitor: "val_accuracy" })] }),
      /one of the keys fit\(\) logs: 'loss', 'acc', 'val_loss', 'val_acc'; received "val_accuracy"/);
  });

  it("a misspelled hook or a hook that is not a function fails before training", async () => {
    await unchanged((m, x, y) => m.fit(x, y, { verbose: 0, callbacks: [{ onEpochEnds: () => {} } as never] }), /fit\(\{ callbacks \}\)\[0\] key must be a hook: onTrainBegin, .*; received "onEpochEnds"/);
    await unchanged((m, x, y) => m.fit(x, y, { verbose: 0, callbacks: { onBatchEnd: 3 } as never }), /fit\(\{ callbacks \}\)\[0\].onBatchEnd must be a function; received 3/);
  });

  it.each(["onTrainBegin", "onEpochBegin", "onBatchBegin", "onBatchEnd", "onEpochEnd"])("dispose() from %s stops fit with a clear error", async (hook) => {
    const { x, y } = data(40, 5);
    const m = mlp(6);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    await expect(m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [{ [hook]: () => m.dispose() }] })).rejects.toThrow(new RegExp(`model sequential_\\d+ was disposed during fit\\(\\) \\(by a callback's ${hook}\\); training stopped`));
    expect(() => m.predict(x)).toThrow(/has been disposed/);
  });
});

describe("numbers and types are checked where they come in", () => {
  it("setWeights refuses values that overflow float32, and writes nothing", () => {
    const m = mlp(7);
    const before = bits(m);
    const w = m.getWeights().map((t) => ({ data: Array.from(t.data), shape: t.shape }));
    w[0].data[3] = 1e39;
    expect(() => m.setWeights(w)).toThrow(/setWeights\(weights\)\[0\].data must be finite in float32; received 1e\+39 at index 3/);
    w[0].data[3] = 0;
    w[2].data[1] = -Infinity;
    expect(() => m.setWeights(w)).toThrow(/setWeights\(weights\)\[2\].data must be finite in float32; received -Infinity at index 1/);
    expect(bits(m)).toEqual(before);
  });

  it("setWeights copies, then checks, then writes: an array-like that changes while read cannot write past a weight", () => {
    const m = mlp(8);
    const before = bits(m);
    const w = m.getWeights();
    let reads = 0;
    const size = w[1].data.length;
    // Its length says `size` once (the check), then 10x more while it is copied.
    const shifty = new Proxy({}, {
      get: (_t, k) => (k === "length" ? (reads++ === 0 ? size : size * 10) : typeof k === "string" && /^\d+$/.test(k) ? 0.25 : undefined),
      has: () => true,
    });
    expect(() => m.setWeights(w.map((t, i) => (i === 1 ? { data: shifty as ArrayLike<number>, shape: t.shape } : t)))).toThrow(ValueError);
    expect(bits(m)).toEqual(before);
    const strings = w.map((t, i) => (i === 1 ? { data: Array.from(t.data, (v, j) => (j === 2 ? "0.5" : v)) as unknown as number[], shape: t.shape } : t));
    expect(() => m.setWeights(strings)).toThrow(/setWeights\(weights\)\[1\].data must hold numbers; received "0.5" at index 2/);
  });

  it("counts past 2^53 are refused (epochs: 1e30 never ended: past 2^53, n + 1 === n)", async () => {
    const m = mlp(7);
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const { x, y } = data(4, 1);
    const before = bits(m);
    await expect(m.fit(x, y, { epochs: 1e30, verbose: 0 })).rejects.toThrow(/fit\(\{ epochs \}\) must be a positive integer up to 2\^53 - 1; received 1e\+30/);
    await expect(m.fit(x, y, { batchSize: 2 ** 53, verbose: 0 })).rejects.toThrow(/fit\(\{ batchSize \}\) must be a positive integer up to 2\^53 - 1/);
    expect(() => m.predict(x, { batchSize: Infinity })).toThrow(/predict\(\{ batchSize \}\) must be a positive integer/);
    expect(bits(m)).toEqual(before);
  });

  it("epsilon 0 and a learning rate that is not a finite number are refused", () => {
    expect(() => optimizers.adam({ epsilon: 0 })).toThrow(/optimizers.adam\(\{ epsilon \}\) must be a number in \(0, 1\]; received 0/);
    expect(() => optimizers.rmsprop({ epsilon: 0 })).toThrow(/optimizers.rmsprop\(\{ epsilon \}\) must be a number in \(0, 1\]/);
    expect(() => optimizers.adagrad({ epsilon: 0 })).toThrow(/optimizers.adagrad\(\{ epsilon \}\) must be a number in \(0, 1\]/);
    expect(() => optimizers.sgd({ learningRate: NaN })).toThrow(/optimizers.sgd\(\{ learningRate \}\) must be a number in \[0, 1000000\]; received NaN/);
    const opt = optimizers.adam();
    expect(() => (opt.learningRate = NaN)).toThrow(/Adam.learningRate must be a number in \[0, 1000000\]; received NaN/);
    expect(() => (opt.learningRate = Infinity)).toThrow(ValueError);
    opt.learningRate = 0.5;
    expect(opt.learningRate).toBe(0.5);
  });

  const row = [0.5, 0.25, 0.125, 1];
  it.each([
    ["null", null, "null"], ["true", true, "true"], ['"2"', "2", '"2"'], ["[5]", [5], "an array of length 1"],
    ["a BigInt", 2n, "the BigInt 2n"], ["a Symbol", Symbol("s"), "a Symbol"], ["undefined", undefined, "undefined"],
  ])("%s inside number[][] is a ValueError naming the row and column", (_what, v, shown) => {
    const m = mlp(9);
    const x = [row, [...row.slice(0, 2), v, row[3]]] as number[][];
    expect(() => m.predict(x)).toThrow(new RegExp(`predict\\(x\\) must hold numbers; received ${shown.replace(/[[\]()]/g, "\\$&")} at row 1, column 2`));
    expect(() => m.predict({ data: [...row, ...x[1]], shape: [2, 4] })).toThrow(/predict\(x\).data must hold numbers; received .* at row 1, column 2/);
  });

  it("labels: a BigInt64Array, a string or null are refused, with the index", () => {
    const m = mlp(9);
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    const x = [row, row];
    expect(() => m.evaluate(x, [0, "1" as never])).toThrow(/evaluate\(y\) must hold class ids, integers in \[0, 2\]; received "1" at index 1/);
    expect(() => m.evaluate(x, new BigInt64Array(2) as never)).toThrow(ValueError);
    const b = sequential({ layers: [layers.dense({ units: 1, activation: "sigmoid", inputShape: [4] })] });
    b.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    expect(() => b.evaluate(x, [1, null as never])).toThrow(/evaluate\(y\) must hold numbers; received null at index 1/);
  });
});

describe("training that diverges says so", () => {
  const diverging = async (cbs: unknown[] = []) => {
    const m = mlp(10);
    m.compile({ optimizer: optimizers.sgd({ learningRate: 1000 }), loss: "meanSquaredError" });
    const { x } = data(64, 10);
    const y = x.map(() => [1e30, -1e30, 1e30]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const h = await m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, shuffle: false, callbacks: cbs as never });
    return { m, h, warn, x, y };
  };

  it("save refuses weights that are not finite (what load would refuse), naming the first", async () => {
    setSeed(10);
    const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [4] })] });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 1000 }), loss: "meanSquaredError" });
    const { x } = data(64, 10);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await m.fit(x, x.map(() => [1e30, -1e30, 1e30]), { epochs: 3, batchSize: 8, verbose: 0 });
    expect(m.getWeights().some((w) => w.data.some((v) => !Number.isFinite(v)))).toBe(true);
    await expect(m.save("memory")).rejects.toThrow(/^save\(\): weight dense_\d+\/(kernel|bias) holds (NaN|-?Infinity) at index \d+: a model whose training diverged is not saved/);
  });

  it("History.nonFinite names the first non-finite batch, and fit warns once", async () => {
    const { h, warn, m, x, y } = await diverging();
    expect(h.nonFinite).toMatchObject({ epoch: 0, applied: true });
    expect(Number.isFinite(h.nonFinite!.loss)).toBe(false);
    // An independent check of the batch it names: replay the same steps with trainOnBatch.
    const twin = mlp(10);
    twin.compile({ optimizer: optimizers.sgd({ learningRate: 1000 }), loss: "meanSquaredError" });
    let first = -1;
    for (let b = 0; b < 8 && first < 0; b++) {
      const loss = twin.trainOnBatch(x.slice(b * 8, b * 8 + 8), y.slice(b * 8, b * 8 + 8)) as number;
      if (!Number.isFinite(loss)) first = b;
    }
    expect(h.nonFinite!.batch).toBe(first);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(new RegExp(`myelin: fit\\(\\) of sequential_\\d+: batch ${first} of epoch 1 went non-finite \\(loss (NaN|-?Infinity)\\): training diverged; lower the learning rate`));
  });

  it("terminateOnNaN stops before the non-finite update: the model keeps its last finite weights", async () => {
    const { h, warn, m } = await diverging([callbacks.terminateOnNaN()]);
    expect(h.nonFinite).toMatchObject({ epoch: 0, applied: false });
    expect(h.epoch).toEqual([0]);
    expect(m.getWeights().every((w) => w.data.every((v) => Number.isFinite(v)))).toBe(true);
    expect(String(warn.mock.calls[0][0])).toMatch(/terminateOnNaN kept the last finite weights/);
    // The weights are those after the last finite batch: a twin stepped that far by hand agrees.
    const twin = mlp(10);
    twin.compile({ optimizer: optimizers.sgd({ learningRate: 1000 }), loss: "meanSquaredError" });
    const { x } = data(64, 10);
    const y = x.map(() => [1e30, -1e30, 1e30]);
    for (let b = 0; b < h.nonFinite!.batch; b++) twin.trainOnBatch(x.slice(b * 8, b * 8 + 8), y.slice(b * 8, b * 8 + 8));
    expect(bits(m)).toEqual(bits(twin));
  });

  it("a fit that stays finite reports nothing", async () => {
    const { x, y } = data(64, 11);
    const m = mlp(11);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const h = await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [callbacks.terminateOnNaN()] });
    expect(h.nonFinite).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
    expect(h.epoch).toEqual([0, 1]);
  });
});

describe("nothing is silently ignored", () => {
  it.each([
    ["fit({ epoch })", (m: Sequential, x: number[][], y: number[]) => m.fit(x, y, { epoch: 3 } as never), /fit\(x, y, args\): unknown option 'epoch'; did you mean 'epochs'\? Valid options: epochs, batchSize/],
    ["fit({ classWeigth })", (m: Sequential, x: number[][], y: number[]) => m.fit(x, y, { classWeigth: { 0: 2 } } as never), /unknown option 'classWeigth'; did you mean 'classWeight'\?/],
    ["fit({ sampleWeight })", (m: Sequential, x: number[][], y: number[]) => m.fit(x, y, { sampleWeight: [] } as never), /sampleWeight \}\) must be 16 weights, one per sample/],
  ])("%s is a ValueError, before any weight changes", async (_what, call, message) => {
    const { x, y } = data(16, 12);
    const m = mlp(12);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const before = bits(m);
    await expect(call(m, x, y)).rejects.toThrow(message);
    expect(bits(m)).toEqual(before);
  });

  it("every options object refuses keys it would not act on, naming the nearest valid one", async () => {
    const m = mlp(13);
    const cases: [() => unknown, RegExp][] = [
      [() => layers.dense({ units: 2, activaton: "relu" } as never), /layers.dense\(args\): unknown option 'activaton'; did you mean 'activation'\?/],
      [() => layers.dense({ units: 2, trainabel: false } as never), /layers.dense\(args\): unknown option 'trainabel'; did you mean 'trainable'\?/],
      [() => layers.dropout({ rate: 0.1, noiseShape: [1] } as never), /unknown option 'noiseShape'/],
      [() => layers.leakyReLU({ alpa: 0.1 } as never), /unknown option 'alpa'; did you mean 'alpha'\?/],
      [() => layers.activation({ activation: "relu", units: 3 } as never), /layers.activation\(args\): unknown option 'units'/],
      [() => sequential({ layer: [] } as never), /sequential\(args\): unknown option 'layer'; did you mean 'layers'\?/],
      [() => m.compile({ optimizer: "adam", loss: "mse", metric: ["mae"] } as never), /compile\(args\): unknown option 'metric'; did you mean 'metrics'\?/],
      [() => m.predict([[1, 2, 3, 4]], { batch_size: 2 } as never), /predict\(x, args\): unknown option 'batch_size'; did you mean 'batchSize'\?/],
      [() => optimizers.adam({ learning_rate: 0.1 } as never), /optimizers.adam\(options\): unknown option 'learning_rate'; did you mean 'learningRate'\?/],
      [() => optimizers.sgd({ lr: 0.1 } as never), /optimizers.sgd\(options\): unknown option 'lr' Valid options: learningRate, momentum, nesterov, clipnorm, globalClipnorm, clipvalue/],
      [() => callbacks.earlyStopping({ patients: 2 } as never), /callbacks.earlyStopping\(args\): unknown option 'patients'; did you mean 'patience'\?/],
      [() => initializers.glorotUniform({ seeds: 1 } as never), /initializers.glorotUniform\(args\): unknown option 'seeds'; did you mean 'seed'\?/],
      [() => regularizers.l2({ l1: 0.1 } as never), /regularizers.l2\(args\): unknown option 'l1'/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    await expect(m.save("memory", { includeOptimiser: true } as never)).rejects.toThrow(/save\(target, options\): unknown option 'includeOptimiser'; did you mean 'includeOptimizer'\?/);
  });

  it("TF.js's positional optimizer forms mean what they mean in TF.js", () => {
    const adam = optimizers.adam(0.01, 0.8, 0.99, 1e-5);
    expect([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon]).toEqual([0.01, 0.8, 0.99, 1e-5]);
    const defaults = optimizers.adam(0.01, null as never, 0.9);
    expect([defaults.learningRate, defaults.beta1, defaults.beta2, defaults.epsilon]).toEqual([0.01, 0.9, 0.9, 1e-7]);
    expect(optimizers.sgd(0.2).learningRate).toBe(0.2);
    const rms = optimizers.rmsprop(0.01, 0.8, 0.1, 1e-6, true);
    expect([rms.learningRate, rms.rho, rms.momentum, rms.epsilon, rms.centered]).toEqual([0.01, 0.8, 0.1, 1e-6, true]);
    const ada = optimizers.adagrad(0.3, 0.2);
    expect([ada.learningRate, ada.initialAccumulatorValue]).toEqual([0.3, 0.2]);
    const adamw = optimizers.adamw(0.01, 0.1);
    expect([adamw.learningRate, adamw.weightDecay]).toEqual([0.01, 0.1]);
    expect(() => (optimizers.adam as (...a: unknown[]) => unknown)(0.1, 0.9, 0.999, 1e-7, 5)).toThrow(/optimizers.adam\(...\) must be an options object, or TF.js's positional \(learningRate, beta1, beta2, epsilon\)/);
    expect(() => optimizers.adam("0.01" as never)).toThrow(ValueError);
    expect(() => optimizers.adam(-1)).toThrow(/optimizers.adam\(\{ learningRate \}\) must be a number in \[0, 1000000\]; received -1/);
  });

  it("optimizer names in TF.js's and Keras's spellings", () => {
    const m = mlp(14);
    for (const [name, cls] of [["Adam", "Adam"], ["SGD", "SGD"], ["RMSProp", "RMSprop"], ["rmsprop", "RMSprop"], ["Adagrad", "Adagrad"], ["AdamW", "AdamW"]]) {
      m.compile({ optimizer: name as never, loss: "sparseCategoricalCrossentropy" });
      expect(m.optimizer!.className).toBe(cls);
    }
  });

  it("verbose 2 writes one line per epoch and no progress bar", async () => {
    const { x, y } = data(64, 15);
    const m = mlp(15);
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const lines: string[] = [];
    const out = (globalThis as { process?: { stdout?: { write: (s: string) => boolean } } }).process?.stdout;
    if (out && isNode) vi.spyOn(out, "write").mockImplementation((s: string) => (lines.push(s), true));
    else vi.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s + "\n"));
    await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 2 });
    vi.restoreAllMocks();
    expect(lines).toHaveLength(3);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^Epoch ${i + 1}/3 - 64/64 - [\\d.]+s \\d+ samples/s - loss: \\d\\.\\d{4}\\n$`)));
    await expect(m.fit(x, y, { verbose: 3 as never })).rejects.toThrow(/fit\(\{ verbose \}\) must be 0, 1 or 2; received 3/);
  });

  it("the same Float32Array read with another shape is staged by that shape (wide rows, narrow rows)", async () => {
    for (const [a, b] of [[256, 128], [8, 4]]) {
      const n = 64;
      const r = rng(a);
      const flat = Float32Array.from({ length: n * a }, () => r());
      const y = Array.from({ length: 2 * n }, (_, i) => i % 2);
      const wide = (seed: number, d: number) => {
        setSeed(seed);
        const m = sequential({ layers: [layers.dense({ units: 2, activation: "softmax", inputShape: [d] })] });
        m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
        return m;
      };
      await wide(1, a).fit({ data: flat, shape: [n, a] }, y.slice(0, n), { epochs: 1, batchSize: 8, verbose: 0 });
      const m = wide(2, b);
      await m.fit({ data: flat, shape: [2 * n, b] }, y, { epochs: 1, batchSize: 8, verbose: 0 });
      const fresh = wide(2, b);
      await fresh.fit({ data: flat.slice(), shape: [2 * n, b] }, y, { epochs: 1, batchSize: 8, verbose: 0 });
      expect(bits(m)).toEqual(bits(fresh));
    }
  });
});

describe.skipIf(!isNode)("TF.js tensors are taken as they are (Node, the real TF.js)", async () => {
  const tf = isNode ? await import("@tensorflow/tfjs") : (undefined as never);
  if (isNode) await tf.setBackend("cpu");

  it("a 2-D tensor as input, 1-D and 2-D tensors as labels: the same bits as arrays", async () => {
    const { x, y } = data(32, 16);
    const run = async (X: unknown, Y: unknown) => {
      const m = mlp(16);
      m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
      const h = await m.fit(X as never, Y as never, { epochs: 2, batchSize: 8, verbose: 0 });
      return { h: h.history, w: bits(m), p: Array.from(m.predict(X as never).data) };
    };
    const arrays = await run(x, y);
    expect(await run(tf.tensor2d(x), tf.tensor1d(y, "int32"))).toEqual(arrays);
    expect(await run(tf.tensor2d(x), tf.tensor2d(y, [32, 1]))).toEqual(arrays);
  });

  it("a disposed tensor is a ValueError, not TF.js's error", () => {
    const t = tf.tensor2d([[1, 2, 3, 4]]);
    t.dispose();
    expect(() => mlp(17).predict(t as never)).toThrow(/predict\(x\): the TF.js tensor is disposed/);
  });
});

describe.skipIf(!isNode)("staging memory (Node)", () => {
  it("2 million rows of 8 train without a view per row (104 bytes each: 208 MB)", async () => {
    const n = 2_000_000, d = 8;
    const x = new Float32Array(n * d).fill(0.5);
    const y = new Int32Array(n);
    const m = sequential({ layers: [layers.dense({ units: 2, activation: "softmax", inputShape: [d] })] });
    m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    await m.fit({ data: x, shape: [n, d] }, y, { epochs: 1, batchSize: 8192, verbose: 0, callbacks: [{ onBatchEnd: () => void (peak = Math.max(peak, process.memoryUsage().heapUsed)) }] });
    expect(peak - before).toBeLessThan(64 << 20);
  }, 120_000);
});
