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
    this.monitor = a.monitor ?? "val_loss";
    if (typeof this.monitor !== "string") throw invalid("callbacks.earlyStopping({ monitor })", a.monitor, "a History key such as 'val_loss'");
    this.minDelta = Math.abs(checkNumber("callbacks.earlyStopping({ minDelta })", a.minDelta ?? 0, -1e30, 1e30));
    this.patience = a.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw invalid("callbacks.earlyStopping({ patience })", a.patience, "a non-negative integer");
    const mode = a.mode ?? "auto";
    if (!["auto", "min", "max"].includes(mode)) throw invalid("callbacks.earlyStopping({ mode })", a.mode, "'auto', 'min' or 'max'");
    this.mode = mode === "auto" ? (/acc/.test(this.monitor) ? "max" : "min") : (mode as "min" | "max");
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

/** The built-in callbacks, by TF.js's and Keras's names. */
export const callbacks = {
  /** Stops when `monitor` has not improved for `patience` epochs; with restoreBestWeights, the best epoch's weights come back. */
  earlyStopping: (a?: EarlyStoppingArgs) => new EarlyStopping(a),
  /** Stops at the first batch whose loss or gradient is not finite, before its update (the weights stay finite). */
  terminateOnNaN: () => new TerminateOnNaN(),
  /** Sets the learning rate before each epoch to schedule(epoch, currentRate) (checked like any learning rate). */
  learningRateScheduler: (schedule: (epoch: number, lr: number) => number) => new LearningRateScheduler(schedule),
};
