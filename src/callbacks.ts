// Training callbacks: plain objects with optional hooks (may be async), plus Keras's earlyStopping
// (restoreBestWeights works), terminateOnNaN and a learning-rate schedule.
import { checkNumber, checkOptions, invalid } from "./errors.js";
import type { Weight } from "./data.js";

/** What fit reports to callbacks: "loss", each metric ("acc", "mse", …), and with validation "val_loss", "val_acc", …; batch logs also "batch" and "size". */
export type Logs = Record<string, number>;

/** What a callback sees of the model it trains. */
export interface ModelLike {
  /** Set it to end fit after the current batch. */
  stopTraining: boolean;
  /** The weights (copies). */
  getWeights(): Weight[];
  /** Sets the weights. */
  setWeights(w: Weight[]): void;
  /** The optimizer, whose learningRate can be set. */
  readonly optimizer: {
    /** The step size. */
    learningRate: number;
  } | undefined;
}

/**
 * A callback: any object with some of these hooks, in TF.js's and Keras's camelCase names (a misspelled hook,
 * or one that is not a function, is a ValueError before training starts). Hooks may be async: fit awaits them.
 * `model.stopTraining = true` from a hook ends training after the current batch.
 * @example await model.fit(x, y, { callbacks: [{ onEpochEnd: (epoch, logs) => console.log(epoch, logs?.loss) }] });
 */
export interface Callback {
  /** Called once by fit with the model being trained. */
  setModel?(model: ModelLike): void;
  /** @internal Called by fit before training with the keys its logs will hold; throws if one it needs is missing. */
  checkKeys?(keys: string[]): void;
  /** Before the first epoch. */
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  /** After the last epoch (or the one training stopped in). */
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  /** Before each epoch (epochs count from 0, or from initialEpoch). */
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  /** After each epoch, with its mean loss and metrics (and validation's). */
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  /** Before each batch (batches count from 0 in each epoch). Giving a batch hook makes fit report every batch. */
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  /** After each batch, with its loss and metrics. */
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/** The hooks fit calls, in TF.js's and Keras's camelCase spelling. */
export const HOOKS = ["onTrainBegin", "onTrainEnd", "onEpochBegin", "onEpochEnd", "onBatchBegin", "onBatchEnd"] as const;

/** The options of callbacks.earlyStopping, Keras's names and defaults. */
export interface EarlyStoppingArgs {
  /** The logged key to watch ("val_loss"; without validation data, "loss"). */
  monitor?: string;
  /** The least change that counts as an improvement (0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (0). */
  patience?: number;
  /** "min", "max", or "auto" (the default: "max" for accuracy keys, else "min"). */
  mode?: "auto" | "min" | "max";
  /** A value the monitored key must beat to count as improving at all. */
  baseline?: number;
  /** On stopping, restore the weights of the best epoch (false). */
  restoreBestWeights?: boolean;
  /** TF.js's option; only 0. */
  verbose?: 0;
}

/** Stops when `monitor` has not improved by minDelta for `patience` epochs (Keras semantics). */
export class EarlyStopping implements Callback {
  /** The logged key watched. */
  readonly monitor: string;
  /** The least change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** Whether lower ("min") or higher ("max") is better. */
  readonly mode: "min" | "max";
  /** The value to beat, if given. */
  readonly baseline?: number;
  /** Whether the best epoch's weights come back on stopping. */
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped in (0 if it did not stop early). */
  stoppedEpoch = 0;
  private model?: ModelLike;
  private best = 0;
  private wait = 0;
  private bestWeights?: { data: Float32Array; shape: number[] }[];

  /** Use `callbacks.earlyStopping(args)`. */
  constructor(a: EarlyStoppingArgs = {}) {
    checkOptions("callbacks.earlyStopping(args)", a, ["monitor", "minDelta", "patience", "mode", "baseline", "restoreBestWeights", "verbose"]);
    if (a.baseline !== undefined) checkNumber("callbacks.earlyStopping({ baseline })", a.baseline, -1e300, 1e300);
    if (a.restoreBestWeights !== undefined && typeof a.restoreBestWeights !== "boolean") throw invalid("callbacks.earlyStopping({ restoreBestWeights })", a.restoreBestWeights, "true or false");
    if (a.verbose !== undefined && a.verbose !== 0) throw invalid("callbacks.earlyStopping({ verbose })", a.verbose, "0 (it prints nothing; its stoppedEpoch says when it stopped)");
    ({ monitor: this.monitor, mode: this.mode } = watch("callbacks.earlyStopping", a.monitor, a.mode));
    this.minDelta = Math.abs(checkNumber("callbacks.earlyStopping({ minDelta })", a.minDelta ?? 0, -1e30, 1e30));
    this.patience = count("callbacks.earlyStopping({ patience })", a.patience ?? 0);
    this.baseline = a.baseline;
    this.restoreBestWeights = a.restoreBestWeights ?? false;
  }

  /** @internal */
  setModel(model: ModelLike): void {
    this.model = model;
  }

  /** @internal */
  checkKeys(keys: string[]): void {
    if (keys.includes(this.monitor)) return;
    const hint = this.monitor.startsWith("val_") && !keys.some((k) => k.startsWith("val_")) ? " (val_ keys need validationData or validationSplit)" : "";
    throw invalid("callbacks.earlyStopping({ monitor })", this.monitor, `one of the keys fit() logs: ${keys.map((k) => `'${k}'`).join(", ")}${hint}`);
  }

  private better(a: number, b: number): boolean {
    return this.mode === "min" ? a < b - this.minDelta : a > b + this.minDelta;
  }

  /** @internal */
  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline ?? (this.mode === "min" ? Infinity : -Infinity);
    this.bestWeights = undefined;
  }

  /** @internal */
  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) throw invalid("callbacks.earlyStopping({ monitor })", this.monitor, `one of the logged keys: ${Object.keys(logs).join(", ")}`);
    if (this.restoreBestWeights && this.bestWeights === undefined) this.bestWeights = this.model?.getWeights();
    this.wait++;
    if (this.better(current, this.best)) {
      this.best = current;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = this.model?.getWeights();
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (this.model) {
        this.model.stopTraining = true;
        if (this.restoreBestWeights && this.bestWeights) this.model.setWeights(this.bestWeights);
      }
    }
  }
}

/**
 * Stops training at the first batch whose loss or gradient is NaN or infinite, before its update: the
 * model keeps its last finite weights (Keras's stops after it, with the weights already NaN). fit does
 * the checking (a pass over the gradients per batch, only while this callback is given); History's
 * nonFinite says which batch.
 */
export class TerminateOnNaN implements Callback {}

/** Sets the optimizer's learning rate at the start of each epoch from schedule(epoch, currentRate). */
export class LearningRateScheduler implements Callback {
  private model?: ModelLike;
  /** Use `callbacks.learningRateScheduler(schedule)`. */
  constructor(private readonly schedule: (epoch: number, lr: number) => number) {
    if (typeof schedule !== "function") throw invalid("callbacks.learningRateScheduler(schedule)", schedule, "a function (epoch, lr) => lr");
  }
  /** @internal */
  setModel(model: ModelLike): void {
    this.model = model;
  }
  /** @internal */
  onEpochBegin(epoch: number): void {
    const opt = this.model?.optimizer;
    if (!opt) return;
    const lr = this.schedule(epoch, opt.learningRate);
    opt.learningRate = checkNumber("learningRateScheduler's schedule(epoch, lr) result", lr, 0, 1e6);
  }
}

/** The options of callbacks.reduceLROnPlateau, Keras's names and defaults. */
export interface ReduceLROnPlateauArgs {
  /** The logged key to watch ("val_loss"). */
  monitor?: string;
  /** The factor the learning rate is multiplied by, in (0, 1) (0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (10). */
  patience?: number;
  /** "min", "max", or "auto" (the default: "max" for accuracy keys, else "min"). */
  mode?: "auto" | "min" | "max";
  /** The least change that counts as an improvement (1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (0). */
  cooldown?: number;
  /** The learning rate is never reduced below this (0). */
  minLr?: number;
}

/**
 * Multiplies the learning rate by `factor` when `monitor` has not improved by `minDelta` for `patience`
 * epochs, then waits `cooldown` epochs; never below `minLr` (Keras's ReduceLROnPlateau, step for step).
 */
export class ReduceLROnPlateau implements Callback {
  /** The logged key watched. */
  readonly monitor: string;
  /** The factor of each reduction. */
  readonly factor: number;
  /** Epochs without improvement before a reduction. */
  readonly patience: number;
  /** Whether lower ("min") or higher ("max") is better. */
  readonly mode: "min" | "max";
  /** The least change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs of rest after a reduction. */
  readonly cooldown: number;
  /** The floor of the learning rate. */
  readonly minLr: number;
  private model?: ModelLike;
  private best = 0;
  private wait = 0;
  private cooldownCounter = 0;

  /** Use `callbacks.reduceLROnPlateau(args)`. */
  constructor(a: ReduceLROnPlateauArgs = {}) {
    const what = "callbacks.reduceLROnPlateau";
    checkOptions(`${what}(args)`, a, ["monitor", "factor", "patience", "mode", "minDelta", "cooldown", "minLr"]);
    ({ monitor: this.monitor, mode: this.mode } = watch(what, a.monitor, a.mode));
    this.factor = checkNumber(`${what}({ factor })`, a.factor ?? 0.1, 0, 1);
    if (!(this.factor > 0 && this.factor < 1)) throw invalid(`${what}({ factor })`, a.factor, "a number in (0, 1): the rate is multiplied by it");
    this.patience = count(`${what}({ patience })`, a.patience ?? 10);
    this.cooldown = count(`${what}({ cooldown })`, a.cooldown ?? 0);
    this.minDelta = Math.abs(checkNumber(`${what}({ minDelta })`, a.minDelta ?? 1e-4, -1e30, 1e30));
    this.minLr = checkNumber(`${what}({ minLr })`, a.minLr ?? 0, 0, 1e6);
  }

  /** @internal */
  setModel(model: ModelLike): void {
    this.model = model;
  }

  /** @internal */
  checkKeys(keys: string[]): void {
    if (!keys.includes(this.monitor)) throw unlogged("callbacks.reduceLROnPlateau({ monitor })", this.monitor, keys);
  }

  /** @internal */
  onTrainBegin(): void {
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  /** @internal */
  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    const opt = this.model?.optimizer;
    if (current === undefined || !opt) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const better = this.mode === "min" ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0 && ++this.wait >= this.patience) {
      const old = opt.learningRate;
      if (old > Math.fround(this.minLr)) {
        opt.learningRate = Math.max(old * this.factor, this.minLr);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}

/** A monitored key and its direction, checked ("auto": higher is better for accuracy keys, as Keras). */
function watch(what: string, monitor: unknown, mode: unknown): { monitor: string; mode: "min" | "max" } {
  const m = monitor ?? "val_loss";
  if (typeof m !== "string" || m === "") throw invalid(`${what}({ monitor })`, monitor, "a History key such as 'val_loss'");
  const md = mode ?? "auto";
  if (!["auto", "min", "max"].includes(md as string)) throw invalid(`${what}({ mode })`, mode, "'auto', 'min' or 'max'");
  return { monitor: m, mode: md === "auto" ? (/acc/.test(m) ? "max" : "min") : (md as "min" | "max") };
}

/** The error for a key fit will not log. */
function unlogged(what: string, key: string, keys: string[]) {
  return invalid(what, key, `one of the keys fit() logs: ${keys.map((k) => `'${k}'`).join(", ")}`);
}

function count(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw invalid(what, v, "a non-negative integer");
  return v;
}

/** The options of callbacks.modelCheckpoint, Keras's names. */
export interface ModelCheckpointArgs {
  /** The logged key that decides what is best ("val_loss"). */
  monitor?: string;
  /** Save only when `monitor` improves on the best so far (false: every epoch). */
  saveBestOnly?: boolean;
  /** "min", "max", or "auto" (the default: "max" for accuracy keys, else "min"). */
  mode?: "auto" | "min" | "max";
  /** Save the optimizer state too, so that training resumes bit for bit (false). */
  includeOptimizer?: boolean;
}

/** What modelCheckpoint saves with: model.save. */
interface Saver {
  save(target: string, options: { includeOptimizer: boolean }): Promise<unknown>;
}

/**
 * Saves the model after each epoch, or only when `monitor` improves (Keras's ModelCheckpoint). The target
 * is any model.save target; `{epoch}` in it becomes the epoch's number (from 1, as Keras), `{epoch:03d}`
 * zero-padded, and `{val_loss:.4f}` (any logged key) the value.
 */
export class ModelCheckpoint implements Callback {
  /** The save target, with its {placeholders}. */
  readonly target: string;
  /** The logged key watched with saveBestOnly. */
  readonly monitor: string;
  /** Whether only improvements are saved. */
  readonly saveBestOnly: boolean;
  /** Whether lower ("min") or higher ("max") is better. */
  readonly mode: "min" | "max";
  /** Whether the optimizer state is saved too. */
  readonly includeOptimizer: boolean;
  /** The targets saved to so far, in order. */
  readonly saved: string[] = [];
  private model?: ModelLike;
  private best = 0;

  /** Use `callbacks.modelCheckpoint(target, args)`. */
  constructor(target: string, a: ModelCheckpointArgs = {}) {
    const what = "callbacks.modelCheckpoint";
    if (typeof target !== "string" || target === "") throw invalid(`${what}(target)`, target, "a save target: a path, file://, indexeddb://, localstorage:// or downloads:// (may hold {epoch})");
    checkOptions(`${what}(target, args)`, a, ["monitor", "saveBestOnly", "mode", "includeOptimizer"]);
    for (const k of ["saveBestOnly", "includeOptimizer"] as const) if (a[k] !== undefined && typeof a[k] !== "boolean") throw invalid(`${what}({ ${k} })`, a[k], "true or false");
    this.target = target;
    ({ monitor: this.monitor, mode: this.mode } = watch(what, a.monitor, a.mode));
    this.saveBestOnly = a.saveBestOnly ?? false;
    this.includeOptimizer = a.includeOptimizer ?? false;
  }

  /** @internal */
  setModel(model: ModelLike): void {
    this.model = model;
  }

  /** @internal */
  checkKeys(keys: string[]): void {
    const need = [...(this.saveBestOnly ? [this.monitor] : []), ...[...this.target.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((k) => k !== "epoch")];
    for (const k of need) if (!keys.includes(k)) throw unlogged("callbacks.modelCheckpoint", k, keys);
  }

  /** @internal */
  onTrainBegin(): void {
    this.best = this.mode === "min" ? Infinity : -Infinity;
  }

  /** @internal */
  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (!(this.mode === "min" ? current < this.best : current > this.best)) return;
      this.best = current;
    }
    const target = this.target.replace(PLACEHOLDER, (_, key: string, pad?: string, digits?: string) => {
      const v = key === "epoch" ? epoch + 1 : logs[key];
      if (digits !== undefined) return v.toFixed(Number(digits));
      return pad ? String(v).padStart(Number(pad), "0") : String(v);
    });
    await (this.model as unknown as Saver).save(target, { includeOptimizer: this.includeOptimizer });
    this.saved.push(target);
  }
}

/** {key}, {key:03d} (zero-padded integer), {key:.4f} (fixed decimals). */
const PLACEHOLDER = /\{(\w+)(?::(?:0(\d+)d|\.(\d+)f))?\}/g;

/** The options of callbacks.csvLogger, Keras's names. */
export interface CSVLoggerArgs {
  /** The field separator (","). */
  separator?: string;
  /** Append to an existing file instead of starting it afresh (false). */
  append?: boolean;
}

/**
 * Writes each epoch's logs as a CSV line to a file (Keras's CSVLogger): a header "epoch" and the logged
 * keys in sorted order, then a row per epoch. Node, Deno and Bun (it writes a file).
 */
export class CSVLogger implements Callback {
  /** The file written. */
  readonly path: string;
  /** The field separator. */
  readonly separator: string;
  /** Whether rows are appended to an existing file. */
  readonly append: boolean;
  private keys?: string[];
  private readonly fs: typeof import("node:fs");

  /** Use `callbacks.csvLogger(path, args)`. */
  constructor(path: string, a: CSVLoggerArgs = {}) {
    const what = "callbacks.csvLogger";
    if (typeof path !== "string" || path === "") throw invalid(`${what}(path)`, path, "a file path");
    checkOptions(`${what}(path, args)`, a, ["separator", "append"]);
    if (a.separator !== undefined && (typeof a.separator !== "string" || a.separator === "" || /[\r\n]/.test(a.separator))) throw invalid(`${what}({ separator })`, a.separator, "a non-empty string without line breaks");
    if (a.append !== undefined && typeof a.append !== "boolean") throw invalid(`${what}({ append })`, a.append, "true or false");
    const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
    if (!fs) throw invalid(`${what}(path)`, path, "used where files can be written (Node, Deno, Bun); here there is no file system");
    this.fs = fs;
    this.path = path;
    this.separator = a.separator ?? ",";
    this.append = a.append ?? false;
  }

  /** @internal */
  onTrainBegin(): void {
    this.keys = undefined;
    if (!this.append) this.fs.writeFileSync(this.path, "");
  }

  /** @internal */
  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const sep = this.separator;
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      const empty = !this.fs.existsSync(this.path) || this.fs.statSync(this.path).size === 0;
      if (empty) this.fs.appendFileSync(this.path, ["epoch", ...this.keys].join(sep) + "\n");
    }
    this.fs.appendFileSync(this.path, [epoch, ...this.keys.map((k) => logs[k])].join(sep) + "\n");
  }
}

/** The hooks callbacks.lambda takes. */
export type LambdaArgs = Pick<Callback, "onTrainBegin" | "onTrainEnd" | "onEpochBegin" | "onEpochEnd" | "onBatchBegin" | "onBatchEnd">;

/** The built-in callbacks, by TF.js's and Keras's names. */
export const callbacks = {
  /** Stops when `monitor` has not improved for `patience` epochs; with restoreBestWeights, the best epoch's weights come back. */
  earlyStopping: (a?: EarlyStoppingArgs) => new EarlyStopping(a),
  /** Stops at the first batch whose loss or gradient is not finite, before its update (the weights stay finite). */
  terminateOnNaN: () => new TerminateOnNaN(),
  /** Sets the learning rate before each epoch to schedule(epoch, currentRate) (checked like any learning rate). */
  learningRateScheduler: (schedule: (epoch: number, lr: number) => number) => new LearningRateScheduler(schedule),
  /** Saves the model after every epoch, or only the best (Keras's ModelCheckpoint); `{epoch}` in the target is the epoch. */
  modelCheckpoint: (target: string, a?: ModelCheckpointArgs) => new ModelCheckpoint(target, a),
  /** Writes each epoch's logs to a CSV file (Keras's CSVLogger; Node, Deno, Bun). */
  csvLogger: (path: string, a?: CSVLoggerArgs) => new CSVLogger(path, a),
  /** Reduces the learning rate when `monitor` stops improving (Keras's ReduceLROnPlateau). */
  reduceLROnPlateau: (a?: ReduceLROnPlateauArgs) => new ReduceLROnPlateau(a),
  /**
   * A callback from functions (Keras's LambdaCallback): `{ onEpochEnd: (epoch, logs) => … }` and any of the
   * other hooks; an unknown key is a ValueError.
   */
  lambda: (hooks: LambdaArgs): Callback => {
    checkOptions("callbacks.lambda(hooks)", hooks, [...HOOKS]);
    for (const h of HOOKS) if (hooks[h] !== undefined && typeof hooks[h] !== "function") throw invalid(`callbacks.lambda({ ${h} })`, hooks[h], "a function");
    return { ...hooks };
  },
};
