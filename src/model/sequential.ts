// sequential(): a stack of layers with Keras's compile / fit / evaluate / predict. Every argument is
// checked before any state changes, so bad input leaves the model as it was.
import { createModelEngine } from "../backend.js";
import type { Engine } from "../engine.js";
import { Layer, type Param } from "../layers/layer.js";
import { getOptimizer, type Optimizer, type OptimizerName } from "../optim/index.js";
import { getLoss, type Loss, type LossName } from "../losses.js";
import { getMetrics, type Metric } from "../metrics.js";
import { notFinite, toFloat32, toLabels, toMatrix, type InputLike, type Labels, type LabelsLike, type Matrix, type Weight } from "../data.js";
import { Prediction } from "../prediction.js";
import { checkOptions, checkPositiveInt, describe, invalid, ValueError } from "../errors.js";
import { compactLabels, Runner, Totals, type Compiled, type SampleWeights } from "./runner.js";
import { summaryLines } from "./summary.js";
import { fit, type FitArgs, type History } from "./fit.js";
import type { Gradients } from "./gradients.js";
import type { DatasetLike, FitDatasetArgs } from "./dataset.js";
import type { IOHandler, SaveResult } from "../io/handlers.js";
import { modelToTopology, type TopologyJson } from "../io/topology.js";

/** The options of model.compile. */
export interface CompileArgs {
  /** An optimizer from `optimizers.*`, or a name ("sgd", "adam", "Adam", "rmsprop", "adagrad", "adamw") for its defaults. */
  optimizer: OptimizerName | Optimizer;
  /**
   * A loss by name ("meanSquaredError", "binaryCrossentropy", "categoricalCrossentropy",
   * "sparseCategoricalCrossentropy", "meanAbsoluteError", "huber", "logcosh", "hinge", "squaredHinge",
   * "categoricalHinge", "kullbackLeiblerDivergence", "poisson", "meanSquaredLogarithmicError",
   * "meanAbsolutePercentageError"; Keras's snake_case names and short forms such as "mse" too), or made by
   * `losses.*` with options (fromLogits, labelSmoothing, delta). A JavaScript function is refused.
   */
  loss: LossName | (string & {}) | Loss;
  /**
   * Metrics by name or made by `metrics.*`: "accuracy" ("acc": binary, categorical or sparse, picked from
   * the loss as TF.js does), "binaryAccuracy", "categoricalAccuracy", "topKCategoricalAccuracy",
   * "precision", "recall", "auc", "mse", "mae", "rootMeanSquaredError", "r2Score",
   * "meanAbsolutePercentageError" (Keras's snake_case names too). Logged under "acc", "mse", "mae" and
   * the TF.js names of the others.
   */
  metrics?: string | Metric | (string | Metric)[];
}

let modelCount = 0;

/** The loss, or [loss, ...metrics] when metrics were compiled (TF.js's evaluate). */
const results = (t: Totals) => (t.list.length ? [t.loss / t.rows, ...t.list.map((_, i) => t.result(i))] : t.loss / t.rows);

/**
 * A stack of layers: build it with `sequential({ layers })` or `model.add(layer)`, then compile, fit,
 * evaluate, predict, save. Its weights live in its own WebAssembly memory, which `dispose()` gives back.
 * Every method checks its arguments first: a ValueError leaves the model exactly as it was.
 */
export class Sequential {
  /** The model's name ("sequential_1", or the `name` argument). */
  readonly name: string;
  /** The layers, in order. */
  readonly layers: Layer[] = [];
  /** Set from a callback to end fit() after the current batch. */
  stopTraining = false;
  /** @internal */ runner?: Runner;
  /** @internal */ compiled?: Compiled;
  /** @internal */ training = false;
  /** @internal Set by fit when callbacks.terminateOnNaN is given: see trainStep. */
  guardNonFinite = false;
  /** @internal Set when the guard has refused a batch. */
  guardStopped = false;
  private engine?: Engine;
  private disposed = false;

  /** Use `sequential(args)`. */
  constructor(args: { layers?: Layer[]; name?: string } = {}) {
    checkOptions("sequential(args)", args, ["layers", "name"]);
    if (args.name !== undefined && (typeof args.name !== "string" || args.name === "")) throw invalid("sequential({ name })", args.name, "a non-empty string");
    this.name = args.name ?? `sequential_${++modelCount}`;
    if (args.layers !== undefined && !Array.isArray(args.layers)) throw invalid("sequential({ layers })", args.layers, "an array of layers");
    try {
      for (const l of args.layers ?? []) this.add(l);
    } catch (e) {
      for (const l of this.layers) l.owner = undefined; // a model that was never made claims no layer
      throw e;
    }
  }

  /** Appends a layer (before the model is built: its first compile, fit, predict, summary or getWeights). */
  add(layer: Layer): void {
    this.checkAlive();
    if (!(layer instanceof Layer)) throw invalid("model.add(layer)", layer, "a layer made by a layers.* factory (layers.dense, layers.flatten, …)");
    if (this.runner) throw new ValueError(`model.add(${layer.name}): the model is already built; add every layer before compile, fit, predict or summary`);
    if (this.layers.length === 0 && layer.batchInputShape === undefined) {
      throw invalid(`the first layer (${layer.name}) inputShape`, undefined, "given, e.g. layers.dense({ units: 10, inputShape: [784] })");
    }
    if (this.layers.includes(layer)) throw invalid("model.add(layer)", layer.name, "a layer not already in the model");
    if (layer.owner && layer.owner !== this) throw invalid("model.add(layer)", layer.name, "a layer of no other model (its weights live in that model's memory); make a new one");
    layer.owner = this;
    this.layers.push(layer);
  }

  /** The compiled optimizer (its learningRate can be set), or undefined before compile. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** @internal The built runner (builds on first use). */
  built(): Runner {
    return this.build();
  }

  /**
   * Saves in the TF.js layers format (model.json + weights.bin) to a directory path or file:// URL (Node,
   * Deno, Bun), localstorage://, indexeddb:// or downloads:// (browsers), "memory" (the result carries
   * the artifacts and one byte string), or a TF.js-style handler object with save(artifacts).
   * includeOptimizer also saves the compiled loss, metrics, optimizer and its state, and the PRNG streams,
   * so that training resumed from the save matches training that never stopped.
   */
  async save(target: string | IOHandler, options: { includeOptimizer?: boolean } = {}): Promise<SaveResult> {
    // Allowed while fit() runs (callbacks.modelCheckpoint saves from onEpochEnd): the weights are read after
    // the awaits below, between two batches, never in the middle of one.
    checkOptions("save(target, options)", options, ["includeOptimizer"]);
    if (options.includeOptimizer !== undefined && typeof options.includeOptimizer !== "boolean") throw invalid("save({ includeOptimizer })", options.includeOptimizer, "true or false");
    // Loaded on first save: an app that never saves does not carry the file formats and storage handlers.
    const [{ encode }, { saveArtifacts }] = await Promise.all([import("../io/artifacts.js"), import("../io/handlers.js")]);
    return saveArtifacts(encode(this, options.includeOptimizer ?? false), target);
  }

  /** Keras's config of the model: { name, layers: [{ class_name, config }] }. */
  getConfig(): TopologyJson["config"] {
    this.layout(); // checks the shapes; allocates nothing and draws no seed (Keras's get_config does not build)
    return modelToTopology(this.name, this.layers, this.layers[0].batchInputShape!).config;
  }

  /** The model's topology as Keras JSON text (what model.json holds under modelTopology). */
  toJSON(): string {
    this.layout();
    return JSON.stringify(modelToTopology(this.name, this.layers, this.layers[0].batchInputShape!));
  }

  /**
   * A new, freshly initialized model from getConfig()'s output (or any Keras Sequential config). Async:
   * the Keras JSON reader is loaded on first use, as for loadLayersModel (an app that never reads a
   * config does not carry it).
   */
  static async fromConfig(config: unknown): Promise<Sequential> {
    const { layersFromTopology } = await import("../io/reader.js");
    const { name, layers } = layersFromTopology({ class_name: "Sequential", config });
    return new Sequential({ name, layers });
  }

  /**
   * The model's input size, output size and params, known without allocating anything (for an unbuilt
   * model, a dry pass over the layers' shapes): so that a call checks its arguments before it builds.
   */
  private layout(): { inputShape: number[]; outputDim: number; params: Param[] } {
    if (this.runner) return { inputShape: this.layers[0].inputShape, outputDim: this.runner.outputDim, params: this.runner.params };
    this.checkAlive();
    if (this.layers.length === 0) throw new ValueError("the model has no layers; add one with model.add(layers.dense({ units, inputShape }))");
    const inputShape = this.layers[0].batchInputShape!;
    let shape = inputShape;
    try {
      for (const l of this.layers) shape = l.build(shape);
    } finally {
      for (const l of this.layers) l.built = false;
    }
    return { inputShape, outputDim: this.layers[this.layers.length - 1].outputDim, params: this.layers.flatMap((l) => l.params) };
  }

  /** Builds the layers and allocates the weights (first use). */
  private build(): Runner {
    this.checkAlive();
    if (this.runner) return this.runner;
    if (this.layers.length === 0) throw new ValueError("the model has no layers; add one with model.add(layers.dense({ units, inputShape }))");
    // All or nothing: a build that fails (a size refused, memory refused) leaves the model unbuilt, so
    // that the next call fails the same way instead of running on buffers never allocated.
    let engine: Engine | undefined;
    try {
      let shape = this.layers[0].batchInputShape!;
      for (const l of this.layers) shape = l.build(shape);
      engine = createModelEngine(this);
      const runner = new Runner(engine, this.layers);
      runner.allocateParams(); // allocates every buffer before it draws a seed or writes a weight
      this.engine = engine;
      this.runner = runner;
      return runner;
    } catch (e) {
      engine?.threads?.dispose();
      for (const l of this.layers) l.built = false;
      throw e;
    }
  }

  /**
   * Chooses the optimizer, loss and metrics, and builds the model if needed. Compiling again replaces the
   * optimizer (fresh state) and keeps the weights.
   */
  compile(args: CompileArgs): void {
    checkOptions("compile(args)", args, ["optimizer", "loss", "metrics"]);
    const optimizer = getOptimizer(args.optimizer);
    const loss = getLoss(args.loss);
    const metrics = getMetrics(args.metrics);
    if (this.training) throw new ValueError("compile() was called while fit() is running");
    const units = this.layout().outputDim;
    if ((loss.kind === "cce" || loss.kind === "scce") && units < 2) {
      throw invalid(`compile({ loss: '${loss.name}' })'s output layer width`, units, "at least 2 classes (use binaryCrossentropy for one output)");
    }
    this.build().allocateSlots(optimizer);
    this.compiled = {
      optimizer,
      loss,
      metrics,
      fused: Runner.fusable(this.layers[this.layers.length - 1], loss),
      // The losses but the categorical cross-entropies read dense rows, and so does label smoothing.
      needsOneHot: (loss.kind !== "cce" && loss.kind !== "scce") || loss.labelSmoothing > 0 || metrics.some((m) => m.kind !== "acc" && m.kind !== "categoricalAccuracy" && m.kind !== "topK"),
    };
    for (const l of this.layers) l.deferActivation = false;
    if (this.compiled.fused) this.layers[this.layers.length - 1].deferActivation = true;
  }

  /** Trains for a number of epochs; resolves to a History { epoch, history }. */
  fit(x: InputLike, y: LabelsLike, args: FitArgs = {}): Promise<History> {
    return fit(this, x, y, args);
  }

  /**
   * Trains on batches streamed from a dataset (TF.js's fitDataset): an async or sync iterable of
   * `{ xs, ys }` batches, or a TF.js Dataset. Async: its code loads on first use.
   */
  fitDataset(dataset: DatasetLike, args?: FitDatasetArgs): Promise<History> {
    return import("./dataset.js").then((m) => m.fitDataset(this, dataset, args));
  }

  /**
   * Loss (and metrics) over x, y: a number, or [loss, ...metrics] when metrics were compiled; with
   * `returnDict: true`, { loss, acc, … } keyed as fit logs them (Keras's return_dict).
   */
  evaluate(x: InputLike, y: LabelsLike, args?: { batchSize?: number; returnDict?: false }): number | number[];
  evaluate(x: InputLike, y: LabelsLike, args: { batchSize?: number; returnDict: true }): Record<string, number>;
  evaluate(x: InputLike, y: LabelsLike, args: { batchSize?: number; returnDict?: boolean } = {}): number | number[] | Record<string, number> {
    const { c, runner } = this.ready("evaluate");
    checkOptions("evaluate(x, y, args)", args, ["batchSize", "returnDict"]);
    if (args.returnDict !== undefined && typeof args.returnDict !== "boolean") throw invalid("evaluate({ returnDict })", args.returnDict, "true or false");
    if (this.training) throw new ValueError("evaluate() was called while fit() is running; pass validationData to fit instead");
    const X = toMatrix("evaluate(x)", x, runner.inputShape);
    const Y = compactLabels(c, toLabels("evaluate(y)", y, X.shape[0], runner.outputDim));
    const batchSize = checkPositiveInt("evaluate({ batchSize })", args.batchSize ?? 32);
    const t = this.evaluateData(X, Y, batchSize, new Totals(c.metrics, runner.outputDim));
    if (args.returnDict) return Object.fromEntries([["loss", t.loss / t.rows], ...c.metrics.map((m, i) => [m.name, t.result(i)])]);
    return results(t);
  }

  /** @internal Inference pass with loss and metrics over prepared data (added to t's sums when `more`). */
  evaluateData(X: Matrix, Y: Labels, batchSize: number, t: Totals, more = false): Totals {
    const { c, runner } = this.ready("evaluate");
    runner.plan(Math.min(batchSize, X.shape[0]));
    if (!more) t.reset();
    const n = X.shape[0];
    const oneHot = Y.kind === "ids" && c.needsOneHot;
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      runner.stageX(X, null, start, rows);
      runner.stageY(Y, null, start, rows, oneHot);
      runner.forward(rows, false);
      runner.loss(c, Y, rows, false, false, t);
      runner.accumulate(c, Y, rows, t, false);
    }
    return t;
  }

  /**
   * Outputs for x, as a JS-owned Prediction (data, shape, argMax(), toArray()). Rows are computed
   * independently, so batchSize (default 256; TF.js's is 32) changes the speed and memory, never a bit.
   */
  predict(x: InputLike, args: { batchSize?: number } = {}): Prediction {
    checkOptions("predict(x, args)", args, ["batchSize"]);
    // NaN and Infinity: checked in wasm below once built; before the first build, here (a failed call draws no seed).
    const X = toMatrix("predict(x)", x, this.layout().inputShape, !this.runner);
    const batchSize = checkPositiveInt("predict({ batchSize })", args.batchSize ?? 256);
    if (this.training) throw new ValueError("predict() was called while fit() is running; await fit() first");
    for (const l of this.layers) l.checkReady();
    const runner = this.build();
    const n = X.shape[0];
    runner.plan(Math.min(batchSize, n));
    const out = new Float32Array(n * runner.outputDim);
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      runner.stageX(X, null, start, rows);
      const bad = runner.firstNonFinite(rows);
      if (bad >= 0) throw notFinite("predict(x)", X.data[start * X.shape[1] + bad], start * X.shape[1] + bad, X.shape[1]);
      runner.forward(rows, false);
      runner.copyOutputs(out, start * runner.outputDim, rows);
    }
    return new Prediction(out, [n, runner.outputDim]);
  }

  /** predict on x as one batch. */
  predictOnBatch(x: InputLike): Prediction {
    const X = toMatrix("predictOnBatch(x)", x, this.layout().inputShape);
    return this.predict(X, { batchSize: X.shape[0] });
  }

  /** One gradient step on exactly this batch; returns the loss, or [loss, ...metrics]. */
  trainOnBatch(x: InputLike, y: LabelsLike): number | number[] {
    const { c, runner } = this.ready("trainOnBatch");
    if (this.training) throw new ValueError("trainOnBatch() was called while fit() is running");
    const X = toMatrix("trainOnBatch(x)", x, runner.inputShape);
    const Y = toLabels("trainOnBatch(y)", y, X.shape[0], runner.outputDim);
    const rows = X.shape[0];
    runner.plan(rows);
    const t = new Totals(c.metrics, runner.outputDim);
    this.trainStep(X, Y, null, 0, rows, t);
    return results(t);
  }

  /**
   * The gradients of the loss on (x, y) with respect to every weight, as the next trainOnBatch(x, y)
   * would compute them (one batch, regularization included, before clipping and the optimizer's rule),
   * without applying them: `{ loss, grads }`, grads in getWeights() order. Nothing about the model
   * changes. Async because the code loads on first use. Needs a compiled model (the loss).
   * @example const { grads } = await model.computeGradients([[0, 1]], [1]); // grads[0]: the first kernel's
   */
  computeGradients(x: InputLike, y: LabelsLike): Promise<Gradients> {
    return import("./gradients.js").then((m) => m.computeGradients(this, x, y));
  }

  /** @internal One training step on rows [start, start + rows) of `order` (or of the data), with sample weights W if given. */
  trainStep(X: Matrix, Y: Labels, order: Int32Array | null, start: number, rows: number, t: Totals, W?: SampleWeights): void {
    const c = this.compiled!;
    const runner = this.runner!;
    runner.stageX(X, order, start, rows);
    runner.stageY(Y, order, start, rows, Y.kind === "ids" && c.needsOneHot);
    if (W) runner.stageWeights(W, Y, order, start, rows);
    runner.forward(rows, true);
    runner.loss(c, Y, rows, true, true, t, W !== undefined);
    runner.accumulate(c, Y, rows, t, true);
    runner.backward(rows);
    // Guarding (callbacks.terminateOnNaN): a batch whose loss or gradient is not finite is not applied,
    // and training stops with the weights of before it, the last finite ones.
    if (this.guardNonFinite && (t.sums[2] - t.sums[2] !== 0 || !runner.gradientsFinite())) {
      this.stopTraining = true;
      this.guardStopped = true;
      return;
    }
    runner.update(c);
  }

  /** @internal */
  ready(what: string): { c: Compiled; runner: Runner } {
    this.checkAlive();
    if (!this.compiled || !this.runner) throw new ValueError(`${what}() needs a compiled model: call model.compile({ optimizer, loss }) first`);
    for (const l of this.layers) l.checkReady();
    if (what !== "evaluate" && this.runner.trainedFlags !== this.layers.map((l) => +l.trainable).join("")) {
      throw new ValueError(`${what}(): a layer's trainable changed after compile; call model.compile again to train with it (as in Keras)`);
    }
    return { c: this.compiled, runner: this.runner };
  }

  /**
   * A layer by name, or by index (TF.js's getLayer(name) and getLayer(undefined, index)); a ValueError
   * names the layers when there is none.
   */
  getLayer(name?: string | number, index?: number): Layer {
    const i = typeof name === "number" ? name : name === undefined ? index : this.layers.findIndex((l) => l.name === name);
    const layer = typeof i === "number" ? this.layers[i] : undefined;
    if (!layer) throw invalid(`getLayer(${describe(name ?? index)})`, name ?? index, `a layer's name or index: ${this.layers.map((l, j) => `${j} '${l.name}'`).join(", ")}`);
    return layer;
  }

  /** Prints Keras's table of layers, output shapes and parameter counts, a line at a time (to console.log by default). */
  summary(print: (line: string) => void = console.log): void {
    this.build();
    for (const line of summaryLines(this.name, this.layers)) print(line);
  }

  /** The number of weights in the model. */
  countParams(): number {
    this.build();
    return this.layers.reduce((a, l) => a + l.countParams(), 0);
  }

  /** Copies of every weight in layer order (Dense: kernel [inputs, units], then bias [units]). */
  getWeights(): Weight[] {
    const runner = this.build();
    return runner.params.map((p) => ({ data: runner.readParam(p), shape: [...p.shape] }));
  }

  /** Sets every weight, in getWeights() order; all are checked before any is written. */
  setWeights(weights: { data: ArrayLike<number>; shape: readonly number[] }[]): void {
    const ps = this.layout().params;
    if (!Array.isArray(weights) || weights.length !== ps.length) throw invalid("setWeights(weights)", weights, `an array of ${ps.length} weights (${ps.map((p) => `${p.name} [${p.shape}]`).join(", ")})`);
    // Copied first, then checked, then written: what is checked is what is written (an array-like that
    // changes while it is read cannot slip a value past the checks), and nothing is written unless all pass.
    const copies = weights.map((w, i) => {
      const p = ps[i];
      const what = `setWeights(weights)[${i}]`;
      const shape = w?.shape;
      if (!Array.isArray(shape) || shape.length !== p.shape.length || shape.some((d, j) => d !== p.shape[j])) throw invalid(`${what}.shape`, shape, `[${p.shape}] (${p.name})`);
      const data = w.data;
      if (!data || typeof data !== "object" || data.length !== p.size) throw invalid(`${what}.data`, data, `${p.size} numbers (${p.name})`);
      const copy = toFloat32(`${what}.data`, data, 0, true);
      if (copy.length !== p.size) throw invalid(`${what}.data`, data, `${p.size} numbers (${p.name})`);
      for (let j = 0; j < p.size; j++) {
        if (Number.isFinite(copy[j])) continue;
        const v = Number(data[j]);
        throw new ValueError(`${what}.data must be finite in float32; received ${v} at index ${j} (${p.name})`);
      }
      return copy;
    });
    const runner = this.build();
    copies.forEach((c, i) => runner.writeParam(runner.params[i], c));
    for (const l of this.layers) l.weightsSet();
  }

  /**
   * Gives the model's wasm memory (and its worker threads' instances) back; the model cannot be used
   * afterwards. Called during fit() (from a callback), training stops after the current batch, fit()
   * rejects with a ValueError, and the memory goes when fit() has returned.
   */
  dispose(): void {
    this.disposed = true;
    if (this.training) {
      this.stopTraining = true;
      return;
    }
    this.release();
  }

  /** @internal Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal Frees what dispose() gives back (fit() calls it when it was disposed while training). */
  release(): void {
    this.engine?.threads?.dispose();
    this.runner = undefined;
    this.engine = undefined;
    this.compiled = undefined;
  }

  private checkAlive(): void {
    if (this.disposed) throw new ValueError(`model ${this.name} has been disposed`);
  }
}

/**
 * A model of layers in a stack (TF.js's tf.sequential): `{ layers, name }`. The first layer needs
 * `inputShape` (or `inputDim`).
 * @example
 * const model = sequential({ layers: [
 *   layers.dense({ units: 16, activation: "relu", inputShape: [4] }),
 *   layers.dense({ units: 3, activation: "softmax" }),
 * ] });
 */
export function sequential(args?: { layers?: Layer[]; name?: string }): Sequential {
  return new Sequential(args);
}
