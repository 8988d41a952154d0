// model.fit: epochs of shuffled mini-batches (batchSize = n is full-batch gradient descent, 1 is
// stochastic), validation, callbacks and the History. Yields to the event loop every `yieldEvery`
// batches. A step allocates nothing: per-fit objects (the index order, one logs object) are made
// before the first batch.
import type { Sequential } from "./sequential.js";
import { compactLabels, Totals, type SampleWeights } from "./runner.js";
import type { Progress } from "./progress.js";
import { nextTurn } from "./yield.js";
import { HOOKS, TerminateOnNaN, type Callback, type Logs } from "../callbacks.js";
import { toLabels, toMatrix, sliceLabels, sliceRows, type InputLike, type Labels, type LabelsLike, type Matrix } from "../data.js";
import { checkNumber, checkOptions, checkPositiveInt, invalid, ValueError } from "../errors.js";
import { seedStream, STREAM } from "../initializers.js";

/** The options of model.fit (TF.js's names; any other key is a ValueError naming the nearest valid one). */
export interface FitArgs {
  /** Epochs to train (1): passes over the data. */
  epochs?: number;
  /** Samples per gradient step (32): the number of samples gives full-batch gradient descent, 1 stochastic. */
  batchSize?: number;
  /** Shuffle the samples before each epoch (true), from the model's own seeded stream. */
  shuffle?: boolean;
  /** A fraction in (0, 1): the last samples (as Keras, before shuffling) are held out for validation. */
  validationSplit?: number;
  /** [x, y] to validate on after each epoch (logged as val_loss, val_acc, …). */
  validationData?: [InputLike, LabelsLike];
  /** The epoch to start counting from (0), to resume a run: epochs is the last epoch's number + 1. */
  initialEpoch?: number;
  /** 1: progress bar (TTY) or a line per epoch; 2: a line per epoch; 0: silent. Default 1 in Node, 0 elsewhere. */
  verbose?: 0 | 1 | 2;
  /** Callbacks: objects with hooks (onEpochEnd, …) or the built-in `callbacks.*`. */
  callbacks?: Callback | Callback[];
  /** Yield to the event loop every this many batches (default 32), or 'batch', 'epoch', 'never'. */
  yieldEvery?: number | "batch" | "epoch" | "never";
  /** Seeds shuffling and dropout for this fit; by default they continue their own streams. */
  seed?: number;
  /**
   * Weights of the classes in the loss, `{ [class]: weight }` (Keras's class_weight): each sample's loss
   * is multiplied by its class's weight (1 for a class not listed). The class is the class id, the
   * one-hot row's argmax, or a single output's 0/1 label. Not applied to validation.
   */
  classWeight?: Record<number, number>;
  /**
   * One weight per sample (Keras's sample_weight), multiplied into its loss (and with classWeight's): the
   * loss is sum(w_i loss_i) / batch size, as Keras reduces it. Metrics stay unweighted, as Keras's `metrics`.
   */
  sampleWeight?: ArrayLike<number>;
}

/** What fit resolves to, as TF.js's History. */
export interface History {
  /** The epochs that ran (their numbers). */
  epoch: number[];
  /** Per logged key ("loss", "acc", "val_loss", …), its value at the end of each epoch. */
  history: Record<string, number[]>;
  /** What the fit was asked to do. */
  params: {
    /** The epochs asked for. */
    epochs: number;
    /** The first epoch's number. */
    initialEpoch: number;
    /** Training samples per epoch. */
    samples: number;
    /** Samples per step. */
    batchSize: number;
    /** Steps per epoch. */
    steps: number;
  };
  /**
   * The first batch whose loss (or, with callbacks.terminateOnNaN, gradient) was NaN or infinite, if one
   * was; `applied` says whether its update ran (false when terminateOnNaN stopped training before it).
   */
  nonFinite?: {
    /** The epoch of that batch. */
    epoch: number;
    /** The batch, counted from 0 in its epoch. */
    batch: number;
    /** Its loss (NaN or ±Infinity, or finite when only the gradient was not). */
    loss: number;
    /** Whether its update was applied. */
    applied: boolean;
  };
}

const FIT_OPTIONS = ["epochs", "batchSize", "shuffle", "validationSplit", "validationData", "initialEpoch", "verbose", "callbacks", "yieldEvery", "seed", "classWeight", "sampleWeight"];
const isNode = () => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";

/** An epoch's logs: the loss and metrics, and the validation's (val_*) when there is one. */
export function epochLogs(t: Totals, val: Totals | undefined): Logs {
  const logs: Logs = { loss: t.loss / t.rows };
  t.list.forEach((m, i) => (logs[m.name] = t.result(i)));
  if (val) {
    logs.val_loss = val.loss / val.rows;
    val.list.forEach((m, i) => (logs[`val_${m.name}`] = val.result(i)));
  }
  return logs;
}

/** The end of an epoch, as fit and fitDataset share it: History, the progress line, onEpochEnd, a turn of the event loop. */
export async function endEpoch(model: Sequential, history: History, epoch: number, logs: Logs, progress: Progress | undefined, call: (hook: keyof Callback, ...a: unknown[]) => Promise<void>, turn: boolean, what: string): Promise<void> {
  history.epoch.push(epoch);
  for (const [key, v] of Object.entries(logs)) history.history[key].push(v);
  progress?.epochEnd(epoch, logs);
  await call("onEpochEnd", epoch, logs);
  if (turn) await nextTurn();
  if (model.isDisposed) throw new ValueError(`model ${model.name} was disposed during ${what}(); training stopped`);
}

/** The options fit and fitDataset share, checked: epochs, initialEpoch, verbose and yieldEvery (0: never). */
export function loopOptions(what: string, a: Pick<FitArgs, "epochs" | "initialEpoch" | "verbose" | "yieldEvery">): { epochs: number; initialEpoch: number; verbose: 0 | 1 | 2; yieldEvery: number; yieldEpoch: boolean } {
  const epochs = checkPositiveInt(`${what}({ epochs })`, a.epochs ?? 1);
  const initialEpoch = a.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) throw invalid(`${what}({ initialEpoch })`, a.initialEpoch, `an integer in [0, ${epochs - 1}] (below epochs)`);
  const verbose = a.verbose ?? (isNode() ? 1 : 0);
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw invalid(`${what}({ verbose })`, a.verbose, "0, 1 or 2");
  const ye = a.yieldEvery ?? 32;
  const yieldEvery = ye === "batch" ? 1 : ye === "epoch" || ye === "never" ? 0 : ye;
  if (typeof yieldEvery !== "number" || !Number.isInteger(yieldEvery) || yieldEvery < 0) throw invalid(`${what}({ yieldEvery })`, ye, "a positive integer number of batches, 'batch', 'epoch' or 'never'");
  return { epochs, initialEpoch, verbose, yieldEvery, yieldEpoch: ye === "epoch" };
}

/** Marks the model as training (terminateOnNaN guards the steps) and starts the callbacks. */
export async function beginTraining(model: Sequential, cbs: Callback[], call: (hook: keyof Callback, ...a: unknown[]) => Promise<void>): Promise<void> {
  model.training = true;
  model.stopTraining = false;
  model.guardNonFinite = cbs.some((cb) => cb instanceof TerminateOnNaN);
  model.guardStopped = false;
  for (const cb of cbs) cb.setModel?.(model);
  await call("onTrainBegin", {});
}

/** Ends training; a model disposed during it gives its memory back now (then true). */
export function endTraining(model: Sequential): boolean {
  model.training = false;
  model.guardNonFinite = false;
  if (model.isDisposed) model.release();
  return model.isDisposed;
}

/** The callbacks argument as a list, each checked (a misspelled hook would never be called). */
export function checkCallbacks(what: string, callbacks: Callback | Callback[] | undefined): Callback[] {
  const cbs: Callback[] = callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
  cbs.forEach((cb, i) => {
    if (cb === null || typeof cb !== "object") throw invalid(`${what}({ callbacks })[${i}]`, cb, "an object with onEpochEnd, onBatchEnd, ... methods");
    // Plain objects' keys are checked; a class's methods are not enumerable.
    for (const k in cb) if (/^on[A-Z]/.test(k) && !(HOOKS as readonly string[]).includes(k)) throw invalid(`${what}({ callbacks })[${i}] key`, k, `a hook: ${HOOKS.join(", ")}`);
    for (const h of HOOKS) if (cb[h] !== undefined && typeof cb[h] !== "function") throw invalid(`${what}({ callbacks })[${i}].${h}`, cb[h], "a function");
  });
  return cbs;
}

/** Calls a hook on every callback in order, awaiting each; a model disposed by one stops training. */
export function hookCaller(model: Sequential, cbs: Callback[], what: string): (hook: keyof Callback, ...a: unknown[]) => Promise<void> {
  return async (hook, ...a) => {
    for (const cb of cbs) {
      const f = cb[hook] as ((...x: unknown[]) => unknown) | undefined;
      if (!f) continue;
      const r = f.apply(cb, a);
      if (r && typeof (r as Promise<void>).then === "function") await r;
      if (model.isDisposed) throw new ValueError(`model ${model.name} was disposed during ${what}() (by a callback's ${hook}); training stopped`);
    }
  };
}

export async function fit(model: Sequential, x: InputLike, y: LabelsLike, args: FitArgs = {}): Promise<History> {
  if (model.training) throw new ValueError("fit() was called while another fit() of this model is running; await the first");
  const { c, runner } = model.ready("fit");
  checkOptions("fit(x, y, args)", args, FIT_OPTIONS);
  // Check everything before touching the model.
  let X = toMatrix("fit(x)", x, runner.inputShape);
  const compact = (l: Labels) => compactLabels(c, l);
  let Y = compact(toLabels("fit(y)", y, X.shape[0], runner.outputDim));
  const { epochs, initialEpoch, verbose, yieldEvery, yieldEpoch } = loopOptions("fit", args);
  const batchSizeArg = checkPositiveInt("fit({ batchSize })", args.batchSize ?? 32);
  if (args.shuffle !== undefined && typeof args.shuffle !== "boolean") throw invalid("fit({ shuffle })", args.shuffle, "true or false");
  if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0 || args.seed >= 2 ** 53)) throw invalid("fit({ seed })", args.seed, "a non-negative integer");
  const cbs = checkCallbacks("fit", args.callbacks);
  // Loaded on first use: an app that never weighs samples does not carry the checks.
  let W = args.sampleWeight !== undefined || args.classWeight !== undefined ? (await import("./weights.js")).sampleWeights(args, Y, runner.outputDim) : undefined;
  let val: { X: Matrix; Y: Labels } | undefined;
  if (args.validationData !== undefined) {
    if (!Array.isArray(args.validationData) || args.validationData.length !== 2) throw invalid("fit({ validationData })", args.validationData, "[x, y]");
    const vx = toMatrix("fit({ validationData })[0]", args.validationData[0], runner.inputShape);
    val = { X: vx, Y: compact(toLabels("fit({ validationData })[1]", args.validationData[1], vx.shape[0], runner.outputDim)) };
  } else if (args.validationSplit !== undefined) {
    const split = checkNumber("fit({ validationSplit })", args.validationSplit, 0, 1, true, true);
    const n = X.shape[0];
    const nVal = Math.floor(n * split);
    if (nVal < 1 || nVal >= n) throw invalid("fit({ validationSplit })", split, `a fraction leaving at least one sample on each side (${n} samples)`);
    // As Keras: the last samples, taken before any shuffling.
    val = { X: sliceRows(X, n - nVal, n), Y: sliceLabels(Y, n - nVal, n) };
    X = sliceRows(X, 0, n - nVal);
    Y = sliceLabels(Y, 0, n - nVal);
    if (W?.sample) W.sample = W.sample.slice(0, n - nVal);
  }

  const keys = ["loss", ...c.metrics.map((m) => m.name)];
  const logKeys = val ? [...keys, ...keys.map((k) => `val_${k}`)] : keys;
  for (const cb of cbs) cb.checkKeys?.(logKeys); // a callback that needs a key fit will not log fails now, not after an epoch

  const n = X.shape[0];
  const batchSize = Math.min(batchSizeArg, n);
  const steps = Math.ceil(n / batchSize);
  const valBatch = val ? Math.min(batchSizeArg, val.X.shape[0]) : 0;
  runner.plan(Math.max(batchSize, valBatch));
  const orderMark = runner.arena.mark();
  const orderPtr = runner.arena.alloc(n * 4);
  const order = Int32Array.from({ length: n }, (_, i) => i);

  if (args.seed !== undefined) {
    const s = args.seed;
    seedStream(runner.k, runner.shuffleState, s, STREAM.shuffle);
    model.layers.forEach((l, i) => l.reseed(runner.k, (s + 1 + i) >>> 0));
  }

  const history: History = { epoch: [], history: {}, params: { epochs, initialEpoch, samples: n, batchSize, steps } };
  for (const key of keys) history.history[key] = [];
  if (val) for (const key of keys) history.history[`val_${key}`] = [];
  const totals = new Totals(c.metrics, runner.outputDim);
  const valTotals = new Totals(c.metrics, runner.outputDim);
  const batchLogs: Logs = { batch: 0, size: 0, loss: 0 };
  const barLogs: Logs = { loss: 0 }; // the progress bar shows the epoch's running means, as Keras does
  for (const m of c.metrics) batchLogs[m.name] = barLogs[m.name] = 0;
  const wantBatchLogs = cbs.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
  // The progress bar loads only where it is shown (Node's default; browsers default to silent).
  const progress: Progress | undefined = verbose ? new (await import("./progress.js")).Progress(epochs, n, steps, verbose) : undefined;
  const call = hookCaller(model, cbs, "fit");

  const bad = new Float64Array(2).fill(-1); // [first batch whose loss was not finite, its loss], per epoch
  try {
    await beginTraining(model, cbs, call);
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await call("onEpochBegin", epoch, {});
      progress?.epochBegin(epoch);
      if (args.shuffle ?? true) runner.shuffle(order, orderPtr);
      totals.reset();
      // Batches run in spans inside a synchronous function (trainSpan): V8 keeps an async function's
      // locals in its generator, which would box doubles on every batch. A span ends where fit must
      // await: a batch callback, or a turn of the event loop every `yieldEvery` batches.
      const span = wantBatchLogs ? 1 : Math.min(yieldEvery > 0 ? yieldEvery : steps, progress ? progress.every : steps);
      for (let b = 0; b < steps && !model.stopTraining; b += span) {
        const end = Math.min(steps, b + span);
        if (wantBatchLogs) {
          batchLogs.batch = b;
          batchLogs.size = Math.min(batchSize, n - b * batchSize);
          await call("onBatchBegin", b, batchLogs);
        }
        trainSpan(model, X, Y, W, order, b, end, batchSize, n, totals, bad);
        if (bad[0] >= 0 && !history.nonFinite) {
          history.nonFinite = { epoch, batch: bad[0], loss: bad[1], applied: !model.guardStopped };
          (await import("./diverged.js")).warnNonFinite(model.name, history.nonFinite); // loaded only when training diverges
        }
        if (wantBatchLogs || progress) {
          batchLogs.loss = totals.last;
          barLogs.loss = totals.loss / totals.rows;
          c.metrics.forEach((m, i) => (batchLogs[m.name] = barLogs[m.name] = totals.result(i)));
        }
        if (wantBatchLogs) await call("onBatchEnd", b, batchLogs);
        progress?.batchEnd(b, Math.min(n, end * batchSize), barLogs);
        if (yieldEvery > 0 && Math.floor(end / yieldEvery) > Math.floor(b / yieldEvery) && end < steps) {
          await nextTurn();
          if (model.isDisposed) throw new ValueError(`model ${model.name} was disposed during fit(); training stopped`);
        }
      }
      if (val) model.evaluateData(val.X, val.Y, valBatch, valTotals);
      await endEpoch(model, history, epoch, epochLogs(totals, val && valTotals), progress, call, yieldEpoch, "fit");
    }
    await call("onTrainEnd", {});
  } finally {
    if (!endTraining(model)) runner.arena.release(orderMark);
  }
  return history;
}

/**
 * Training steps for batches [b0, b1) of an epoch (no awaits, so no boxed locals). The first batch
 * whose loss is not finite is noted in `bad` (its index and loss).
 */
function trainSpan(model: Sequential, X: Matrix, Y: Labels, W: SampleWeights | undefined, order: Int32Array, b0: number, b1: number, batchSize: number, n: number, totals: Totals, bad: Float64Array): void {
  for (let b = b0; b < b1 && !model.stopTraining; b++) {
    const start = b * batchSize;
    model.trainStep(X, Y, order, start, Math.min(batchSize, n - start), totals, W);
    if (bad[0] < 0 && (totals.sums[2] - totals.sums[2] !== 0 || model.guardStopped)) {
      bad[0] = b;
      bad[1] = totals.sums[2];
    }
  }
}


