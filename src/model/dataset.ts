// model.fitDataset: training on batches streamed from a dataset — any async or sync iterable of
// { xs, ys } batches, or an object with TF.js's iterator() — so that data need not fit in memory. As
// TF.js: without batchesPerEpoch an epoch runs the dataset to its end and the next epoch asks for a new
// iterator; with it, one iterator is read across epochs, batchesPerEpoch batches each, and training stops
// (with a warning) when it runs out. Batches may differ in size; the model's buffers grow to the largest
// (wasm memory is planned then, never during a step). Loaded on first use.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Sequential } from "./sequential.js";
import { compactLabels, Totals } from "./runner.js";
import { nextTurn } from "./yield.js";
import { beginTraining, checkCallbacks, endEpoch, endTraining, epochLogs, hookCaller, loopOptions, type History } from "./fit.js";
import type { Callback, Logs } from "../callbacks.js";
import { toLabels, toMatrix, type InputLike, type Labels, type LabelsLike, type Matrix } from "../data.js";
import { checkOptions, checkPositiveInt, invalid, ValueError } from "../errors.js";

/** One batch of a dataset: inputs and labels in any form fit takes (arrays, { data, shape }, TF.js tensors). */
export interface Batch {
  /** The batch's inputs. */
  xs: InputLike;
  /** The batch's labels. */
  ys: LabelsLike;
}

/** What fitDataset reads: an (async) iterable of batches, or TF.js's Dataset (its iterator()). */
export type DatasetLike =
  | AsyncIterable<Batch>
  | Iterable<Batch>
  | {
    /** TF.js's Dataset.iterator(): an iterator whose next() gives (a promise of) { value, done }. */
    iterator(): Promise<BatchIterator> | BatchIterator;
  };

/** An iterator of batches, as TF.js's Dataset.iterator() gives one. */
export interface BatchIterator {
  /** The next batch: (a promise of) { value, done }. */
  next(): Promise<IteratorResult<Batch>> | IteratorResult<Batch>;
}

/** The options of model.fitDataset (TF.js's names; any other key is a ValueError). */
export interface FitDatasetArgs {
  /** Epochs to train (1). */
  epochs?: number;
  /** Batches per epoch; without it an epoch is one pass over the dataset (which must then be re-iterable). */
  batchesPerEpoch?: number;
  /** [x, y] arrays, or a dataset of batches, evaluated after each epoch (val_loss, val_acc, …). */
  validationData?: [InputLike, LabelsLike] | DatasetLike;
  /** With a validation dataset: at most this many of its batches per evaluation (all of them by default). */
  validationBatches?: number;
  /** The epoch to start counting from (0). */
  initialEpoch?: number;
  /** 0: silent; 1 or 2: a line per epoch (Node's default 1; 0 elsewhere). */
  verbose?: 0 | 1 | 2;
  /** Callbacks, as fit's. */
  callbacks?: Callback | Callback[];
  /** Yield to the event loop every this many batches (default 32), or 'batch', 'epoch', 'never'. */
  yieldEvery?: number | "batch" | "epoch" | "never";
  /** Weights of the classes in the loss, as fit's. */
  classWeight?: Record<number, number>;
}

type Iter = BatchIterator;

/** A new iterator over the dataset (TF.js's iterator(), Symbol.asyncIterator or Symbol.iterator). */
async function iterate(what: string, d: unknown): Promise<Iter> {
  if (d && typeof d === "object") {
    const o = d as Record<string | symbol, unknown>;
    if (typeof o.iterator === "function") return (await (o.iterator as () => Promise<Iter> | Iter).call(d)) as Iter;
    if (typeof o[Symbol.asyncIterator] === "function") return (o[Symbol.asyncIterator] as () => Iter).call(d);
    if (typeof o[Symbol.iterator] === "function" && !Array.isArray(d)) return (o[Symbol.iterator] as () => Iter).call(d);
  }
  throw invalid(what, d, "a dataset: an async or sync iterable of { xs, ys } batches, or an object with TF.js's iterator()");
}

/** The next batch, checked and converted, or undefined at the end of the data. */
async function nextBatch(it: Iter, what: string, shape: number[], units: number): Promise<{ X: Matrix; Y: Labels } | undefined> {
  const r = await it.next();
  if (!r || typeof r !== "object") throw invalid(`${what}: the iterator's next()`, r, "{ value, done }");
  if (r.done) return undefined;
  const b = r.value as Partial<Batch> | undefined;
  if (!b || typeof b !== "object" || !("xs" in b) || !("ys" in b)) throw invalid(what, b, "{ xs, ys }");
  const X = toMatrix(`${what}.xs`, b.xs, shape);
  return { X, Y: toLabels(`${what}.ys`, b.ys, X.shape[0], units) };
}

export async function fitDataset(model: Sequential, dataset: DatasetLike, args: FitDatasetArgs = {}): Promise<History> {
  if (model.training) throw new ValueError("fitDataset() was called while another fit of this model is running; await the first");
  const { c, runner } = model.ready("fitDataset");
  checkOptions("fitDataset(dataset, args)", args, ["epochs", "batchesPerEpoch", "validationData", "validationBatches", "initialEpoch", "verbose", "callbacks", "yieldEvery", "classWeight"]);
  const { epochs, initialEpoch, verbose, yieldEvery, yieldEpoch } = loopOptions("fitDataset", args);
  const perEpoch = args.batchesPerEpoch === undefined ? undefined : checkPositiveInt("fitDataset({ batchesPerEpoch })", args.batchesPerEpoch);
  const valBatches = args.validationBatches === undefined ? Infinity : checkPositiveInt("fitDataset({ validationBatches })", args.validationBatches);
  const cbs = checkCallbacks("fitDataset", args.callbacks);
  // The class weights' table, checked once (each batch's single-output labels are checked to be 0/1).
  const w8 = args.classWeight !== undefined ? await import("./weights.js") : undefined;
  const W = w8 && { classes: w8.classTable("fitDataset({ classWeight })", args.classWeight, runner.outputDim) };
  const shape = runner.inputShape, units = runner.outputDim;
  // Validation: arrays (converted once) or a dataset (read each epoch).
  let valArrays: { X: Matrix; Y: Labels } | undefined;
  const vd = args.validationData;
  if (Array.isArray(vd)) {
    if (vd.length !== 2) throw invalid("fitDataset({ validationData })", vd, "[x, y] or a dataset");
    const vx = toMatrix("fitDataset({ validationData })[0]", vd[0], shape);
    valArrays = { X: vx, Y: compactLabels(c, toLabels("fitDataset({ validationData })[1]", vd[1], vx.shape[0], units)) };
  } else if (vd !== undefined) await iterate("fitDataset({ validationData })", vd); // a dataset: checked to be one now
  const keys = ["loss", ...c.metrics.map((m) => m.name)];
  const logKeys = vd !== undefined ? [...keys, ...keys.map((k) => `val_${k}`)] : keys;
  for (const cb of cbs) cb.checkKeys?.(logKeys);
  const it0 = await iterate("fitDataset(dataset)", dataset);

  const history: History = { epoch: [], history: {}, params: { epochs, initialEpoch, samples: 0, batchSize: 0, steps: perEpoch ?? 0 } };
  for (const key of logKeys) history.history[key] = [];
  const totals = new Totals(c.metrics, units), valTotals = new Totals(c.metrics, units);
  const progress = verbose ? new (await import("./progress.js")).Progress(epochs, 0, 1, 2) : undefined;
  const call = hookCaller(model, cbs, "fitDataset");
  const grow = (rows: number) => runner.plan(rows); // plans only when a batch is larger than any before
  let it: Iter | undefined = it0;
  let batchTotal = 0;
  try {
    await beginTraining(model, cbs, call);
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await call("onEpochBegin", epoch, {});
      progress?.epochBegin(epoch);
      totals.reset();
      if (!it) it = await iterate("fitDataset(dataset)", dataset); // a pass per epoch: a new iterator
      let b = 0;
      for (; (perEpoch === undefined || b < perEpoch) && !model.stopTraining; b++) {
        const what = `fitDataset(dataset) batch ${b} of epoch ${epoch}`;
        const batch = await nextBatch(it, what, shape, units);
        if (!batch) break;
        const rows = batch.X.shape[0];
        const Y = compactLabels(c, batch.Y);
        w8?.checkClasses(`${what}.ys with classWeight`, Y);
        const logs: Logs = { batch: b, size: rows };
        await call("onBatchBegin", b, logs);
        grow(rows);
        model.trainStep(batch.X, Y, null, 0, rows, totals, W);
        logs.loss = totals.last;
        await call("onBatchEnd", b, logs);
        if (++batchTotal % (yieldEvery || Infinity) === 0) await nextTurn();
        if (model.isDisposed) throw new ValueError(`model ${model.name} was disposed during fitDataset(); training stopped`);
      }
      if (perEpoch === undefined) it = undefined;
      else if (b < perEpoch && !model.stopTraining) {
        console.warn(`fitDataset(): batchesPerEpoch is ${perEpoch}, but the dataset ran out of data after ${b} batches of epoch ${epoch}; training stops (as TF.js does)`);
        model.stopTraining = true;
      }
      if (b === 0 && !model.stopTraining) throw new ValueError(`fitDataset(dataset) gave no batch in epoch ${epoch}: without batchesPerEpoch each epoch reads the dataset anew, so it must be re-iterable (an iterator, such as a generator object, is read once)`);
      if (totals.rows === 0) break;
      if (valArrays) model.evaluateData(valArrays.X, valArrays.Y, Math.min(256, valArrays.X.shape[0]), valTotals);
      else if (vd !== undefined) {
        valTotals.reset();
        const vit = await iterate("fitDataset({ validationData })", vd);
        for (let v = 0; v < valBatches; v++) {
          const batch = await nextBatch(vit, `fitDataset({ validationData }) batch ${v}`, shape, units);
          if (!batch) break;
          grow(batch.X.shape[0]);
          model.evaluateData(batch.X, compactLabels(c, batch.Y), batch.X.shape[0], valTotals, true);
        }
      }
      history.params.samples = totals.rows;
      if (progress) progress.samples = totals.rows;
      await endEpoch(model, history, epoch, epochLogs(totals, vd === undefined ? undefined : valTotals), progress, call, yieldEpoch, "fitDataset");
    }
    await call("onTrainEnd", {});
  } finally {
    endTraining(model);
  }
  return history;
}
