// The API fuzzer: random sequences of public calls on a small model, with valid and invalid arguments
// (wrong types, NaN, huge and negative sizes, unknown option keys, TF.js forms, callbacks that dispose
// or are misspelled). Every call must succeed or throw a ValueError; a call that throws a ValueError
// must leave the model's state exactly as it was (stateOf: weights, optimizer state, PRNG streams); and
// at the end of a sequence, replaying only the calls that succeeded, from the same seed, must reach the
// same state and the same next draw of the global seed sequence (so a failed call drew no seed either).
import fc from "fast-check";
import { stateOf } from "./state.mjs";

const junk = fc.constantFrom(null, undefined, true, "3", "relu", [], {}, [3], 2n, Symbol.for("fuzz"), NaN, -1, 0, 1.5, 1e30, Infinity);
// Mostly valid arguments (so that sequences go deep), now and then a value that is wrong for this
// argument in particular (bad), junk of any type, or a misspelled option.
const arbOf = (v) => (Array.isArray(v) ? fc.constantFrom(...v) : v);
const maybe = (valid, bad = []) => fc.oneof({ weight: 60, arbitrary: arbOf(valid) }, { weight: 1, arbitrary: bad.length ? fc.constantFrom(...bad) : junk }, { weight: 1, arbitrary: junk });
const optional = (arb) => fc.option(arb, { nil: undefined, freq: 2 });
const typo = fc.oneof({ weight: 40, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("activaton", "trainable", "epoch", "classWeight", "lr", "batch_size", "verbose", "__proto__") });
const withTypo = (arb) => fc.tuple(arb, typo).map(([o, t]) => (t === null || o === null || typeof o !== "object" ? o : Object.defineProperty({ ...o }, t, { value: 1, enumerable: true })));
const options = (rec) => withTypo(fc.record(Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, optional(v)])), { requiredKeys: [] }));

const act = maybe(["relu", "sigmoid", "tanh", "softmax", "linear", "leakyRelu", "step"], ["elu", "Relu", "gelu"]);
const init = maybe(["glorotUniform", "glorotNormal", "heNormal", "heUniform", "lecunNormal", "zeros", "ones", "randomNormal", "randomUniform"], ["constant", "bogus"]);
const denseArgs = withTypo(fc.record({
  units: maybe(fc.integer({ min: 1, max: 6 }), [0, 1e30, 2 ** 29]),
  activation: optional(act),
  useBias: optional(maybe(fc.boolean())),
  kernelInitializer: optional(init),
  kernelRegularizer: optional(maybe(["l1", "l2", "l1l2"], ["l3"])),
  trainable: optional(fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: maybe([false], ["no"]) })),
}, { requiredKeys: ["units"] }));
const hiddenLayer = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("dense"), args: denseArgs }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("dropout"), args: withTypo(fc.record({ rate: maybe([0, 0.2, 0.5, 0.99], [1, -0.1]), seed: optional(fc.integer({ min: 0, max: 9 })) }, { requiredKeys: ["rate"] })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("activation"), args: withTypo(fc.record({ activation: act })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("leakyReLU"), args: options({ alpha: maybe([0, 0.1, 0.3, 2], [-1]) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("batchNormalization"), args: options({ momentum: maybe([0, 0.9, 0.99], [1, -0.1]), epsilon: maybe([1e-3, 1e-5], [0]), center: maybe(fc.boolean()), scale: maybe(fc.boolean()), trainable: maybe(fc.boolean()) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("flatten"), args: options({}) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("normalization"), args: options({ mean: maybe([0, 1.5], ["x"]), variance: maybe([1, 4], [-1]) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("layerNormalization"), args: options({ epsilon: maybe([1e-3, 1e-5], [0, -1]), center: maybe(fc.boolean()), scale: maybe(fc.boolean()), axis: maybe([-1], [0, 2]) }) }) },
);
const modelSpec = fc.record({
  inputs: maybe(fc.integer({ min: 1, max: 5 }), [0, 1e9]),
  layers: fc.array(hiddenLayer, { maxLength: 3 }),
  outputs: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 2, max: 4 }) }, { weight: 1, arbitrary: fc.constant(1) }),
  outAct: fc.constantFrom("softmax", "sigmoid", "linear", "relu"),
});

const dataSpec = fc.record({
  rows: fc.integer({ min: 1, max: 12 }),
  widthDelta: fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, -1) }),
  form: fc.oneof({ weight: 10, arbitrary: fc.constant("array") }, { weight: 5, arbitrary: fc.constant("matrix") }, { weight: 3, arbitrary: fc.constant("tensor") }, { weight: 1, arbitrary: fc.constantFrom("typed64", "junk") }),
  poison: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ at: fc.nat(200), value: fc.constantFrom(NaN, Infinity, null, "2", 2n, [1], undefined, true, 1e39) }) }),
  seed: fc.integer({ min: 1, max: 1e6 }),
});
const labelSpec = fc.record({
  form: fc.oneof({ weight: 20, arbitrary: fc.constantFrom("ids", "ids", "onehot", "dense", "tensor1d") }, { weight: 1, arbitrary: fc.constantFrom("junk", "outOfRange") }),
  rowsDelta: fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
});
const lr = maybe([0.001, 0.01, 0.1, 1], [-1, 1e7, NaN]);
const eps = maybe([1e-7, 1e-3], [0, -1]);
const clipnorm = maybe([1, 0.5], [0, -1]);
const optionsOf = {
  sgd: { learningRate: lr, momentum: maybe([0, 0.5, 0.9], [1, -0.5]), nesterov: maybe(fc.boolean()), clipnorm },
  adam: { learningRate: lr, beta1: maybe([0.9, 0.5], [1]), epsilon: eps, clipnorm },
  rmsprop: { learningRate: lr, rho: maybe([0.9, 0.5], [1.5]), momentum: maybe([0, 0.5]), centered: maybe(fc.boolean()), epsilon: eps, clipnorm },
  adagrad: { learningRate: lr, initialAccumulatorValue: maybe([0.1, 0.01], [-1]), epsilon: eps, clipnorm },
  adamw: { learningRate: lr, weightDecay: maybe([0.01, 0], [-1]), epsilon: eps, clipnorm },
};
const optimizerSpec = fc.oneof(
  { weight: 5, arbitrary: maybe(["sgd", "adam", "Adam", "RMSProp", "adagrad", "adamw", "SGD"], ["adamax", ""]) },
  ...Object.entries(optionsOf).map(([kind, rec]) => ({ weight: 1, arbitrary: fc.record({ kind: fc.constant(kind), args: options(rec) }) })),
  // TF.js's positional forms: sgd(lr), adagrad(lr, initial), adam(lr, b1, b2, eps), rmsprop(lr, decay, momentum, eps, centered), adamw(lr, wd, b1, b2, eps); now and then one too many.
  ...Object.entries({ sgd: 1, adagrad: 2, adam: 4, rmsprop: 4, adamw: 5 }).map(([kind, n]) => ({ weight: 1, arbitrary: fc.record({ kind: fc.constant(kind), positional: fc.array(maybe([0.01, 0.9, 0.5, 1e-6, 0.1]), { minLength: 1, maxLength: n }).chain((a) => fc.oneof({ weight: 12, arbitrary: fc.constant(a) }, { weight: 1, arbitrary: fc.constant([...a, 0.1]) })) }) })),
);
const compileSpec = fc.record({
  op: fc.constant("compile"),
  optimizer: optimizerSpec,
  loss: maybe(["sparseCategoricalCrossentropy", "categoricalCrossentropy", "binaryCrossentropy", "meanSquaredError", "mse", "meanAbsoluteError", "huber", "hinge", "categoricalHinge", "kld", "poisson", "msle", "mape", "logcosh"], ["cosineProximity", "bogus"]),
  metrics: optional(maybe([["accuracy"], ["mae"], "accuracy", ["accuracy", "mse"], ["auc", "precision", "recall"], ["r2Score", "rootMeanSquaredError", "mape"], ["categoricalAccuracy", "topKCategoricalAccuracy", "binaryAccuracy"]], [["bogus"], ["f1Score"]])),
});
const callbackSpec = fc.oneof(
  { weight: 30, arbitrary: fc.constant("none") },
  { weight: 12, arbitrary: fc.constantFrom("earlyStopping", "earlyStoppingVal", "terminateOnNaN", "counter") },
  { weight: 1, arbitrary: fc.constantFrom("earlyStoppingBogus", "disposeOnBatch", "disposeOnEpoch", "typo", "notAFunction") },
);
const fitOptions = options({
  epochs: maybe(fc.integer({ min: 1, max: 2 }), [0, 1.5]),
  batchSize: maybe(fc.integer({ min: 1, max: 8 }), [0, 1e12]),
  shuffle: maybe(fc.boolean()),
  validationSplit: maybe([0.25, 0.5], [0, 1, 0.99]),
  verbose: maybe([0, 0, 2], [3, "1"]),
  yieldEvery: maybe([1, "batch", "epoch", "never"], [0, -2]),
  seed: maybe(fc.integer({ min: 0, max: 99 })),
  initialEpoch: maybe([0], [1, 5]),
  classWeight: maybe([{ 0: 2, 1: 0.5 }, { 1: 3 }], [{ 9: 1 }, { 0: -1 }, [1, 2]]),
});

const action = fc.oneof(
  { weight: 4, arbitrary: compileSpec },
  { weight: 8, arbitrary: fc.record({ op: fc.constant("fit"), x: dataSpec, y: labelSpec, options: fitOptions, callback: callbackSpec }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("predict"), x: dataSpec, batchSize: optional(maybe(fc.integer({ min: 1, max: 4 }))) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("evaluate"), x: dataSpec, y: labelSpec, batchSize: optional(maybe(fc.integer({ min: 1, max: 4 }))) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("predictOnBatch"), x: dataSpec }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("add"), layer: hiddenLayer }) },
  { weight: 1, arbitrary: fc.constant({ op: "config" }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("trainOnBatch"), x: dataSpec, y: labelSpec }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("setWeights"), mode: fc.constantFrom("same", "scaled", "scaled", "scaled", "overflow", "nan", "shape", "count", "strings", "junk") }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("getWeights") }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("save"), includeOptimizer: maybe(fc.boolean()) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("summary") }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("learningRate"), value: maybe(fc.constantFrom(0.001, 0.5)) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("setSeed"), seed: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 32, 0.5, "7", null) }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "dispose" }) },
);

/** A scenario: the model to make, then a sequence of calls on it. */
export const scenario = fc
  .record({ seed: fc.integer({ min: 0, max: 2 ** 31 }), model: modelSpec, compile: fc.option(compileSpec, { freq: 10 }), actions: fc.array(action, { maxLength: 8 }) })
  .map(({ compile, ...sc }) => ({ ...sc, actions: compile ? [compile, ...sc.actions] : sc.actions })); // most sequences compile first

function rngOf(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function makeX(spec, width) {
  const w = Math.max(1, (Number.isInteger(width) ? width : 3) + spec.widthDelta);
  const r = rngOf(spec.seed);
  const flat = Array.from({ length: spec.rows * w }, () => r() * 2 - 1);
  if (spec.poison) flat[spec.poison.at % flat.length] = spec.poison.value;
  const shape = [spec.rows, w];
  switch (spec.form) {
    case "array": return Array.from({ length: spec.rows }, (_, i) => flat.slice(i * w, (i + 1) * w));
    case "matrix": return { data: spec.poison ? flat : Float32Array.from(flat), shape };
    case "tensor": return { shape, dtype: "float32", dataSync: () => (spec.poison ? flat : Float32Array.from(flat)), isDisposed: false };
    case "typed64": return { data: new BigInt64Array(flat.length), shape };
    default: return "rows";
  }
}

function makeY(spec, rows, units) {
  const n = rows + spec.rowsDelta;
  const ids = Array.from({ length: n }, (_, i) => i % Math.max(1, units));
  switch (spec.form) {
    case "ids": return ids;
    case "onehot": return ids.map((c) => Array.from({ length: units }, (_, j) => (j === c ? 1 : 0)));
    case "dense": return ids.map((c) => Array.from({ length: units }, (_, j) => (j === c ? 0.75 : 0.25)));
    case "tensor1d": return { shape: [n], dataSync: () => Int32Array.from(ids) };
    case "outOfRange": return ids.map((c) => c + units);
    default: return { labels: ids };
  }
}

function makeOptimizer(my, spec) {
  if (!spec || typeof spec !== "object" || !spec.kind) return spec;
  const f = my.optimizers[spec.kind];
  return spec.positional ? f(...spec.positional) : f(spec.args);
}

function makeCallback(my, kind, model) {
  switch (kind) {
    case "earlyStopping": return my.callbacks.earlyStopping({ monitor: "loss", patience: 0 });
    case "earlyStoppingVal": return my.callbacks.earlyStopping({ monitor: "val_loss", restoreBestWeights: true });
    case "earlyStoppingBogus": return my.callbacks.earlyStopping({ monitor: "val_acc" });
    case "terminateOnNaN": return my.callbacks.terminateOnNaN();
    case "disposeOnBatch": return { onBatchEnd: () => model.dispose() };
    case "disposeOnEpoch": return { onEpochEnd: () => model.dispose() };
    case "typo": return { onEpochEnds: () => {} };
    case "notAFunction": return { onBatchEnd: 5 };
    case "counter": return { calls: 0, onBatchEnd() { this.calls++; } };
    default: return undefined;
  }
}

function tally(counts, what, k) {
  if (!counts.byCall) return;
  const name = what.split(" ")[0];
  (counts.byCall[name] ??= [0, 0])[k]++;
}

/** Runs the calls; returns what happened to each (for the replay) and the counts. */
async function play(my, sc, keep, tick, counts) {
  my.setSeed(sc.seed);
  const s = sc.model;
  const specs = [...s.layers, { kind: "dense", args: { units: s.outputs, activation: s.outAct } }];
  let model;
  let outcome = [];
  const call = async (what, f, mayChange = false) => {
    tick(what);
    const before = stateOf(model);
    try {
      await f();
      counts.ok++;
      tally(counts, what, 0);
      return "ok";
    } catch (e) {
      if (!(e instanceof my.ValueError)) throw new Error(`${what} threw a ${e?.constructor?.name ?? typeof e}, not a ValueError: ${e?.message ?? e}`);
      counts.valueError++;
      tally(counts, what, 1);
      if (counts.msgs) counts.msgs[`${what.split(" ")[0]}: ${e.message.replace(/\d+/g, "N").slice(0, 150)}`] = (counts.msgs[`${what.split(" ")[0]}: ${e.message.replace(/\d+/g, "N").slice(0, 150)}`] ?? 0) + 1;
      if (!mayChange && stateOf(model) !== before) throw new Error(`${what} threw a ValueError (${e.message}) after changing the model's state`);
      return "error";
    }
  };
  const r0 = await call("sequential(...)", () => {
    const ls = specs.map((l, i) => my.layers[l.kind](i === 0 && l.args && typeof l.args === "object" ? { ...l.args, inputShape: [s.inputs] } : l.args));
    model = my.sequential({ layers: ls });
  });
  outcome.push(r0);
  if (!model) return { model, outcome };
  const width = s.inputs;
  for (let i = 0; i < sc.actions.length; i++) {
    const a = sc.actions[i];
    if (keep && !keep[i + 1]) {
      outcome.push("skipped");
      continue;
    }
    const units = s.outputs;
    const what = `${a.op} #${i}`;
    let r;
    switch (a.op) {
      case "compile":
        r = await call(what, () => model.compile({ optimizer: makeOptimizer(my, a.optimizer), loss: a.loss, ...(a.metrics !== undefined ? { metrics: a.metrics } : {}) }));
        break;
      case "fit": {
        const x = makeX(a.x, width);
        const cb = makeCallback(my, a.callback, model);
        const disposes = a.callback.startsWith("dispose");
        r = await call(what, () => model.fit(x, makeY(a.y, a.x.rows, units), { ...a.options, verbose: a.options.verbose ?? 0, ...(cb ? { callbacks: [cb] } : {}) }), disposes);
        break;
      }
      case "predict":
        r = await call(what, () => model.predict(makeX(a.x, width), a.batchSize === undefined ? {} : { batchSize: a.batchSize }));
        break;
      case "evaluate":
        r = await call(what, () => model.evaluate(makeX(a.x, width), makeY(a.y, a.x.rows, units), a.batchSize === undefined ? undefined : { batchSize: a.batchSize }));
        break;
      case "predictOnBatch":
        r = await call(what, () => model.predictOnBatch(makeX(a.x, width)));
        break;
      case "add":
        // Another layer: allowed until the model is built (then a ValueError). It changes the output width, so later labels may not fit.
        r = await call(what, () => model.add(my.layers[a.layer.kind](a.layer.args)));
        break;
      case "config":
        // The topology round-trips through Keras's config into a new, unbuilt model (getConfig builds nothing).
        r = await call(what, async () => {
          const json = model.toJSON();
          const copy = await my.Sequential.fromConfig(model.getConfig());
          const back = copy.toJSON();
          copy.dispose();
          if (back !== json) throw new Error(`toJSON -> fromConfig -> toJSON changed the topology:\n${json}\n${back}`);
        });
        break;
      case "trainOnBatch":
        r = await call(what, () => model.trainOnBatch(makeX(a.x, width), makeY(a.y, a.x.rows, units)));
        break;
      case "setWeights": {
        // getWeights first (it may build the model: a change of its own, kept when setWeights then fails).
        let w;
        const g = await call(`getWeights for ${what}`, () => (w = model.getWeights()));
        if (g !== "ok" || keep?.[i + 1] === "getOnly") {
          r = g === "ok" ? "getOnly" : g;
          break;
        }
        r = await call(what, () => {
          const m = a.mode;
          const out = w.map((t) => ({ data: m === "scaled" ? t.data.map((v) => v * 0.5) : m === "strings" ? Array.from(t.data, String) : t.data, shape: m === "shape" ? [...t.shape].reverse().concat(1) : t.shape }));
          if (m === "overflow") out[0].data = Array.from(out[0].data, (v, j) => (j === 0 ? 1e39 : v));
          if (m === "nan") out[out.length - 1].data = Float32Array.from(out[out.length - 1].data, () => NaN);
          model.setWeights(m === "count" ? out.slice(1) : m === "junk" ? [null] : out);
        });
        if (r === "error") r = "getOnly";
        break;
      }
      case "getWeights":
        r = await call(what, () => model.getWeights());
        break;
      case "save":
        r = await call(what, async () => {
          const saved = await model.save("memory", { includeOptimizer: a.includeOptimizer });
          const back = await my.loadLayersModel(saved.bytes);
          const bitsOf = (m) => stateOf(m).split("|").slice(1);
          // The weights always round-trip; with the optimizer, the whole training state does.
          const whole = a.includeOptimizer === true && model.compiled;
          const same = whole ? stateOf(back) === stateOf(model) : JSON.stringify(back.getWeights().map((t) => Array.from(t.data))) === JSON.stringify(model.getWeights().map((t) => Array.from(t.data)));
          back.dispose();
          if (!same) throw new Error(`save and load changed the ${whole ? "training state" : "weights"} (${bitsOf(model).length} tensors)`);
        });
        break;
      case "summary":
        r = await call(what, () => model.summary(() => {}));
        break;
      case "learningRate":
        r = await call(what, () => {
          if (!model.optimizer) throw new my.ValueError("not compiled");
          model.optimizer.learningRate = a.value;
        });
        break;
      case "setSeed":
        r = await call(what, () => my.setSeed(a.seed));
        break;
      case "dispose":
        r = await call(what, () => model.dispose(), true);
        break;
    }
    outcome.push(r);
  }
  return { model, outcome };
}

/** One scenario: play it, check every call, then replay the successful calls only and compare. */
export async function runScenario(my, sc, tick, counts) {
  counts.cases++;
  const first = await play(my, sc, null, tick, counts);
  const end1 = stateOf(first.model);
  const probe1 = probe(my);
  first.model?.dispose();
  const keep = first.outcome.map((o) => (o === "getOnly" ? o : o === "ok" || o === "skipped"));
  // A dispose() from a callback makes its fit fail after changing state, by design: keep those calls.
  sc.actions.forEach((a, i) => {
    if ((a.op === "fit" && a.callback.startsWith("dispose")) || a.op === "dispose") keep[i + 1] = first.outcome[i + 1] !== "skipped";
  });
  if (!keep[0]) return;
  const quiet = { ok: 0, valueError: 0, cases: 0 };
  const second = await play(my, sc, keep, tick, quiet);
  const end2 = stateOf(second.model);
  const probe2 = probe(my);
  second.model?.dispose();
  second.outcome.forEach((o, i) => {
    if (keep[i] && first.outcome[i] !== o) throw new Error(`replaying only the calls that succeeded, call ${i} (${i ? sc.actions[i - 1].op : "sequential"}) now ends ${o}, first ${first.outcome[i]}`);
  });
  if (end1 !== end2) throw new Error("replaying only the calls that succeeded reaches another state: a call that failed changed something");
  if (probe1 !== probe2) throw new Error("replaying only the calls that succeeded draws another next seed: a call that failed drew one");
}

/** The next draw of the global seed sequence, as the weights of a fresh unseeded layer. */
function probe(my) {
  const m = my.sequential({ layers: [my.layers.dense({ units: 2, inputShape: [2] })] });
  const w = Array.from(m.getWeights()[0].data).join(",");
  m.dispose();
  return w;
}
